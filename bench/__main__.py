"""``python -m bench``: run the benchmarks and rewrite docs/benchmarks.md.

Parts: ``pages`` (per-page cost on the corpus), ``crawl`` (crawl throughput vs the naive
peer), ``growth`` (page sizes 10 KB … 2 MB, crawl memory 1k … 20k documents), ``profile``
(pyinstrument: where the time goes). Without ``--part`` all four run, in that order.

A full run writes docs/benchmarks.md (generated sections only; the hand-written text is kept)
and docs/benchmarks.json (the raw results, merged part by part, which the summary reads).
``--quick`` uses small inputs and writes nothing unless ``--out`` is given: it prints the
Markdown on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from bench import report
from bench.common import PROJECT, log, machine_info, machine_line
from bench.crawl import CrawlSettings

PARTS = ("pages", "crawl", "growth", "profile")
DOC = PROJECT / "docs" / "benchmarks.md"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.split("\n\n")[0].strip("`")
    )
    parser.add_argument(
        "--part", action="append", choices=PARTS, help="run only this part (repeatable)"
    )
    parser.add_argument("--quick", action="store_true", help="small inputs, a few minutes")
    parser.add_argument(
        "--out", type=Path, help=f"Markdown file to update (default: {DOC} for a full run)"
    )
    parser.add_argument("--no-write", action="store_true", help="print the Markdown, write no file")
    parser.add_argument("--json", type=Path, help="also write this run's raw results here")
    parser.add_argument(
        "--documents", type=int, help="crawl part: documents of the site (default 5000)"
    )
    parser.add_argument("--rounds", type=int, help="crawl part: runs per crawler (default 3)")
    parser.add_argument(
        "--page-runs", type=int, default=2000, help="pages part: runs per contender (≥)"
    )
    parser.add_argument("--concurrency", type=int, default=16, help="CONCURRENT_REQUESTS")
    parser.add_argument("--per-domain", type=int, default=2, help="CONCURRENT_REQUESTS_PER_DOMAIN")
    parser.add_argument(
        "--warm-caches",
        action="store_true",
        help="pages part: keep the project's content caches between runs of a page",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    os.chdir(PROJECT)  # Scrapy finds scrapy.cfg (the project settings) from here
    parts = tuple(p for p in PARTS if p in (args.part or PARTS))
    command = ".venv/bin/python -m bench" + (
        " " + shlex.join(argv if argv is not None else sys.argv[1:])
        if (argv if argv is not None else sys.argv[1:])
        else ""
    )
    info = machine_info()
    log(f"{command}: parts {', '.join(parts)}; {machine_line(info)}")
    settings = CrawlSettings(
        concurrent_requests=args.concurrency, concurrent_requests_per_domain=args.per_domain
    )
    started = time.perf_counter()
    results: dict[str, Any] = {}
    stamp = info["date"] + (", quick" if args.quick else "")

    if "pages" in parts:
        from bench import pages

        results["pages"] = pages.run(
            quick=args.quick, min_runs=args.page_runs, warm_caches=args.warm_caches
        )
    crawl_runs: dict[int, list] = {}
    if "crawl" in parts:
        from bench import crawl

        results["crawl"], runs = crawl.run(
            quick=args.quick, documents=args.documents, rounds=args.rounds, settings=settings
        )
        ours = [r for r in runs if r.contender == "govarchive"]
        crawl_runs[results["crawl"]["documents"]] = ours
    if "growth" in parts:
        from bench import growth

        results["growth"] = {
            "pages": growth.page_sizes(quick=args.quick),
            "crawl": growth.crawl_memory(quick=args.quick, settings=settings, reuse=crawl_runs),
        }
    if "profile" in parts:
        from bench import profiles

        results["profile"] = profiles.run(quick=args.quick)

    duration = time.perf_counter() - started
    load_end = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results["meta"] = {
        "machine": info,
        "command": command,
        "duration_s": duration,
        "quick": args.quick,
        "parts": list(parts),
    }
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")

    out = None if args.no_write else (args.out or (None if args.quick else DOC))
    merged = dict(results)
    if out is not None:
        store = out.with_suffix(".json")
        previous = json.loads(store.read_text(encoding="utf-8")) if store.is_file() else {}
        merged = {**previous, **results}
        store.write_text(json.dumps(merged, indent=1, ensure_ascii=False) + "\n", "utf-8")
    sections = {
        "summary": report.summary_section(merged, stamp),
        "machine": report.machine_section(
            machine_line(info), command, duration, args.quick, load_end
        ),
    }
    if "pages" in results:
        sections["pages"] = report.pages_section(results["pages"], stamp)
    if "crawl" in results:
        sections["crawl"] = report.crawl_section(results["crawl"], stamp)
    if "growth" in results:
        sections["growth"] = report.growth_section(results["growth"], stamp)
    if "profile" in results:
        sections["profile"] = report.profile_section(results["profile"], stamp)
    if out is None:
        print(report.render(sections))
    else:
        report.update(out, sections)
        log(f"wrote {out} and {out.with_suffix('.json')}")
    log(f"done in {duration / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
