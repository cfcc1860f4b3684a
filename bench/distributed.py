"""Distributed crawling throughput: 1 vs 2 workers on one shared Redis frontier.

    python -m bench.distributed [--documents 1000] [--page-kb 30] [--repeats 3]
                                [--redis-url URL] [--out docs/benchmarks.md]

Every run crawls the same generated loopback site (``bench.site``, its own process) with
``scrapy crawl disclosure`` workers on ``REDIS_URL`` (crawler.distributed): a fresh key prefix,
a fresh archive folder, every worker given the start URL. The configurations alternate
(1, 2, 2, 1, 1, 2, …) so a drift of the machine's load hits both alike; the report gives
medians. Measured per run, from the launch of the workers:

- ``wall``: until every document is in the archive (the union of the workers' run files);
- pages/s: the workers' responses (Scrapy's ``downloader/response_count``, summed) / wall;
- documents/s (steady): 80 % of the documents / the time from 10 % to 90 % archived, which
  leaves out process start-up and the crawl's tail;
- CPU: user + system seconds of the worker processes and all their descendants (the
  extraction pool's processes too: sampled from /proc, see ``bench.common.TreeSampler``).

Workers run with the project's settings less politeness delays (AutoThrottle off,
DOWNLOAD_DELAY 0), no page budget, CONCURRENT_REQUESTS 16 and CONCURRENT_REQUESTS_PER_DOMAIN 2
per worker, ``GOVARCHIVE_REDIS_IDLE_CLOSE`` 1 s. Without ``--redis-url`` a private
``redis-server`` (from PATH) is started on a free loopback port.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bench.common import (
    PROJECT,
    TreeSampler,
    clean_env,
    log,
    machine_info,
    machine_line,
    median,
)
from bench.crawl import served_site

if TYPE_CHECKING:
    from collections.abc import Iterator

DOC = PROJECT / "docs" / "benchmarks.md"


@contextmanager
def redis_server(url: str | None) -> Iterator[str]:
    """``url`` as given, or a private redis-server on a free loopback port."""
    if url:
        yield url
        return
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit(
            "no redis-server on PATH: give --redis-url or apt-get install redis-server"
        )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as folder:
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", folder],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            time.sleep(0.3)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)


@dataclass
class Run:
    variant: str  # GOVARCHIVE_EXTRACT_WORKERS of each worker ("default": one per core)
    workers: int
    documents: int
    archived: int
    responses: int
    wall: float
    steady_docs_per_s: float
    cpu: float
    exit_codes: list[int]

    @property
    def pages_per_s(self) -> float:
        return self.responses / self.wall if self.wall else float("nan")


def _whole_lines(archive: Path) -> int:
    total = 0
    for path in archive.glob("*.jsonl*"):
        try:
            total += path.read_bytes().count(b"\n")
        except FileNotFoundError:
            continue
    return total


def _stats_responses(log_text: str) -> int:
    from bench.crawl import scrapy_stats

    return int(scrapy_stats(log_text).get("downloader/response_count", 0))


def crawl(
    base: str, redis_url: str, workers: int, documents: int, work: Path, variant: str = "default"
) -> Run:
    prefix = f"bench-{uuid.uuid4().hex[:10]}"
    archive = work / f"archive-{prefix}"
    processes: list[subprocess.Popen] = []
    samplers: list[TreeSampler] = []
    logs = []
    started = time.monotonic()
    for n in range(1, workers + 1):
        log_path = work / f"{prefix}-w{n}.log"
        logs.append(log_path)
        command = [
            sys.executable, "-m", "scrapy", "crawl", "disclosure", "-a", f"start_urls={base}",
            "-s", f"ARCHIVE_DIR={archive}",
            "-s", f"REDIS_URL={redis_url}",
            "-s", f"GOVARCHIVE_REDIS_PREFIX={prefix}",
            "-s", f"GOVARCHIVE_WORKER_ID=w{n}",
            "-s", "GOVARCHIVE_REDIS_IDLE_CLOSE=1",
            "-s", "GOVARCHIVE_REDIS_POLL=0.2",
            "-s", "CLOSESPIDER_PAGECOUNT=0",
            "-s", "CONCURRENT_REQUESTS=16",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
            "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "DOWNLOAD_DELAY=0",
            "-s", "TELNETCONSOLE_ENABLED=False",
            "-s", "LOG_LEVEL=INFO",
        ]  # fmt: skip
        if variant != "default":
            command += ["-s", f"GOVARCHIVE_EXTRACT_WORKERS={variant}"]
        with log_path.open("wb") as handle:
            processes.append(
                subprocess.Popen(
                    command, cwd=PROJECT, env=clean_env(), stdout=subprocess.DEVNULL, stderr=handle
                )
            )
        samplers.append(TreeSampler(processes[-1].pid, interval=0.2).start())
    marks: dict[float, float] = {}
    done = float("nan")
    deadline = started + 3600
    while time.monotonic() < deadline:
        count = _whole_lines(archive)
        now = time.monotonic() - started
        for fraction in (0.1, 0.9):
            if fraction not in marks and count >= fraction * documents:
                marks[fraction] = now
        if count >= documents:
            done = now
            break
        if all(p.poll() is not None for p in processes):
            break
        time.sleep(0.05)
    cpu = 0.0
    codes = []
    for process, sampler in zip(processes, samplers, strict=True):
        _, status, usage = os.wait4(process.pid, 0)
        sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        codes.append(process.returncode)
        cpu += max(usage.ru_utime + usage.ru_stime, sampler.cpu)
    archived = _whole_lines(archive)
    responses = sum(_stats_responses(path.read_text(errors="replace")) for path in logs)
    steady = (
        0.8 * documents / (marks[0.9] - marks[0.1])
        if 0.1 in marks and 0.9 in marks and marks[0.9] > marks[0.1]
        else float("nan")
    )
    shutil.rmtree(archive, ignore_errors=True)
    for path in logs:
        if all(code == 0 for code in codes):
            path.unlink(missing_ok=True)
    return Run(variant, workers, documents, archived, responses, done, steady, cpu, codes)


VARIANTS = {
    "default": "each worker's extraction pool at its default, one process per core (2)",
    "1": "one extraction process per worker (GOVARCHIVE_EXTRACT_WORKERS=1)",
}


def report(runs: list[Run], args: argparse.Namespace, machine: str, seconds: float) -> str:
    command = "python -m bench.distributed " + shlex.join(
        ["--documents", str(args.documents), "--page-kb", str(args.page_kb),
         "--repeats", str(args.repeats), "--extract-workers", args.extract_workers]
    )  # fmt: skip
    lines = [
        (
            f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `{command}` "
            f"({seconds / 60:.0f} min). {machine}."
        ),
        "",
        (
            f"{args.documents} documents of about {args.page_kb} KB on a loopback `bench.site`, "
            "crawled by `scrapy crawl disclosure` workers sharing one Redis frontier "
            "(`REDIS_URL`, `crawler/distributed.py`), every worker given the start URL; runs "
            "alternate between the configurations, medians of "
            f"{args.repeats} runs each. Wall: from launching the workers until every document is "
            "archived (process start-up included, the idle wait before exit not). Pages/s: all "
            "workers' responses / wall. Documents/s (steady): between 10 % and 90 % archived. "
            "CPU: user + system seconds of the worker processes and their extraction pools."
        ),
        "",
        (
            "| extraction processes | workers | wall s | pages/s | vs 1 worker | "
            "documents/s (steady) | CPU s | archived / documents |"
        ),
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for variant in dict.fromkeys(r.variant for r in runs):
        mine = [r for r in runs if r.variant == variant]
        base = median(r.pages_per_s for r in mine if r.workers == 1)
        for n in sorted({r.workers for r in mine}):
            group = [r for r in mine if r.workers == n]
            pages = median(r.pages_per_s for r in group)
            label = "per core (default)" if variant == "default" else f"{variant} per worker"
            lines.append(
                f"| {label} | {n} | {median(r.wall for r in group):.1f} | {pages:.1f} | "
                f"{pages / base:.2f}× | {median(r.steady_docs_per_s for r in group):.1f} | "
                f"{median(r.cpu for r in group):.1f} | "
                f"{median(r.archived for r in group):.0f} / {args.documents} |"
            )
    lines += [
        "",
        (
            "The extraction pool (`pipelines/extract.py`) runs one process per core by default, "
            "so one worker alone can keep both cores of this machine busy, and two workers on it "
            "run two pools on the same two cores. With one extraction process per worker, each "
            "worker stands for one core's worth of crawling, as one worker per core or per "
            "machine of a multi-machine crawl does."
        ),
    ]
    lines += ["", "Runs in order:", ""]
    lines += [
        f"- {VARIANTS.get(r.variant, r.variant)}, {r.workers} worker"
        f"{'s' if r.workers > 1 else ''}: wall {r.wall:.1f} s, "
        f"{r.responses} responses, {r.pages_per_s:.1f} pages/s, steady "
        f"{r.steady_docs_per_s:.1f} documents/s, CPU {r.cpu:.1f} s, archived {r.archived}, "
        f"exit {r.exit_codes}"
        for r in runs
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.distributed", description=__doc__)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--page-kb", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--extract-workers",
        default="default,1",
        help="comma-separated GOVARCHIVE_EXTRACT_WORKERS per worker to compare "
        "('default': one per core)",
    )
    parser.add_argument("--redis-url", default=os.environ.get("GOVARCHIVE_BENCH_REDIS_URL"))
    parser.add_argument(
        "--out", type=Path, default=DOC, help="Markdown file to write ('-': stdout)"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    machine = machine_line(machine_info())
    variants = [v.strip() for v in args.extract_workers.split(",") if v.strip()]
    order: list[tuple[str, int]] = []
    for step in range(args.repeats * len(variants)):
        variant = variants[step % len(variants)]
        order += [(variant, n) for n in ([1, 2] if step % 2 == 0 else [2, 1])]
    runs: list[Run] = []
    with (
        tempfile.TemporaryDirectory(prefix="bench-distributed-") as folder,
        served_site(args.documents, args.page_kb) as base,
        redis_server(args.redis_url) as redis_url,
    ):
        for variant, workers in order:
            log(f"distributed: {workers} worker(s), extraction {variant}, {args.documents} docs")
            run = crawl(base, redis_url, workers, args.documents, Path(folder), variant)
            log(
                f"  wall {run.wall:.1f} s, {run.pages_per_s:.1f} pages/s, "
                f"archived {run.archived}, exit {run.exit_codes}"
            )
            runs.append(run)
    text = report(runs, args, machine, time.monotonic() - started)
    if str(args.out) == "-":
        sys.stdout.write(text)
    else:
        from bench import report as bench_report

        # Its own section of docs/benchmarks.md; the rest of the file is left as it is.
        bench_report.update(args.out, {"distributed": text})
        log(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
