"""The disclosure spider's callbacks and errback, without a network."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TimeoutError
from twisted.python.failure import Failure

from crawler.items import DisclosureDocument
from spiders.disclosure import DisclosureSpider, failure_reason, scope_key
from tests.helpers import fixture_response, response_from_bytes


def _spider(
    start_urls: str = "http://www.example.gov.cn/zwgk/", **settings: Any
) -> DisclosureSpider:
    crawler = get_crawler(DisclosureSpider, settings_dict=settings)
    crawler.stats.open_spider()
    return DisclosureSpider.from_crawler(crawler, start_urls=start_urls)


def _stat(spider: DisclosureSpider, key: str) -> Any:
    return spider.crawler.stats.get_value(key)


def _with_meta(response: Response, **meta: Any) -> Response:
    response.meta.update({"depth": 1, **meta})
    return response


def test_start_urls_argument() -> None:
    spider = _spider("http://a.gov.cn/xxgk/, https://b.gov.cn:8443/gk/")
    assert spider.start_urls == ["http://a.gov.cn/xxgk/", "https://b.gov.cn:8443/gk/"]
    assert spider.scope == {"a.gov.cn", "b.gov.cn:8443"}
    with pytest.raises(ValueError, match="start_urls"):
        DisclosureSpider.from_crawler(get_crawler(DisclosureSpider))


def test_start_requests() -> None:
    spider = _spider("http://a.gov.cn/xxgk/,http://a.gov.cn/zfxxgk/")

    async def collect() -> list[Request]:
        return [request async for request in spider.start()]

    requests = asyncio.run(collect())
    assert [r.url for r in requests] == ["http://a.gov.cn/xxgk/", "http://a.gov.cn/zfxxgk/"]
    assert all(r.errback == spider.on_error and r.callback == spider.parse_page for r in requests)
    assert requests[0].meta["source_url"] is None


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://a.gov.cn/x", "a.gov.cn"),
        ("https://A.gov.cn:443/x", "a.gov.cn"),
        ("http://a.gov.cn:80/x", "a.gov.cn"),
        ("http://a.gov.cn:8080/x", "a.gov.cn:8080"),
        ("http://127.0.0.1:5000/", "127.0.0.1:5000"),
    ],
)
def test_scope_key(url: str, key: str) -> None:
    assert scope_key(url) == key


def test_scope_is_exact_host_and_port() -> None:
    spider = _spider("http://www.example.gov.cn/zwgk/")
    assert spider.in_scope("https://www.example.gov.cn/other/")
    assert not spider.in_scope("http://example.gov.cn/")
    assert not spider.in_scope("http://sub.www.example.gov.cn/")
    assert not spider.in_scope("http://www.example.gov.cn:8080/")


def test_listing_yields_requests_with_source_and_link_text() -> None:
    spider = _spider("http://www.example.gov.cn/zwgk/")
    response = _with_meta(fixture_response("spiders/trs_column_createpagehtml.html"))
    output = list(spider.parse_page(response))
    assert not [o for o in output if isinstance(o, DisclosureDocument)]
    requests = {r.url: r for r in output if isinstance(r, Request)}
    detail = requests["http://www.example.gov.cn/zwgk/tzgg/202007/t20200731_1351817.html"]
    assert detail.meta["source_url"] == response.url
    assert detail.meta["link_text"] == "某某市人民政府关于调整市政府领导分工的通知"
    assert detail.meta["pagination"] is False
    assert detail.errback == spider.on_error
    # The pager script's pages, marked as pagination; no attachment, no off-site link.
    pages = [r for r in output if isinstance(r, Request) and r.meta["pagination"]]
    assert [r.url for r in pages][:2] == [
        "http://www.example.gov.cn/zwgk/tzgg/index_1.html",
        "http://www.example.gov.cn/zwgk/tzgg/index_2.html",
    ]
    assert len(pages) == 54
    assert not any("beian" in url for url in requests)
    # The list row that is a PDF is a document of its own, named and dated by its row.
    (pdf,) = [r for url, r in requests.items() if url.endswith(".pdf")]
    assert pdf.callback == spider.parse_file
    assert pdf.errback == spider.on_file_error
    assert pdf.meta["link_text"] == "2020年第二季度政府信息公开统计表"
    assert pdf.meta["list_date"] == "2020-07-27"
    assert _stat(spider, "govarchive/files/requested") == 1
    assert _stat(spider, "govarchive/pages/listing") == 1
    assert _stat(spider, "govarchive/links/attachment") is None
    assert _stat(spider, "govarchive/links/offsite") == 1
    assert _stat(spider, "govarchive/pagination/generated") == 54


def test_pager_pages_are_generated_once_per_column() -> None:
    spider = _spider("http://www.example.gov.cn/zwgk/")
    first = _with_meta(fixture_response("spiders/trs_column_createpagehtml.html"))
    list(spider.parse_page(first))
    later_body = first.body.replace(b"currentPage = 0", b"currentPage = 7")
    later = _with_meta(
        response_from_bytes(
            later_body,
            url="http://www.example.gov.cn/zwgk/tzgg/index_7.html",
            content_type="text/html",
        )
    )
    output = list(spider.parse_page(later))
    assert not [r for r in output if r.meta["pagination"]]
    assert _stat(spider, "govarchive/pagination/generated") == 54


def test_pager_pages_are_capped() -> None:
    spider = _spider("http://www.example.gov.cn/zwgk/", GOVARCHIVE_MAX_LIST_PAGES=10)
    response = _with_meta(fixture_response("spiders/trs_column_createpagehtml.html"))
    pages = [r for r in spider.parse_page(response) if r.meta["pagination"]]
    assert len(pages) == 9
    assert _stat(spider, "govarchive/pagination/cut") == 45


def test_pager_links_are_capped_per_column() -> None:
    spider = _spider("http://www.example-xian.gov.cn/", GOVARCHIVE_MAX_LIST_PAGES=2)
    response = _with_meta(fixture_response("spiders/plain_next_list.html"))
    pages = [r.url for r in spider.parse_page(response) if r.meta["pagination"]]
    assert pages == [
        "http://www.example-xian.gov.cn/news.asp?classid=2&page=1",
        "http://www.example-xian.gov.cn/news.asp?classid=2&page=3",
    ]
    assert _stat(spider, "govarchive/pagination/cut") == 2


def test_plain_pager_links_are_pagination_requests() -> None:
    spider = _spider("http://www.example-xian.gov.cn/")
    response = _with_meta(fixture_response("spiders/plain_next_list.html"))
    requests = {r.url: r for r in spider.parse_page(response)}
    assert requests["http://www.example-xian.gov.cn/news.asp?classid=2&page=5"].meta["pagination"]
    assert not requests["http://www.example-xian.gov.cn/show.asp?id=3512"].meta["pagination"]
    assert not requests["http://www.example-xian.gov.cn/news.asp?classid=1"].meta["pagination"]


def test_document_is_an_item_and_a_leaf() -> None:
    spider = _spider("http://www.example-ls.gov.cn/")
    source = "http://www.example-ls.gov.cn/col/col1229283449/index.html"
    response = _with_meta(
        fixture_response("spiders/hanweb_detail_downfile.html"), source_url=source
    )
    [item] = list(spider.parse_page(response))
    assert isinstance(item, DisclosureDocument)
    assert item.url == response.url
    assert item.source_url == source
    assert item.http_status == 200
    assert _stat(spider, "govarchive/pages/document") == 1


def test_start_page_that_is_a_document_has_no_source() -> None:
    url = "http://www.example-ls.gov.cn/art/2023/10/23/art_1229283449_24937.html"
    spider = _spider(url)
    response = fixture_response("spiders/hanweb_detail_downfile.html")
    response.meta.update({"depth": 0, "source_url": None})
    [item] = list(spider.parse_page(response))
    assert item.source_url is None


def test_non_html_response_is_skipped() -> None:
    spider = _spider("http://www.example.gov.cn/")
    pdf = Response(
        "http://www.example.gov.cn/a.html",
        body=b"%PDF-1.7",
        request=Request("http://www.example.gov.cn/a.html"),
    )
    text = TextResponse("http://www.example.gov.cn/b.txt", body=b"hello", encoding="utf-8")
    assert list(spider.parse_page(pdf)) == []
    assert list(spider.parse_page(text)) == []
    assert _stat(spider, "govarchive/pages/skipped/non_html") == 2


def test_offsite_redirect_is_dropped_but_start_redirect_joins_scope() -> None:
    spider = _spider("http://www.example.gov.cn/")
    body = b"<html><body><a href='/x/'>x</a></body></html>"
    moved = HtmlResponse(
        "http://elsewhere.gov.cn/a.html",
        body=body,
        request=Request("http://elsewhere.gov.cn/a.html"),
    )
    moved.meta.update({"depth": 2, "redirect_urls": ["http://www.example.gov.cn/a.html"]})
    assert list(spider.parse_page(moved)) == []
    assert _stat(spider, "govarchive/links/offsite_redirect") == 1
    home = HtmlResponse(
        "https://example.gov.cn/", body=body, request=Request("https://example.gov.cn/")
    )
    home.meta.update({"depth": 0, "redirect_urls": ["http://www.example.gov.cn/"]})
    [request] = list(spider.parse_page(home))
    assert request.url == "https://example.gov.cn/x/"
    assert "example.gov.cn" in spider.scope


def _failure(exc: Exception, url: str = "http://www.example.gov.cn/a.html") -> Failure:
    failure = Failure(exc)
    failure.request = Request(url, meta={"source_url": "http://www.example.gov.cn/"})  # type: ignore[attr-defined]
    return failure


def _http_error(status: int) -> HttpError:
    response = HtmlResponse("http://www.example.gov.cn/a.html", status=status, body=b"")
    return HttpError(response, "Ignoring non-200 response")


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (_http_error(404), "http_404"),
        (_http_error(503), "http_503"),
        (TimeoutError(), "timeout"),
        (DNSLookupError(), "dns"),
        (ConnectionRefusedError(), "connection_refused"),
        (ValueError("boom"), "other"),
    ],
)
def test_failure_reason(exc: Exception, reason: str) -> None:
    assert failure_reason(_failure(exc)) == reason


def test_errback_logs_and_counts(caplog: pytest.LogCaptureFixture) -> None:
    spider = _spider()
    list(spider.on_error(_failure(_http_error(404))))
    list(spider.on_error(_failure(DNSLookupError(), url="http://www.example.gov.cn/b.html")))
    assert _stat(spider, "govarchive/fetch/failed") == 2
    assert _stat(spider, "govarchive/fetch/failed/http_404") == 1
    assert _stat(spider, "govarchive/fetch/failed/dns") == 1
    messages = [(r.levelname, r.getMessage()) for r in caplog.records]
    assert any(level == "WARNING" and "http_404" in m and "/a.html" in m for level, m in messages)
    assert any(level == "ERROR" and "dns" in m and "/b.html" in m for level, m in messages)


KNOWN_LIVE = {"status": "live", "last_seen": "2026-01-01T00:00:00Z", "title": "关于印发的通知"}


@pytest.mark.parametrize(
    ("status", "known", "tombstone"),
    [
        (404, KNOWN_LIVE, True),
        (410, KNOWN_LIVE, True),  # 410 Gone says it outright
        (503, KNOWN_LIVE, False),  # a failing server is not a removed document
        (403, KNOWN_LIVE, False),
        (404, None, False),  # never archived: nothing to mark gone
        (410, {**KNOWN_LIVE, "status": "gone"}, False),  # its tombstone is written once
    ],
)
def test_a_known_document_that_answers_404_or_410_gets_a_tombstone(
    status: int, known: dict[str, Any] | None, tombstone: bool
) -> None:
    from crawler.incremental import KNOWN

    spider = _spider()
    url = "http://www.example.gov.cn/a.html"
    meta: dict[str, Any] = {"source_url": "http://www.example.gov.cn/"}
    if known is not None:
        meta[KNOWN] = known
    request = Request(url, meta=meta)
    response = HtmlResponse(url, status=status, body=b"", request=request)
    failure = Failure(HttpError(response, "Ignoring non-200 response"))
    failure.request = request  # type: ignore[attr-defined]
    records = [r for r in spider.on_error(failure) if isinstance(r, DisclosureDocument)]
    if not tombstone:
        assert records == []
        assert _stat(spider, "govarchive/incremental/tombstones") is None
        return
    [record] = records
    assert (record.status, record.http_status) == ("gone", status)
    assert record.title == KNOWN_LIVE["title"]
    assert record.source_url == "http://www.example.gov.cn/"
    assert _stat(spider, "govarchive/incremental/tombstones") == 1


def test_errback_robots_is_ignored_not_failed() -> None:
    spider = _spider()
    list(spider.on_error(_failure(IgnoreRequest("Forbidden by robots.txt"))))
    assert _stat(spider, "govarchive/fetch/failed") is None
    assert _stat(spider, "govarchive/fetch/ignored/robots_txt") == 1


def test_allow_list_admits_matching_hosts_only() -> None:
    from scrapy.utils.test import get_crawler

    from spiders.disclosure import DisclosureSpider

    crawler = get_crawler(DisclosureSpider, {"GOVARCHIVE_ALLOWED_HOSTS": ["files.example.gov.cn"]})
    spider = DisclosureSpider.from_crawler(
        crawler, start_urls="http://www.example.gov.cn/zwgk/", allowed_hosts="*.sub.example.gov.cn"
    )
    assert spider.in_scope("http://www.example.gov.cn/a.html")
    assert spider.in_scope("http://a.sub.example.gov.cn/b.html")
    assert spider.in_scope("http://files.example.gov.cn/c.pdf")
    assert not spider.in_scope("http://example.gov.cn/")
    assert not spider.in_scope("http://www.example.gov.cn.ipv6best.cn/a.html")
    assert not spider.in_scope("http://www.example.gov.cn:8080/a.html")


def test_a_sites_list_selector_makes_its_rows_list_items() -> None:
    from spiders.registry import Selectors

    class Site:
        selectors = Selectors(list_links="div.static-list dd a[href]")

    spider = _spider()
    spider.site = Site()  # type: ignore[attr-defined]
    # A navigation-looking page (few rows, no dates): the generic list reading finds no list.
    body = """<html><head><title>政府信息公开年报</title></head><body>
    <div class="nav"><a href="/zwgk/">政务公开</a> <a href="/zwgk/zfxxgk/">政府信息公开</a></div>
    <div class="static-list"><dl>
      <dd><a href="./202503/t20250310_97791.htm" title="平潭综合实验区2024年度政府信息公开工作年度报告">2024年度报告</a></dd>
      <dd><a href="./202403/t20240301_87885.htm">2023年度报告</a></dd>
      <dd><a href="./files/nb2022.pdf">2022年度报告</a></dd>
    </dl></div></body></html>""".encode()
    response = _with_meta(
        response_from_bytes(
            body,
            url="http://www.example.gov.cn/zwgk/zfxxgk/zfxxgknb/",
            content_type="text/html; charset=utf-8",
        )
    )
    out = list(spider.parse_page(response))
    requests = {r.url: r for r in out if isinstance(r, Request)}
    base = "http://www.example.gov.cn/zwgk/zfxxgk/zfxxgknb/"
    for path in ("202503/t20250310_97791.htm", "202403/t20240301_87885.htm"):
        assert requests[base + path].meta["list_item"] is True
    # A row that is a file is a document of its own, fetched as a file.
    pdf = requests[base + "files/nb2022.pdf"]
    assert pdf.callback == spider.parse_file
    assert pdf.meta["link_text"] == "2022年度报告"
    assert _stat(spider, "govarchive/list/selected_items") == 3


def test_without_a_site_selector_nothing_is_selected() -> None:
    spider = _spider()
    response = _with_meta(
        response_from_bytes(
            b"<html><body><a href='/a.html'>a</a></body></html>",
            url="http://www.example.gov.cn/zwgk/",
            content_type="text/html; charset=utf-8",
        )
    )
    list(spider.parse_page(response))
    assert _stat(spider, "govarchive/list/selected_items") is None
