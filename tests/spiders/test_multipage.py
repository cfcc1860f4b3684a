"""TRS multi-page documents: detection, the part chain, parts reached through links, and a
crawl against a loopback site where one list links a document and another links its part."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.test import get_crawler
from twisted.python.failure import Failure

from crawler.items import DisclosureDocument
from spiders.disclosure import DisclosureSpider
from spiders.links import extract_links
from spiders.pagination import (
    TrsPager,
    document_pager,
    has_pagination,
    is_document_pager,
    multipage_first_url,
    multipage_part_urls,
)
from tests.helpers import corpus_pages, fixture_response, require_corpus, response_from_bytes
from tests.spiders.test_disclosure_e2e import (
    LoopbackSite,
    _list_page,
    _serve,
    run_crawl,
    stop_servers,
)

FIRST = "http://www.example.gov.cn/zcjd/201510/t20151009_67430.html"
PART_1 = "http://www.example.gov.cn/zcjd/201510/t20151009_67430_1.html"
PART_2 = "http://www.example.gov.cn/zcjd/201510/t20151009_67430_2.html"


def _spider(**settings: Any) -> DisclosureSpider:
    crawler = get_crawler(DisclosureSpider, settings_dict=settings)
    crawler.stats.open_spider()
    return DisclosureSpider.from_crawler(crawler, start_urls="http://www.example.gov.cn/")


def _stat(spider: DisclosureSpider, key: str) -> Any:
    return spider.crawler.stats.get_value(key)


def _page(name: str, **meta: Any) -> Response:
    response = fixture_response(f"spiders/{name}")
    response.meta.update({"depth": 2, **meta})
    return response


def _part(url: str, request: Request, text: str = "第三部分") -> HtmlResponse:
    body = f"<html><body><p>{text}</p></body></html>".encode()
    return HtmlResponse(
        url=url, body=body, headers={"Content-Type": "text/html; charset=utf-8"}, request=request
    )


# --- detection ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pager", "url", "expected"),
    [
        (TrsPager(3, 0, "t20151009_67430"), FIRST, True),
        (TrsPager(3, 1, "t20151009_67430"), PART_1, True),
        (TrsPager(3, 2, "t20151009_67430"), PART_2, True),
        # The pager says page 2 but the file is another one.
        (TrsPager(3, 2, "t20151009_67430"), PART_1, False),
        (TrsPager(3, 0, "t20151009_67430"), "http://x.gov.cn/zcjd/t20151009_99999.html", False),
        # Single page: no parts.
        (
            TrsPager(1, 0, "t20190918_693227", "shtml"),
            "http://x.gov.cn/t20190918_693227.shtml",
            False,
        ),
        # List pagers page a column, whatever file they sit on.
        (TrsPager(55, 0, "index"), "http://x.gov.cn/col/index.html", False),
        (TrsPager(55, 3, "index"), "http://x.gov.cn/col/index_3.html", False),
        (TrsPager(12, 0, "list"), "http://x.gov.cn/col/list.html", False),
    ],
)
def test_document_pager(pager: TrsPager, url: str, expected: bool) -> None:
    assert is_document_pager(pager, url) is expected


def test_fixture_pagers_and_part_urls() -> None:
    first = fixture_response("spiders/trs_detail_multipage.html")
    pager = document_pager(first.selector, first.url)
    assert pager == TrsPager(3, 0, "t20151009_67430", "html")
    assert multipage_part_urls(pager, first.url) == ([PART_1, PART_2], 0)
    assert multipage_part_urls(pager, first.url, max_parts=1) == ([PART_1], 1)
    part = fixture_response("spiders/trs_detail_multipage_1.html")
    part_pager = document_pager(part.selector, part.url)
    assert part_pager == TrsPager(3, 1, "t20151009_67430", "html")
    assert multipage_first_url(part_pager, part.url) == FIRST
    # A list page's pager is no document pager.
    column = fixture_response("spiders/trs_column_createpagehtml.html")
    assert document_pager(column.selector, column.url) is None


def test_document_pager_is_not_list_pagination() -> None:
    first = fixture_response("spiders/trs_detail_multipage.html")
    assert not has_pagination(first.selector, extract_links(first), first.url)
    column = fixture_response("spiders/trs_column_createpagehtml.html")
    assert has_pagination(column.selector, extract_links(column), column.url)


# --- the part chain ----------------------------------------------------------------------------


def test_first_page_starts_the_part_chain() -> None:
    spider = _spider()
    source = "http://www.example.gov.cn/zcjd/"
    [request] = list(spider.parse_page(_page("trs_detail_multipage.html", source_url=source)))
    assert isinstance(request, Request)
    assert request.url == PART_1
    assert request.callback == spider.parse_part
    assert request.errback == spider.on_part_error
    assert request.dont_filter
    assert request.meta["pagination"] is True  # the document's depth
    chain = request.meta["multipage"]
    assert chain["pending"] == [PART_2]
    item = chain["item"]
    assert isinstance(item, DisclosureDocument)
    assert (item.url, item.source_url) == (FIRST, source)
    assert _stat(spider, "govarchive/pages/document") == 1

    part_1 = fixture_response("spiders/trs_detail_multipage_1.html")
    part_1 = part_1.replace(request=request)
    [second] = list(spider.parse_part(part_1))
    assert second.url == PART_2
    assert second.meta["multipage"]["pending"] == []

    [done] = list(spider.parse_part(_part(PART_2, second)))
    assert done is item
    assert done.parts == [PART_1, PART_2]
    assert "二、主要内容" in done.html_parts[0]
    assert "第三部分" in done.html_parts[1]
    assert _stat(spider, "govarchive/multipage/parts") == 2
    assert _stat(spider, "govarchive/multipage/documents") == 1


def test_failed_part_yields_the_parts_so_far(caplog: pytest.LogCaptureFixture) -> None:
    spider = _spider()
    [request] = list(spider.parse_page(_page("trs_detail_multipage.html")))
    part_1 = fixture_response("spiders/trs_detail_multipage_1.html").replace(request=request)
    [second] = list(spider.parse_part(part_1))
    not_found = HtmlResponse(PART_2, status=404, body=b"", request=second)
    failure = Failure(HttpError(not_found, "Ignoring non-200 response"))
    failure.request = second  # type: ignore[attr-defined]
    [item] = list(spider.on_part_error(failure))
    assert item.url == FIRST
    assert item.parts == [PART_1]
    assert len(item.html_parts) == 1
    assert _stat(spider, "govarchive/multipage/part_failed") == 1
    assert _stat(spider, "govarchive/fetch/failed/http_404") == 1
    assert _stat(spider, "govarchive/multipage/documents") == 1
    assert any("failed" in r.getMessage() and PART_2 in r.getMessage() for r in caplog.records)


def test_non_html_part_ends_the_chain() -> None:
    spider = _spider()
    [request] = list(spider.parse_page(_page("trs_detail_multipage.html")))
    pdf = Response(PART_1, body=b"%PDF-1.7", request=request)
    [item] = list(spider.parse_part(pdf))
    assert item.parts == []
    assert _stat(spider, "govarchive/multipage/part_failed") == 1


def test_parts_are_capped() -> None:
    spider = _spider(GOVARCHIVE_MAX_DOCUMENT_PARTS=1)
    [request] = list(spider.parse_page(_page("trs_detail_multipage.html")))
    assert request.meta["multipage"]["pending"] == []
    assert _stat(spider, "govarchive/multipage/parts_cut") == 1


# --- parts reached through links --------------------------------------------------------------


def test_part_reached_through_a_link_is_no_document() -> None:
    spider = _spider()
    source = "http://www.example.gov.cn/xwdt/"
    response = _page("trs_detail_multipage_1.html", source_url=source, link_text="解读（二）")
    [request] = list(spider.parse_page(response))
    # Not an item: a request for the document's first page, which archives the whole.
    assert isinstance(request, Request)
    assert request.url == FIRST
    assert request.callback == spider.parse_page
    assert request.meta["source_url"] == source
    assert not request.dont_filter  # dropped by the dupe filter if the document was seen
    assert _stat(spider, "govarchive/multipage/part_reached") == 1
    assert _stat(spider, "govarchive/pages/document") is None


def test_links_to_consumed_parts_are_not_followed() -> None:
    spider = _spider()
    list(spider.parse_page(_page("trs_detail_multipage.html")))
    html = f"""<html><head><meta name="ColumnName" content="政策解读"></head><body><ul>
<li><a href="{PART_1}">《实施意见》解读（二）</a><span>2015-10-09</span></li>
<li><a href="/zcjd/201510/t20151008_67400.html">关于某某工作的通知</a><span>2015-10-08</span></li>
</ul></body></html>"""
    listing = response_from_bytes(html.encode(), url="http://www.example.gov.cn/xwdt/")
    listing.meta["depth"] = 1
    urls = [r.url for r in spider.parse_page(listing)]
    assert PART_1 not in urls
    assert "http://www.example.gov.cn/zcjd/201510/t20151008_67400.html" in urls
    assert _stat(spider, "govarchive/multipage/part_link_skipped") == 1
    # And if the part is fetched anyway (its link was followed before), it is no document.
    late = _page("trs_detail_multipage_1.html")
    assert list(spider.parse_page(late)) == []


# --- end to end --------------------------------------------------------------------------------


def _article(stem: str, index: int, count: int, body: str) -> str:
    title = f"文件{stem}的解读"
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="2015-10-09">
<meta name="ColumnName" content="政策解读"><title>{title}</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/zcjd/">政策解读</a></div>
<h1>{title}</h1><div class="info">发布日期：2015-10-09</div>
<div class="TRS_Editor"><p>{body}</p></div>
<div class="page"><script>createPageHTML({count}, {index}, "{stem}", "html");</script></div>
</body></html>"""


_PARAGRAPH = "为进一步做好政府信息公开工作，根据有关规定，现就实施意见的主要内容解读如下。"
# stem -> page count; which further pages answer 404.
_DOCUMENTS = {"t20151009_67430": 3, "t20151012_67501": 3, "t20151015_67588": 2}
_MISSING = {"/zcjd/201510/t20151012_67501_2.html"}


def _multipage_site() -> dict[str, str]:
    pages = {
        "/": '<html><head><meta charset="utf-8"><title>示例市人民政府</title></head><body>'
        '<ul class="menu"><li><a href="/zcjd/">政策解读</a></li>'
        '<li><a href="/xwdt/">新闻动态</a></li></ul></body></html>',
        # List A links two multi-page documents by their first page, and a single page.
        "/zcjd/": _list_page(
            "政策解读",
            [
                ("./201510/t20151009_67430.html", "文件t20151009_67430的解读", "2015-10-09"),
                ("./201510/t20151012_67501.html", "文件t20151012_67501的解读", "2015-10-12"),
                ("./201510/t20151020_67600.html", "单页文件的解读", "2015-10-20"),
            ],
            "",
        ),
        # List B links parts directly: one of a document list A links too, one of a document
        # linked nowhere else.
        "/xwdt/": _list_page(
            "新闻动态",
            [
                ("/zcjd/201510/t20151009_67430_1.html", "解读（二）", "2015-10-09"),
                ("/zcjd/201510/t20151015_67588_1.html", "解读续篇（二）", "2015-10-15"),
            ],
            "",
        ),
        "/zcjd/201510/t20151020_67600.html": _article("t20151020_67600", 0, 1, _PARAGRAPH * 3),
    }
    for stem, count in _DOCUMENTS.items():
        for index in range(count):
            name = stem + (f"_{index}" if index else "")
            text = f"{stem}第{index + 1}部分正文。" + _PARAGRAPH * 2
            pages[f"/zcjd/201510/{name}.html"] = _article(stem, index, count, text)
    return pages


@pytest.fixture(scope="module")
def multipage_crawl(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[LoopbackSite, list[dict], dict[str, int]]:
    site = LoopbackSite(statuses=dict.fromkeys(_MISSING, 404))
    servers = [_serve(site)]
    site.pages = _multipage_site()
    try:
        items, stats, _ = run_crawl(f"{site.base}/", Path(tmp_path_factory.mktemp("multipage")))
    finally:
        stop_servers(servers)
    return site, items, stats


@pytest.mark.e2e
def test_e2e_multipage_document_yielded_once_with_its_parts(multipage_crawl) -> None:
    site, items, _ = multipage_crawl
    by_url = {item["url"][len(site.base) :]: item for item in items}
    assert len(by_url) == len(items) == 4
    article = by_url["/zcjd/201510/t20151009_67430.html"]
    assert article["parts"] == [
        f"{site.base}/zcjd/201510/t20151009_67430_1.html",
        f"{site.base}/zcjd/201510/t20151009_67430_2.html",
    ]
    assert len(article["html_parts"]) == 2
    assert "t20151009_67430第2部分正文" in article["html_parts"][0]
    assert "t20151009_67430第3部分正文" in article["html_parts"][1]
    assert "t20151009_67430第1部分正文" in article["html"]
    # Found through list A's link to it, or through list B's link to its part.
    assert article["source_url"] in {f"{site.base}/zcjd/", f"{site.base}/xwdt/"}
    single = by_url["/zcjd/201510/t20151020_67600.html"]
    assert single["parts"] == []


@pytest.mark.e2e
def test_e2e_parts_are_never_documents(multipage_crawl) -> None:
    site, items, stats = multipage_crawl
    assert not [item["url"] for item in items if item["url"].endswith(("_1.html", "_2.html"))]
    # Linked only through its part: archived once, as its first page with all parts.
    linked_by_part = next(i for i in items if i["url"].endswith("/t20151015_67588.html"))
    assert linked_by_part["parts"] == [f"{site.base}/zcjd/201510/t20151015_67588_1.html"]
    assert linked_by_part["source_url"] == f"{site.base}/xwdt/"
    assert stats["govarchive/multipage/part_reached"] >= 1
    assert stats["govarchive/pages/document"] == 4


@pytest.mark.e2e
def test_e2e_lost_part_keeps_the_parts_before_it(multipage_crawl) -> None:
    site, items, stats = multipage_crawl
    partial = next(i for i in items if i["url"].endswith("/t20151012_67501.html"))
    assert partial["parts"] == [f"{site.base}/zcjd/201510/t20151012_67501_1.html"]
    assert len(partial["html_parts"]) == 1
    assert stats["govarchive/multipage/part_failed"] == 1
    assert stats["govarchive/multipage/documents"] == 3
    assert stats["govarchive/multipage/parts"] == 4
    paths = [path for _, path in site.requests]
    assert paths.count("/zcjd/201510/t20151012_67501_2.html") == 1  # a 404 is not retried


@pytest.mark.corpus
def test_corpus_single_page_trs_document_is_no_multipage() -> None:
    """山西: a TRS detail page whose pager is createPageHTML(1, 0, "t20190918_693227", …)."""
    require_corpus()
    page = next(p for p in corpus_pages() if p.slug == "sx_shanxi_gne_detail")
    response = page.response()
    assert document_pager(response.selector, response.url) is None
    response.meta["depth"] = 2
    crawler = get_crawler(DisclosureSpider)
    crawler.stats.open_spider()
    spider = DisclosureSpider.from_crawler(crawler, start_urls=response.url)
    [item] = list(spider.parse_page(response))
    assert isinstance(item, DisclosureDocument)
    assert item.parts == []
