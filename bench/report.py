"""docs/benchmarks.md: generated sections between markers, hand-written text kept as it is.

A section is ``<!-- bench:begin NAME -->`` … ``<!-- bench:end NAME -->``; a run rewrites the
sections of the parts it ran (and the summary and machine sections) and leaves everything else,
including the hand-written intro and analysis, untouched. A missing file is created from
``TEMPLATE``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from bench.common import mib

PAGE_RATIO_TARGET = 1.3
CRAWL_RATIO_TARGET = 1.5
RSS_SPREAD_TARGET = 0.20

TEMPLATE = """# Benchmarks

Numbers of govarchive's own work against the floor it is built on, on this project's 2-core
machine. They are benchmarks, not timed tests: each comparison runs in one invocation on the
same inputs, alternating the contenders, and reports medians and ratios. Regenerate with

    .venv/bin/python -m bench            # everything (tens of minutes); rewrites this file
    .venv/bin/python -m bench --quick    # a few minutes, smaller inputs; prints, writes nothing
    .venv/bin/python -m bench --part pages --part profile   # some parts only

`bench/` holds the harness (`bench/site.py`: the generated loopback disclosure site;
`bench/naive_spider.py`: the naive peer). Everything between `bench:begin`/`bench:end` markers
is generated; the rest of this file is written by hand and kept.

<!-- bench:begin summary -->
<!-- bench:end summary -->

<!-- bench:begin machine -->
<!-- bench:end machine -->

## 1. Per-page cost

The full per-document work (`OfflinePipelines().process(document_from_file(...))`, i.e.
`scrapy extract --batch` without process start-up) against bare `trafilatura.extract(html)` on
the same page (the floor of any trafilatura-based pipeline) and an `lxml.html` parse alone, over
the pages of `../shared/corpus`, alternated page by page. Target: full ≤ 1.3× trafilatura.

<!-- bench:begin pages -->
<!-- bench:end pages -->

## 2. Crawl throughput

`scrapy crawl disclosure` against the naive peer a user would otherwise write
(`bench/naive_spider.py`: follow same-host links, `trafilatura.extract` each page into a JSONL
feed), both on the same generated site (`bench/site.py`) served from its own process, runs
alternated, same concurrency, AutoThrottle off, no delay. Target: ours ≥ 1.5× the naive
peer's pages/s.

<!-- bench:begin crawl -->
<!-- bench:end crawl -->

## 3. Growth

Per-page cost of the full work on generated document pages from 10 KB to 2 MB, each against
bare trafilatura; peak RSS of crawls of growing sites (target: flat within 20 %).

<!-- bench:begin growth -->
<!-- bench:end growth -->

## Where the time goes

pyinstrument (1 ms sampling) over the full per-page work on the corpus and over one crawl.

<!-- bench:begin profile -->
<!-- bench:end profile -->

## 4. Distributed: 1 vs 2 workers

`scrapy crawl disclosure` workers sharing one Redis frontier (`REDIS_URL`,
`crawler/distributed.py`) on the same generated loopback site, written by
`python -m bench.distributed` (its own command: it needs `redis-server`).

<!-- bench:begin distributed -->
<!-- bench:end distributed -->

## Analysis

(Hand-written; kept across runs.)
"""

SECTIONS = ("summary", "machine", "pages", "crawl", "growth", "profile", "distributed")


def _f(value: float, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def _verdict_max(value: float, target: float) -> str:
    if value <= target:
        return f"**met** ({_f(value, 2)}× ≤ {target}×)"
    return f"**not met**: {_f(value, 2)}×, gap {_f(value - target, 2)}× over {target}×"


def _verdict_min(value: float, target: float) -> str:
    if value >= target:
        return f"**met** ({_f(value, 2)}× ≥ {target}×)"
    return f"**not met**: {_f(value, 2)}×, needs {_f(target / value, 2)}× faster to reach {target}×"


def machine_section(
    machine: str, command: str, duration: float, quick: bool, load_end: str = ""
) -> str:
    mode = "quick mode: small inputs, indicative only" if quick else "full run"
    end = f"; load average at the end {load_end}" if load_end else ""
    return (
        f"Measured on: {machine}{end}.\n\nCommand: `{command}` ({mode}, {duration / 60:.0f} min).\n"
    )


def pages_section(r: dict[str, Any], stamp: str) -> str:
    c = r["contenders"]
    lines = [
        (
            f"{r['pages']} corpus pages × {r['rounds']} rounds = {r['runs_per_contender']} runs per "
            f"contender ({stamp}). CPU = `time.process_time()` around each call."
        ),
        "",
        "| contender | CPU median ms/page | CPU p90 | CPU mean | wall median | × trafilatura (medians) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    base = c["trafilatura"]["cpu_median_ms"]
    labels = {
        "full": "govarchive full work",
        "trafilatura": "bare `trafilatura.extract`",
        "lxml": "`lxml.html` parse only",
    }
    for name, row in c.items():
        lines.append(
            f"| {labels.get(name, name)} | {_f(row['cpu_median_ms'])} | {_f(row['cpu_p90_ms'])} "
            f"| {_f(row['cpu_mean_ms'])} | {_f(row['wall_median_ms'])} "
            f"| {_f(row['cpu_median_ms'] / base, 2)}× |"
        )
    lines += [
        "",
        f"- full / trafilatura, ratio of medians: {_verdict_max(r['ratio_of_medians'], PAGE_RATIO_TARGET)}",
        (
            f"- ratio of totals (what a batch of these pages costs): {_f(r['ratio_of_totals'], 2)}×; "
            f"median of the per-page ratios: {_f(r['median_page_ratio'], 2)}×"
        ),
        (
            "- content caches cleared before each full run: "
            + (", ".join(f"`{c}`" for c in r["caches_cleared"]) or "none found")
            if not r.get("warm_caches")
            else "- content caches kept warm (`--warm-caches`)"
        ),
        *(
            [f"- ⚠ the full work failed on {len(r['failures'])} pages: {', '.join(r['failures'])}"]
            if r.get("failures")
            else []
        ),
        "",
        "By page type (medians over the pages of each type; ratio of their summed costs):",
        "",
        "| page type | pages | full ms | trafilatura ms | ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    for page_type, row in r["by_type"].items():
        lines.append(
            f"| {page_type} | {row['pages']} | {_f(row['full_ms'])} | "
            f"{_f(row['trafilatura_ms'])} | {_f(row['ratio'], 2)}× |"
        )
    lines += [
        "",
        (
            "Costliest pages of the full work, and the pages furthest over trafilatura "
            "(per-page medians):"
        ),
        "",
        "| page | type | KiB | full ms | trafilatura ms | ratio |",
        "|---|---|---:|---:|---:|---:|",
    ]
    seen = set()
    for row in r["costliest_pages"] + r["worst_pages"]:
        if row["slug"] in seen:
            continue
        seen.add(row["slug"])
        lines.append(
            f"| `{row['slug']}` | {row['type']} | {_f(row['kib'], 0)} | {_f(row['full_ms'])} | "
            f"{_f(row['trafilatura_ms'])} | {_f(row['ratio'], 2)}× |"
        )
    return "\n".join(lines) + "\n"


def crawl_section(r: dict[str, Any], stamp: str) -> str:
    s = r["settings"]
    lines = [
        (
            f"Site: {r['documents']:,} documents of ~{s['page_kb']} KB; {r['rounds']} runs each, "
            f"alternated ({stamp}); CONCURRENT_REQUESTS={s['concurrent_requests']}, "
            f"CONCURRENT_REQUESTS_PER_DOMAIN={s['concurrent_requests_per_domain']} for both. "
            "Rates are over Scrapy's `elapsed_time_seconds`; CPU is user+system of every process "
            "of the crawl's tree, extraction workers included (wait4, and /proc samples for the "
            "processes the crawl does not wait for); peak RSS is the summed RSS of the crawl's process tree (sampled every "
            "0.1 s) or the kernel's maxrss, whichever is larger."
        ),
        "",
        "| crawler | pages/s | documents/s | responses | documents | elapsed s | CPU ms/page | peak RSS | processes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in r["contenders"].items():
        flag = "" if row["complete"] else " ⚠ incomplete"
        lines.append(
            f"| {name}{flag} | {_f(row['pages_per_s'])} | {_f(row['docs_per_s'])} | "
            f"{row['responses']:,.0f} | {row['documents']:,.0f} | {_f(row['elapsed_s'])} | "
            f"{_f(row['cpu_ms_per_page'])} | {mib(row['peak_rss'])} | {row['processes']} |"
        )
    if "ratio_pages_per_s" in r:
        lines += [
            "",
            f"- govarchive / naive pages/s: {_verdict_min(r['ratio_pages_per_s'], CRAWL_RATIO_TARGET)}",
            (
                f"- documents/s ratio {_f(r['ratio_docs_per_s'], 2)}×; peak RSS ratio "
                f"{_f(r['ratio_peak_rss'], 2)}×"
            ),
        ]
    lines += ["", "Runs in the order they ran:", ""]
    lines.append("| # | crawler | pages/s | elapsed s | CPU s | peak RSS |")
    lines.append("|---:|---|---:|---:|---:|---:|")
    for i, run in enumerate(r["runs"], 1):
        lines.append(
            f"| {i} | {run['contender']} | {_f(run['pages_per_s'])} | {_f(run['elapsed'])} | "
            f"{_f(run['cpu'])} | {mib(run['peak_rss'])} |"
        )
    lines += [
        "",
        f"govarchive: `{r['command_ours']}` (from the project folder)  ",
        f"naive: `{r['command_naive']}` (from an empty folder: Scrapy's defaults)",
    ]
    return "\n".join(lines) + "\n"


def growth_section(r: dict[str, Any], stamp: str) -> str:
    lines = []
    if r.get("pages"):
        count = r["pages"][0].get("documents", 3)
        lines += [
            (
                f"Per-page cost by page size ({stamp}; CPU medians of all runs over {count} "
                "generated document page(s) of each size):"
            ),
            "",
        ]
        lines += [
            "| page size | full ms | trafilatura ms | lxml ms | full / trafilatura | full cost per KB vs 10 KB | trafilatura per KB vs 10 KB |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in r["pages"]:
            lines.append(
                f"| {row['size_kb']:,} KB | {_f(row['full_ms'])} | {_f(row['trafilatura_ms'])} | "
                f"{_f(row['lxml_ms'])} | {_f(row['ratio'], 2)}× | "
                f"{_f(row['full_per_kb_vs_smallest'], 2)} | "
                f"{_f(row['trafilatura_per_kb_vs_smallest'], 2)} |"
            )
        lines += [
            "",
            (
                "(Cost per KB relative to the 10 KB pages: 1.0 is linear growth, below 1 the fixed "
                "per-page cost amortised, above 1 superlinear.)"
            ),
            "",
        ]
    if r.get("crawl"):
        crawl = r["crawl"]
        lines += [
            "Peak RSS of `scrapy crawl disclosure` by site size:",
            "",
            "| documents | peak RSS | pages/s | CPU ms/page | runs | complete |",
            "|---:|---:|---:|---:|---:|---|",
        ]
        for row in crawl["rows"]:
            reused = " (part 2's runs)" if row["reused"] else ""
            lines.append(
                f"| {row['documents']:,} | {mib(row['peak_rss'])} | {_f(row['pages_per_s'])} | "
                f"{_f(row['cpu_ms_per_page'])} | {row['runs']}{reused} | "
                f"{'yes' if row['complete'] else 'NO'} |"
            )
        spread = crawl["spread"]
        verdict = (
            f"**met** ({spread:.0%} ≤ {RSS_SPREAD_TARGET:.0%})"
            if spread <= RSS_SPREAD_TARGET
            else f"**not met**: {spread:.0%} (target ≤ {RSS_SPREAD_TARGET:.0%})"
        )
        lines += ["", f"- spread of peak RSS (max − min) / min: {verdict}"]
    return "\n".join(lines) + "\n"


def _profile_tables(p: dict[str, Any], title: str) -> list[str]:
    lines = [f"**{title}**", ""]
    lines += ["| self time by package | % |", "|---|---:|"]
    lines += [f"| {row['name']} | {row['percent']:.1f} |" for row in p["by_package"][:12]]
    lines += ["", "| self time by function | % |", "|---|---:|"]
    lines += [f"| `{row['name']}` | {row['percent']:.1f} |" for row in p["by_function"][:12]]
    lines += ["", "| inclusive: project functions and calls out of the project | % |", "|---|---:|"]
    inclusive = [row for row in p["inclusive"] if not row["name"].startswith("bench")]
    lines += [f"| `{row['name']}` | {row['percent']:.1f} |" for row in inclusive[:20]]
    return [*lines, ""]


def profile_section(r: dict[str, Any], stamp: str) -> str:
    lines = [
        (
            f"({stamp}.) Percentages of all samples; pyinstrument's per-call overhead inflates "
            "Python-heavy code relative to C (lxml, re), so read them as shares, not timings. "
            "The crawl profile covers the crawl's main process only: work it hands to child "
            "processes (extraction workers) shows as the handing over (multiprocessing, "
            "concurrent.futures); the per-page profile shows that work itself."
        ),
        "",
    ]
    if r.get("pages"):
        p = r["pages"]
        lines += _profile_tables(
            p, f"Per-page full work: {p['runs']} page-runs over the corpus, {p['duration']:.0f} s"
        )
    if r.get("crawl"):
        p = r["crawl"]
        lines += _profile_tables(
            p,
            f"Crawl: {p['documents']:,} documents ({p['archived']:,} archived, "
            f"{p['responses']:,} responses), {p['duration']:.0f} s wall, {p['cpu_time']:.0f} s CPU",
        )
    return "\n".join(lines)


def summary_section(results: dict[str, Any], stamp: str) -> str:
    lines = [f"Targets at a glance ({stamp}):", ""]
    lines += ["| target | measured | verdict |", "|---|---:|---|"]
    pages = results.get("pages")
    if pages:
        lines.append(
            f"| per-page full work ≤ {PAGE_RATIO_TARGET}× bare trafilatura (CPU medians) "
            f"| {_f(pages['ratio_of_medians'], 2)}× | {_verdict_max(pages['ratio_of_medians'], PAGE_RATIO_TARGET)} |"
        )
    crawl = results.get("crawl")
    if crawl and "ratio_pages_per_s" in crawl:
        lines.append(
            f"| crawl ≥ {CRAWL_RATIO_TARGET}× the naive peer's pages/s "
            f"| {_f(crawl['ratio_pages_per_s'], 2)}× | {_verdict_min(crawl['ratio_pages_per_s'], CRAWL_RATIO_TARGET)} |"
        )
    growth = results.get("growth")
    if growth and growth.get("pages"):
        worst = max(growth["pages"], key=lambda row: row["ratio"])
        lines.append(
            f"| growth: full ≤ {PAGE_RATIO_TARGET}× trafilatura at every page size "
            f"| worst {_f(worst['ratio'], 2)}× at {worst['size_kb']:,} KB "
            f"| {_verdict_max(worst['ratio'], PAGE_RATIO_TARGET)} |"
        )
    if growth and growth.get("crawl"):
        spread = growth["crawl"]["spread"]
        sizes = ", ".join(f"{row['documents']:,}" for row in growth["crawl"]["rows"])
        verdict = "**met**" if spread <= RSS_SPREAD_TARGET else "**not met**"
        lines.append(
            f"| crawl peak RSS flat within {RSS_SPREAD_TARGET:.0%} ({sizes} documents) "
            f"| {spread:.0%} | {verdict} |"
        )
    return "\n".join(lines) + "\n"


_MARKER = re.compile(r"<!-- bench:begin (\w+) -->\n.*?<!-- bench:end \1 -->", re.DOTALL)


def update(path: Path, sections: dict[str, str]) -> str:
    """Rewrite ``sections`` of the file (created from TEMPLATE if missing); returns the text."""
    text = path.read_text(encoding="utf-8") if path.is_file() else TEMPLATE
    for name in SECTIONS:
        if name in sections and f"<!-- bench:begin {name} -->" not in text:
            text = (
                text.rstrip("\n") + f"\n\n<!-- bench:begin {name} -->\n<!-- bench:end {name} -->\n"
            )

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in sections:
            return match.group(0)
        body = sections[name].strip("\n")
        return f"<!-- bench:begin {name} -->\n{body}\n<!-- bench:end {name} -->"

    text = _MARKER.sub(replace, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


def render(sections: dict[str, str]) -> str:
    """The sections as one Markdown text (for --quick / --no-write)."""
    return "\n\n".join(f"<!-- {name} -->\n{sections[name].strip()}" for name in sections) + "\n"
