"""Part 2, crawl throughput: ``scrapy crawl disclosure`` vs the naive peer on the generated site.

Both crawl the same ``bench.site`` server (its own process), alternating (ours, naive, naive,
ours, …), each run a fresh process with a fresh output folder. Ours runs with the project's
settings minus politeness delays (AutoThrottle off, DOWNLOAD_DELAY 0), no page budget and no
incremental state; the naive peer (``bench/naive_spider.py``) runs from outside the project,
with Scrapy's defaults and robots off. Both get the same CONCURRENT_REQUESTS and
CONCURRENT_REQUESTS_PER_DOMAIN. Measured per run: responses/s and documents/s over Scrapy's
``elapsed_time_seconds``, CPU seconds of every process of the tree (wait4 and /proc samples:
``bench.common.TreeSampler``), and peak RSS of the whole process tree (summed
/proc samples every 0.1 s, and the kernel's maxrss).
"""

from __future__ import annotations

import ast
import json
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.common import PROJECT, ProcessRun, clean_env, log, median, run_measured

DOCUMENT_PATH = re.compile(r"^/xxgk/[a-z0-9]+/(?:\d{6}/t\d{8}_\d+|content_\d+)\.html$")


@dataclass(frozen=True)
class CrawlSettings:
    concurrent_requests: int = 16
    concurrent_requests_per_domain: int = 2
    page_kb: int = 30
    timeout: float = 4 * 3600

    def scrapy_args(self) -> list[str]:
        return [
            "-s", f"CONCURRENT_REQUESTS={self.concurrent_requests}",
            "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={self.concurrent_requests_per_domain}",
            "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "DOWNLOAD_DELAY=0",
            "-s", "TELNETCONSOLE_ENABLED=False",
            "-s", "LOG_LEVEL=INFO",
        ]  # fmt: skip


@contextmanager
def served_site(documents: int, page_kb: int = 30, seed: int = 0) -> Iterator[str]:
    """A ``bench.site`` server in its own process; yields its base URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.site", "--documents", str(documents),
         "--page-kb", str(page_kb), "--seed", str(seed), "--stdin-stop"],
        cwd=PROJECT, env=clean_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        base = proc.stdout.readline().strip()
        if not base.startswith("http://"):
            raise RuntimeError(f"bench.site did not start: {base!r}")
        yield base
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def scrapy_stats(log_text: str) -> dict[str, Any]:
    """The final stats dump of a Scrapy log as a dict (values as Python literals)."""
    start = log_text.rfind("Dumping Scrapy stats:")
    if start < 0:
        return {}
    body = log_text[log_text.index("{", start) :]
    depth, end = 0, 0
    for i, char in enumerate(body):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                end = i + 1
                break
    text = re.sub(r"datetime\.datetime\([^)]*\)", "None", body[:end])
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return {key: int(value) for key, value in re.findall(r"'([\w/.-]+)': (\d+)[,}\n]", text)}


@dataclass
class CrawlRun:
    contender: str
    documents_expected: int
    documents: int
    responses: int
    elapsed: float  # Scrapy's elapsed_time_seconds (spider open → close)
    wall: float  # process start → exit
    cpu: float
    peak_rss: int
    maxrss: int
    processes: int
    returncode: int

    @property
    def pages_per_s(self) -> float:
        return self.responses / self.elapsed if self.elapsed else float("nan")

    @property
    def docs_per_s(self) -> float:
        return self.documents / self.elapsed if self.elapsed else float("nan")

    @property
    def cpu_ms_per_page(self) -> float:
        return self.cpu / max(1, self.responses) * 1000

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            pages_per_s=self.pages_per_s,
            docs_per_s=self.docs_per_s,
            cpu_ms_per_page=self.cpu_ms_per_page,
        )
        return data


def _finish(contender: str, expected: int, run: ProcessRun, stats: dict, docs: int) -> CrawlRun:
    return CrawlRun(
        contender=contender,
        documents_expected=expected,
        documents=docs,
        responses=int(stats.get("downloader/response_count", 0)),
        elapsed=float(stats.get("elapsed_time_seconds", 0.0) or run.wall),
        wall=run.wall,
        cpu=run.cpu,
        peak_rss=run.peak_rss,
        maxrss=run.maxrss,
        processes=run.processes,
        returncode=run.returncode,
    )


def ours_command(base: str, archive: Path, settings: CrawlSettings) -> list[str]:
    return [
        sys.executable, "-m", "scrapy", "crawl", "disclosure",
        "-a", f"start_urls={base}",
        "-s", f"ARCHIVE_DIR={archive}",
        "-s", "CLOSESPIDER_PAGECOUNT=0",
        "-s", "GOVARCHIVE_INCREMENTAL_ENABLED=False",
        *settings.scrapy_args(),
    ]  # fmt: skip


def naive_command(base: str, settings: CrawlSettings) -> list[str]:
    return [
        sys.executable, "-m", "scrapy", "runspider", str(PROJECT / "bench" / "naive_spider.py"),
        "-a", f"start_url={base}",
        "-O", "out.jsonl",
        *settings.scrapy_args(),
    ]  # fmt: skip


def crawl_ours(base: str, documents: int, settings: CrawlSettings, work: Path) -> CrawlRun:
    archive = work / "archive"
    run = run_measured(
        ours_command(base, archive, settings),
        cwd=PROJECT,
        stdout_path=work / "stdout.txt",
        stderr_path=work / "log.txt",
        timeout=settings.timeout,
    )
    stats = scrapy_stats((work / "log.txt").read_text(encoding="utf-8", errors="replace"))
    docs = int(stats.get("govarchive/archive/records", stats.get("item_scraped_count", 0)))
    return _finish("govarchive", documents, run, stats, docs)


def crawl_naive(base: str, documents: int, settings: CrawlSettings, work: Path) -> CrawlRun:
    # Outside the project folder, so Scrapy finds no scrapy.cfg and uses its own defaults.
    run = run_measured(
        naive_command(base, settings),
        cwd=work,
        stdout_path=work / "stdout.txt",
        stderr_path=work / "log.txt",
        timeout=settings.timeout,
    )
    stats = scrapy_stats((work / "log.txt").read_text(encoding="utf-8", errors="replace"))
    docs = 0
    out = work / "out.jsonl"
    if out.is_file():
        prefix = base.rstrip("/")
        with out.open(encoding="utf-8") as lines:
            for line in lines:
                url = json.loads(line)["url"]
                if url.startswith(prefix) and DOCUMENT_PATH.match(url[len(prefix) :]):
                    docs += 1
    return _finish("naive", documents, run, stats, docs)


CRAWLERS = {"govarchive": crawl_ours, "naive": crawl_naive}


def alternate(
    documents: int,
    rounds: int,
    settings: CrawlSettings,
    contenders: tuple[str, ...] = ("govarchive", "naive"),
) -> list[CrawlRun]:
    """``rounds`` runs of each contender on one site, alternating (AB, BA, AB …). A run that
    fails or misses documents keeps its folder (log included) and says where."""
    runs: list[CrawlRun] = []
    with served_site(documents, settings.page_kb) as base:
        for round_no in range(rounds):
            order = contenders if round_no % 2 == 0 else tuple(reversed(contenders))
            for name in order:
                work = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
                keep = False
                try:
                    log(f"crawl: {name}, {documents} documents, round {round_no + 1}/{rounds}")
                    started = time.perf_counter()
                    run = CRAWLERS[name](base, documents, settings, work)
                    log(
                        f"crawl: {name} done in {time.perf_counter() - started:.0f} s: "
                        f"{run.responses} responses, {run.documents} documents, "
                        f"{run.pages_per_s:.1f} pages/s, peak RSS {run.peak_rss >> 20} MiB"
                    )
                    if run.returncode != 0 or run.documents != documents:
                        keep = True
                        log(f"crawl: WARNING {name} exited {run.returncode}; its log: {work}")
                    runs.append(run)
                finally:
                    if not keep:
                        shutil.rmtree(work, ignore_errors=True)
    return runs


def summarize(runs: list[CrawlRun]) -> dict[str, Any]:
    by: dict[str, list[CrawlRun]] = {}
    for run in runs:
        by.setdefault(run.contender, []).append(run)
    out: dict[str, Any] = {"runs": [run.as_dict() for run in runs], "contenders": {}}
    for name, group in by.items():
        out["contenders"][name] = {
            "runs": len(group),
            "pages_per_s": median(r.pages_per_s for r in group),
            "docs_per_s": median(r.docs_per_s for r in group),
            "responses": median(r.responses for r in group),
            "documents": median(r.documents for r in group),
            "elapsed_s": median(r.elapsed for r in group),
            "cpu_ms_per_page": median(r.cpu_ms_per_page for r in group),
            "peak_rss": median(r.peak_rss for r in group),
            "max_peak_rss": max(r.peak_rss for r in group),
            "processes": max(r.processes for r in group),
            "complete": all(
                r.returncode == 0 and r.documents == r.documents_expected for r in group
            ),
        }
    contenders = out["contenders"]
    if "govarchive" in contenders and "naive" in contenders:
        ours, naive = contenders["govarchive"], contenders["naive"]
        out["ratio_pages_per_s"] = ours["pages_per_s"] / naive["pages_per_s"]
        out["ratio_docs_per_s"] = ours["docs_per_s"] / naive["docs_per_s"]
        out["ratio_peak_rss"] = ours["peak_rss"] / naive["peak_rss"]
    return out


def run(
    *, quick: bool, documents: int | None, rounds: int | None, settings: CrawlSettings
) -> tuple[dict[str, Any], list[CrawlRun]]:
    """Part 2: the summary, and the runs (part 3 reuses ours for its memory table)."""
    documents = documents or (300 if quick else 5000)
    rounds = rounds or (1 if quick else 3)
    runs = alternate(documents, rounds, settings)
    result = summarize(runs)
    naive = naive_command("BASE", settings)[3:]
    naive[1] = str(Path(naive[1]).relative_to(PROJECT))
    result.update(
        documents=documents,
        rounds=rounds,
        settings=asdict(settings),
        command_ours="scrapy " + shlex.join(ours_command("BASE", Path("TMP"), settings)[3:]),
        command_naive="scrapy " + shlex.join(naive),
    )
    return result, runs
