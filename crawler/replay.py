"""Replay: answer a crawl from WARC captures instead of the network.

``ReplayDownloadHandler`` takes the place of the http/https download handlers when
``GOVARCHIVE_REPLAY_WARC`` names a WARC file or folder (crawler.settings switches the
handlers). A request is answered with the captured response of the same method, URL and
body — status, headers and the still-encoded body, so decompression, charset repair and
everything after run exactly as they did live. A URL never captured answers 404. Revisit
records (an unchanged page of an incremental crawl) resolve to the capture they refer to.

Used by ``scrapy reprocess`` (re-extract old captures with today's code) and by tests and the
demo where a crawl must not touch the network.
"""

from __future__ import annotations

import hashlib
import logging
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from crawler.urls import canonical_url

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


def warc_files(path: Path) -> list[Path]:
    """The .warc/.warc.gz files of a file or folder, oldest name first."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.name.endswith((".warc", ".warc.gz")))


def _key(method: str, url: str, body: bytes) -> tuple[str, str, str]:
    digest = hashlib.sha256(body).hexdigest() if body else ""
    return method.upper(), canonical_url(url, ()), digest


@dataclass
class Capture:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    url: str
    warc_file: str
    offset: int
    record_id: str
    payload_digest: str | None = None
    date: str | None = None


class WarcIndex:
    """Every response of a set of WARC files, by (method, URL, request-body digest)."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        self._locations: dict[tuple[str, str, str], tuple[Path, int]] = {}
        self._by_digest: dict[str, tuple[Path, int]] = {}
        self._index()

    def _index(self) -> None:
        for path in self.paths:
            pending: dict[str, tuple[str, tuple[Path, int]]] = {}  # response id -> (url, where)
            with path.open("rb") as handle:
                iterator = ArchiveIterator(handle)
                try:
                    for record in iterator:
                        headers = record.rec_headers
                        # Read the record before asking for its offset: warcio's
                        # get_record_offset() skips the unread rest of the record.
                        body = record.raw_stream.read() if record.rec_type == "request" else b""
                        where = (path, iterator.get_record_offset())
                        if record.rec_type == "response":
                            record_id = headers.get_header("WARC-Record-ID")
                            url = headers.get_header("WARC-Target-URI")
                            pending[record_id] = (url, where)
                            digest = headers.get_header("WARC-Payload-Digest")
                            if digest:
                                self._by_digest.setdefault(digest, where)
                            # a GET is answered even without its request record
                            self._locations[_key("GET", url, b"")] = where
                        elif record.rec_type == "request":
                            concurrent = headers.get_header("WARC-Concurrent-To")
                            method = record.http_headers.protocol if record.http_headers else "GET"
                            if concurrent in pending:
                                url, response_where = pending[concurrent]
                                self._locations[_key(method, url, body)] = response_where
                        elif record.rec_type == "revisit":
                            url = headers.get_header("WARC-Target-URI")
                            digest = headers.get_header("WARC-Payload-Digest")
                            if digest and digest in self._by_digest:
                                self._locations[_key("GET", url, b"")] = self._by_digest[digest]
                except (
                    EOFError,
                    zlib.error,
                    ArchiveLoadFailed,
                ) as exc:  # a file cut by a killed crawl: keep what came before
                    logger.warning("WARC %s is readable only up to a broken record: %s", path, exc)

    def __len__(self) -> int:
        return len(self._locations)

    def urls(self) -> list[str]:
        return sorted({url for _, url, _ in self._locations})

    def lookup(self, method: str, url: str, body: bytes = b"") -> Capture | None:
        where = self._locations.get(_key(method, url, body))
        if where is None and method.upper() != "GET":
            return None
        if where is None:
            return None
        path, offset = where
        with path.open("rb") as handle:
            handle.seek(offset)
            record = next(iter(ArchiveIterator(handle)))
            http = record.http_headers
            status = int(http.get_statuscode() or 200)
            body = record.raw_stream.read()
            return Capture(
                status=status,
                headers=list(http.headers),
                body=body,
                url=record.rec_headers.get_header("WARC-Target-URI"),
                warc_file=path.name,
                offset=offset,
                record_id=record.rec_headers.get_header("WARC-Record-ID"),
                payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
                date=record.rec_headers.get_header("WARC-Date"),
            )


_INDEXES: dict[tuple[Path, tuple[tuple[str, int], ...]], WarcIndex] = {}


def shared_index(source: Path) -> WarcIndex:
    """One index per set of files (the http and https handlers share it), rebuilt when a
    file changed."""
    paths = warc_files(source)
    key = (source.resolve(), tuple((p.name, p.stat().st_mtime_ns) for p in paths))
    index = _INDEXES.get(key)
    if index is None:
        index = _INDEXES[key] = WarcIndex(paths)
        logger.info("Replaying %d captured responses from %s", len(index), source)
    return index


class ReplayDownloadHandler(BaseDownloadHandler):
    """http/https download handler answering from ``GOVARCHIVE_REPLAY_WARC``."""

    lazy = False

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        source = crawler.settings.get("GOVARCHIVE_REPLAY_WARC")
        if not source:
            raise NotConfigured
        self.index = shared_index(Path(source))

    async def download_request(self, request: Request) -> Response:
        capture = self.index.lookup(request.method, request.url, request.body or b"")
        stats = self.crawler.stats
        if capture is None:
            if stats is not None:
                stats.inc_value("govarchive/replay/missing")
            return Response(url=request.url, status=404, body=b"", request=request)
        if stats is not None:
            stats.inc_value("govarchive/replay/answered")
        headers = Headers(capture.headers)
        # Chunked transfer was undone when the body was captured.
        headers.pop(b"Transfer-Encoding", None)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=capture.body)
        request.meta["warc_replayed"] = {
            "filename": capture.warc_file,
            "offset": capture.offset,
            "record_id": capture.record_id,
            "payload_digest": capture.payload_digest,
            "date": capture.date,
        }
        return cls(
            url=request.url,
            status=capture.status,
            headers=headers,
            body=capture.body,
            request=request,
        )


class ReplayAddon:
    """Switches the http/https download handlers to ``ReplayDownloadHandler`` when
    ``GOVARCHIVE_REPLAY_WARC`` is set (an add-on runs after every other setting source,
    command-line ``-s`` included), and turns off what a replay must not do: capture the
    replay again as new WARC records."""

    def update_settings(self, settings: Any) -> None:
        if not settings.get("GOVARCHIVE_REPLAY_WARC"):
            return
        handler = "crawler.replay.ReplayDownloadHandler"
        settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, "spider")
        settings.set("GOVARCHIVE_WARC_ENABLED", False, "spider")
