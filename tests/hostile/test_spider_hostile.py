"""The spider's side of hostile answers, without a network: failure reasons and messages
(wrapped Twisted failures, size caps, redirect loops), the download size tracker, and the
page checks (0 bytes, cut short of </html>, over DOWNLOAD_WARNSIZE, nested too deep)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadFailedError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import HtmlResponse
from twisted.internet.error import ConnectionLost
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseNeverReceived

from crawler.items import DisclosureDocument
from crawler.middlewares import RedirectLoop
from spiders.disclosure import (
    BYTES_RECEIVED,
    OVER_MAXSIZE,
    DisclosureSpider,
    failure_message,
    failure_reason,
)
from tests.hostile.hostile_site import DEEP_TAIL, DEEP_TEXT, deep_page, detail
from tests.spiders.test_disclosure import _spider, _stat

URL = "http://www.example.gov.cn/xxgk/t20240101_1.html"
LIST = "http://www.example.gov.cn/xxgk/"
MAXSIZE_MESSAGE = (
    f"Ignored response <200 {URL}> because its body (1062932 B compressed, 33619968 B "
    "decompressed so far) exceeded DOWNLOAD_MAXSIZE (33554432 B) during decompression."
)


def _failure(exc: BaseException, **meta: Any) -> Failure:
    failure = Failure(exc)
    failure.request = Request(URL, meta={"source_url": LIST, **meta})  # type: ignore[attr-defined]
    return failure


def _wrapped(outer: type[Exception], inner: BaseException) -> BaseException:
    """``outer`` raised from ``inner``, as Scrapy wraps Twisted's exceptions."""
    try:
        try:
            raise inner
        except BaseException as exc:
            raise outer(str(exc)) from exc
    except outer as exc:
        return exc


def _reset() -> BaseException:
    """What Scrapy's HTTP/1.1 handler gives for a connection reset before any answer."""
    lost = Failure(ConnectionLost())
    return _wrapped(DownloadFailedError, ResponseNeverReceived([lost]))


@pytest.mark.parametrize(
    ("exc", "meta", "reason", "message"),
    [
        (
            _reset(),
            {},
            "connection_lost",
            "ConnectionLost: Connection to the other side was lost in a non-clean fashion.",
        ),
        (
            ResponseDataLossError(),
            {},
            "data_loss",
            "the connection closed before the whole body (its Content-Length) arrived",
        ),
        (
            DownloadCancelledError(),
            {BYTES_RECEIVED: 33595660, OVER_MAXSIZE: 33554432},
            "too_large",
            (
                "received 33595660 bytes, more than the download max size (33554432, "
                "DOWNLOAD_MAXSIZE): download cancelled"
            ),
        ),
        (
            DownloadCancelledError(
                "Expected to receive 52428800 bytes which is larger than download max size "
                "(33554432) in request <GET x>."
            ),
            {},
            "too_large",
            (
                "Expected to receive 52428800 bytes which is larger than download max size "
                "(33554432) in request <GET x>."
            ),
        ),
        (DownloadCancelledError(), {}, "cancelled", "DownloadCancelledError"),
        (IgnoreRequest(MAXSIZE_MESSAGE), {}, "too_large", MAXSIZE_MESSAGE),
        (IgnoreRequest("max redirections reached"), {}, "too_many_redirects", None),
        (
            RedirectLoop([URL, LIST, URL]),
            {},
            "redirect_loop",
            f"redirect loop: {URL} -> {LIST} -> {URL}",
        ),
        (IgnoreRequest("Forbidden by robots.txt"), {}, "other", None),
    ],
)
def test_reasons_and_messages(
    exc: BaseException, meta: dict[str, Any], reason: str, message: str | None
) -> None:
    failure = _failure(exc, **meta)
    assert failure_reason(failure) == reason
    assert failure_message(failure) == (message or str(exc))


@pytest.mark.parametrize(
    ("exc", "meta", "counters", "logged"),
    [
        (
            IgnoreRequest(MAXSIZE_MESSAGE),
            {},
            ["govarchive/fetch/failed/too_large", "govarchive/fetch/too_large/decompressed"],
            f"Fetch failed (too_large): {URL} (linked from {LIST}): {MAXSIZE_MESSAGE}",
        ),
        (
            DownloadCancelledError(),
            {BYTES_RECEIVED: 40, OVER_MAXSIZE: 32},
            ["govarchive/fetch/failed/too_large", "govarchive/fetch/too_large/received"],
            (
                f"Fetch failed (too_large): {URL} (linked from {LIST}): received 40 bytes, more "
                "than the download max size (32, DOWNLOAD_MAXSIZE): download cancelled"
            ),
        ),
        (
            RedirectLoop([URL, LIST, URL]),
            {},
            ["govarchive/fetch/failed/redirect_loop"],
            (
                f"Fetch failed (redirect_loop): {URL} (linked from {LIST}): redirect loop: {URL} -> "
                f"{LIST} -> {URL}"
            ),
        ),
        (
            IgnoreRequest("max redirections reached"),
            {"redirect_urls": [f"{URL}?hop={n}" for n in range(3)]},
            ["govarchive/fetch/failed/too_many_redirects"],
            (
                f"Fetch failed (too_many_redirects): {URL}?hop=0 (linked from {LIST}): max "
                f"redirections reached (after 3 redirects, at {URL})"
            ),
        ),
        (
            _reset(),
            {},
            ["govarchive/fetch/failed/connection_lost"],
            f"Fetch failed (connection_lost): {URL} (linked from {LIST}): ConnectionLost:",
        ),
    ],
)
def test_errback_counts_and_logs_hostile_failures(
    exc: BaseException,
    meta: dict[str, Any],
    counters: list[str],
    logged: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    spider = _spider()
    with caplog.at_level(logging.INFO, logger="spiders.disclosure"):
        assert list(spider.on_error(_failure(exc, **meta))) == []
    assert _stat(spider, "govarchive/fetch/failed") == 1
    for counter in counters:
        assert _stat(spider, counter) == 1, counter
    assert _stat(spider, "govarchive/fetch/ignored/other") is None
    (record,) = caplog.records
    assert record.levelname == "ERROR"
    assert record.getMessage().startswith(logged)


def test_robots_refusal_is_still_no_failure() -> None:
    spider = _spider()
    list(spider.on_error(_failure(IgnoreRequest("Forbidden by robots.txt"))))
    assert _stat(spider, "govarchive/fetch/failed") is None
    assert _stat(spider, "govarchive/fetch/ignored/robots_txt") == 1


def test_file_row_over_the_size_cap_is_archived_with_its_error() -> None:
    """A list row's file that is a decompression bomb: on record from its list row, with
    why it was not fetched (it used to be dropped as an ignored request)."""
    spider = _spider()
    failure = _failure(IgnoreRequest(MAXSIZE_MESSAGE), link_text="年度报告", list_date="2024-01-05")
    (item,) = list(spider.on_file_error(failure))
    assert isinstance(item, DisclosureDocument)
    assert item.error == "file not fetched: too_large"
    assert (item.title, item.published_at, item.http_status) == ("年度报告", "2024-01-05", 0)


# --- the download size tracker ---------------------------------------------------------------


def test_size_tracker_marks_a_download_over_its_cap() -> None:
    spider = _spider(DOWNLOAD_MAXSIZE=100)
    request = Request(URL)
    spider._track_bytes(b"x" * 60, request)
    assert request.meta[BYTES_RECEIVED] == 60
    assert OVER_MAXSIZE not in request.meta
    spider._track_bytes(b"x" * 60, request)
    assert (request.meta[BYTES_RECEIVED], request.meta[OVER_MAXSIZE]) == (120, 100)
    # A new answer (a retry) counts from zero.
    spider._track_headers({}, 0, request)
    assert BYTES_RECEIVED not in request.meta


def test_size_tracker_follows_the_request_cap() -> None:
    spider = _spider(DOWNLOAD_MAXSIZE=100)
    request = Request(URL, meta={"download_maxsize": 1000})  # an attachment's cap
    spider._track_bytes(b"x" * 500, request)
    assert OVER_MAXSIZE not in request.meta
    unlimited = _spider(DOWNLOAD_MAXSIZE=0)
    request = Request(URL)
    unlimited._track_bytes(b"x" * 500, request)
    assert OVER_MAXSIZE not in request.meta


def test_size_tracker_is_connected_to_the_download_signals() -> None:
    from scrapy import signals

    spider = _spider()
    signal_manager = spider.crawler.signals
    request = Request(URL)
    signal_manager.send_catch_log(
        signals.bytes_received, data=b"abc", request=request, spider=spider
    )
    assert request.meta[BYTES_RECEIVED] == 3
    signal_manager.send_catch_log(
        signals.headers_received, headers={}, body_length=0, request=request, spider=spider
    )
    assert BYTES_RECEIVED not in request.meta


# --- page checks -----------------------------------------------------------------------------


def _page(body: bytes, url: str = URL, **meta: Any) -> HtmlResponse:
    request = Request(url, meta={"depth": 1, "source_url": LIST, "link_text": "", **meta})
    return HtmlResponse(
        url, body=body, headers={"Content-Type": "text/html; charset=utf-8"}, request=request
    )


def _document(spider: DisclosureSpider, response: HtmlResponse) -> DisclosureDocument:
    (item,) = [x for x in spider.parse_page(response) if isinstance(x, DisclosureDocument)]
    return item


def test_empty_page_is_counted_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    spider = _spider()
    with caplog.at_level(logging.WARNING, logger="spiders.disclosure"):
        items = list(spider.parse_page(_page(b"", list_item=True)))
    assert _stat(spider, "govarchive/pages/empty_body") == 1
    assert f"Empty page (0 bytes, HTTP 200): {URL} (linked from {LIST})" in caplog.text
    # A list row stays a document: extraction records it as empty.
    assert [type(item) for item in items] == [DisclosureDocument]


def test_truncated_markup_is_counted(caplog: pytest.LogCaptureFixture) -> None:
    spider = _spider()
    page = detail("关于做好政府信息公开工作的通知", "2024-01-05")
    with caplog.at_level(logging.WARNING, logger="spiders.disclosure"):
        item = _document(spider, _page(page[: len(page) // 2].encode()))
    assert _stat(spider, "govarchive/pages/truncated_html") == 1
    assert f"Truncated HTML: {URL} ends without </html>" in caplog.text
    assert item.html == page[: len(page) // 2]


@pytest.mark.parametrize(
    "ending",
    ["</html>", "</HTML>\n\n", "</html >\n<!-- 生成时间 0.02 秒 -->\n<script>stat()</script>"],
)
def test_whole_pages_are_not_truncated(ending: str) -> None:
    spider = _spider()
    page = detail("关于做好政府信息公开工作的通知", "2024-01-05").removesuffix("</html>") + ending
    _document(spider, _page(page.encode()))
    assert _stat(spider, "govarchive/pages/truncated_html") is None
    assert _stat(spider, "govarchive/pages/deep_dom") is None
    assert _stat(spider, "govarchive/pages/over_warnsize") is None


def test_page_over_the_warn_size_is_counted() -> None:
    spider = _spider(DOWNLOAD_WARNSIZE=1000)
    page = detail("关于做好政府信息公开工作的通知", "2024-01-05", "<p>正文。</p>" * 200)
    _document(spider, _page(page.encode()))
    assert _stat(spider, "govarchive/pages/over_warnsize") == 1


def test_deep_dom_is_flattened_for_the_spider_and_served_whole_to_extraction(
    caplog: pytest.LogCaptureFixture,
) -> None:
    spider = _spider()
    page = deep_page(5000)
    with caplog.at_level(logging.WARNING, logger="spiders.disclosure"):
        item = _document(spider, _page(page.encode()))
    assert _stat(spider, "govarchive/pages/deep_dom") == 1
    assert f"DOM of {URL} nests deeper than 256 levels" in caplog.text
    assert item.html == page  # as served; extraction flattens it again (parse_html)


def test_links_beyond_the_selector_depth_limit_are_followed() -> None:
    """parsel parses 2048 levels at most (libxml2 with huge_tree): links deeper than that,
    or after such a nest, exist only once the page is flattened."""
    spider = _spider()
    rows = "".join(
        f'<li><a href="/xxgk/202401/t2024010{i}_{i}.html">关于第{i}批工作的通知</a>'
        f"<span>2024-01-0{i}</span></li>"
        for i in range(1, 4)
    )
    nest = "<div>" * 3000 + f"<ul>{rows}</ul>" + "</div>" * 3000
    page = (
        '<html><head><meta charset="utf-8"><meta name="ColumnName" content="通知公告">'
        f"<title>通知公告</title></head><body><h2>通知公告</h2>{nest}"
        '<ul><li><a href="/xxgk/202401/t20240109_9.html">之后的通知</a><span>2024-01-09</span>'
        "</li></ul></body></html>"
    )
    requested = {
        r.url for r in spider.parse_page(_page(page.encode(), url=LIST)) if isinstance(r, Request)
    }
    for i in (1, 2, 3, 9):
        assert f"http://www.example.gov.cn/xxgk/202401/t2024010{i}_{i}.html" in requested


def test_deep_page_extracts_whole() -> None:
    from extraction.document import extract_document

    document = extract_document(deep_page(), URL)
    assert document.title == "深层嵌套的页面"
    assert DEEP_TEXT in document.text
    assert DEEP_TAIL in document.text


def test_billion_laughs_never_expands_even_past_the_dtd_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The DTD check refuses the answer first; were it bypassed, the parser (no entity
    resolution, libxml2's amplification limit) still expands nothing."""
    import re

    from spiders import jpage
    from tests.hostile.hostile_site import BILLION_LAUGHS

    answer = BILLION_LAUGHS.replace("{href5}", "/a.html").replace("{href6}", "/b.html")
    with pytest.raises(jpage.JpageError, match="DTD or entity declarations"):
        jpage.parse_datastore(answer)
    monkeypatch.setattr(jpage, "_HOSTILE", re.compile(r"(?!)"))
    store = jpage.parse_datastore(answer)
    assert not store.well_formed
    assert all(len(record) < 100 for record in store.records)
