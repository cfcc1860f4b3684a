"""Downloader-side fixes for hostile answers: binary bytes served as HTML are no page
(crawler.encoding.binary_body_type, CharsetRepairMiddleware), and redirect loops end as a
failure instead of vanishing in the dupe filter (RedirectLoopMiddleware)."""

from __future__ import annotations

import logging
import random

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from crawler.encoding import binary_body_type
from crawler.middlewares import CharsetRepairMiddleware, RedirectLoop, RedirectLoopMiddleware
from tests.hostile.hostile_site import binary_body, gzip_bomb

_RNG = random.Random(7)
RANDOM = bytes(_RNG.randrange(256) for _ in range(4096))


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (binary_body(), "application/octet-stream"),
        (RANDOM.replace(b"\x00", b"\x01"), "application/octet-stream"),  # controls, no NUL
        (b"%PDF-1.7\n1 0 obj<<>>endobj\n", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png"),
        (b"PK\x03\x04" + bytes(60), "application/zip"),
        (gzip_bomb(1 << 20), "application/gzip"),
    ],
)
def test_binary_bodies(body: bytes, kind: str) -> None:
    assert binary_body_type(body, "text/html; charset=utf-8") == kind


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "text/html"),
        ("<html><body>政府信息公开</body></html>".encode("gbk"), "text/html; charset=utf-8"),
        ("<p>政府信息公开</p>".encode(), "text/html"),
        ("没有标签的纯文本页面。".encode("gb18030"), "text/html"),
        ("<html>繁體中文</html>".encode("big5"), "text/html; charset=big5"),
        ("\ufeff<html>带BOM的UTF-16页面</html>".encode("utf-16"), "text/html"),
        ("<html>声明为UTF-16的页面</html>".encode("utf-16-le"), "text/html; charset=UTF-16LE"),
        (b"<html>\x1b$)A\x0e<=Q;\x0f</html>", "text/html; charset=iso-2022-cn"),  # ESC is text
        (b'{"code": 404, "msg": "not found"}', "text/html"),
    ],
)
def test_text_bodies(body: bytes, content_type: str) -> None:
    assert binary_body_type(body, content_type) is None


def _charset_middleware() -> CharsetRepairMiddleware:
    crawler = get_crawler()
    crawler.stats.open_spider()
    return CharsetRepairMiddleware.from_crawler(crawler)


def test_binary_html_response_becomes_a_plain_response(caplog: pytest.LogCaptureFixture) -> None:
    middleware = _charset_middleware()
    url = "http://www.example.gov.cn/xxgk/t20240113_1.html"
    request = Request(url, meta={"list_item": True})
    response = HtmlResponse(
        url,
        body=binary_body(),
        headers={"Content-Type": "text/html; charset=utf-8"},
        request=request,
        status=200,
        flags=["cached"],
    )
    with caplog.at_level(logging.WARNING, logger="crawler.middlewares"):
        result = middleware.process_response(request, response)
    assert type(result) is Response
    assert (result.url, result.status, result.body, result.flags) == (
        url,
        200,
        response.body,
        ["cached"],
    )
    assert result.meta["list_item"] is True
    assert middleware.stats.get_value("govarchive/content/binary_as_html") == 1
    assert middleware.stats.get_value("govarchive/charset/repaired") is None
    (message,) = [r.getMessage() for r in caplog.records]
    assert message == (
        f"Binary body served as text/html; charset=utf-8: {url} is application/octet-stream "
        "(65536 bytes); not read as a page"
    )


def test_pdf_served_as_html_is_a_file_for_the_spider() -> None:
    """A list row's PDF behind text/html reaches the spider as the file it is."""
    from spiders.disclosure import is_document_file

    middleware = _charset_middleware()
    url = "http://www.example.gov.cn/download?id=7"
    request = Request(url)
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 8
    response = HtmlResponse(url, body=pdf, headers={"Content-Type": "text/html"}, request=request)
    result = middleware.process_response(request, response)
    assert type(result) is Response
    assert is_document_file(result)


def test_text_html_responses_are_untouched() -> None:
    middleware = _charset_middleware()
    url = "http://www.example.gov.cn/a.html"
    request = Request(url)
    response = HtmlResponse(
        url, body="<html>通知</html>".encode(), headers={"Content-Type": "text/html"}
    )
    assert middleware.process_response(request, response) is response
    assert middleware.stats.get_value("govarchive/content/binary_as_html") is None


# --- redirect loops ---------------------------------------------------------------------------

A = "http://www.example.gov.cn/a.html"
B = "http://www.example.gov.cn/b.html"


def _loop_middleware() -> RedirectLoopMiddleware:
    crawler = get_crawler()
    crawler.stats.open_spider()
    return RedirectLoopMiddleware.from_crawler(crawler)


def _redirect(url: str, location: str, status: int = 302, **headers: str) -> Response:
    extra = {name.replace("_", "-"): value for name, value in headers.items()}
    return Response(url, status=status, headers={"Location": location, **extra})


def test_a_to_b_to_a_is_a_loop() -> None:
    middleware = _loop_middleware()
    # The first hop a -> b is no loop.
    first = Request(A)
    response = _redirect(A, "/b.html")
    assert middleware.process_response(first, response) is response
    # b -> a comes back to the chain's first URL.
    second = Request(B, meta={"redirect_urls": [A], "redirect_times": 1})
    with pytest.raises(RedirectLoop) as raised:
        middleware.process_response(second, _redirect(B, A, status=301))
    assert raised.value.chain == [A, B, A]
    assert str(raised.value) == f"redirect loop: {A} -> {B} -> {A}"
    assert middleware.stats.get_value("govarchive/redirect/loop") == 1


def test_redirect_to_itself_is_a_loop() -> None:
    middleware = _loop_middleware()
    with pytest.raises(RedirectLoop):
        middleware.process_response(Request(A), _redirect(A, "a.html#top"))


def test_a_cookie_check_is_followed_once() -> None:
    """a -> a setting a cookie (an anti-bot cookie check) is followed past the dupe filter;
    a second time round it is a loop."""
    middleware = _loop_middleware()
    request = Request(A)
    response = _redirect(A, A, Set_Cookie="verify=1; path=/")
    assert middleware.process_response(request, response) is response
    assert request.dont_filter is True
    assert middleware.stats.get_value("govarchive/redirect/cookie_check") == 1
    again = Request(A, meta={"redirect_urls": [A]}, dont_filter=True)
    with pytest.raises(RedirectLoop):
        middleware.process_response(again, _redirect(A, A, Set_Cookie="verify=2"))


@pytest.mark.parametrize(
    ("request_", "response"),
    [
        (Request(A), _redirect(A, "/c.html")),  # somewhere new
        (Request(A, meta={"redirect_urls": [B]}), _redirect(A, "/c.html")),
        (Request(A, meta={"dont_redirect": True}), _redirect(A, A)),
        (Request(A, meta={"handle_httpstatus_list": [302]}), _redirect(A, A)),
        (Request(A), Response(A, status=302)),  # no Location: RedirectMiddleware's call
        (Request(A), Response(A, status=200, headers={"Location": A})),
    ],
)
def test_other_answers_pass(request_: Request, response: Response) -> None:
    assert _loop_middleware().process_response(request_, response) is response


def test_loop_middleware_is_enabled_before_redirects() -> None:
    from scrapy.settings import Settings
    from scrapy.utils.conf import build_component_list

    from crawler import settings as project

    settings = Settings()
    settings.setmodule(project)
    order = build_component_list(settings.getwithbase("DOWNLOADER_MIDDLEWARES"))
    loop = order.index("crawler.middlewares.RedirectLoopMiddleware")
    redirect = order.index("scrapy.downloadermiddlewares.redirect.RedirectMiddleware")
    assert loop > redirect  # process_response runs from the end of the list
