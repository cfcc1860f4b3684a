"""Replay from WARC (crawler.replay), the crawl-state store (crawler.state) and the pieces of
incremental re-crawls (crawler.incremental) on their own."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler.incremental import (
    IDENTICAL,
    KNOWN,
    NOT_MODIFIED,
    ConditionalRequestMiddleware,
    UnchangedDocument,
    content_digest,
    crawl_state,
    reconcile,
    unchanged_profile,
)
from crawler.replay import ReplayAddon, ReplayDownloadHandler, WarcIndex, warc_files
from crawler.state import CrawlState, DocumentState
from crawler.warc import WarcFileWriter, read_warcinfo

BASE = "http://127.0.0.1:8000"


def _write(tmp_path: Path, pages: dict[str, bytes]) -> WarcFileWriter:
    writer = WarcFileWriter(tmp_path, "disclosure-x", info={"spider": "disclosure"})
    for path, body in pages.items():
        request = Request(BASE + path)
        response = HtmlResponse(
            BASE + path, body=body, headers={"Content-Type": "text/html"}, request=request
        )
        writer.write_exchange(request, response)
    return writer


# --- replay ------------------------------------------------------------------------------------


def test_index_answers_captured_urls_and_resolves_revisits(tmp_path: Path) -> None:
    writer = _write(tmp_path, {"/a.html": b"<p>a</p>", "/b.html?utm_source=x": b"<p>b</p>"})
    first = writer.write_exchange(Request(BASE + "/c.html"), Response(BASE + "/c.html", body=b"c"))
    writer.write_revisit(
        BASE + "/d.html",
        digest=first.payload_digest or "",
        refers_to_uri=BASE + "/c.html",
        refers_to_date=first.date or "",
        response=Response(BASE + "/d.html", status=304),
        profile="http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
    )
    writer.close()
    index = WarcIndex(warc_files(tmp_path))
    assert index.lookup("GET", BASE + "/a.html").body == b"<p>a</p>"
    # Looked up by the URL the crawl asked for (fragment aside); nothing is guessed.
    assert index.lookup("GET", BASE + "/b.html?utm_source=x#top").body == b"<p>b</p>"
    assert index.lookup("GET", BASE + "/b.html") is None
    assert index.lookup("GET", BASE + "/d.html").body == b"c"  # the revisit's payload
    assert index.lookup("GET", BASE + "/never.html") is None
    assert index.lookup("POST", BASE + "/a.html", b"x=1") is None


def test_handler_answers_from_the_capture_and_404_for_the_rest(tmp_path: Path) -> None:
    _write(tmp_path, {"/a.html": "<p>政务</p>".encode()}).close()
    crawler = get_crawler(settings_dict={"GOVARCHIVE_REPLAY_WARC": str(tmp_path)})
    handler = ReplayDownloadHandler(crawler)
    known = asyncio.run(handler.download_request(Request(BASE + "/a.html")))
    assert (known.status, known.body) == (200, "<p>政务</p>".encode())
    assert isinstance(known, HtmlResponse)
    assert known.request.meta["warc_replayed"]["record_id"].startswith("<urn:uuid:")
    missing = asyncio.run(handler.download_request(Request(BASE + "/gone.html")))
    assert missing.status == 404
    assert crawler.stats.get_value("govarchive/replay/missing") == 1


def test_addon_switches_handlers_only_when_replaying() -> None:
    live = Settings({"GOVARCHIVE_WARC_ENABLED": True})
    ReplayAddon().update_settings(live)
    assert not live.getdict("DOWNLOAD_HANDLERS")
    replay = Settings({"GOVARCHIVE_REPLAY_WARC": "/x", "GOVARCHIVE_WARC_ENABLED": True})
    replay.set("GOVARCHIVE_WARC_ENABLED", True, "project")
    ReplayAddon().update_settings(replay)
    assert replay.getdict("DOWNLOAD_HANDLERS")["https"] == "crawler.replay.ReplayDownloadHandler"
    assert replay.getbool("GOVARCHIVE_WARC_ENABLED") is False


def test_warcinfo_is_read_back(tmp_path: Path) -> None:
    _write(tmp_path, {"/a.html": b"a"}).close()
    (path,) = warc_files(tmp_path)
    assert read_warcinfo(path)["spider"] == "disclosure"


# --- the store ---------------------------------------------------------------------------------


def _row(url: str, seen: str, **fields: object) -> DocumentState:
    return DocumentState(canonical_url=url, url=url, first_seen=seen, last_seen=seen, **fields)


def test_store_round_trip_and_sightings(tmp_path: Path) -> None:
    state = CrawlState(tmp_path / "s.sqlite")
    state.put(_row(BASE + "/a", "2026-01-01T00:00:00.000001Z", etag='"1"', version=2))
    state.put(_row(BASE + "/b", "2026-01-03T00:00:00.000000Z"))
    state.put(_row(BASE + "/c", "2026-01-01T00:00:00.000000Z", status="gone"))
    assert state.get(BASE + "/a").etag == '"1"'
    assert state.get(BASE + "/zzz") is None
    since = "2026-01-02T00:00:00.000000Z"
    assert [r.url for r in state.live_not_seen_since(since)] == [BASE + "/a"]
    state.touch(BASE + "/a", "2026-01-04T00:00:00.000000Z")
    assert state.live_not_seen_since(since) == []
    assert len(state) == 3
    state.close()
    assert CrawlState(tmp_path / "s.sqlite").get(BASE + "/a").version == 2  # on disk


# --- incremental pieces ------------------------------------------------------------------------


def _known(**fields: object) -> dict:
    return {"status": "live", "raw_sha256": None, **fields}


def test_unchanged_profile() -> None:
    import hashlib

    body = b"<p>same</p>"
    request = Request(
        BASE + "/a", meta={KNOWN: _known(raw_sha256=hashlib.sha256(body).hexdigest())}
    )
    assert unchanged_profile(request, Response(BASE + "/a", status=304)) == NOT_MODIFIED
    assert unchanged_profile(request, Response(BASE + "/a", body=body)) == IDENTICAL
    assert unchanged_profile(request, Response(BASE + "/a", body=b"<p>new</p>")) is None
    gone = Request(BASE + "/a", meta={KNOWN: _known(status="gone")})
    assert unchanged_profile(gone, Response(BASE + "/a", status=304)) is None
    assert unchanged_profile(Request(BASE + "/a"), Response(BASE + "/a", status=304)) is None


@pytest.fixture
def incremental(tmp_path: Path):
    crawler = get_crawler(settings_dict={"ARCHIVE_DIR": str(tmp_path)})
    crawler.spider = crawler._create_spider("disclosure", start_urls=BASE + "/")
    yield crawler
    state = crawl_state(crawler)
    if state is not None:
        state.close()


def test_conditional_requests_for_known_live_documents(incremental) -> None:
    state = crawl_state(incremental)
    state.put(
        _row(BASE + "/a.html", "t", etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    )
    middleware = ConditionalRequestMiddleware.from_crawler(incremental)
    known = Request(BASE + "/a.html")
    middleware.process_request(known)
    assert known.headers[b"If-None-Match"] == b'"v1"'
    assert known.headers[b"If-Modified-Since"] == b"Mon, 01 Jan 2024 00:00:00 GMT"
    listing = Request(BASE + "/list/")
    middleware.process_request(listing)
    assert b"If-None-Match" not in listing.headers
    assert KNOWN not in listing.meta
    with pytest.raises(UnchangedDocument):
        middleware.process_response(known, Response(known.url, status=304, request=known))
    assert state.get(BASE + "/a.html").last_seen != "t"
    changed = Request(BASE + "/a.html")
    middleware.process_request(changed)
    response = Response(changed.url, body=b"new", request=changed)
    assert middleware.process_response(changed, response) is response


def test_reconcile_adds_what_the_store_missed(tmp_path: Path) -> None:
    state = CrawlState(tmp_path / "s.sqlite")
    record = {
        "url": BASE + "/a.html", "version": 1, "content_sha256": "a" * 64, "title": "t",
        "text": "x", "fetched_at": "2026-01-01T00:00:00Z", "status": "live", "attachments": [],
    }  # fmt: skip
    assert reconcile(state, [record]) == 1
    row = state.get(BASE + "/a.html")
    assert (row.version, row.content_sha256) == (1, "a" * 64)
    assert row.fields_sha256 == content_digest(record)
    assert reconcile(state, [record]) == 0  # known: nothing to add
    assert reconcile(state, [{**record, "version": 2, "content_sha256": "b" * 64}]) == 1
    assert state.get(BASE + "/a.html").version == 2
