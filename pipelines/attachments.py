"""Attachments: every file a document links to, downloaded once into a content-addressed store.

Each entry of the item's ``attachments`` (``{url, name}``, from extraction.attachments) is
fetched through Scrapy's downloader (so robots.txt, retries with backoff and throttling apply;
any host is allowed, attachments often live on a file server; redirects are followed) and
stored by the SHA-256 of its bytes::

    <store>/files/ab/cd/abcd…<64 hex>.pdf

The store is ``ARCHIVE_DIR`` unless ``GOVARCHIVE_FILES_STORE`` names another root (a directory
or any FilesPipeline store URI). The media type is extraction.mediatypes' answer (the sniffed
bytes, else the Content-Type, else the URL's extension) and the extension follows from it by a
fixed table, else ``.bin`` (a Kingsoft .wps is stored as the .doc it is; see that module):
nothing of the URL path or of a Content-Disposition file name ever reaches the stored path.
Identical content is stored once, whatever URLs it came from.

After this stage each entry reads::

    {url, name, sha256, bytes, media_type, stored_path, text_chars, error}

``stored_path`` is relative to the store root (``files/ab/cd/….pdf``), ``media_type`` comes
from the bytes (magic numbers), falling back to the Content-Type and the URL, ``text_chars`` is
left None for the text stage, and ``error`` is None or why the file is missing (``HTTP 404``,
``timeout``, ``too large (… bytes > …-byte cap)``, ``got an HTML page, not a file`` …). A failed
attachment never fails the item: the document is archived with the entry's error.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response
from scrapy.http.request import NO_CALLBACK
from scrapy.pipelines import media as scrapy_media
from scrapy.pipelines.files import FilesPipeline, FSFilesStore
from scrapy.utils.defer import ensure_awaitable
from w3lib.url import safe_url_string

from extraction.mediatypes import HTML, JSON, extension_for, media_type_of

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.pipelines.media import FileInfoOrError, MediaPipeline
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

MB = 1024 * 1024
DEFAULT_MAXSIZE = 50 * MB
DEFAULT_MAX_ATTACHMENTS = 50
DEFAULT_TIMEOUT = 180
STORE_FOLDER = "files"
STATS = "govarchive/attachments"
ENTRY_KEYS = (
    "url", "name", "sha256", "bytes", "media_type", "stored_path", "text_chars", "error",
    "text_status", "pages",
)  # fmt: skip

_SAFE_PATH = re.compile(STORE_FOLDER + r"/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}\.[a-z0-9]{1,4}")
_MAXSIZE_MESSAGE = re.compile(r"(\d+) bytes which is larger than download max size \((\d+)\)")


# Storage layout ------------------------------------------------------------------------------


def content_path(sha256: str, extension: str) -> str:
    """``files/ab/cd/<sha256><ext>``: where content with this digest lives in the store."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256) or not re.fullmatch(r"\.[a-z0-9]{1,4}", extension):
        raise ValueError(f"not a content address: {sha256!r}{extension!r}")
    return f"{STORE_FOLDER}/{sha256[:2]}/{sha256[2:4]}/{sha256}{extension}"


# Failures ------------------------------------------------------------------------------------

# Raising a subclass of Scrapy's "filtered" media exception keeps MediaPipeline from logging a
# traceback at ERROR level for every 404 (it does for any other exception); this pipeline
# logs one warning line per failure itself.
_Quiet: type[Exception] = getattr(scrapy_media, "_MediaRequestFiltered", scrapy_media.FileException)


class AttachmentError(_Quiet):  # type: ignore[misc,valid-type]
    """Why an attachment could not be stored: ``reason`` for the record, ``key`` for stats."""

    def __init__(self, reason: str, key: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.key = key


def classify_failure(exc: BaseException, maxsize: int) -> AttachmentError:
    """A download exception as a record-ready reason and a stats key."""
    if isinstance(exc, AttachmentError):
        return exc
    name = type(exc).__name__
    message = str(exc)
    sizes = _MAXSIZE_MESSAGE.search(message)
    if sizes:
        return _too_large(int(sizes.group(1)), int(sizes.group(2)))
    # Cut mid-stream (no Content-Length announced the size): the HTTP handler cancels the
    # download with a message-less DownloadCancelledError (HttpCompressionMiddleware's own
    # check says "max size" in an IgnoreRequest).
    if "max size" in message or (name == "DownloadCancelledError" and not message):
        return AttachmentError(f"too large (over the {maxsize}-byte cap)", "too_large")
    if name == "CancelledError":
        return AttachmentError("download cancelled", "cancelled")
    if isinstance(exc, IgnoreRequest):
        if "robots.txt" in message.lower():
            return AttachmentError("forbidden by robots.txt", "robots")
        return AttachmentError(f"request ignored: {message}" if message else "ignored", "ignored")
    if "Timeout" in name or "TimedOut" in name:
        return AttachmentError("timeout", "timeout")
    if "DNS" in name or "Resolve" in name:
        return AttachmentError(f"DNS lookup failed: {message}".rstrip(": "), "dns")
    if "Refused" in name:
        return AttachmentError("connection refused", "refused")
    if name in ("ConnectionLost", "ConnectionDone", "ResponseFailed", "ResponseNeverReceived",
                "ConnectError", "DownloadFailedError", "ConnectionResetError", "PotentialDataLoss"):  # fmt: skip
        return AttachmentError(f"connection failed: {name}", "connection")
    return AttachmentError(f"download failed: {name}: {message}".rstrip(": "), "error")


def _too_large(size: int, cap: int) -> AttachmentError:
    return AttachmentError(f"too large ({size} bytes > {cap}-byte cap)", "too_large")


# The pipeline --------------------------------------------------------------------------------


class AttachmentsPipeline(FilesPipeline):
    """Downloads and stores the item's attachments; fills each entry's ``sha256``, ``bytes``,
    ``media_type``, ``stored_path``, ``text_chars`` (None) and ``error``.

    Settings: ``GOVARCHIVE_ATTACHMENTS_ENABLED`` (True), ``GOVARCHIVE_FILES_STORE`` (root of
    the store; default ``ARCHIVE_DIR``), ``GOVARCHIVE_ATTACHMENT_MAXSIZE`` (bytes per file,
    default 50 MB), ``GOVARCHIVE_MAX_ATTACHMENTS`` (per document, default 50),
    ``GOVARCHIVE_ATTACHMENT_TIMEOUT`` (seconds per file, default 180).

    Stats (``govarchive/attachments/…``): ``downloaded`` (files fetched and accepted),
    ``deduplicated`` (of those, content the store already had), ``bytes`` (their size),
    ``failed`` and ``failed/<reason>`` (http_404, timeout, too_large, html_page, robots …),
    ``too_large``, ``skipped/<reason>`` (not_http, over_cap: entries never requested).
    """

    MEDIA_NAME = "attachment"
    LOG_FAILED_RESULTS = False

    def __init__(
        self,
        store_uri: str | os.PathLike[str],
        *,
        crawler: Crawler,
        maxsize: int = DEFAULT_MAXSIZE,
        max_attachments: int = DEFAULT_MAX_ATTACHMENTS,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(store_uri, crawler=crawler)
        self.maxsize = maxsize
        self.max_attachments = max_attachments
        self.timeout = timeout
        self.stats = crawler.stats
        # Follow redirects (a file server moving http → https, a servlet answering 302 to the
        # file); every other status reaches media_downloaded, which reports it.
        self.allow_redirects = True
        self._handle_statuses(True)
        self.root = Path(self.store.basedir) if isinstance(self.store, FSFilesStore) else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("GOVARCHIVE_ATTACHMENTS_ENABLED", True):
            raise NotConfigured
        store = settings.get("GOVARCHIVE_FILES_STORE") or settings.get("ARCHIVE_DIR", "archive")
        cls._update_stores(settings)
        return cls(
            store,
            crawler=crawler,
            maxsize=settings.getint("GOVARCHIVE_ATTACHMENT_MAXSIZE", DEFAULT_MAXSIZE),
            max_attachments=settings.getint("GOVARCHIVE_MAX_ATTACHMENTS", DEFAULT_MAX_ATTACHMENTS),
            timeout=settings.getfloat("GOVARCHIVE_ATTACHMENT_TIMEOUT", DEFAULT_TIMEOUT),
        )

    # Which entries are fetched -----------------------------------------------------------

    def _plan(self, entries: Sequence[Any]) -> list[tuple[str, str] | None]:
        """Per entry: None when it is to be downloaded, else (why not, stats key)."""
        plan: list[tuple[str, str] | None] = []
        requested = 0
        for entry in entries:
            url = _entry_url(entry)
            if not url.lower().startswith(("http://", "https://")):
                plan.append(("not an http(s) URL", "not_http"))
            elif not _valid_request_url(url):
                plan.append(("not a valid URL", "invalid_url"))
            elif self.max_attachments and requested >= self.max_attachments:
                reason = f"not downloaded: more than {self.max_attachments} attachments on the page"
                plan.append((reason, "over_cap"))
            else:
                plan.append(None)
                requested += 1
        return plan

    def get_media_requests(self, item: Any, info: MediaPipeline.SpiderInfo) -> list[Request]:
        adapter = ItemAdapter(item)
        entries = adapter.get("attachments") or []
        referer = adapter.get("url")
        if referer:
            referer = safe_url_string(referer)
        own_file = bool(adapter.get("file_body"))
        requests = []
        for entry, skip in zip(entries, self._plan(entries), strict=True):
            if skip is not None:
                self._inc("skipped")
                self._inc(f"skipped/{skip[1]}")
                continue
            url = _entry_url(entry)
            requests.append(
                Request(
                    url,
                    callback=NO_CALLBACK,
                    headers={"Referer": referer} if referer else None,
                    meta={
                        "download_maxsize": self.maxsize,
                        "download_warnsize": 0,
                        "download_timeout": self.timeout,
                        "allow_offsite": True,
                        # A document that is this very file: the spider fetched it already.
                        "_govarchive_fetched": own_file and url == adapter.get("url"),
                    },
                )
            )
        return requests

    async def media_to_download(
        self, request: Request, info: MediaPipeline.SpiderInfo, *, item: Any = None
    ) -> dict[str, Any] | None:
        """Download, except the file a file document was fetched as (its bytes are in the
        item): that one is stored from there. There is nothing to look up before fetching,
        the path depends on the bytes (identical content is still written once, see
        file_downloaded)."""
        if not request.meta.get("_govarchive_fetched") or item is None:
            return None
        adapter = ItemAdapter(item)
        content_type = adapter.get("content_type")
        response = Response(
            request.url,
            status=adapter.get("http_status") or 200,
            headers={"Content-Type": content_type} if content_type else None,
            body=adapter.get("file_body") or b"",
            request=request,
        )
        try:
            return await self.media_downloaded(response, request, info, item=item)
        except AttachmentError as error:
            # media_failed is not called for this path: count and log as it would.
            self._inc("failed")
            self._inc(f"failed/{error.key}")
            if error.key == "too_large":
                self._inc("too_large")
            logger.warning("Attachment not stored: %s (%s)", request.url, error.reason)
            raise

    # Download outcomes -------------------------------------------------------------------

    async def media_downloaded(
        self,
        response: Response,
        request: Request,
        info: MediaPipeline.SpiderInfo,
        *,
        item: Any = None,
    ) -> dict[str, Any]:  # a FileInfo plus sha256, bytes and media_type
        if response.status != 200:
            raise AttachmentError(f"HTTP {response.status}", f"http_{response.status}")
        body = response.body
        if not body:
            raise AttachmentError("empty response", "empty")
        if self.maxsize and len(body) > self.maxsize:
            raise _too_large(len(body), self.maxsize)
        sha256, media_type, _ = self._describe(response, request)
        if media_type == HTML:
            raise AttachmentError("got an HTML page, not a file", "html_page")
        if media_type == JSON:
            raise AttachmentError("got a JSON response, not a file", "json_response")
        path = self.file_path(request, response=response, info=info, item=item)
        try:
            checksum = await ensure_awaitable(
                self.file_downloaded(response, request, info, item=item)
            )
        except OSError as exc:
            logger.exception("Could not store attachment %s", request.url)
            raise AttachmentError(f"could not store the file: {exc}", "storage") from exc
        self._inc("downloaded")
        self._inc("bytes", len(body))
        return {
            "url": request.url,
            "path": path,
            "checksum": checksum,
            "status": "downloaded",
            "sha256": sha256,
            "bytes": len(body),
            "media_type": media_type,
        }

    def media_failed(
        self, failure: Failure, request: Request, info: MediaPipeline.SpiderInfo
    ) -> Failure:
        error = classify_failure(failure.value, self.maxsize)
        self._inc("failed")
        self._inc(f"failed/{error.key}")
        if error.key == "too_large":
            self._inc("too_large")
        logger.warning("Attachment not stored: %s (%s)", request.url, error.reason)
        raise error

    # Storage -----------------------------------------------------------------------------

    def _describe(self, response: Response, request: Request) -> tuple[str, str, str]:
        """(sha256, media type, extension) of a response's bytes; computed once per body."""
        memo = request.meta.get("_govarchive_content")
        if memo is not None and memo[0] is response.body:
            return memo[1]
        body = response.body
        content_type = response.headers.get("Content-Type")
        media_type = media_type_of(
            body, content_type.decode("latin-1") if content_type else None, request.url
        )
        described = (
            hashlib.sha256(body).hexdigest(),
            media_type,
            extension_for(media_type),
        )
        request.meta["_govarchive_content"] = (body, described)
        return described

    def file_path(
        self,
        request: Request,
        response: Response | None = None,
        info: MediaPipeline.SpiderInfo | None = None,
        *,
        item: Any = None,
    ) -> str:
        """``files/ab/cd/<sha256><ext>`` of the response's bytes (relative to the store root).

        Content-addressed: without a response there is no path. When the store already holds
        these bytes under another extension (the same file served once as .wps, once as
        octet-stream), that path is returned, so identical content has one path.
        """
        if response is None:
            raise ValueError("attachments are stored by content: file_path() needs the response")
        sha256, _, extension = self._describe(response, request)
        path = content_path(sha256, extension)
        if self.root is not None:
            folder = self.root / path.rsplit("/", 1)[0]
            if not (folder / f"{sha256}{extension}").exists() and folder.is_dir():
                for existing in sorted(folder.glob(f"{sha256}.*")):
                    candidate = f"{path.rsplit('/', 1)[0]}/{existing.name}"
                    if _SAFE_PATH.fullmatch(candidate):
                        return candidate
        return path

    def file_downloaded(
        self,
        response: Response,
        request: Request,
        info: MediaPipeline.SpiderInfo,
        *,
        item: Any = None,
    ) -> Any:  # str, or an awaitable of it for remote stores
        """Store the bytes at their content address unless the store has them; returns the
        SHA-256 (the FileInfo checksum)."""
        path = self.file_path(request, response=response, info=info, item=item)
        if not _SAFE_PATH.fullmatch(path):
            raise OSError(f"refusing to store outside the content-addressed layout: {path!r}")
        sha256, media_type, _ = self._describe(response, request)
        if self.root is not None:
            self._write_local(path, response.body)
            return sha256
        return self._store_remote(path, response.body, media_type, sha256, info)

    def _write_local(self, path: str, body: bytes) -> None:
        assert self.root is not None
        target = self.root.joinpath(*path.split("/"))
        root = self.root.resolve()
        if not target.resolve().is_relative_to(root):  # pragma: no cover - _SAFE_PATH holds
            raise OSError(f"refusing to store outside {root}: {path!r}")
        try:
            if target.stat().st_size == len(body):
                self._inc("deduplicated")
                return
        except FileNotFoundError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write beside it and rename: a crash never leaves a partial file at a content address.
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(body)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    async def _store_remote(
        self, path: str, body: bytes, media_type: str, sha256: str, info: Any
    ) -> str:
        existing = await ensure_awaitable(self.store.stat_file(path, info))
        if existing:
            self._inc("deduplicated")
            return sha256
        await ensure_awaitable(
            self.store.persist_file(
                path, io.BytesIO(body), info, headers={"Content-Type": media_type}
            )
        )
        return sha256

    # The record --------------------------------------------------------------------------

    def item_completed(
        self, results: list[FileInfoOrError], item: Any, info: MediaPipeline.SpiderInfo
    ) -> Any:
        adapter = ItemAdapter(item)
        entries = adapter.get("attachments") or []
        outcomes = iter(results)
        completed = []
        for entry, skip in zip(entries, self._plan(entries), strict=True):
            record = new_entry(entry)
            if skip is not None:
                record["error"] = skip[0]
            else:
                ok, value = next(outcomes, (False, None))
                if ok and isinstance(value, dict):
                    record.update(
                        sha256=value.get("sha256") or value.get("checksum"),
                        bytes=value.get("bytes"),
                        media_type=value.get("media_type"),
                        stored_path=value.get("path"),
                    )
                else:
                    record["error"] = _failure_reason(value)
            completed.append(record)
        adapter["attachments"] = completed
        return item

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"{STATS}/{key}", count)


def _valid_request_url(url: str) -> bool:
    try:
        Request(url)
    except (ValueError, TypeError):
        return False
    return bool(urlsplit(url).hostname)


def _entry_url(entry: Any) -> str:
    url = entry.get("url") if isinstance(entry, dict) else entry
    return url.strip() if isinstance(url, str) else ""


def new_entry(entry: Any) -> dict[str, Any]:
    """An attachment entry in the record's shape (every key present, nothing downloaded)."""
    base = entry if isinstance(entry, dict) else {"url": _entry_url(entry)}
    record: dict[str, Any] = dict.fromkeys(ENTRY_KEYS)
    record["url"] = _entry_url(base)
    record["name"] = base.get("name") or ""
    # Keys a later stage may have added (none of the contract keys: those are ours to fill).
    record.update({key: value for key, value in base.items() if key not in ENTRY_KEYS})
    return record


def _failure_reason(value: Any) -> str:
    exc = getattr(value, "value", value)
    if isinstance(exc, AttachmentError):
        return exc.reason
    if exc is None:
        return "download failed"
    return f"download failed: {type(exc).__name__}: {exc}".rstrip(": ")
