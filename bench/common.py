"""What the benchmark parts share: paths, statistics, the machine line, process-tree RSS."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT.parent / "shared" / "corpus"
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def median(values: Iterable[float]) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


def quantile(values: Iterable[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[index]


def log(message: str) -> None:
    """Progress on stderr (stdout may carry the report)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the machine --------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / (1024 * 1024)
    except OSError:
        pass
    return float("nan")


def _git_revision() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT, capture_output=True, text=True, check=True, timeout=10,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT, capture_output=True, text=True, check=True, timeout=10,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return rev + (" + uncommitted changes" if dirty else "")


def machine_info() -> dict[str, str]:
    """The facts a reader needs to compare numbers: CPU, cores, versions, date, load."""
    import lxml.etree
    import scrapy
    import trafilatura

    load = os.getloadavg()
    return {
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count()),
        "memory": f"{_memory_gib():.0f} GiB",
        "python": platform.python_version(),
        "scrapy": scrapy.__version__,
        "trafilatura": trafilatura.__version__,
        "lxml": lxml.etree.__version__,
        "libxml2": ".".join(map(str, lxml.etree.LIBXML_VERSION)),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
        "revision": _git_revision(),
    }


def machine_line(info: dict[str, str]) -> str:
    return (
        f"{info['cpu']}, {info['cores']} cores, {info['memory']}; Python {info['python']}, "
        f"Scrapy {info['scrapy']}, trafilatura {info['trafilatura']}, lxml {info['lxml']} "
        f"(libxml2 {info['libxml2']}); {info['date']}; load average at start {info['load']}; "
        f"revision {info['revision']}"
    )


# --- resident memory of a process tree ----------------------------------------------------------


def _children_map(cpu: dict[int, float] | None = None) -> dict[int, list[int]]:
    """Each pid's children; with ``cpu``, also each process's own user + system seconds."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as stat:
                data = stat.read()
        except OSError:
            continue
        # pid (comm) state ppid …: comm may hold spaces and parentheses, so split after it.
        fields = data[data.rfind(b")") + 2 :].split()
        ppid = int(fields[1])
        children.setdefault(ppid, []).append(int(entry.name))
        if cpu is not None:  # utime, stime: fields 14 and 15 of stat(5), in clock ticks
            cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return children


def tree_pids(root: int, cpu: dict[int, float] | None = None) -> list[int]:
    """``root`` and all its descendants that are alive now (with ``cpu``: see _children_map)."""
    children = _children_map(cpu)
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children.get(pid, ()))
    return pids


def rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


@dataclass
class TreeSampler:
    """Samples the summed RSS of a process and its descendants until stopped, and the CPU
    seconds each of them has used (wait4() of the root misses descendants it never waits for:
    a multiprocessing forkserver's workers are reaped by the forkserver, which is itself left
    to exit after the root)."""

    root: int
    interval: float = 0.1
    peak: int = 0
    peak_processes: int = 1
    samples: int = 0
    cpu_by_pid: dict[int, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> TreeSampler:
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            seen: dict[int, float] = {}
            pids = tree_pids(self.root, seen)
            for pid in pids:
                self.cpu_by_pid[pid] = seen.get(pid, 0.0)
            total = sum(rss_bytes(pid) for pid in pids)
            self.samples += 1
            self.peak = max(self.peak, total)
            self.peak_processes = max(self.peak_processes, len(pids))
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def cpu(self) -> float:
        """User + system seconds of every process seen in the tree, as last sampled."""
        return sum(self.cpu_by_pid.values())


@dataclass
class ProcessRun:
    """A finished subprocess: wall time, CPU time and peak memory of its tree."""

    returncode: int
    wall: float
    cpu: float  # user + system of the whole tree: max(wait4(), the sampler's per-process sum)
    peak_rss: int  # max(sampled sum over the tree, the kernel's maxrss of the process)
    maxrss: int  # the kernel's peak RSS of the largest single process
    processes: int  # most processes seen alive at once in the tree


def clean_env() -> dict[str, str]:
    """This environment without Scrapy's project variables (SCRAPY_SETTINGS_MODULE …, which
    ``get_project_settings()`` in this process may have set): each crawl finds its own."""
    return {key: value for key, value in os.environ.items() if not key.startswith("SCRAPY_")}


def run_measured(
    command: list[str], *, cwd: Path, stdout_path: Path, stderr_path: Path, timeout: float
) -> ProcessRun:
    """Run ``command``, sampling its tree's RSS and CPU; maxrss comes from wait4()."""
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            command, cwd=cwd, env=clean_env(), stdout=out, stderr=err, stdin=subprocess.DEVNULL
        )
        sampler = TreeSampler(proc.pid).start()
        deadline = started + timeout
        status = None
        while status is None:
            pid, wait_status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                status = wait_status
                break
            if time.perf_counter() > deadline:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        wall = time.perf_counter() - started
        sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
    maxrss = usage.ru_maxrss * 1024  # KiB on Linux
    return ProcessRun(
        returncode=proc.returncode,
        wall=wall,
        cpu=max(usage.ru_utime + usage.ru_stime, sampler.cpu),
        peak_rss=max(sampler.peak, maxrss),
        maxrss=maxrss,
        processes=sampler.peak_processes,
    )


def mib(size: float) -> str:
    return f"{size / (1024 * 1024):.0f} MiB"
