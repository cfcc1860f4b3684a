"""Part 3, growth: per-page cost from 10 KB to 2 MB pages, and crawl memory from 1k to 20k pages.

Page sizes: generated ``bench.site`` document pages (same chrome, more body text) of each size,
a few distinct documents per size; the same three contenders as part 1 (full work, bare
trafilatura, lxml parse), alternated on each page. Crawl memory: ``scrapy crawl disclosure``
over generated sites of each size (one run each; a size part 2 already crawled reuses the
median of its runs), peak RSS of the process tree.
"""

from __future__ import annotations

import gc
import logging
import shutil
import tempfile
from pathlib import Path
from typing import Any

from bench.common import log, median
from bench.crawl import CrawlRun, CrawlSettings, alternate
from bench.pages import Page, check_full, make_contenders, measure

SIZES_KB = (10, 100, 500, 2048)
REPEATS = {10: 30, 100: 15, 500: 6, 2048: 4}
QUICK_REPEATS = {10: 2, 100: 1, 500: 1, 2048: 1}
DOCUMENTS_PER_SIZE = 3
QUICK_DOCUMENTS_PER_SIZE = 1
CRAWL_SIZES = (1000, 5000, 20000)
QUICK_CRAWL_SIZES = (150, 300)


def generated_pages(size_kb: int, folder: Path, count: int = DOCUMENTS_PER_SIZE) -> list[Page]:
    from bench.site import SiteLayout

    layout = SiteLayout(max(count * 7, 12), page_kb=size_kb)
    pages = []
    for number in range(count):
        doc = layout.doc(number * 7 + 1)  # spread over columns (TRS and plain URL shapes)
        html = layout.document_page(doc.number)
        path = folder / f"{size_kb}k-{number}.html"
        path.write_text(html, encoding="utf-8")
        pages.append(
            Page(
                slug=f"{size_kb}k-{number}",
                url=f"http://127.0.0.1:8000{doc.path}",
                content_type="text/html; charset=utf-8",
                page_type=f"{size_kb} KB",
                path=path,
                body=html.encode(),
                text=html,
            )
        )
    return pages


def page_sizes(*, quick: bool, sizes: tuple[int, ...] = SIZES_KB) -> list[dict[str, Any]]:
    logging.getLogger().setLevel(logging.WARNING)
    contenders = make_contenders()
    repeats = QUICK_REPEATS if quick else REPEATS
    folder = Path(tempfile.mkdtemp(prefix="bench-growth-"))
    rows = []
    try:
        per_size = QUICK_DOCUMENTS_PER_SIZE if quick else DOCUMENTS_PER_SIZE
        for size in sizes:
            pages = generated_pages(size, folder, per_size)
            # check_full also warms up (imports, lazily built tables) on the first size.
            failures = check_full(pages[:1] if size != sizes[0] else pages, contenders["full"])
            gc.collect()
            samples = measure(
                pages, contenders, repeats.get(size, 2), seed=size, label=f"growth {size} KB"
            )
            row: dict[str, Any] = {
                "size_kb": size,
                "bytes": median(len(p.body) for p in pages),
                "documents": len(pages),
                "runs": len(samples.cpu["full"]),
                "failures": failures,
            }
            for name in samples.cpu:
                row[f"{name}_ms"] = median(samples.cpu[name]) * 1000
                row[f"{name}_wall_ms"] = median(samples.wall[name]) * 1000
            row["ratio"] = row["full_ms"] / row["trafilatura_ms"]
            rows.append(row)
            log(
                f"growth: {size} KB: full {row['full_ms']:.1f} ms, "
                f"trafilatura {row['trafilatura_ms']:.1f} ms, ratio {row['ratio']:.2f}"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    base = rows[0]
    for row in rows:
        scale = row["bytes"] / base["bytes"]
        row["full_per_kb_vs_smallest"] = row["full_ms"] / base["full_ms"] / scale
        row["trafilatura_per_kb_vs_smallest"] = (
            row["trafilatura_ms"] / base["trafilatura_ms"] / scale
        )
    return rows


def crawl_memory(
    *,
    quick: bool,
    settings: CrawlSettings,
    reuse: dict[int, list[CrawlRun]] | None = None,
    sizes: tuple[int, ...] | None = None,
) -> dict[str, Any]:
    sizes = sizes or (QUICK_CRAWL_SIZES if quick else CRAWL_SIZES)
    reuse = reuse or {}
    rows = []
    for documents in sizes:
        runs = reuse.get(documents) or alternate(documents, 1, settings, ("govarchive",))
        rows.append(
            {
                "documents": documents,
                "runs": len(runs),
                "reused": documents in reuse,
                "peak_rss": median(r.peak_rss for r in runs),
                "pages_per_s": median(r.pages_per_s for r in runs),
                "docs_per_s": median(r.docs_per_s for r in runs),
                "cpu_ms_per_page": median(r.cpu_ms_per_page for r in runs),
                "complete": all(r.returncode == 0 and r.documents == documents for r in runs),
                "processes": max(r.processes for r in runs),
            }
        )
    peaks = [row["peak_rss"] for row in rows]
    return {
        "rows": rows,
        "spread": (max(peaks) - min(peaks)) / min(peaks) if peaks else float("nan"),
    }
