"""A DOM nested thousands of levels deep: libxml2 stops parsing past 256 levels and drops the
rest of the page, without a word; parse_html notices and parses the page again with its
nesting cut (flatten_deep_markup), so all of its text survives."""

from __future__ import annotations

import re
import time

import lxml.html
import pytest
from parsel import Selector

from extraction.html import (
    FLATTEN_DEPTH,
    PARSER_MAX_DEPTH,
    flatten_deep_markup,
    parse_html,
    too_deep,
    visible_lines,
)
from tests.helpers import fixture_response


def _depth(root: lxml.html.HtmlElement) -> int:
    return max(len(list(element.iterancestors())) for element in root.iter()) + 1


def _nest(open_tag: str, close_tag: str, levels: int, inner: str = "<p>最深处的正文。</p>") -> str:
    return (
        '<html><head><meta charset="utf-8"><title>深层嵌套</title></head><body>'
        "<p>嵌套之前的段落。</p>"
        + open_tag * levels
        + inner
        + close_tag * levels
        + "<p>嵌套之后的段落。</p></body></html>"
    )


@pytest.mark.parametrize(
    ("open_tag", "close_tag"),
    [
        ("<div>", "</div>"),
        ('<div class="x"><span>', "</span></div>"),
        ("<font size=3>", "</font>"),
        ("<table><tr><td>", "</td></tr></table>"),
        ("<blockquote>文字", "</blockquote>"),  # text on every level
        ("<ul><li>", "</li></ul>"),  # meaningful elements only: cut at the slack's end
        ("<a>", "</a>"),
        ("<div>", ""),  # never closed
    ],
)
def test_every_word_of_a_10000_level_page_survives(open_tag: str, close_tag: str) -> None:
    html = _nest(open_tag, close_tag, 10_000)
    started = time.perf_counter()
    root = parse_html(html)
    assert time.perf_counter() - started < 5
    assert _depth(root) <= PARSER_MAX_DEPTH
    text = "\n".join(visible_lines(root))
    assert text.startswith("嵌套之前的段落。")
    assert "最深处的正文。" in text
    assert "嵌套之后的段落。" in text
    if "文字" in open_tag:
        assert text.count("文字") == 10_000


def test_shallow_pages_parse_as_before() -> None:
    """Nothing changes below the limit: the same tree as a plain lxml parse."""
    html = _nest("<div>", "</div>", PARSER_MAX_DEPTH - 3)
    assert lxml.html.tostring(parse_html(html)) == lxml.html.tostring(
        lxml.html.document_fromstring(html)
    )


@pytest.mark.parametrize(
    "relpath",
    [
        "extraction/trs_detail.html",
        "extraction/news_dateline.html",
        "spiders/hanweb_column_datastore.html",
    ],
)
def test_flatten_keeps_real_pages_byte_for_byte(relpath: str) -> None:
    html = fixture_response(relpath).text
    assert flatten_deep_markup(html) == html


def test_flatten_keeps_text_comments_and_scripts_in_order() -> None:
    deep = "<div>" * 300
    html = (
        f"<html><body>{deep}<!-- <div><div> in a comment -->"
        "<script>var s = '<div><div><div>';</script>正文<br/>第二行<img src=a.png>"
        f"<style>div > p {{}}</style>{'</div>' * 300}</body></html>"
    )
    flat = flatten_deep_markup(html)
    assert re.sub(r"<[^>]*>", "", flat) == re.sub(r"<[^>]*>", "", html)
    assert "<!-- <div><div> in a comment -->" in flat
    assert "<script>var s = '<div><div><div>';</script>" in flat
    assert "<br/>" in flat
    assert "<img src=a.png>" in flat
    markup = re.sub(r"<!--.*?-->|<script>.*?</script>", "", flat)
    assert markup.count("<div>") == FLATTEN_DEPTH - 2  # html and body are levels too
    assert markup.count("</div>") == FLATTEN_DEPTH - 2


def test_flatten_follows_implied_ends() -> None:
    """Unclosed <p>, <li>, <td> and void elements do not count as nesting."""
    siblings = "<p>段落" * 500 + "<li>条目" * 500 + "<br><hr><img src=x>" * 500
    html = f"<html><body>{siblings}</body></html>"
    assert flatten_deep_markup(html, max_depth=8) == html


def test_links_in_a_runaway_nest_of_wrappers_are_kept() -> None:
    html = _nest(
        "<div><span>", "</span></div>", 5000, '<ul><li><a href="/a.html">链接</a></li></ul>'
    )
    flat = flatten_deep_markup(html)
    assert '<ul><li><a href="/a.html">链接</a></li></ul>' in flat
    assert parse_html(html).xpath("//a/@href") == ["/a.html"]


def test_too_deep_matches_the_parser_limit() -> None:
    for levels, expected in ((PARSER_MAX_DEPTH - 3, False), (PARSER_MAX_DEPTH - 1, True)):
        # html and body are two levels; the nest's innermost <p> one more.
        html = _nest("<div>", "</div>", levels)
        assert too_deep(Selector(text=html).root) is expected, levels
        assert too_deep(Selector(text=html).root.getroottree().getroot()) is expected


def test_rendering_a_2000_level_tree_does_not_recurse() -> None:
    """A tree from a huge_tree parser (parsel's, 2048 levels) renders without recursion."""
    root = Selector(text=_nest("<div>", "</div>", 2000)).root
    lines = visible_lines(root)
    assert lines == ["嵌套之前的段落。", "最深处的正文。", "嵌套之后的段落。"]
