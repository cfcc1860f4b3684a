"""The crawl's item pipelines, run outside a crawl: on saved pages (``scrapy extract``), in
the corpus quality gate, and later on re-processed captures.

It runs the very ITEM_PIPELINES of the settings, built with ``from_crawler`` as Scrapy builds
them, minus the ones that only make sense inside a crawl (the archive writer, the per-run
de-duplication), so a saved page gets exactly the record a crawl would have archived.
"""

from __future__ import annotations

import hashlib
import inspect
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.exceptions import DropItem, NotConfigured
from scrapy.http import HtmlResponse, Request, Response
from scrapy.settings import BaseSettings, Settings
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.project import get_project_settings

from crawler.items import DisclosureDocument
from crawler.middlewares import repair_text_response
from crawler.records import to_record
from extraction.mediatypes import DOCUMENT_TYPES, sniff_media_type

logger = logging.getLogger(__name__)

# Pipelines that belong to a crawl run, not to one page (attachments need the downloader).
CRAWL_ONLY_SWITCHES = (
    "GOVARCHIVE_ARCHIVE_ENABLED",
    "GOVARCHIVE_DEDUPE_ENABLED",
    "GOVARCHIVE_ATTACHMENTS_ENABLED",
    # Versions against the crawl-state store belong to a crawl of a site, not to one page.
    "GOVARCHIVE_INCREMENTAL_ENABLED",
)
HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "application/xml", "text/xml")


@dataclass
class _OfflineCrawler:
    """What the pipelines' from_crawler() use of a Crawler: settings, stats, spider."""

    settings: BaseSettings
    stats: Any = None
    spider: Any = None
    signals: Any = field(default=None)


class OfflinePipelines:
    """The configured item pipelines as a plain function: item in, record out."""

    def __init__(self, settings: BaseSettings | None = None) -> None:
        settings = Settings(settings.copy_to_dict() if settings else get_project_settings())
        for switch in CRAWL_ONLY_SWITCHES:
            settings.set(switch, False, priority="cmdline")
        # process() is synchronous: pages and attachment texts are read in place, not in
        # worker processes or threads.
        settings.set("GOVARCHIVE_ATTACHMENT_TEXT_THREADED", False, priority="cmdline")
        settings.set("GOVARCHIVE_EXTRACT_WORKERS", 0, priority="cmdline")
        self.crawler = _OfflineCrawler(settings=settings)
        self.crawler.stats = MemoryStatsCollector(self.crawler)  # type: ignore[arg-type]
        self.pipelines = []
        for path in settings.getwithbase("ITEM_PIPELINES"):
            try:
                self.pipelines.append(build_from_crawler(load_object(path), self.crawler))
            except NotConfigured:
                continue
        self.pipelines.sort(key=lambda p: _order(settings, p))

    @property
    def stats(self) -> dict[str, Any]:
        return self.crawler.stats.get_stats()

    def process(self, item: DisclosureDocument) -> dict[str, Any]:
        """Run ``item`` through every pipeline; failures become the record's ``error``."""
        for pipeline in self.pipelines:
            try:
                item = run_now(pipeline.process_item(item))
            except DropItem as exc:
                item.error = f"dropped by {type(pipeline).__name__}: {exc}"
                break
            except Exception as exc:  # one bad page never stops a batch
                logger.exception("%s failed on %s", type(pipeline).__name__, item.url)
                item.error = f"{type(pipeline).__name__} failed: {type(exc).__name__}: {exc}"
                break
        return to_record(item)


def run_now(result: Any) -> Any:
    """A pipeline's result, driving an ``async def process_item`` to its end. Offline, no
    stage awaits anything real (attachment text is read in place, see __init__), so the
    coroutine finishes on its first step."""
    if not inspect.iscoroutine(result):
        return result
    try:
        result.send(None)
    except StopIteration as done:
        return done.value
    result.close()
    raise RuntimeError("a pipeline awaited I/O outside a crawl")


def _order(settings: BaseSettings, pipeline: Any) -> int:
    cls = type(pipeline)
    for path, order in settings.getwithbase("ITEM_PIPELINES").items():
        if (isinstance(path, str) and path.endswith("." + cls.__name__)) or path is cls:
            return int(order)
    return 0


def response_from_file(path: Path, url: str, content_type: str | None = None) -> Response:
    """The response a server would have sent for a saved page (charset repair included).

    With no Content-Type the page is decoded as a browser would open a file: BOM, then
    <meta charset>, then the bytes themselves.
    """
    body = path.read_bytes()
    headers = {"Content-Type": content_type} if content_type else {}
    response: Response = HtmlResponse(url=url, body=body, headers=headers, request=Request(url))
    repaired, _ = repair_text_response(response)
    return repaired


def document_from_file(
    path: Path, url: str, content_type: str | None = None, title: str | None = None
) -> DisclosureDocument:
    """The raw item of a saved page, as the spider would have yielded it; a saved document
    file (PDF, DOCX, OFD …, by its bytes) becomes a file document, as a list row linking it
    would have (``title``: the list row's text, if known)."""
    body = path.read_bytes()
    kind = sniff_media_type(body[: 1 << 20], filename=path.name, media_type=content_type)
    if kind in DOCUMENT_TYPES:
        headers = {"Content-Type": content_type or kind}
        response = Response(url=url, body=body, headers=headers, request=Request(url))
        item = DisclosureDocument.from_file_response(response, title=title)
    else:
        media_type = (content_type or "text/html").split(";")[0].strip().lower()
        if media_type not in HTML_TYPES:
            raise ValueError(f"neither an HTML page nor a document file: {content_type}")
        item = DisclosureDocument.from_response(response_from_file(path, url, content_type))
    mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)
    item.fetched_at = mtime.isoformat().replace("+00:00", "Z")  # best knowledge of the fetch
    return item


def error_record(url: str, error: str) -> dict[str, Any]:
    """A record for a page that could not even be read."""
    item = DisclosureDocument(
        url=url,
        fetched_at=DisclosureDocument.now(),
        http_status=0,  # no HTTP exchange behind this record
        content_sha256=hashlib.sha256(b"").hexdigest(),  # nothing was read
    )
    item.error = error
    return to_record(item)
