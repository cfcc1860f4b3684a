"""crawler.encoding.choose_encoding and the charset-repair middleware."""

from __future__ import annotations

import codecs

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler

from crawler.encoding import choose_encoding, declared_encoding
from crawler.middlewares import CharsetRepairMiddleware, repair_text_response

TEXT = "政府信息公开年度报告：全年主动公开政府信息1234条。"
META_GB2312 = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'


def page(body: bytes, meta: str = "") -> bytes:
    return (
        f"<html><head>{meta}<title>t</title></head><body><p>".encode()
        + body
        + b"</p></body></html>"
    )


GBK_PAGE = page(TEXT.encode("gbk"))
GBK_PAGE_WITH_META = page(TEXT.encode("gbk"), META_GB2312)
UTF8_PAGE = page(TEXT.encode("utf-8"))


def decodes_to_text(body: bytes, encoding: str) -> bool:
    return TEXT in body.decode(encoding)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (GBK_PAGE, "text/html; charset=GBK"),  # header only
        (GBK_PAGE_WITH_META, None),  # meta only
        (GBK_PAGE_WITH_META, "text/html; charset=gb2312"),  # both
        (GBK_PAGE, None),  # neither
        (GBK_PAGE, "text/html"),  # header without charset
        (GBK_PAGE, "text/html; charset=utf-8"),  # header lies
        (GBK_PAGE_WITH_META, "text/html; charset=iso-8859-1"),  # web-server default vs meta
        (GBK_PAGE_WITH_META, "text/html; charset=utf-8"),
    ],
)
def test_gbk_bytes_decode_as_gb18030(body: bytes, content_type: str | None) -> None:
    chosen = choose_encoding(body, content_type)
    assert chosen == "gb18030"
    assert decodes_to_text(body, chosen)


def test_gb18030_only_characters() -> None:
    text = "政府信息公开𠀀"  # a character outside GBK
    body = page(text.encode("gb18030"))
    chosen = choose_encoding(body, "text/html; charset=gbk")
    assert chosen == "gb18030"
    assert text in body.decode(chosen)


@pytest.mark.parametrize(
    "content_type", ["text/html; charset=gbk", "text/html; charset=iso-8859-1", None]
)
def test_valid_utf8_is_utf8_whatever_is_declared(content_type: str | None) -> None:
    assert choose_encoding(UTF8_PAGE, content_type) == "utf-8"
    assert choose_encoding(page(TEXT.encode("utf-8"), META_GB2312), content_type) == "utf-8"


def test_big5_declared_in_meta() -> None:
    text = "政府資訊公開"
    body = page(text.encode("big5"), '<meta charset="big5">')
    chosen = choose_encoding(body, None)
    assert codecs.lookup(chosen).name in ("big5", "big5hkscs")
    assert text in body.decode(chosen)


def test_bom_wins() -> None:
    body = codecs.BOM_UTF8 + UTF8_PAGE
    assert choose_encoding(body, "text/html; charset=gbk") == "utf-8"
    utf16 = codecs.BOM_UTF16_LE + "<p>政府</p>".encode("utf-16-le")
    assert choose_encoding(utf16, "text/html; charset=gbk") == "utf-16-le"


def test_pure_ascii() -> None:
    body = page(b"hello")
    assert choose_encoding(body, None) == "utf-8"
    assert choose_encoding(body, "text/html; charset=iso-8859-1") == "cp1252"
    assert choose_encoding(page(b"hello", META_GB2312), None) == "gb18030"


def test_declared_encoding() -> None:
    assert declared_encoding(GBK_PAGE_WITH_META, "text/html; charset=utf-8") == "utf-8"
    assert declared_encoding(GBK_PAGE_WITH_META, None) == "gb18030"
    assert declared_encoding(b"<p>x</p>", None) is None


# --- repair_text_response / CharsetRepairMiddleware ---------------------------------------------

URL = "http://www.example.gov.cn/xxgk/2015/t20150327_1.html"


def html_response(body: bytes, content_type: str) -> HtmlResponse:
    return HtmlResponse(
        URL, body=body, headers={"Content-Type": content_type}, request=Request(URL)
    )


def test_repair_text_response_replaces_the_encoding() -> None:
    response = html_response(GBK_PAGE, "text/html; charset=utf-8")
    assert TEXT not in response.text
    repaired, was = repair_text_response(response)
    assert was == "utf-8"
    assert isinstance(repaired, HtmlResponse)
    assert repaired.encoding == "gb18030"
    assert TEXT in repaired.text
    assert repaired.url == URL
    assert repaired.body == GBK_PAGE


def test_repair_text_response_leaves_honest_responses_alone() -> None:
    response = html_response(UTF8_PAGE, "text/html; charset=utf-8")
    repaired, was = repair_text_response(response)
    assert repaired is response
    assert was is None


def test_repair_text_response_ignores_binary_and_empty_responses() -> None:
    binary = Response(URL, body=GBK_PAGE)
    assert repair_text_response(binary) == (binary, None)
    empty = HtmlResponse(URL, body=b"")
    assert repair_text_response(empty) == (empty, None)


def middleware(**settings: object) -> CharsetRepairMiddleware:
    crawler = get_crawler(settings_dict=settings)
    crawler.stats.open_spider()
    return CharsetRepairMiddleware.from_crawler(crawler)


def test_middleware_repairs_and_counts() -> None:
    mw = middleware()
    bad = html_response(GBK_PAGE, "text/html; charset=utf-8")
    out = mw.process_response(bad.request, bad)
    assert out.encoding == "gb18030"  # type: ignore[attr-defined]
    assert TEXT in out.text  # type: ignore[attr-defined]
    good = html_response(UTF8_PAGE, "text/html; charset=utf-8")
    assert mw.process_response(good.request, good) is good
    assert mw.stats.get_value("govarchive/charset/repaired") == 1
    assert mw.stats.get_value("govarchive/charset/repaired/utf-8->gb18030") == 1


def test_middleware_passes_non_html_responses() -> None:
    mw = middleware()
    text = TextResponse(
        URL, body=TEXT.encode("gbk"), headers={"Content-Type": "text/plain; charset=utf-8"}
    )
    assert mw.process_response(Request(URL), text) is text
    assert mw.stats.get_value("govarchive/charset/repaired") is None


def test_middleware_can_be_disabled() -> None:
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        middleware(GOVARCHIVE_CHARSET_REPAIR_ENABLED=False)
