"""Attachment text: read each stored attachment, and let it be the document's text when the
page only points to it.

Runs after the download stage (pipelines/attachments.py, 250) and before normalisation, so the
text it puts in ``text`` is normalised and parsed as an annual report like a page's text.

For every entry with a stored file (or the file document's own bytes), extraction.files reads
the text; the entry gets ``text_chars``, ``text_status``, ``pages``, and an ``error`` when the
text could not be read (``encrypted: …``, ``malformed: …``, ``no_text_layer: …``). Then
extraction.pointer decides whether the page is a pointer to its files or an annual report
whose content is in a file: if so ``text`` becomes the attachments' text, ``text_source``
becomes ``"attachment"``, ``text_source_urls`` lists the files and ``page_text`` keeps the
page's own text.

Reading runs in a worker thread (``GOVARCHIVE_ATTACHMENT_TEXT_THREADED``): a long PDF does not
stall the downloads of the rest of the crawl. The same file reached from several pages is
read once (an in-memory cache by SHA-256).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from extraction.attachments import file_name
from extraction.files import OK, FileText, extract_file_text
from extraction.pointer import AttachmentText, name_stem, text_attachments
from extraction.title import title_from_text

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
# pdfminer logs a warning per damaged object of a broken PDF; the entry's error says it once.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

STATS = "govarchive/attachments/text"
DEFAULT_MAX_PAGES = 200
CACHE_SIZE = 64


class AttachmentTextPipeline:
    """Fills ``text_chars``, ``text_status``, ``pages`` (and ``error`` on failure) of each
    stored attachment, and switches ``text`` to the attachments' text for pointer pages.

    Settings: ``GOVARCHIVE_ATTACHMENT_TEXT_ENABLED`` (True), ``GOVARCHIVE_FILES_STORE`` /
    ``ARCHIVE_DIR`` (where stored files are read), ``GOVARCHIVE_ATTACHMENT_MAX_PAGES`` (pages
    of a PDF read, 200), ``GOVARCHIVE_ATTACHMENT_TEXT_THREADED`` (True).
    Stats: ``govarchive/attachments/text/<status>`` per file read (ok, encrypted, malformed,
    truncated, no_text_layer, unsupported, too_large, empty), ``…/text/missing`` (stored file
    not found), ``govarchive/text_source/attachment`` (documents whose text is a file's).
    """

    def __init__(
        self,
        crawler: Crawler | None = None,
        *,
        store: Path | None = None,
        max_pages: int = DEFAULT_MAX_PAGES,
        threaded: bool = True,
    ) -> None:
        self.stats = crawler.stats if crawler is not None else None
        self.store = store
        self.max_pages = max_pages
        self.threaded = threaded
        self._cache: OrderedDict[str, FileText] = OrderedDict()
        self._cache_lock = threading.Lock()  # _read_all runs in several pool threads at once

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("GOVARCHIVE_ATTACHMENT_TEXT_ENABLED", True):
            raise NotConfigured
        return cls(
            crawler,
            store=local_store(
                settings.get("GOVARCHIVE_FILES_STORE") or settings.get("ARCHIVE_DIR", "archive")
            ),
            max_pages=settings.getint("GOVARCHIVE_ATTACHMENT_MAX_PAGES", DEFAULT_MAX_PAGES),
            threaded=settings.getbool("GOVARCHIVE_ATTACHMENT_TEXT_THREADED", True),
        )

    async def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        if adapter.get("file_body") and not adapter.get("html"):
            adapter["text_source"] = "attachment"  # a file document has no page text at all
        if not adapter.get("attachments"):
            return item
        jobs = self._jobs(adapter)
        if not jobs:
            adapter["file_body"] = b""
            return item
        if self.threaded:
            results = await maybe_deferred_to_future(deferToThread(self._read_all, jobs))
        else:
            results = self._read_all(jobs)
        return self._apply(results, item)

    # Which files, and reading them -------------------------------------------------------

    def _jobs(self, adapter: ItemAdapter) -> list[tuple[int, bytes | Path, str | None, str]]:
        """(entry index, bytes or stored path, media type, file name) per readable entry."""
        own_body = adapter.get("file_body") or b""
        jobs: list[tuple[int, bytes | Path, str | None, str]] = []
        for index, entry in enumerate(adapter.get("attachments") or []):
            url = entry.get("url") or ""
            filename = urlsplit(url).path.rsplit("/", 1)[-1] or entry.get("name") or ""
            if own_body and url == adapter.get("url"):
                media = entry.get("media_type") or adapter.get("content_type")
                jobs.append((index, own_body, media, filename))
            elif entry.get("stored_path") and not entry.get("error") and self.store is not None:
                path = self.store.joinpath(*entry["stored_path"].split("/"))
                jobs.append((index, path, entry.get("media_type"), filename))
        return jobs

    def _read_all(
        self, jobs: list[tuple[int, bytes | Path, str | None, str]]
    ) -> dict[int, FileText | None]:
        """Each job's FileText (None: the stored file is gone). Runs in a worker thread."""
        results: dict[int, FileText | None] = {}
        for index, source, media_type, filename in jobs:
            key = source.name if isinstance(source, Path) else None  # <sha256>.<ext>
            cached = self._cached(key)
            if cached is not None:
                results[index] = cached
                continue
            try:
                data = source.read_bytes() if isinstance(source, Path) else source
            except OSError:
                results[index] = None
                continue
            result = extract_file_text(
                data, media_type=media_type, filename=filename, max_pages=self.max_pages
            )
            results[index] = result
            if key is not None:
                with self._cache_lock:
                    self._cache[key] = result
                    while len(self._cache) > CACHE_SIZE:
                        self._cache.popitem(last=False)
        return results

    def _cached(self, key: str | None) -> FileText | None:
        if key is None:
            return None
        with self._cache_lock:
            result = self._cache.get(key)
            if result is not None:
                self._cache.move_to_end(key)
            return result

    def _apply(self, results: dict[int, FileText | None], item: Any) -> Any:
        adapter = ItemAdapter(item)
        entries = [dict(entry) for entry in adapter.get("attachments") or []]
        texts: dict[int, str] = {}
        for index, result in results.items():
            entry = entries[index]
            if result is None:
                entry["error"] = "stored file missing from the file store"
                self._inc("missing")
                logger.error("Stored attachment missing: %s", entry.get("stored_path"))
                continue
            entry["text_chars"] = len(result.text)
            entry["text_status"] = result.status
            entry["pages"] = result.pages
            self._inc(result.status)
            if result.status != OK:
                entry["error"] = entry.get("error") or f"{result.status}: {result.error}"
                logger.warning(
                    "Attachment text of %s: %s (%s)", entry.get("url"), result.status, result.error
                )
            if result.text:
                texts[index] = result.text
        adapter["attachments"] = entries
        self._choose(adapter, texts)
        adapter["file_body"] = b""  # read: no need to hold the bytes any longer
        return item

    # Whose text is the document's --------------------------------------------------------

    def _choose(self, adapter: ItemAdapter, texts: dict[int, str]) -> None:
        entries = adapter.get("attachments") or []
        page_text = adapter.get("text") or ""
        candidates = [
            AttachmentText(entry.get("name") or "", texts.get(index, ""))
            for index, entry in enumerate(entries)
        ]
        chosen = text_attachments(adapter.get("title"), page_text, candidates) if texts else []
        if not chosen:
            return
        adapter["page_text"] = page_text or None
        adapter["text"] = "\n".join(candidates[i].text for i in chosen)
        adapter["text_source"] = "attachment"
        adapter["text_source_urls"] = [entries[i].get("url") for i in chosen]
        if not adapter.get("title"):  # a file document no list row named
            first = chosen[0]
            name = candidates[first].name or file_name(entries[first].get("url") or "")
            adapter["title"] = title_from_text(adapter["text"]) or name_stem(name) or None
        self._count("govarchive/text_source/attachment")

    def _inc(self, status: str) -> None:
        self._count(f"{STATS}/{status}")

    def _count(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(key)


def local_store(store: str) -> Path | None:
    """The file store's directory when it is on this machine (a path or file:// URI)."""
    if store.startswith("file://"):
        return Path(store[len("file://") :])
    if "://" in store:
        return None  # s3://, gs://, ftp://: the files are not read back here
    return Path(store)
