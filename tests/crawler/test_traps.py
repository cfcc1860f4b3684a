"""Crawler traps: each rule on its own, then TrapMiddleware in a crawler."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import logging
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.spidermiddlewares import PaginationDepthMiddleware
from crawler.traps import (
    ShapeTracker,
    TrapDetector,
    TrapMiddleware,
    date_outside_window,
    growing_url_reason,
    is_document_url,
    is_search_url,
    repeated_segment_run,
    strip_session_ids,
    url_dates,
    url_shape,
)

SITE = "http://www.example.gov.cn"
TODAY = dt.date(2025, 6, 1)


# Session ids ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{SITE}/xxgk/doc.html;jsessionid=ABC123", f"{SITE}/xxgk/doc.html"),
        (
            f"{SITE}/list.jsp;JSESSIONID=0A1B2C3D4E5F.node1?col=3&page=2",
            f"{SITE}/list.jsp?col=3&page=2",
        ),
        (f"{SITE}/a.php?PHPSESSID=9f8e7d6c5b4a39281706&id=5", f"{SITE}/a.php?id=5"),
        (f"{SITE}/a.do?id=5&JSESSIONID=abc", f"{SITE}/a.do?id=5"),
        (f"{SITE}/a.do?sessionid=xyz", f"{SITE}/a.do"),
        (f"{SITE}/a.asp?ASPSESSIONIDQSTRBDAC=KJHGFDSAPOIU&x=1", f"{SITE}/a.asp?x=1"),
        # sid as a session token is removed; as a site/section number it is a real parameter.
        (f"{SITE}/a.jsp?sid=a1b2c3d4e5f6a7b8c9d0&id=7", f"{SITE}/a.jsp?id=7"),
        (f"{SITE}/a.jsp?sid=3&id=7", f"{SITE}/a.jsp?sid=3&id=7"),
        (f"{SITE}/xxgk/index_3.html", f"{SITE}/xxgk/index_3.html"),
        # Other parameters keep their order and encoding.
        (
            f"{SITE}/l.jsp?b=%E7%A8%8E&jsessionid=1&a=2",
            f"{SITE}/l.jsp?b=%E7%A8%8E&a=2",
        ),
    ],
)
def test_strip_session_ids(url: str, expected: str) -> None:
    assert strip_session_ids(url) == expected


def test_strip_session_ids_returns_the_same_url_when_there_is_none() -> None:
    url = f"{SITE}/xxgk/tzgg/?page=4"
    assert strip_session_ids(url) is url


# Growing URLs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}/a/b/a/b/a/b/",
        f"{SITE}/x/x/x/",
        f"{SITE}/xxgk/a/b/a/b/index.html",  # a relative link resolved against its own dir
        f"{SITE}/list.jsp?page=1&page=2",
        f"{SITE}/list.jsp?Col=1&col=2",
        f"{SITE}/l.jsp?" + "&".join(f"p{i}=1" for i in range(16)),
        f"{SITE}/xxgk/" + "abcdefghij/" * 30,
        # Length counts characters, not percent-escapes: 100 Chinese characters are 100.
        f"{SITE}/s.html?t=" + "%E7%A8%8E" * 300,
    ],
)
def test_growing_urls(url: str) -> None:
    assert growing_url_reason(url) is not None


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}/xxgk/tzgg/index_3.html",
        f"{SITE}/xxgk/tzgg/?page=4",
        f"{SITE}/a/a/",  # twice is not yet a pattern (/xxgk/xxgk/ exists)
        f"{SITE}/art/2011/11/11/art_1229_5.html",
        f"{SITE}/xxgk/202305/t20230511_123.html",
        f"{SITE}/xxgk/" + "%E6%94%BF%E5%BA%9C" * 20 + "/index.html",
        f"{SITE}/module/web/jpage/dataproxy.jsp?startrecord=1&endrecord=45&perpage=15",
    ],
)
def test_not_growing_urls(url: str) -> None:
    assert growing_url_reason(url) is None


def test_growing_limits_are_configurable() -> None:
    url = f"{SITE}/l.jsp?a=1&b=2&c=3"
    assert growing_url_reason(url, max_params=2) is not None
    assert growing_url_reason(url, max_params=0) is None
    assert growing_url_reason(url, max_length=20) is not None
    assert growing_url_reason(url, max_length=0) is None


def test_repeated_segment_run() -> None:
    assert repeated_segment_run("/a/b/a/b/a/b/") == ("a", "b")
    assert repeated_segment_run("/x/x/x/") == ("x",)
    assert repeated_segment_run("/a/a/") is None
    assert repeated_segment_run("/a/b/c/") is None


# Search --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}/search",
        f"{SITE}/search/?q=x",
        f"{SITE}/search.jsp?keyword=%E7%A8%8E",
        f"{SITE}/jsearchfront/search.do?websiteid=1&q=x",
        f"{SITE}/was5/web/search?channelid=1&searchword=x",
        f"{SITE}/guestweb4/s?searchWord=x&siteCode=1",
        f"{SITE}/s?wd=x",
        f"{SITE}/xxgk/list.jsp?keyword=税收&page=2",
        f"{SITE}/fullTextSearch.action?q=a",
        f"{SITE}/sousuo/",
        f"{SITE}/l.aspx?SearchWord=a",
    ],
)
def test_search_urls(url: str) -> None:
    assert is_search_url(url)


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}/research/index.html",
        f"{SITE}/xxgk/list.jsp?keyword=&page=2",  # an empty filter of a list page
        f"{SITE}/s/index.html",
        f"{SITE}/xxgk/tzgg/?page=4",
        f"{SITE}/xxgk/tzgg/index_3.html",
        f"{SITE}/xxgk/202305/t20230511_123.html",
    ],
)
def test_not_search_urls(url: str) -> None:
    assert not is_search_url(url)


# Documents and dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}/xxgk/tzgg/202305/t20230511_123.html",  # TRS
        f"{SITE}/xxgk/tzgg/202305/t20230511_123_1.html",  # TRS multi-page part
        f"{SITE}/art/2023/10/23/art_1229283449_24937.html",  # Hanweb
        f"{SITE}/art/2023/10/23/art_12_5.html",  # Hanweb, small ids
        f"{SITE}/xxgk/202305/3f2b9c0d4e5f60718293a4b5c6d7e8f9.shtml",  # UCAP / 集约化
        f"{SITE}/zhengce/content/2023-05/11/content_5755012.htm",  # www.gov.cn
        f"{SITE}/zwgk/wjk/content/post_4143133.html",
        f"{SITE}/info/1041/31887.htm",  # VSB
        f"{SITE}/2023-05/11/c_1129606720.htm",
        f"{SITE}/xxgk/detail.jsp?articleId=12345",
    ],
)
def test_document_urls(url: str) -> None:
    assert is_document_url(url)


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}/cal/?y=2024&m=1",
        f"{SITE}/rili/2024/05/",
        f"{SITE}/events/20240501.html",
        f"{SITE}/xxgk/tzgg/index_3.html",
        f"{SITE}/col/col2001/index.html",
    ],
)
def test_not_document_urls(url: str) -> None:
    assert not is_document_url(url)


def test_url_dates() -> None:
    assert url_dates(f"{SITE}/cal/?y=2020&m=5") == [(2020, 5, None)]
    assert url_dates(f"{SITE}/cal/?year=2020&month=5&day=1") == [(2020, 5, 1)]
    assert url_dates(f"{SITE}/ev.jsp?date=2020-05-01") == [(2020, 5, 1)]
    assert url_dates(f"{SITE}/ev.jsp?rq=20200501") == [(2020, 5, 1)]
    assert url_dates(f"{SITE}/news/2020/05/") == [(2020, 5, None)]
    assert url_dates(f"{SITE}/news/2020/05/01/") == [(2020, 5, 1)]
    assert url_dates(f"{SITE}/news/2020-05/list.html") == [(2020, 5, None)]
    assert url_dates(f"{SITE}/news/202005/") == [(2020, 5, None)]
    assert url_dates(f"{SITE}/col/col2001/index_3.html?page=4") == []
    assert url_dates(f"{SITE}/xxgk/2020/") == []  # a year alone may be a column id
    # Numeric column ids in the path are no dates (people.com.cn).
    assert url_dates("http://legal.people.com.cn/GB/43027/166412/index.html") == []
    assert url_dates(f"{SITE}/GB/1027/03/") == []


@pytest.mark.parametrize(
    ("url", "outside"),
    [
        (f"{SITE}/cal/?y=1850&m=1", True),
        (f"{SITE}/cal/?y=1989&m=12", True),
        (f"{SITE}/cal/?y=1990&m=1", False),
        (f"{SITE}/ev.jsp?date=2026-05-01", False),
        (f"{SITE}/ev.jsp?date=2026-07-01", True),
        (f"{SITE}/cal/?y=3024&m=1", True),
        (f"{SITE}/news/1985/03/", True),
        (f"{SITE}/news/2024/03/", False),
        (f"{SITE}/xxgk/index.html", False),
        ("http://tw.people.com.cn/GB/73803/132912/index.html", False),
    ],
)
def test_date_window(url: str, outside: bool) -> None:
    assert (date_outside_window(url, 1990, TODAY) is not None) is outside


def test_url_shape_marks_only_bare_numbers_as_date_parts() -> None:
    shape = url_shape(f"{SITE}/cal/?y=2024&m=1")
    assert shape.template == "/cal/?y={n}&m={n}"
    assert shape.dateish == (True, True)
    assert shape.year_bearing == (True, False)
    glued = url_shape(f"{SITE}/col/col2001/index_3.html?page=4")
    assert glued.template == "/col/col{n}/index_{n}.html?page={n}"
    assert glued.dateish == (False, False, False)
    hexed = url_shape(f"{SITE}/xxgk/202305/3F2B9C0D4E5F60718293A4B5C6D7E8F9.shtml")
    assert hexed.template == "/xxgk/{n}/{h}.shtml"


# Calendars and template caps -----------------------------------------------------------------


def _months(start_year: int, count: int) -> list[str]:
    out = []
    year, month = start_year, 1
    for _ in range(count):
        out.append(f"{SITE}/cal/?y={year}&m={month}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return out


def _detector(**kwargs: Any) -> TrapDetector:
    return TrapDetector(today=TODAY, **{"calendar_limit": 12, **kwargs})


def _kept(detector: TrapDetector, urls: list[str], **kwargs: Any) -> list[str]:
    return [url for url in urls if detector.inspect(url, **kwargs).trap is None]


def test_endless_month_calendar_is_cut_at_the_limit() -> None:
    detector = _detector()
    urls = _months(2010, 60)
    kept = _kept(detector, urls, sources=[urls[0]])
    assert kept == urls[:12]
    assert detector.inspect(urls[40]).trap == "calendar"
    # Already admitted dates stay admitted (a link seen again is no new trap).
    assert detector.inspect(urls[3]).trap is None


@pytest.mark.parametrize(
    "pattern",
    [
        "/rili/{y}/{m:02d}/",
        "/events/list.jsp?date={y}-{m:02d}-01",
        "/huodong/{y}{m:02d}.html",
        "/cal.jsp?year={y}&month={m}",
    ],
)
def test_calendar_shapes(pattern: str) -> None:
    detector = _detector()
    urls = [SITE + pattern.format(y=2000 + i // 12, m=i % 12 + 1) for i in range(40)]
    assert len(_kept(detector, urls)) == 12


def test_day_links_of_a_calendar_are_cut_too() -> None:
    detector = _detector()
    days = [f"{SITE}/cal/day.jsp?y=2020&m={m}&d={d}" for m in range(1, 13) for d in (1, 15)]
    assert len(_kept(detector, days)) == 12


def test_dates_outside_the_window_are_cut_at_once() -> None:
    detector = _detector()
    verdict = detector.inspect(f"{SITE}/cal/?y=1900&m=1")
    assert verdict.trap == "calendar"
    assert "outside" in verdict.detail
    assert detector.inspect(f"{SITE}/cal/?y=2999&m=1").trap == "calendar"


def test_pages_of_one_column_are_not_a_calendar_but_dated_columns_are() -> None:
    detector = _detector()
    pages = [f"{SITE}/list.jsp?channelId=7&page={n}" for n in range(1, 40)]
    assert _kept(detector, pages, pagination=True) == pages
    # A calendar whose months are dressed up as paginated columns is still a calendar.
    months = _months(2010, 30)
    assert len(_kept(detector, months, pagination=True)) == 12
    # … but still no search and no growing URL.
    assert detector.inspect(f"{SITE}/search.jsp?q=a", pagination=True).trap == "search"
    assert detector.inspect(f"{SITE}/a/a/a/", pagination=True).trap == "growing_url"


@pytest.mark.parametrize(
    "urls",
    [
        # TRS documents of a column, dated, with small and large ids.
        [f"{SITE}/xxgk/tzgg/2023{m:02d}/t2023{m:02d}{d:02d}_{m * d}.html" for m in range(1, 13)
         for d in range(1, 6)],
        [f"{SITE}/xxgk/tzgg/202305/t202305{d:02d}_{d}.html" for d in range(1, 31)],
        # Hanweb documents: the path is a date, ids small enough to read as days.
        [f"{SITE}/art/2023/{m}/{d}/art_1229_{d}.html" for m in range(1, 13) for d in (1, 9, 20)],
        # UCAP documents under month directories.
        [f"{SITE}/xxgk/2023{m:02d}/{m:02d}{'ab' * 15}.shtml" for m in range(1, 13)] * 3,
        # www.gov.cn documents.
        [f"{SITE}/zhengce/content/2023-{m:02d}/{d:02d}/content_{5700000 + m * 31 + d}.htm"
         for m in range(1, 13) for d in (1, 15)],
        # List pagination, even when not flagged as such.
        [f"{SITE}/xxgk/tzgg/index_{n}.html" for n in range(1, 60)],
        [f"{SITE}/xxgk/list.jsp?page={n}" for n in range(1, 60)],
        [f"{SITE}/xxgk/list.jsp?year=2023&page={n}" for n in range(1, 60)],
        # Columns with ids that look like years.
        [f"{SITE}/col/col{n}/index.html" for n in range(1990, 2040)],
        [f"{SITE}/xxgk/list.jsp?catid={n}" for n in range(1, 60)],
    ],
    ids=["trs", "trs-small-ids", "hanweb", "ucap", "govcn", "index_n", "page", "year-page",
         "col-ids", "catid"],
)  # fmt: skip
def test_documents_and_lists_with_dates_are_not_calendars(urls: list[str]) -> None:
    detector = _detector()
    list_page = f"{SITE}/xxgk/tzgg/index.html"
    assert _kept(detector, urls, sources=[list_page]) == urls


def test_year_filter_of_a_column_fits_the_default_limit() -> None:
    detector = TrapDetector(today=TODAY)  # calendar limit 24
    urls = [f"{SITE}/xxgk/ndbg/list.jsp?year={y}" for y in range(2008, 2026)]
    assert _kept(detector, urls) == urls


def test_template_cap_counts_pages_that_link_their_own_shape() -> None:
    detector = _detector(template_limit=20)
    tags = [f"{SITE}/tag/{n}/" for n in range(100)]
    assert detector.inspect(tags[0], sources=[f"{SITE}/"]).trap is None
    kept = [
        url
        for parent, url in itertools.pairwise(tags)
        if detector.inspect(url, sources=[parent]).trap is None
    ]
    assert len(kept) == 19  # plus the first tag page, linked from elsewhere: 20 of the shape
    assert detector.inspect(tags[99], sources=[tags[0]]).trap == "template_cap"


def test_template_cap_ignores_documents_of_a_big_column() -> None:
    detector = _detector(template_limit=20)
    docs = [f"{SITE}/xxgk/tzgg/202305/t20230511_{n}.html" for n in range(500)]
    lists = [f"{SITE}/xxgk/tzgg/index_{n // 20}.html" for n in range(500)]
    kept = [
        doc
        for doc, source in zip(docs, lists, strict=True)
        if detector.inspect(doc, sources=[source, f"{SITE}/"]).trap is None
    ]
    assert kept == docs


def test_template_cap_zero_is_off() -> None:
    detector = _detector(template_limit=0)
    tags = [f"{SITE}/tag/{n}/" for n in range(3000)]
    assert _kept(detector, tags, sources=[tags[0]]) == tags


def test_shape_tracker_needs_variation_to_call_a_calendar() -> None:
    tracker = ShapeTracker(calendar_limit=2, template_limit=0)
    url = f"{SITE}/cal/?y=2024&m=1"
    assert tracker.check(url, calendar=True, template_cap=False) is None
    assert not tracker.is_calendar(url_shape(url))
    assert tracker.check(f"{SITE}/cal/?y=2024&m=2", calendar=True, template_cap=False) is None
    assert tracker.is_calendar(url_shape(url))
    assert tracker.check(f"{SITE}/cal/?y=2024&m=3", calendar=True, template_cap=False) == (
        "calendar"
    )
    assert tracker.check(f"{SITE}/cal/?y=2024&m=4", calendar=False, template_cap=False) is None


def test_search_and_session_ids_in_the_detector() -> None:
    detector = _detector()
    verdict = detector.inspect(f"{SITE}/doc.html;jsessionid=ABC123")
    assert (verdict.url, verdict.rewritten, verdict.trap) == (f"{SITE}/doc.html", True, None)
    verdict = detector.inspect(f"{SITE}/search.jsp;jsessionid=ABC?q=1")
    assert (verdict.trap, verdict.rewritten) == ("search", True)


# The middleware ------------------------------------------------------------------------------


def _middleware(**settings: Any) -> TrapMiddleware:
    crawler = get_crawler(settings_dict={"GOVARCHIVE_TRAP_CALENDAR_LIMIT": 3, **settings})
    crawler.stats.open_spider()
    return TrapMiddleware.from_crawler(crawler)


def _response(url: str, **meta: Any) -> HtmlResponse:
    return HtmlResponse(url, body=b"<html></html>", request=Request(url, meta=meta))


def _request(url: str, **meta: Any) -> Request:
    return Request(url, meta={"source_url": None, "link_text": "", **meta})


def test_disabled_middleware_is_not_configured() -> None:
    crawler = get_crawler(settings_dict={"GOVARCHIVE_TRAPS_ENABLED": False})
    with pytest.raises(NotConfigured):
        TrapMiddleware.from_crawler(crawler)


def test_middleware_drops_and_rewrites_and_counts() -> None:
    mw = _middleware()
    response = _response(f"{SITE}/xxgk/", source_url=f"{SITE}/")
    item = {"url": f"{SITE}/doc.html"}
    doc = _request(f"{SITE}/xxgk/202401/t20240105_1.html")
    session = _request(f"{SITE}/xxgk/doc.html;jsessionid=ABC123", link_text="文件")
    search = _request(f"{SITE}/search.jsp?searchword=a")
    growing = _request(f"{SITE}/a/a/a/")
    months = [_request(url) for url in _months(2020, 6)]
    out = list(mw.process_spider_output(response, [item, doc, session, search, growing, *months]))
    assert out[0] is item
    assert out[1] is doc
    rewritten = out[2]
    assert rewritten.url == f"{SITE}/xxgk/doc.html"
    assert rewritten.meta["link_text"] == "文件"
    assert out[3:] == months[:3]
    stats = mw.stats.get_stats()
    assert stats["govarchive/traps/session_id"] == 1
    assert stats["govarchive/traps/search"] == 1
    assert stats["govarchive/traps/growing_url"] == 1
    assert stats["govarchive/traps/calendar"] == 3
    assert "govarchive/traps/template_cap" not in stats


def test_middleware_pagination_meta() -> None:
    mw = _middleware()
    response = _response(f"{SITE}/list.jsp?page=1")
    pages = [_request(f"{SITE}/list.jsp?page={n}", pagination=True) for n in range(2, 12)]
    assert list(mw.process_spider_output(response, pages)) == pages
    search = _request(f"{SITE}/search?q=1", pagination=True)
    assert list(mw.process_spider_output(response, [search])) == []


def test_middleware_leaves_post_requests_to_their_body() -> None:
    mw = _middleware()
    response = _response(f"{SITE}/col/col1/index.html")
    posts = [Request(url, method="POST", body=b"col=1") for url in _months(2020, 10)]
    assert list(mw.process_spider_output(response, posts)) == posts


def test_middleware_async_output_and_start_requests() -> None:
    mw = _middleware()
    response = _response(f"{SITE}/")

    async def output():
        yield _request(f"{SITE}/search?q=1")
        yield _request(f"{SITE}/xxgk/")

    async def start():
        # Start URLs are never cut, whatever they look like.
        yield Request(f"{SITE}/search?q=1")
        yield Request(f"{SITE}/doc.html;jsessionid=ABC123")

    async def collect(iterator):
        return [request.url async for request in iterator]

    assert asyncio.run(collect(mw.process_spider_output_async(response, output()))) == [
        f"{SITE}/xxgk/"
    ]
    assert asyncio.run(collect(mw.process_start(start()))) == [
        f"{SITE}/search?q=1",
        f"{SITE}/doc.html;jsessionid=ABC123",
    ]
    assert mw.stats.get_value("govarchive/traps/search") == 1


def test_middleware_logs_the_first_traps_of_a_kind_at_info(
    caplog: pytest.LogCaptureFixture,
) -> None:
    mw = _middleware()
    response = _response(f"{SITE}/")
    requests = [_request(f"{SITE}/search?q={n}") for n in range(8)]
    with caplog.at_level(logging.DEBUG, logger="crawler.traps"):
        assert list(mw.process_spider_output(response, requests)) == []
    levels = [record.levelno for record in caplog.records]
    assert levels == [logging.INFO] * 5 + [logging.DEBUG] * 3
    assert "search" in caplog.records[0].getMessage()


def test_middleware_settings() -> None:
    mw = _middleware(
        GOVARCHIVE_TRAP_MAX_URL_LENGTH=50,
        GOVARCHIVE_TRAP_SESSION_PARAMS=["token"],
        GOVARCHIVE_TRAP_TEMPLATE_LIMIT=7,
    )
    detector = mw.detector
    assert detector.max_url_length == 50
    assert detector.shapes.template_limit == 7
    assert detector.inspect(f"{SITE}/a.jsp?token=1&x=2").url == f"{SITE}/a.jsp?x=2"
    assert detector.inspect(f"{SITE}/a.jsp?PHPSESSID=1").url == f"{SITE}/a.jsp?PHPSESSID=1"


def test_project_settings_put_traps_before_depth() -> None:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    enabled = {
        load_object(path) if isinstance(path, str) else path: order
        for path, order in settings.getwithbase("SPIDER_MIDDLEWARES").items()
        if order is not None
    }
    # Spider output runs from the highest number down: traps go first, depth after.
    assert enabled[TrapMiddleware] > enabled[PaginationDepthMiddleware]
    assert settings.getbool("GOVARCHIVE_TRAPS_ENABLED")
    assert settings.getint("GOVARCHIVE_TRAP_CALENDAR_LIMIT") > 0


def test_calendar_dressed_as_pagination_is_bounded_by_column() -> None:
    detector = TrapDetector(calendar_limit=3, today=dt.date(2024, 12, 31))
    verdicts = [
        detector.inspect(
            f"http://x.gov.cn/hd/list.jsp?date=2024-{m:02d}&page={p}", pagination=True
        ).trap
        for m in range(1, 7)
        for p in (1, 2)
    ]
    # Pages of one month are one column; the fourth month is one column too many.
    assert verdicts[:6] == [None] * 6
    assert set(verdicts[6:]) == {"calendar"}


def test_plain_list_pagination_is_never_a_calendar() -> None:
    detector = TrapDetector(calendar_limit=3)
    kinds = {
        detector.inspect(f"http://x.gov.cn/col/index_{n}.html", pagination=True).trap
        for n in range(1, 60)
    }
    kinds |= {
        detector.inspect(f"http://x.gov.cn/list.jsp?channelId=7&page={n}", pagination=True).trap
        for n in range(60)
    }
    assert kinds == {None}
