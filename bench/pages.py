"""Part 1, per-page cost: govarchive's full per-document work vs bare trafilatura vs lxml.

Contenders, each on the same page in the same process, alternated (ABC, CBA, … per page):

full         ``OfflinePipelines().process(document_from_file(path, url, content_type))``: the
             ``scrapy extract --batch`` path without process start-up (reading the saved page,
             charset repair, every configured item pipeline, the record).
trafilatura  ``trafilatura.extract(text)`` of the same page's decoded text: the floor any
             trafilatura-based pipeline pays.
lxml         ``lxml.html.document_fromstring(body)``: one parse of the bytes, for scale.

CPU time is ``time.process_time()`` around each call (all threads of the process), wall time
``time.perf_counter()``. Bounded ``functools.lru_cache`` caches of the project's own modules
(content caches such as the OpenCC line cache) are cleared before each ``full`` call, outside
the timing, so repeating a page does not turn into cache hits; ``warm_caches=True`` keeps them.
"""

from __future__ import annotations

import gc
import json
import logging
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import CORPUS, PROJECT, log, median, quantile

PROJECT_PACKAGES = ("extraction", "pipelines", "crawler", "spiders")
CONTENDERS = ("full", "trafilatura", "lxml")


@dataclass(frozen=True)
class Page:
    slug: str
    url: str
    content_type: str | None
    page_type: str
    path: Path
    body: bytes
    text: str  # decoded as the crawl would (charset repair included)


def corpus_pages(corpus: Path = CORPUS) -> list[Page]:
    """The HTML pages of ``../shared/corpus`` (see its README), bytes and decoded text."""
    from crawler.offline import response_from_file

    index = corpus / "index.jsonl"
    if not index.is_file():
        raise FileNotFoundError(f"shared corpus not found at {corpus}")
    pages = []
    for line in index.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        path = corpus / "pages" / f"{entry['slug']}.html"
        if not path.is_file():
            continue
        url = entry.get("url") or f"http://corpus.invalid/{entry['slug']}.html"
        content_type = entry.get("http_content_type")
        text = response_from_file(path, url, content_type).text
        pages.append(
            Page(
                entry["slug"], url, content_type, entry["page_type"], path, path.read_bytes(), text
            )
        )
    return pages


def content_caches() -> list[Any]:
    """Bounded lru_caches of the project's modules (content caches, not loaders)."""
    caches: dict[int, Any] = {}
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in PROJECT_PACKAGES:
            continue
        for value in vars(module).values():
            params = getattr(value, "cache_parameters", None)
            own = getattr(value, "__module__", "").split(".")[0] in PROJECT_PACKAGES
            if own and callable(params) and params().get("maxsize") is not None:
                caches[id(value)] = value
    return list(caches.values())


def make_contenders() -> dict[str, Callable[[Page], Any]]:
    import lxml.html
    import trafilatura
    from scrapy.utils.project import get_project_settings

    from crawler.offline import OfflinePipelines, document_from_file

    # In this process: the per-page CPU cost is the measure, not a worker pool's throughput.
    settings = get_project_settings()
    settings.set("GOVARCHIVE_EXTRACT_WORKERS", 0, priority="cmdline")
    pipelines = OfflinePipelines(settings)

    def full(page: Page) -> Any:
        return pipelines.process(document_from_file(page.path, page.url, page.content_type))

    def bare_trafilatura(page: Page) -> Any:
        return trafilatura.extract(page.text)

    def lxml_parse(page: Page) -> Any:
        return lxml.html.document_fromstring(page.body)

    return {"full": full, "trafilatura": bare_trafilatura, "lxml": lxml_parse}


@dataclass
class Samples:
    """CPU and wall seconds of each call, by contender, with the page each was on."""

    cpu: dict[str, list[float]] = field(default_factory=lambda: {c: [] for c in CONTENDERS})
    wall: dict[str, list[float]] = field(default_factory=lambda: {c: [] for c in CONTENDERS})
    page: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in CONTENDERS})


def measure(
    pages: list[Page],
    contenders: dict[str, Callable[[Page], Any]],
    rounds: int,
    *,
    warm_caches: bool = False,
    seed: int = 0,
    label: str = "pages",
) -> Samples:
    """Every contender on every page, ``rounds`` times; the order of pages is shuffled each
    round and the order of contenders rotates from one call to the next."""
    caches = [] if warm_caches else content_caches()
    names = list(contenders)
    samples = Samples(
        cpu={n: [] for n in names}, wall={n: [] for n in names}, page={n: [] for n in names}
    )
    rng = random.Random(seed)
    order = list(pages)
    step = 0
    started = time.perf_counter()
    for round_no in range(rounds):
        rng.shuffle(order)
        for page in order:
            rotation = names[step % len(names) :] + names[: step % len(names)]
            if step % 2:
                rotation.reverse()
            step += 1
            for name in rotation:
                if name == "full":
                    for cache in caches:
                        cache.cache_clear()
                fn = contenders[name]
                cpu0, wall0 = time.process_time(), time.perf_counter()
                fn(page)
                wall1, cpu1 = time.perf_counter(), time.process_time()
                samples.cpu[name].append(cpu1 - cpu0)
                samples.wall[name].append(wall1 - wall0)
                samples.page[name].append(page.slug)
        log(f"{label}: round {round_no + 1}/{rounds} done ({time.perf_counter() - started:.0f} s)")
    return samples


def _per_page(samples: Samples, name: str) -> dict[str, float]:
    by_page: dict[str, list[float]] = {}
    for slug, cpu in zip(samples.page[name], samples.cpu[name], strict=True):
        by_page.setdefault(slug, []).append(cpu)
    return {slug: median(values) for slug, values in by_page.items()}


def summarize(pages: list[Page], samples: Samples, rounds: int) -> dict[str, Any]:
    types = {page.slug: page.page_type for page in pages}
    kib = {page.slug: len(page.body) / 1024 for page in pages}
    result: dict[str, Any] = {
        "pages": len(pages),
        "rounds": rounds,
        "runs_per_contender": len(samples.cpu["full"]),
        "contenders": {},
    }
    for name in samples.cpu:
        cpu, wall = samples.cpu[name], samples.wall[name]
        result["contenders"][name] = {
            "cpu_median_ms": median(cpu) * 1000,
            "cpu_p90_ms": quantile(cpu, 0.9) * 1000,
            "cpu_mean_ms": sum(cpu) / len(cpu) * 1000,
            "wall_median_ms": median(wall) * 1000,
            "wall_mean_ms": sum(wall) / len(wall) * 1000,
        }
    full, bare = _per_page(samples, "full"), _per_page(samples, "trafilatura")
    ratios = {slug: full[slug] / bare[slug] for slug in full if bare.get(slug)}
    contenders = result["contenders"]
    result["ratio_of_medians"] = (
        contenders["full"]["cpu_median_ms"] / contenders["trafilatura"]["cpu_median_ms"]
    )
    result["ratio_of_totals"] = (
        contenders["full"]["cpu_mean_ms"] / contenders["trafilatura"]["cpu_mean_ms"]
    )
    result["median_page_ratio"] = median(ratios.values())
    by_type: dict[str, dict[str, float]] = {}
    for page_type in sorted(set(types.values())):
        slugs = [slug for slug in full if types[slug] == page_type]
        f = sum(full[s] for s in slugs)
        b = sum(bare[s] for s in slugs)
        by_type[page_type] = {
            "pages": len(slugs),
            "full_ms": median(full[s] for s in slugs) * 1000,
            "trafilatura_ms": median(bare[s] for s in slugs) * 1000,
            "ratio": f / b if b else float("nan"),
        }
    result["by_type"] = by_type
    worst = sorted(ratios, key=ratios.get, reverse=True)[:6]
    result["worst_pages"] = [
        {
            "slug": slug,
            "type": types[slug],
            "kib": kib[slug],
            "full_ms": full[slug] * 1000,
            "trafilatura_ms": bare[slug] * 1000,
            "ratio": ratios[slug],
        }
        for slug in worst
    ]
    costliest = sorted(full, key=full.get, reverse=True)[:6]
    result["costliest_pages"] = [
        {
            "slug": slug,
            "type": types[slug],
            "kib": kib[slug],
            "full_ms": full[slug] * 1000,
            "trafilatura_ms": bare[slug] * 1000,
            "ratio": ratios.get(slug, float("nan")),
        }
        for slug in costliest
    ]
    return result


def check_full(pages: list[Page], full: Callable[[Page], Any]) -> dict[str, str]:
    """Pages whose record carries a pipeline failure (a broken contender measures nothing)."""
    failures = {}
    for page in pages:
        error = full(page).get("error") or ""
        if "failed" in error or error.startswith("dropped by"):
            failures[page.slug] = error
    for slug, error in failures.items():
        log(f"pages: WARNING the full work failed on {slug}: {error}")
    return failures


def run(*, quick: bool, min_runs: int = 2000, warm_caches: bool = False) -> dict[str, Any]:
    logging.getLogger().setLevel(logging.WARNING)
    pages = corpus_pages()
    contenders = make_contenders()
    failures = check_full(pages, contenders["full"])
    log(f"pages: {len(pages)} corpus pages; warm-up round")
    measure(pages, contenders, 1, warm_caches=warm_caches, seed=99, label="pages warm-up")
    gc.collect()
    rounds = 2 if quick else max(1, -(-min_runs // len(pages)))
    samples = measure(pages, contenders, rounds, warm_caches=warm_caches)
    result = summarize(pages, samples, rounds)
    result["warm_caches"] = warm_caches
    result["failures"] = failures
    result["caches_cleared"] = [
        f"{c.__module__}.{c.__qualname__}" for c in ([] if warm_caches else content_caches())
    ]
    result["corpus"] = str(CORPUS.relative_to(PROJECT.parent))
    return result
