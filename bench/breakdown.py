"""Where a crawl's CPU goes: ``scrapy crawl disclosure`` with its stages switched off one at a
time, against the naive peer, on the same generated loopback site.

    python -m bench.breakdown [--documents 2000] [--rounds 2]

Each variant is the crawl of part 2 (``bench.crawl``) with extra ``-s`` settings; variants run
alternated, ``--rounds`` times each, and the table gives medians of CPU per response (every
process of the crawl's tree) and responses/s. The difference between the full crawl and a
variant is what that stage costs; ``GOVARCHIVE_EXTRACT_ENABLED=False`` leaves what the crawl's
own (reactor) process does besides extraction. Prints Markdown; writes nothing.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from bench.common import PROJECT, log, median, run_measured
from bench.crawl import CrawlSettings, naive_command, ours_command, scrapy_stats, served_site

VARIANTS: dict[str, list[str]] = {
    "govarchive, full": [],
    "naive peer": [],
    "govarchive, no WARC capture": ["GOVARCHIVE_WARC_ENABLED=False"],
    "govarchive, no extraction (reactor process only)": ["GOVARCHIVE_EXTRACT_ENABLED=False"],
    "govarchive, extraction in the reactor process": ["GOVARCHIVE_EXTRACT_WORKERS=0"],
}


def run_variant(name: str, base: str, settings: CrawlSettings) -> tuple[float, float]:
    """(CPU ms per response, responses/s) of one crawl."""
    work = Path(tempfile.mkdtemp(prefix="bench-breakdown-"))
    try:
        if name == "naive peer":
            command, cwd = naive_command(base, settings), work
        else:
            command, cwd = ours_command(base, work / "archive", settings), PROJECT
            for setting in VARIANTS[name]:
                command += ["-s", setting]
        run = run_measured(
            command,
            cwd=cwd,
            stdout_path=work / "stdout.txt",
            stderr_path=work / "log.txt",
            timeout=settings.timeout,
        )
        stats = scrapy_stats((work / "log.txt").read_text(encoding="utf-8", errors="replace"))
        responses = int(stats.get("response_received_count", 0))
        elapsed = float(stats.get("elapsed_time_seconds", 0.0))
        if run.returncode != 0 or not responses or not elapsed:
            raise RuntimeError(f"{name}: crawl failed (exit {run.returncode}); see {work}")
        return run.cpu / responses * 1000, responses / elapsed
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.breakdown", description=__doc__)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    settings = CrawlSettings()
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in VARIANTS}
    with served_site(args.documents, settings.page_kb) as base:
        for round_number in range(args.rounds):
            order = list(VARIANTS) if round_number % 2 == 0 else list(reversed(VARIANTS))
            for name in order:
                cpu, rate = run_variant(name, base, settings)
                log(f"breakdown {name}: {cpu:.1f} ms/response, {rate:.1f} responses/s")
                results[name].append((cpu, rate))
    full_cpu = median(cpu for cpu, _ in results["govarchive, full"])
    naive_rate = median(rate for _, rate in results["naive peer"])
    print(
        f"{args.documents:,} documents of ~{settings.page_kb} KB, {args.rounds} run(s) per "
        "variant, alternated; medians.\n"
    )
    print("| crawl | CPU ms/response | vs full | responses/s | vs naive |")
    print("|---|---:|---:|---:|---:|")
    for name, runs in results.items():
        cpu = median(c for c, _ in runs)
        rate = median(r for _, r in runs)
        print(
            f"| {name} | {cpu:.1f} | {cpu / full_cpu:.2f} | {rate:.1f} | {rate / naive_rate:.2f}× |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
