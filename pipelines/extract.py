"""Extraction: body text and metadata from the fetched HTML (extraction.document)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from extraction.document import extract_document

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
    the failure is logged and counted (``govarchive/extract/failed``).
    Setting: ``GOVARCHIVE_EXTRACT_ENABLED`` (True).
    """

    def __init__(self, crawler: Crawler | None = None) -> None:
        self.stats = crawler.stats if crawler is not None else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("GOVARCHIVE_EXTRACT_ENABLED", True):
            raise NotConfigured
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
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
            document = extract_document(html, adapter.get("url"))
        except Exception as exc:  # a bad page must not stop the crawl
            adapter["error"] = f"extraction failed: {type(exc).__name__}: {exc}"
            self._count("govarchive/extract/failed")
            logger.exception("Extraction failed for %s", adapter.get("url"))
            return item
        for name in EXTRACTED_FIELDS:
            adapter[name] = getattr(document, name)
        self._join_parts(adapter)
        self._count("govarchive/extract/ok")
        return item

    def _join_parts(self, adapter: ItemAdapter) -> None:
        """A multi-page document: title and metadata come from page 1; the bodies of the
        further pages follow its body, and their attachments join its attachments."""
        parts = adapter.get("html_parts") or []
        urls = adapter.get("parts") or []
        texts = [adapter["text"]]
        for number, part_html in enumerate(parts):
            url = urls[number] if number < len(urls) else adapter.get("url")
            try:
                part = extract_document(part_html, url)
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
