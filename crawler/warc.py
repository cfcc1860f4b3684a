"""Raw capture: every HTTP exchange of a crawl as WARC/1.1 request and response records.

``WarcCaptureMiddleware`` sits next to the downloader (priority 950: it sees a response before
redirects are followed and before HttpCompressionMiddleware decompresses it), so what is kept
is what the server sent: status, headers and the still-encoded body. Records are written with
warcio, one gzip member per record (so any record can be read on its own, and a crawl killed
mid-write leaves files readable up to their last whole record), into
``ARCHIVE_DIR/warc/<spider>-<UTC start>-<serial>[-<worker>].warc.gz``, rotated when a file
passes ``GOVARCHIVE_WARC_MAX_BYTES``. Each file starts with a warcinfo record.

Where a response was written is put in ``request.meta["warc"]`` = {filename, offset,
record_id, payload_digest}; the archived record carries it as its ``warc`` field.
"""

from __future__ import annotations

import io
import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.incremental import KNOWN, PROFILE_URIS, unchanged_profile

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

SOFTWARE = "govarchive (Scrapy; warcio)"


@dataclass(frozen=True)
class WarcRef:
    """Where one response record lives."""

    filename: str
    offset: int
    record_id: str
    payload_digest: str | None
    date: str | None = None  # WARC-Date: what a later revisit record refers to

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _headers(headers: Any) -> list[tuple[str, str]]:
    """Scrapy Headers → [(name, value)] as sent (latin-1, one pair per value)."""
    pairs = []
    for name, values in headers.items():
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        for value in values:
            pairs.append((key, value.decode("latin-1") if isinstance(value, bytes) else str(value)))
    return pairs


def status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class WarcFileWriter:
    """Appends request/response (and revisit) records to rotating .warc.gz files."""

    def __init__(
        self,
        directory: Path,
        prefix: str,
        max_bytes: int = 1 << 30,
        info: dict[str, str] | None = None,
    ) -> None:
        self.directory = directory
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.info = info or {}
        self.serial = 0
        self._file: BinaryIO | None = None
        self._writer: WARCWriter | None = None
        self.path: Path | None = None
        self.records = 0

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            self.serial += 1
            path = self.directory / f"{self.prefix}-{self.serial:05d}.warc.gz"
            try:
                handle = path.open("xb")
            except FileExistsError:
                continue
            break
        self._file, self.path = handle, path
        self._writer = WARCWriter(handle, gzip=True, warc_version="1.1")
        info = {"software": SOFTWARE, "format": "WARC File Format 1.1", **self.info}
        record = self._writer.create_warcinfo_record(path.name, info)
        self._write(record)

    def _write(self, record: Any) -> int:
        assert self._writer is not None
        assert self._file is not None
        offset = self._file.tell()
        self._writer.write_record(record)
        self._file.flush()  # to the kernel now: a killed crawl keeps every whole record
        self.records += 1
        return offset

    def _ready(self) -> None:
        if self._file is None or self._file.tell() >= self.max_bytes:
            self.close()
            self._open()

    def write_exchange(self, request: Request, response: Response) -> WarcRef:
        """A request record and its response record; returns where the response went."""
        self._ready()
        assert self._writer is not None
        assert self.path is not None
        parts = urlsplit(request.url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request_headers = StatusAndHeaders(
            f"{request.method} {target} HTTP/1.1",
            [("Host", parts.netloc), *_headers(request.headers)],
            is_http_request=True,
        )
        response_headers = StatusAndHeaders(
            status_line(response.status), _headers(response.headers), protocol="HTTP/1.1"
        )
        # Lengths given: warcio then digests the payloads in place instead of spooling them
        # to temporary files.
        response_record = self._writer.create_warc_record(
            response.url,
            "response",
            payload=io.BytesIO(response.body),
            length=len(response.body),
            http_headers=response_headers,
        )
        request_body = request.body or b""
        request_record = self._writer.create_warc_record(
            request.url,
            "request",
            payload=io.BytesIO(request_body),
            length=len(request_body),
            http_headers=request_headers,
        )
        request_record.rec_headers.add_header(
            "WARC-Concurrent-To", response_record.rec_headers.get_header("WARC-Record-ID")
        )
        offset = self._write(response_record)
        self._write(request_record)
        return WarcRef(
            filename=self.path.name,
            offset=offset,
            record_id=response_record.rec_headers.get_header("WARC-Record-ID"),
            payload_digest=response_record.rec_headers.get_header("WARC-Payload-Digest"),
            date=response_record.rec_headers.get_header("WARC-Date"),
        )

    def write_revisit(
        self,
        url: str,
        *,
        digest: str,
        refers_to_uri: str,
        refers_to_date: str,
        response: Response,
        profile: str,
    ) -> WarcRef:
        """A revisit record: the same payload as an earlier capture (identical-payload-digest)
        or a 304 from the server (server-not-modified)."""
        self._ready()
        assert self._writer is not None
        assert self.path is not None
        headers = StatusAndHeaders(
            status_line(response.status), _headers(response.headers), protocol="HTTP/1.1"
        )
        record = self._writer.create_revisit_record(
            url, digest, refers_to_uri, refers_to_date, http_headers=headers
        )
        record.rec_headers.replace_header("WARC-Profile", profile)
        offset = self._write(record)
        return WarcRef(
            filename=self.path.name,
            offset=offset,
            record_id=record.rec_headers.get_header("WARC-Record-ID"),
            payload_digest=digest,
            date=record.rec_headers.get_header("WARC-Date"),
        )

    def close(self) -> None:
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
        self._file = self._writer = None


def run_prefix(spider_name: str, started: datetime, worker: str | None = None) -> str:
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    return f"{spider_name}-{stamp}" + (f"-{worker}" if worker else "")


class WarcCaptureMiddleware:
    """Downloader middleware writing every exchange to WARC (see the module docstring).

    Settings: ``GOVARCHIVE_WARC_ENABLED`` (True), ``GOVARCHIVE_WARC_DIR`` (default
    ``ARCHIVE_DIR/warc``), ``GOVARCHIVE_WARC_MAX_BYTES`` (1 GiB), ``GOVARCHIVE_WORKER_ID``.
    Stats: ``govarchive/warc/records``, ``govarchive/warc/bytes``, ``govarchive/warc/files``.
    """

    def __init__(self, crawler: Crawler, directory: Path, max_bytes: int) -> None:
        self.crawler = crawler
        self.directory = directory
        self.max_bytes = max_bytes
        self.writer: WarcFileWriter | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("GOVARCHIVE_WARC_ENABLED", True):
            raise NotConfigured
        directory = settings.get("GOVARCHIVE_WARC_DIR") or str(
            Path(settings.get("ARCHIVE_DIR", "archive")) / "warc"
        )
        return cls(crawler, Path(directory), settings.getint("GOVARCHIVE_WARC_MAX_BYTES", 1 << 30))

    def spider_opened(self) -> None:
        spider = self.crawler.spider
        name = spider.name if spider is not None else "crawl"
        worker = self.crawler.settings.get("GOVARCHIVE_WORKER_ID") or None
        # What `scrapy reprocess` needs to run the same crawl again from these captures.
        arguments = {"start_urls": ",".join(getattr(spider, "start_urls", []) or [])}
        if getattr(spider, "host_patterns", None):
            arguments["allowed_hosts"] = ",".join(spider.host_patterns)
        info = {
            "spider": name,
            "spider-arguments": json.dumps(arguments, ensure_ascii=False),
            "user-agent": self.crawler.settings.get("USER_AGENT", ""),
        }
        self.writer = WarcFileWriter(
            self.directory, run_prefix(name, datetime.now(UTC), worker), self.max_bytes, info
        )

    def spider_closed(self) -> None:
        if self.writer is not None:
            self.writer.close()
            if self.crawler.stats is not None:
                self.crawler.stats.set_value("govarchive/warc/files", self.writer.serial)

    def process_response(self, request: Request, response: Response) -> Response:
        if self.writer is None or request.meta.get("warc_replayed"):
            return response
        try:
            ref = self._capture(request, response)
        except OSError:
            logger.exception("Could not write the WARC record of %s", response.url)
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("govarchive/warc/failed")
            return response
        request.meta["warc"] = ref.as_dict()
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("govarchive/warc/records")
            self.crawler.stats.inc_value("govarchive/warc/bytes", len(response.body))
        return response

    def _capture(self, request: Request, response: Response) -> WarcRef:
        """A revisit record for a known document that came back unchanged (crawler.
        incremental), else the full request/response exchange."""
        assert self.writer is not None
        profile = unchanged_profile(request, response)
        known = request.meta.get(KNOWN) or {}
        if profile is not None and known.get("warc_payload_digest") and known.get("warc_date"):
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("govarchive/warc/revisits")
            return self.writer.write_revisit(
                response.url,
                digest=known["warc_payload_digest"],
                refers_to_uri=known.get("warc_url") or response.url,
                refers_to_date=known["warc_date"],
                response=response,
                profile=PROFILE_URIS[profile],
            )
        return self.writer.write_exchange(request, response)


def read_warcinfo(path: Path) -> dict[str, str]:
    """The fields of a WARC file's warcinfo record (its first record), or {}."""
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type != "warcinfo":
                return {}
            fields = {}
            for line in record.content_stream().read().decode("utf-8", "replace").splitlines():
                name, _, value = line.partition(":")
                if value:
                    fields[name.strip()] = value.strip()
            return fields
    return {}
