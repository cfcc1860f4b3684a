"""extraction.html: robust parsing of malformed gov HTML and browser-like visible lines."""

from __future__ import annotations

import lxml.html
import pytest

from extraction.html import (
    OrderedText,
    RenderedPage,
    compact,
    element_text,
    is_hidden,
    parse_html,
    visible_lines,
)
from tests.helpers import CorpusPage, corpus_params


def test_content_after_stray_closing_html_is_kept() -> None:
    root = parse_html(
        "<html><head><title>t</title></head><body><div>导航</div></body></html>"
        '<div id="article"><p>正文在闭合标签之后。</p></div></body></html>'
    )
    assert root.tag == "html"
    [article] = root.xpath('//div[@id="article"]')
    assert article.getparent().tag == "body"
    assert visible_lines(root) == ["导航", "正文在闭合标签之后。"]


def test_jsp_source_is_removed() -> None:
    root = parse_html(
        '<%@ page contentType="text/html; charset=GBK" %><%-- 注释 x --%>'
        '<html><body><p>正文</p><%= request.getParameter("id") %>'
        '<jsp:include page="footer.jsp"/></body></html>'
    )
    html = lxml.html.tostring(root, encoding="unicode")
    assert "%" not in html
    assert "jsp" not in html
    assert "注释" not in html
    assert visible_lines(root) == ["正文"]


def test_xml_declaration_and_office_tags() -> None:
    root = parse_html(
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>段落<o:p></o:p></p></body></html>'
    )
    assert visible_lines(root) == ["段落"]


def test_empty_input() -> None:
    for text in ("", "  \n "):
        root = parse_html(text)
        assert root.tag == "html"
        assert root.find("body") is not None
        assert visible_lines(root) == []


def test_fragment_input() -> None:
    root = parse_html("只有文字")
    assert root.tag == "html"
    assert visible_lines(root) == ["只有文字"]


def test_visible_lines_block_boundaries_and_source_newlines() -> None:
    root = parse_html(
        "<div>第一<span>行</span>继续</div><p>关于印发\n某某办法\r\n的通知</p>"
        "<p>换<br>行</p><ul><li>甲</li><li>乙</li></ul>尾部"
    )
    assert visible_lines(root) == [
        "第一行继续",
        "关于印发 某某办法 的通知",
        "换",
        "行",
        "甲",
        "乙",
        "尾部",
    ]


def test_visible_lines_collapse_spaces_and_remove_zero_width() -> None:
    root = parse_html("<p>\u3000\u3000a\u3000\u3000b\xa0\xa0c\u200bd  e\t</p>")
    assert visible_lines(root) == ["a b cd e"]


def test_pre_keeps_newlines() -> None:
    root = parse_html("<p>前\n文</p><pre>第一行\n第二行\n  第三行</pre>")
    assert visible_lines(root) == ["前 文", "第一行", "第二行", "第三行"]


def test_comments_and_scripts_are_not_text() -> None:
    root = parse_html("<p>x<!-- 注释 -->y</p><script>var a = '脚本';</script><style>p{}</style>")
    assert visible_lines(root) == ["xy"]


HIDDEN = (
    "<p>可见一</p>"
    '<p style="display: none">隐藏一</p>'
    '<p style="DISPLAY:NONE">隐藏二</p>'
    '<p style="visibility:hidden">隐藏三</p>'
    "<p hidden>隐藏四</p>"
    '<span class="sr-only">隐藏五</span>'
    '<div class="Hidden box">隐藏六</div>'
    '<p style="display: block">可见二</p>'
    '<p class="hide-on-print">可见三</p>'
)


def test_hidden_elements_are_skipped() -> None:
    root = parse_html(HIDDEN)
    assert visible_lines(root) == ["可见一", "可见二", "可见三"]
    assert len(visible_lines(root, skip_hidden=False)) == 9


def test_hidden_element_tail_is_visible() -> None:
    root = parse_html('<p>前<span style="display:none">隐藏</span>后</p>')
    assert visible_lines(root) == ["前后"]


def test_is_hidden() -> None:
    root = parse_html(HIDDEN)
    hidden = [e.text for e in root.iter("p", "span", "div") if is_hidden(e)]
    assert hidden == ["隐藏一", "隐藏二", "隐藏三", "隐藏四", "隐藏五", "隐藏六"]


def test_table_rows_rendering() -> None:
    root = parse_html(
        "<table><tr><th>项目</th><th>数量</th></tr>"
        "<tbody><tr><td>主动<b>公开</b></td><td>1<br>2</td></tr><tr><td></td><td></td></tr></tbody>"
        "</table><p>表后</p>"
    )
    assert visible_lines(root, table_rows=True) == ["| 项目 | 数量 |", "| 主动公开 | 1 2 |", "表后"]
    # without table_rows every cell is a line of its own (what the metadata reader expects)
    assert visible_lines(root) == ["项目", "数量", "主动公开", "1", "2", "表后"]


def test_element_text_and_compact() -> None:
    root = parse_html("<div><p>第一段</p><p>第二段</p></div>")
    assert element_text(root.find(".//div")) == "第一段 第二段"
    assert compact(" a \n b\u3000c ") == "abc"


def test_ordered_text_finds_lines_in_and_out_of_order() -> None:
    body = OrderedText("第一段。第二段。第三段。")
    assert "第二段" in body
    assert "第三段" in body
    assert "第一段" in body  # before the cursor
    assert "段。第" in body  # across the place the last search started
    assert "第四段" not in body


@pytest.mark.parametrize("page", corpus_params())
def test_rendered_page_reads_every_element_as_rendering_it_would(page: CorpusPage) -> None:
    root = parse_html(page.response().text)
    rendered = RenderedPage(root)
    assert rendered.lines() == visible_lines(root)
    for element in root.iter():
        if isinstance(element.tag, str):
            assert rendered.lines(element) == visible_lines(element), element.tag
