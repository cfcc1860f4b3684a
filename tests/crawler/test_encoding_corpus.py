"""GBK / GB2312 pages of ../shared/corpus decode right however their charset is declared.

Each page is served five ways: as the corpus records it; charset in the header only (the
<meta> declaration removed from the bytes); in the <meta> only; nowhere; and with a header
that says utf-8 over GBK bytes (seen on real servers). The decoded page must show its gold
title and body snippets, with no U+FFFD.
"""

from __future__ import annotations

import re

import pytest

from tests.helpers import CorpusPage, corpus_pages, require_corpus, response_from_bytes

pytestmark = pytest.mark.corpus

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?[\w-]+["']?[^>]*>""", re.IGNORECASE)


def _legacy_pages() -> list[CorpusPage]:
    return [
        p
        for p in corpus_pages()
        if "gbk" in p.slug or "gb2312" in p.slug or "gb2312" in p.content_type.lower()
    ]


def _params() -> list:
    pages = _legacy_pages()
    if not pages:
        return [pytest.param(None, None, marks=pytest.mark.skip(reason="shared corpus not found"))]
    variants = ("as_recorded", "header_only", "meta_only", "neither", "utf8_header_lies")
    return [pytest.param(p, v, id=f"{p.slug}-{v}") for p in pages for v in variants]


def _serve(page: CorpusPage, variant: str):
    body = page.body()
    url = page.url or f"http://corpus.invalid/{page.slug}.html"
    stripped = _META_CHARSET.sub(b"", body)
    if variant == "as_recorded":
        return response_from_bytes(body, url, page.content_type)
    if variant == "header_only":
        return response_from_bytes(stripped, url, "text/html; charset=GBK")
    if variant == "meta_only":
        return response_from_bytes(body, url, "text/html")
    if variant == "neither":
        return response_from_bytes(stripped, url, None)
    return response_from_bytes(body, url, "text/html; charset=utf-8")


@pytest.mark.parametrize(("page", "variant"), _params())
def test_legacy_chinese_page_decodes(page: CorpusPage, variant: str) -> None:
    require_corpus()
    response = _serve(page, variant)
    text = response.text
    assert "\ufffd" not in text
    assert response.encoding in ("gb18030", "gbk", "gb2312")
    expected = list(page.gold.get("must_include", [])[:3])
    if page.gold.get("title"):
        expected.append(page.gold["title"])
    if not expected:  # a listing page: its gold links' titles are not recorded, use the notes
        expected = list(re.findall(r"[\u4e00-\u9fff]{6,}", page.notes)[:2])
    squeezed = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", text)).replace("&nbsp;", "")
    for snippet in expected:
        assert re.sub(r"\s+", "", snippet) in squeezed, snippet


def test_the_corpus_has_the_legacy_pages_this_test_is_about() -> None:
    require_corpus()
    slugs = {p.slug for p in _legacy_pages()}
    assert "fj_pingtan_nb2024_detail__gbk_hdr_utf8" in slugs
    assert "nongov_people_gb2312_encoding_sample" in slugs
