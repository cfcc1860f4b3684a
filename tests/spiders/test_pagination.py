"""spiders.pagination: TRS pager scripts, pager links, column keys."""

from __future__ import annotations

import pytest

from spiders.links import PageLink, extract_links
from spiders.pagination import (
    TrsPager,
    column_key,
    find_trs_pager,
    has_pagination,
    is_page_like_url,
    is_pagination_link,
    parse_trs_pager,
    trs_page_urls,
)
from tests.helpers import corpus_pages, fixture_response, require_corpus, response_from_bytes


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ('createPageHTML(3, 0, "index", "html");', TrsPager(3, 0, "index", "html")),
        ("createPageHTML(55,12,'index','htm')", TrsPager(55, 12, "index", "htm")),
        (
            "createPageHTML('page_div', 12, 3, 'index', 'shtml', 236);",
            TrsPager(12, 3, "index", "shtml"),
        ),
        (
            (
                "var currentPage = 0;//所在页从0开始\nvar countPage = 55//共多少页\n"
                'createPageHTML(countPage, currentPage, "index", "html");'
            ),
            TrsPager(55, 0, "index", "html"),
        ),
        (
            'createPageHTML(1,0,"t20190918_693227","shtml")',
            TrsPager(1, 0, "t20190918_693227", "shtml"),
        ),
    ],
)
def test_parse_createpagehtml_forms(script: str, expected: TrsPager) -> None:
    assert parse_trs_pager(script) == expected


@pytest.mark.parametrize(
    "script",
    [
        # The function's own definition: parameters, not values.
        "function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){ if(_nPageCount == null) return; }",
        "createPageHTML(n, m, name, ext);",  # unresolved variables
        'createPageHTML(3, 5, "index", "html");',  # current page beyond the count
        'createPageHTML(0, 0, "index", "html");',
        "var x = 1;",
    ],
)
def test_parse_rejects_what_is_no_pager(script: str) -> None:
    assert parse_trs_pager(script) is None


def test_pager_variables_set_in_another_script() -> None:
    html = (
        "<html><body><script>var countPage = 7;</script><ul></ul>"
        '<script>createPageHTML(countPage, 0, "index", "htm");</script></body></html>'
    )
    response = response_from_bytes(html.encode(), url="http://x.gov.cn/col/")
    assert find_trs_pager(response.selector) == TrsPager(7, 0, "index", "htm")


def test_document_write_pager_variant() -> None:
    script = """var currentPage=0;
        var countPage=56
        if(countPage>1&&currentPage!=(countPage-1))
            document.write("<a href=\\"index"+"_"+nextPage+"."+"html\\" target=\\"_self\\">下一页</a>");"""
    assert parse_trs_pager(script) == TrsPager(56, 0, "index", "html")


def test_page_urls_from_first_page() -> None:
    urls, cut = trs_page_urls(TrsPager(3, 0), "http://x.gov.cn/zwgk/tzgg/")
    assert urls == [
        "http://x.gov.cn/zwgk/tzgg/index_1.html",
        "http://x.gov.cn/zwgk/tzgg/index_2.html",
    ]
    assert cut == 0


def test_page_urls_from_a_later_page_stay_within_the_count() -> None:
    urls, _ = trs_page_urls(TrsPager(4, 3, "index", "shtml"), "http://x.gov.cn/col/index_3.shtml")
    assert urls == [
        "http://x.gov.cn/col/index.shtml",
        "http://x.gov.cn/col/index_1.shtml",
        "http://x.gov.cn/col/index_2.shtml",
    ]


def test_page_urls_are_capped() -> None:
    urls, cut = trs_page_urls(TrsPager(700, 0), "http://x.gov.cn/col/index.html", max_pages=500)
    assert len(urls) == 499  # 500 pages including the current one
    assert urls[-1] == "http://x.gov.cn/col/index_499.html"
    assert cut == 200


def test_fixture_pagers() -> None:
    trs = fixture_response("spiders/trs_column_createpagehtml.html")
    assert find_trs_pager(trs.selector) == TrsPager(55, 0, "index", "html")
    urls, _ = trs_page_urls(find_trs_pager(trs.selector), trs.url)
    assert len(urls) == 54
    assert urls[0] == "http://www.example.gov.cn/zwgk/tzgg/index_1.html"
    new_form = fixture_response("spiders/jiyue_column_shtml.html")
    pager = find_trs_pager(new_form.selector)
    assert pager == TrsPager(12, 3, "index", "shtml")
    urls, _ = trs_page_urls(pager, new_form.url)
    assert "https://www.example-yc.gov.cn/ycsrmzf/tjgb/index.shtml" in urls
    assert "https://www.example-yc.gov.cn/ycsrmzf/tjgb/index_11.shtml" in urls
    assert len(urls) == 11


@pytest.mark.parametrize(
    ("text", "url", "expected"),
    [
        ("下一页", "http://x.gov.cn/news.asp?classid=2&page=3", True),
        ("[下一页]", "http://x.gov.cn/col/index_2.html", True),
        ("尾页", "http://x.gov.cn/col/index_55.html", True),
        ("下一頁", "http://x.gov.cn/tc/search?page=2", True),
        ("Next »", "http://x.gov.cn/en/list?page=2", True),
        (">>", "http://x.gov.cn/col/index_2.html", True),
        ("3", "http://x.gov.cn/col/index_2.html", True),
        ("3", "http://x.gov.cn/news.asp?classid=2&page=3", True),
        ("首页", "http://x.gov.cn/col/index.html", True),  # page 1 of the same column
        ("首页", "http://x.gov.cn/", False),  # the site home
        ("12", "http://x.gov.cn/zwgk/t20240101_12.html", False),
        ("通知公告", "http://x.gov.cn/col/index_2.html", False),
        ("下一页", "http://x.gov.cn/cal.asp?date=2024-02", False),  # no page of this column
    ],
)
def test_pagination_links(text: str, url: str, expected: bool) -> None:
    current = (
        "http://x.gov.cn/col/index_1.html"
        if "/col/" in url
        else "http://x.gov.cn/news.asp?classid=2&page=2"
    )
    assert is_pagination_link(PageLink(url=url, text=text), current) is expected


def test_attachment_is_never_a_pager_link() -> None:
    link = PageLink(url="http://x.gov.cn/col/list_2.pdf", text="下一页", kind="attachment")
    assert not is_pagination_link(link, "http://x.gov.cn/col/list.html")


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://x.gov.cn/col/index_3.html", "http://x.gov.cn/col/"),
        ("http://x.gov.cn/col/index.html", "http://x.gov.cn/col/"),
        ("http://x.gov.cn/col/", "http://x.gov.cn/col/"),
        ("http://x.gov.cn/col/list_2.shtml", "http://x.gov.cn/col/list.shtml"),
        ("http://x.gov.cn/news.asp?classid=2&page=4", "http://x.gov.cn/news.asp?classid=2"),
        ("http://x.gov.cn/a/report_2012.html", "http://x.gov.cn/a/report_2012.html"),
    ],
)
def test_column_key(url: str, key: str) -> None:
    assert column_key(url) == key


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://x.gov.cn/col/index_3.html", True),
        ("http://x.gov.cn/col/list_12.shtml", True),
        ("http://x.gov.cn/news.asp?classid=2&page=4", True),
        ("http://x.gov.cn/blog/page/3/", True),
        ("http://x.gov.cn/col/t20240101_123.html", False),
        ("http://x.gov.cn/a/report_2012.html", False),
        ("http://x.gov.cn/col/index.html", False),
    ],
)
def test_page_like_urls(url: str, expected: bool) -> None:
    assert is_page_like_url(url) is expected


def test_has_pagination() -> None:
    plain = fixture_response("spiders/plain_next_list.html")
    assert has_pagination(plain.selector, extract_links(plain), plain.url)
    detail = fixture_response("spiders/hanweb_detail_downfile.html")
    assert not has_pagination(detail.selector, extract_links(detail), detail.url)
    single = response_from_bytes(
        b'<html><body><p>x</p><script>createPageHTML(1,0,"t20190918_693227","shtml")</script></body></html>',
        url="http://x.gov.cn/yw/t20190918_693227.shtml",
    )
    assert not has_pagination(single.selector, [], single.url)
    js_pager = response_from_bytes(
        '<html><body><div class="pagination">共 12 页 <span>下一页</span></div></body></html>'.encode(),
        url="http://x.gov.cn/col/",
    )
    assert has_pagination(js_pager.selector, [], js_pager.url)


@pytest.mark.corpus
def test_corpus_handan_list_pager() -> None:
    """The TRS document.write pager of the 邯郸 list: index_1 … index_55 beside index.html."""
    require_corpus()
    page = next(p for p in corpus_pages() if p.slug == "hb_handan_xxgk_list_jsp")
    response = page.response()
    pager = find_trs_pager(response.selector)
    assert pager is not None
    assert (pager.page_count, pager.current_index) == (56, 0)
    urls, _ = trs_page_urls(pager, response.url)
    base = "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/"
    assert urls == [f"{base}index_{n}.html" for n in range(1, 56)]
    rendered = [
        link.url for link in extract_links(response) if is_pagination_link(link, response.url)
    ]
    assert set(rendered) <= set(urls)
    assert f"{base}index_55.html" in rendered


# --- query-string pagination (?page=N, pageNo=, pageIndex=, currentPage=, curPage=) ---------


@pytest.mark.parametrize(
    ("text", "url", "current", "expected"),
    [
        ("2", "http://x.gov.cn/list.jsp?pageNo=2&cid=5", "http://x.gov.cn/list.jsp?cid=5", True),
        (
            "下一页",
            "http://x.gov.cn/l.aspx?pageIndex=3",
            "http://x.gov.cn/l.aspx?pageIndex=2",
            True,
        ),
        (
            "上一页",
            "http://x.gov.cn/l.aspx?pageIndex=1",
            "http://x.gov.cn/l.aspx?pageIndex=2",
            True,
        ),
        ("尾页", "http://x.gov.cn/l.php?page=12", "http://x.gov.cn/l.php", True),
        ("首页", "http://x.gov.cn/l.php?page=1", "http://x.gov.cn/l.php?page=5", True),
        # The same column whatever the order of its other parameters.
        (
            "第3页",
            "http://x.gov.cn/l.do?currentPage=3&channelId=7&t=1",
            "http://x.gov.cn/l.do?t=1&channelId=7&currentPage=2",
            True,
        ),
        # Another page number of this very list: pagination whatever the anchor says.
        ("更多>>", "http://x.gov.cn/l.do?curPage=2&id=1", "http://x.gov.cn/l.do?id=1", True),
        ("", "http://x.gov.cn/l.do?CurPage=4&id=1", "http://x.gov.cn/l.do?CurPage=3&id=1", True),
        ("3", "http://x.gov.cn/gk/list?pageNum=3&type=2", "http://x.gov.cn/gk/list?type=2", True),
        # Another column's list, a detail page, a non-numeric "page".
        (
            "某某通知",
            "http://x.gov.cn/list.jsp?pageNo=2&cid=9",
            "http://x.gov.cn/list.jsp?cid=5",
            False,
        ),
        (
            "关于某某的通知",
            "http://x.gov.cn/show.jsp?id=5",
            "http://x.gov.cn/list.jsp?page=2",
            False,
        ),
        ("更多", "http://x.gov.cn/l.do?curPage=all&id=1", "http://x.gov.cn/l.do?id=1", False),
    ],
)
def test_query_string_pagination_links(text: str, url: str, current: str, expected: bool) -> None:
    assert is_pagination_link(PageLink(url=url, text=text), current) is expected


@pytest.mark.parametrize(
    "url",
    [
        "http://x.gov.cn/list.jsp?pageNo=7",
        "http://x.gov.cn/list.jsp?pageIndex=7",
        "http://x.gov.cn/list.jsp?currentPage=7",
        "http://x.gov.cn/list.jsp?curPage=7",
        "http://x.gov.cn/list.jsp?page=7",
    ],
)
def test_query_page_params_share_the_column_key(url: str) -> None:
    assert is_page_like_url(url)
    assert column_key(url) == "http://x.gov.cn/list.jsp"


def _query_list(current: int) -> bytes:
    rows = "".join(
        f'<li><a href="detail.jsp?id={current}{i}">关于某某事项的第{current}{i}号通知</a>'
        f"<span>2024-01-0{i + 1}</span></li>"
        for i in range(3)
    )
    pager = " ".join(
        f'<a href="list.jsp?channelId=12&pageNo={n}">{n}</a>' for n in range(1, 8) if n != current
    )
    return (
        '<html><head><meta name="ColumnName" content="通知公告"></head><body>'
        f'<ul>{rows}</ul><div class="page">{pager} '
        f'<a href="list.jsp?channelId=12&pageNo={current + 1}">下一页</a> '
        '<a href="list.jsp?channelId=12&pageNo=7">尾页</a></div></body></html>'
    ).encode()


def test_query_pagination_keeps_depth_and_is_capped_per_column() -> None:
    from scrapy.utils.test import get_crawler

    from crawler.spidermiddlewares import PaginationDepthMiddleware
    from spiders.disclosure import DisclosureSpider

    crawler = get_crawler(
        DisclosureSpider, settings_dict={"GOVARCHIVE_MAX_LIST_PAGES": 4, "DEPTH_LIMIT": 2}
    )
    crawler.stats.open_spider()
    spider = DisclosureSpider.from_crawler(crawler, start_urls="http://x.gov.cn/")
    response = response_from_bytes(
        _query_list(1), url="http://x.gov.cn/gk/list.jsp?channelId=12&pageNo=1"
    )
    response.meta["depth"] = 2
    requests = list(spider.parse_page(response))
    pages = [r for r in requests if r.meta["pagination"]]
    details = [r for r in requests if not r.meta["pagination"]]
    # Four pager pages requested for the column (the cap), pages 6 and 7 cut.
    assert [r.url for r in pages] == [
        f"http://x.gov.cn/gk/list.jsp?channelId=12&pageNo={n}" for n in (2, 3, 4, 5)
    ]
    assert crawler.stats.get_value("govarchive/pagination/cut") == 2
    assert len(details) == 3
    middleware = PaginationDepthMiddleware.from_crawler(crawler)
    kept = [middleware.get_processed_request(r, response) for r in pages]
    assert all(r is not None and r.meta["depth"] == 2 for r in kept)
    # A detail link goes one level deeper, beyond DEPTH_LIMIT=2: dropped.
    assert middleware.get_processed_request(details[0], response) is None
