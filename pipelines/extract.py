"""Extraction: body text and metadata from the fetched HTML (extraction.document).

Extraction is the crawl's heaviest CPU work; it runs in worker processes (crawler.workers)
so the crawl's event loop keeps downloading while pages are being read, and both cores work.
``GOVARCHIVE_EXTRACT_WORKERS`` = 0 runs it in-process (offline tools, debugging).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from crawler.workers import WorkerError, WorkerPool, default_workers
from extraction.document import ExtractedDocument, extract_document

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

EXTRACTED_FIELDS = (
    "title", "text", "published_at", "publisher", "index_no", "doc_no", "meta", "site_name",
    "attachments",
)  # fmt: skip


class ExtractPipeline:
    """Fills title, text, dates, publisher, 索引号, 文号, meta and attachments from ``html``.

    A page that fails to extract is archived anyway, with what was fetched and an ``error``;
    the failure is logged and counted (``govarchive/extract/failed``; a page whose extraction
    timed out or killed its worker: ``govarchive/extract/worker_failed``).
    Settings: ``GOVARCHIVE_EXTRACT_ENABLED`` (True), ``GOVARCHIVE_EXTRACT_WORKERS`` (worker
    processes; default one per core, 0 = in-process), ``GOVARCHIVE_EXTRACT_TIMEOUT`` (seconds
    per page, 120).
    """

    def __init__(self, crawler: Crawler | None = None, pool: WorkerPool | None = None) -> None:
        self.crawler = crawler
        self.stats = crawler.stats if crawler is not None else None
        self.pool = pool

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("GOVARCHIVE_EXTRACT_ENABLED", True):
            raise NotConfigured
        workers = settings.get("GOVARCHIVE_EXTRACT_WORKERS")
        count = default_workers() if workers in (None, "") else int(workers)
        pool = (
            WorkerPool(count, timeout=settings.getfloat("GOVARCHIVE_EXTRACT_TIMEOUT", 120))
            if count > 0
            else None
        )
        return cls(crawler, pool)

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.close()

    def _body_selector(self) -> str | None:
        """The crawling registry site's ``selectors.body`` (spiders/sites/*.yaml), if any."""
        spider = getattr(self.crawler, "spider", None)
        site = getattr(spider, "site", None)
        selectors = getattr(site, "selectors", None)
        return getattr(selectors, "body", None)

    async def _extract(self, html: str, url: str | None) -> ExtractedDocument:
        selector = self._body_selector()
        if self.pool is None:
            return extract_document(html, url, selector)
        return await self.pool.run(extract_document, html, url, selector)

    async def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        html = adapter.get("html") or ""
        if adapter.get("status") == "gone":
            return item  # a tombstone: nothing was served to extract
        if adapter.get("file_body") and not html:
            # A document that is a file: its text comes from the attachment stages.
            self._count("govarchive/extract/file_document")
            return item
        if not html.strip():
            adapter["error"] = "empty page: nothing to extract"
            self._count("govarchive/extract/empty")
            logger.warning("Empty page, archived without text: %s", adapter.get("url"))
            return item
        try:
            document = await self._extract(html, adapter.get("url"))
        except WorkerError as exc:
            adapter["error"] = f"extraction failed: {exc}"
            self._count("govarchive/extract/failed")
            self._count("govarchive/extract/worker_failed")
            logger.error("Extraction failed for %s: %s", adapter.get("url"), exc)
            return item
        except Exception as exc:  # a bad page must not stop the crawl
            adapter["error"] = f"extraction failed: {type(exc).__name__}: {exc}"
            self._count("govarchive/extract/failed")
            logger.exception("Extraction failed for %s", adapter.get("url"))
            return item
        for name in EXTRACTED_FIELDS:
            adapter[name] = getattr(document, name)
        await self._join_parts(adapter)
        self._count("govarchive/extract/ok")
        return item

    async def _join_parts(self, adapter: ItemAdapter) -> None:
        """A multi-page document: title and metadata come from page 1; the bodies of the
        further pages follow its body, and their attachments join its attachments."""
        parts = adapter.get("html_parts") or []
        urls = adapter.get("parts") or []
        texts = [adapter["text"]]
        for number, part_html in enumerate(parts):
            url = urls[number] if number < len(urls) else adapter.get("url")
            try:
                part = await self._extract(part_html, url)
            except Exception:
                self._count("govarchive/extract/part_failed")
                logger.exception(
                    "Extraction failed for page %d of %s", number + 2, adapter.get("url")
                )
                continue
            texts.append(part.text)
            known = {a["url"] for a in adapter["attachments"]}
            adapter["attachments"] += [a for a in part.attachments if a["url"] not in known]
        adapter["text"] = "\n".join(t for t in texts if t)

    def _count(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)
