"""Incremental re-crawls: fetch and archive only what changed since the last run.

With the crawl-state store (crawler.state), a scheduled crawl of the same spider:

- re-fetches list and navigation pages in full (they are never in the store: only documents
  are), and fetches known documents conditionally (``If-None-Match`` / ``If-Modified-Since``);
- treats a document as unchanged when the server answers 304 or sends the very bytes it sent
  last time: no record, a WARC ``revisit`` record instead of a full capture (crawler.warc),
  and its ``last_seen`` moves on (``UnchangedDocument`` ends the request quietly);
- a document whose bytes differ but whose extracted content does not (a visit counter, a
  session token in the page) is also unchanged: pipelines/incremental.py drops it;
- a changed document is archived as a new record with ``version`` and ``previous_sha256``;
- a known document that now answers 404/410 is archived once as a tombstone (``status:
  "gone"``, ``last_seen``: when it was last there). Documents the run did not meet through the
  lists are re-checked when the crawl runs out of requests (``GOVARCHIVE_INCREMENTAL_RECHECK``):
  a document removed from the site is usually removed from its list as well.

The store is written right after the archive took a record (pipelines.incremental,
``StateCommitPipeline``). A crawl killed between the two leaves a record the store does not
know: the next run finds the killed run's file (pipelines.archive recovers it) and
``reconcile`` adds its records to the store before crawling, so no document is archived twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

import scrapy
from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest, NotConfigured

from crawler.state import CrawlState, DocumentState, StateStore
from crawler.urls import canonical_url

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

logger = logging.getLogger(__name__)

STATS = "govarchive/incremental"
KNOWN = "govarchive_known"  # request.meta: the store's row of the requested document
RAW_SHA256 = "govarchive_raw_sha256"  # request.meta: digest of the payload as captured
NOT_MODIFIED = "server-not-modified"
IDENTICAL = "identical-payload-digest"
PROFILE_URIS = {
    NOT_MODIFIED: "http://netpreserve.org/warc/1.1/revisit/server-not-modified",
    IDENTICAL: "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
}


# What a reader of the record sees as its content; a change in any of these is a new version.
CONTENT_FIELDS = (
    "title", "text", "published_at", "publisher", "index_no", "doc_no", "meta", "status",
    "is_annual_report", "report_year",
)  # fmt: skip


def content_digest(record: Any) -> str:
    """SHA-256 of a record's (or item's) content fields and its attachments' identities."""
    adapter = record if isinstance(record, ItemAdapter) else ItemAdapter(record)
    content = {name: adapter.get(name) for name in CONTENT_FIELDS}
    content["attachments"] = [
        [entry.get("url"), entry.get("sha256")] for entry in adapter.get("attachments") or []
    ]
    encoded = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


class UnchangedDocument(IgnoreRequest):
    """A known document the server says (304) or shows (same bytes) is unchanged."""


def precise_now() -> str:
    """UTC now with microseconds: the store compares sightings within one run."""
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def raw_sha256(response: Response) -> str:
    return hashlib.sha256(response.body).hexdigest()


def unchanged_profile(request: Request, response: Response) -> str | None:
    """The WARC revisit profile when a known document came back unchanged, else None."""
    known = request.meta.get(KNOWN)
    if not known or known.get("status") != "live":
        return None
    if response.status == 304:
        return NOT_MODIFIED
    if response.status == 200 and known.get("raw_sha256") == raw_sha256(response):
        return IDENTICAL
    return None


_STATES: WeakKeyDictionary[Any, StateStore] = WeakKeyDictionary()


def crawl_state(crawler: Crawler) -> StateStore | None:
    """The store of the running spider (opened on first use), or None when switched off.

    SQLite under GOVARCHIVE_STATE_DIR; in Redis, shared by the workers, when the crawl is
    distributed (``REDIS_URL``, crawler.distributed)."""
    settings = crawler.settings
    if not settings.getbool("GOVARCHIVE_INCREMENTAL_ENABLED", True):
        return None
    state = _STATES.get(crawler)
    if state is None:
        spider = crawler.spider
        if spider is None:
            return None
        if settings.get("REDIS_URL"):
            from crawler.state_redis import RedisCrawlState

            state = RedisCrawlState.from_settings(settings, spider.name)
        else:
            directory = settings.get("GOVARCHIVE_STATE_DIR") or str(
                Path(settings.get("ARCHIVE_DIR", "archive")) / "state"
            )
            state = CrawlState.for_spider(Path(directory), spider.name)
        _STATES[crawler] = state
    return state


def close_state(crawler: Crawler) -> None:
    state = _STATES.pop(crawler, None)
    if state is not None:
        state.close()


def known_meta(row: DocumentState) -> dict[str, Any]:
    """What a request carries of its document's row (WARC revisits, tombstones)."""
    return {
        "status": row.status,
        "version": row.version,
        "raw_sha256": row.raw_sha256,
        "content_sha256": row.content_sha256,
        "last_seen": row.last_seen,
        "title": row.title,
        "warc_url": row.warc_url,
        "warc_date": row.warc_date,
        "warc_payload_digest": row.warc_payload_digest,
    }


class ConditionalRequestMiddleware:
    """Downloader middleware (940, just inside the WARC capture at 950): conditional requests
    for known documents; unchanged answers end as ``UnchangedDocument``.

    Stats: ``govarchive/incremental/conditional`` (requests sent with validators),
    ``…/not_modified`` (304), ``…/unchanged_payload`` (200 with the same bytes).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("GOVARCHIVE_INCREMENTAL_ENABLED", True):
            raise NotConfigured
        return cls(crawler)

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"{STATS}/{key}")

    def process_request(self, request: Request) -> None:
        request.meta.pop(KNOWN, None)  # a redirect's new request inherits the old URL's row
        state = crawl_state(self.crawler)
        if state is None or request.method != "GET":
            return
        row = state.get(canonical_url(request.url, ()))
        if row is None:
            return
        request.meta[KNOWN] = known_meta(row)
        if row.status != "live":
            return  # gone: fetch in full; if it is back, it is a new version
        if row.etag and b"If-None-Match" not in request.headers:
            request.headers[b"If-None-Match"] = row.etag
        if row.last_modified and b"If-Modified-Since" not in request.headers:
            request.headers[b"If-Modified-Since"] = row.last_modified
        if row.etag or row.last_modified:
            self._inc("conditional")

    def process_response(self, request: Request, response: Response) -> Response:
        request.meta[RAW_SHA256] = raw_sha256(response)
        profile = unchanged_profile(request, response)
        if profile is None:
            return response
        state = crawl_state(self.crawler)
        if state is not None:
            state.touch(canonical_url(request.url, ()), precise_now())
        self._inc("not_modified" if profile == NOT_MODIFIED else "unchanged_payload")
        self._inc("unchanged")
        raise UnchangedDocument(f"unchanged ({profile}): {request.url}")


class IncrementalExtension:
    """Reports the store when the spider opens, re-checks known documents the crawl did not
    meet, and closes the store. (Records are committed by pipelines.incremental.)

    Settings: ``GOVARCHIVE_INCREMENTAL_ENABLED`` (True), ``GOVARCHIVE_STATE_DIR`` (default
    ``ARCHIVE_DIR/state``), ``GOVARCHIVE_INCREMENTAL_RECHECK`` (True).
    Stats: ``govarchive/incremental/recheck`` (known documents re-requested),
    ``…/known`` (documents in the store when the crawl closed).
    """

    def __init__(self, crawler: Crawler, recheck: bool) -> None:
        self.crawler = crawler
        self.recheck = recheck
        self.started = precise_now()
        self._rechecked = False
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("GOVARCHIVE_INCREMENTAL_ENABLED", True):
            raise NotConfigured
        return cls(crawler, settings.getbool("GOVARCHIVE_INCREMENTAL_RECHECK", True))

    def spider_opened(self) -> None:
        self.started = precise_now()
        state = crawl_state(self.crawler)
        if state is not None:
            logger.info("Crawl state %s: %d known documents", state.path, len(state))

    def spider_idle(self) -> None:
        """Once, when nothing is left: request the live documents this run has not met.

        Distributed, "nothing left" is the whole batch's frontier, one worker re-checks (into
        the shared frontier) and "this run" is the batch (crawler.distributed)."""
        if not self.recheck or self._rechecked:
            return
        since = self.started
        if self.crawler.settings.get("REDIS_URL"):
            from crawler.distributed import recheck_turn

            turn = recheck_turn(self.crawler)
        else:
            turn = None
        if turn is not None:
            decision, batch_started = turn
            if decision == "wait":
                return  # other workers are still crawling: ask again at the next idle
            if decision == "skip" or batch_started is None:
                self._rechecked = True
                return
            since = batch_started
        self._rechecked = True
        state = crawl_state(self.crawler)
        spider = self.crawler.spider
        if state is None or spider is None or self.crawler.engine is None:
            return
        in_scope = getattr(spider, "in_scope", lambda url: True)
        parse = getattr(spider, "parse_page", None)
        if parse is None:
            return
        rows = [row for row in state.live_not_seen_since(since) if in_scope(row.url)]
        if not rows:
            return
        logger.info("Re-checking %d known documents this crawl did not meet", len(rows))
        for row in rows:
            request = scrapy.Request(
                row.url,
                callback=parse,
                errback=getattr(spider, "on_error", None),
                dont_filter=True,  # may have been seen as a redirect source in this run
                meta={"source_url": None, "link_text": row.title or "", "recheck": True},
            )
            self.crawler.engine.crawl(request)
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value(f"{STATS}/recheck")
        raise DontCloseSpider

    def spider_closed(self) -> None:
        state = crawl_state(self.crawler)
        if state is not None and self.crawler.stats is not None:
            self.crawler.stats.set_value(f"{STATS}/known", len(state))
        close_state(self.crawler)


def commit(state: StateStore, adapter: ItemAdapter, seen: str) -> None:
    """Write an archived record's version into the store."""
    url = adapter.get("url")
    if not url:
        return
    key = adapter.get("canonical_url") or canonical_url(url, ())
    previous = state.get(key)
    validators = adapter.get("validators") or {}
    warc = adapter.get("warc") or {}
    gone = adapter.get("status") == "gone"
    row = DocumentState(
        canonical_url=key,
        url=url,
        first_seen=previous.first_seen if previous else seen,
        last_seen=previous.last_seen if (gone and previous) else seen,
        status="gone" if gone else "live",
        version=adapter.get("version") or 1,
        content_sha256=adapter.get("content_sha256"),
        raw_sha256=validators.get("raw_sha256"),
        fields_sha256=validators.get("fields_sha256"),
        etag=validators.get("etag"),
        last_modified=validators.get("last_modified"),
        gone_since=seen if gone else None,
        title=adapter.get("title") or (previous.title if previous else None),
        warc_filename=warc.get("filename"),
        warc_record_id=warc.get("record_id"),
        warc_payload_digest=warc.get("payload_digest"),
        warc_date=warc.get("date"),
        warc_url=warc.get("url") or url,
    )
    if gone and previous:
        # A tombstone keeps what was last archived (a revisit needs the live capture).
        for name in ("content_sha256", "raw_sha256", "fields_sha256", "etag", "last_modified",
                     "warc_filename", "warc_record_id", "warc_payload_digest", "warc_date",
                     "warc_url"):  # fmt: skip
            setattr(row, name, getattr(previous, name))
    state.put(row)


def reconcile(state: StateStore, records: list[dict[str, Any]]) -> int:
    """Add archived records the store does not know yet (a killed run's last ones); returns
    how many. A record counts when its version is newer than the store's row."""
    added = 0
    for record in records:
        url = record.get("url")
        if not url or not record.get("content_sha256"):
            continue
        key = record.get("canonical_url") or canonical_url(url, ())
        row = state.get(key)
        if row is not None and row.version >= (record.get("version") or 1):
            continue
        adapter = ItemAdapter(dict(record))
        adapter["validators"] = {"fields_sha256": content_digest(record)}
        commit(state, adapter, record.get("fetched_at") or precise_now())
        added += 1
    return added
