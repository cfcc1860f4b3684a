"""The archive: one UTF-8 JSON Lines file per crawl run under ARCHIVE_DIR.

Written as ``<spider>-<UTC start>.jsonl.part`` and renamed to ``.jsonl`` when the crawl
closes, so a finished file is a finished run. Each record goes to the file in one ``write``
of a whole line, straight to the kernel (no user-space buffer), so a crawl killed at any
moment leaves only whole lines behind.

Why not FEEDS: feed storages buffer in user space and write under the final name; neither
"whole lines only after a kill" nor "final name only when complete" holds there. Records are
still serialised by Scrapy's own JsonLinesItemExporter.
"""

from __future__ import annotations

import io
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured
from scrapy.exporters import JsonLinesItemExporter

from crawler.records import to_record

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

PART_SUFFIX = ".part"


def run_file_name(spider_name: str, started: datetime, attempt: int = 0) -> str:
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    return f"{spider_name}-{stamp}{f'-{attempt}' if attempt else ''}.jsonl"


class RecordWriter:
    """Appends records to a JSON Lines file, one whole line per ``os.write``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        self._buffer = io.BytesIO()
        self._exporter = JsonLinesItemExporter(self._buffer, encoding="utf-8")
        self.count = 0

    def write(self, record: dict[str, Any]) -> None:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._exporter.export_item(record)
        data = memoryview(self._buffer.getvalue())
        while data:
            written = os.write(self.fd, data)
            data = data[written:]
        self.count += 1

    def close(self) -> None:
        os.fsync(self.fd)
        os.close(self.fd)


class JsonLinesArchivePipeline:
    """Writes every record to this run's archive file.

    Settings: ``ARCHIVE_DIR`` (default ``archive``), ``GOVARCHIVE_ARCHIVE_ENABLED`` (True).
    Stats: ``govarchive/archive/records``; the final path is logged and kept in the stat
    ``govarchive/archive/path``.
    """

    def __init__(self, crawler: Crawler, archive_dir: Path) -> None:
        self.crawler = crawler
        self.archive_dir = archive_dir
        self.writer: RecordWriter | None = None
        self.final_path: Path | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("GOVARCHIVE_ARCHIVE_ENABLED", True):
            raise NotConfigured
        return cls(crawler, Path(settings.get("ARCHIVE_DIR", "archive")))

    def open_spider(self) -> None:
        spider = self.crawler.spider
        name = spider.name if spider is not None else "crawl"
        self.archive_dir.mkdir(parents=True, exist_ok=True)
        started = datetime.now(UTC)
        for attempt in range(100):
            final = self.archive_dir / run_file_name(name, started, attempt)
            part = final.with_name(final.name + PART_SUFFIX)
            if final.exists():
                continue
            try:
                self.writer = RecordWriter(part)
            except FileExistsError:
                continue
            self.final_path = final
            break
        else:  # pragma: no cover - a hundred runs in one second
            raise RuntimeError(f"cannot create a run file in {self.archive_dir}")
        logger.info("Archiving to %s", part)

    def process_item(self, item: Any) -> Any:
        assert self.writer is not None, "open_spider() was not called"
        self.writer.write(to_record(item))
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("govarchive/archive/records")
        return item

    def close_spider(self) -> None:
        if self.writer is None or self.final_path is None:
            return
        self.writer.close()
        os.replace(self.writer.path, self.final_path)
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("govarchive/archive/path", str(self.final_path))
        logger.info("Archived %d records to %s", self.writer.count, self.final_path)
