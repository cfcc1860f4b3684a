"""PaginationDepthMiddleware: pagination keeps its list page's depth; the rest as Scrapy does."""

from __future__ import annotations

from typing import Any

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.spidermiddlewares.depth import DepthMiddleware
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler

from crawler import settings as project_settings
from crawler.spidermiddlewares import PaginationDepthMiddleware


def _middleware(**settings: Any) -> PaginationDepthMiddleware:
    crawler = get_crawler(settings_dict={"DEPTH_LIMIT": 8, **settings})
    crawler.stats.open_spider()
    return PaginationDepthMiddleware.from_crawler(crawler)


def _response(url: str, depth: int | None) -> HtmlResponse:
    meta = {} if depth is None else {"depth": depth}
    return HtmlResponse(url, body=b"<html></html>", request=Request(url, meta=meta))


def _process(mw: PaginationDepthMiddleware, response: HtmlResponse, *requests: Request) -> list:
    return list(mw.process_spider_output(response, list(requests)))


def test_pagination_request_keeps_the_parent_depth() -> None:
    mw = _middleware()
    response = _response("http://gov.test/col/index_3.html", depth=3)
    page = Request("http://gov.test/col/index_4.html", meta={"pagination": True})
    detail = Request("http://gov.test/col/t20240101_1.html")
    assert _process(mw, response, page, detail) == [page, detail]
    assert page.meta["depth"] == 3
    assert detail.meta["depth"] == 4


def test_a_55_page_column_is_not_cut_by_depth_limit() -> None:
    mw = _middleware(DEPTH_LIMIT=8)
    response = _response("http://gov.test/col/", depth=1)
    kept_details = 0
    for n in range(1, 55):
        [page] = _process(
            mw, response, Request(f"http://gov.test/col/index_{n}.html", meta={"pagination": True})
        )
        [detail] = _process(mw, response, Request(f"http://gov.test/col/t2024_{n}.html"))
        kept_details += 1
        assert detail.meta["depth"] == 2
        response = _response(page.url, depth=page.meta["depth"])
    assert response.meta["depth"] == 1
    assert kept_details == 54
    assert mw.stats.get_value("depth/request_ignored_count") is None


def test_ordinary_requests_still_obey_depth_limit() -> None:
    mw = _middleware(DEPTH_LIMIT=2)
    response = _response("http://gov.test/a/b/", depth=2)
    page = Request("http://gov.test/a/b/index_1.html", meta={"pagination": True})
    deeper = Request("http://gov.test/a/b/c/")
    assert _process(mw, response, page, deeper) == [page]
    assert page.meta["depth"] == 2
    assert mw.stats.get_value("depth/request_ignored_count") == 1


def test_first_response_and_start_requests() -> None:
    mw = _middleware()
    response = _response("http://gov.test/", depth=None)
    [page] = _process(
        mw, response, Request("http://gov.test/index_1.html", meta={"pagination": True})
    )
    assert response.meta["depth"] == 0
    assert page.meta["depth"] == 0
    start = Request("http://gov.test/")
    assert mw.get_processed_request(start, None) is start
    assert "depth" not in start.meta


def test_depth_reset_wins_over_pagination() -> None:
    mw = _middleware()
    response = _response("http://gov.test/x/", depth=5)
    request = Request("http://other.test/", meta={"pagination": True, "depth_reset": True})
    [out] = _process(mw, response, request)
    assert out.meta["depth"] == 0
    assert "depth_reset" not in out.meta


def test_priority_follows_depth_priority() -> None:
    mw = _middleware(DEPTH_PRIORITY=1)
    response = _response("http://gov.test/col/", depth=2)
    page = Request("http://gov.test/col/index_1.html", meta={"pagination": True})
    detail = Request("http://gov.test/col/t1.html")
    _process(mw, response, page, detail)
    assert (page.priority, detail.priority) == (-2, -3)


def test_project_settings_replace_the_stock_depth_middleware() -> None:
    settings = Settings()
    settings.setmodule(project_settings, priority="project")
    enabled = {
        load_object(path) if isinstance(path, str) else path: order
        for path, order in settings.getwithbase("SPIDER_MIDDLEWARES").items()
        if order is not None
    }
    assert enabled[PaginationDepthMiddleware] == 900
    assert DepthMiddleware not in enabled
    assert issubclass(PaginationDepthMiddleware, DepthMiddleware)


@pytest.mark.parametrize("limit", [0, 1])
def test_pagination_from_a_depth_zero_page_with_any_limit(limit: int) -> None:
    mw = _middleware(DEPTH_LIMIT=limit)
    response = _response("http://gov.test/col/", depth=0)
    page = Request("http://gov.test/col/index_1.html", meta={"pagination": True})
    assert _process(mw, response, page) == [page]
