"""extraction.chrome: tool bars, breadcrumbs, footers, related boxes, link runs, layout tables."""

from __future__ import annotations

import lxml.html
import pytest

from extraction.chrome import (
    clean_lines,
    is_breadcrumb_text,
    is_chrome_line,
    is_toolbar_text,
    remove_chrome,
    remove_link_runs,
    trim_to_title,
    unwrap_layout_tables,
)
from extraction.html import parse_html, visible_lines

BODY_1 = "本年度，我市认真贯彻落实《中华人民共和国政府信息公开条例》，全面推进政务公开工作，取得明显成效。"
BODY_2 = "全年主动公开政府信息1234条，其中通过门户网站公开987条，通过政务微博公开120条。"
BODY = f'<div class="main"><p>{BODY_1}</p><p>{BODY_2}</p></div>'


def page(*parts: str) -> lxml.html.HtmlElement:
    return parse_html("<html><body>" + "".join(parts) + "</body></html>")


# --- is_toolbar_text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "【字体：大 中 小】",
        "字号：大 中 小",
        "打印本页 关闭窗口",
        "【打印本页】【关闭窗口】",
        "分享到：微信 微博",
        "打印本頁 關閉窗口",  # Traditional
        "打印",
        "微信",
        "简体 | 繁體 | English",
    ],
)
def test_is_toolbar_text(text: str) -> None:
    assert is_toolbar_text(text)


@pytest.mark.parametrize(
    "text",
    ["", "本页打印", "关闭窗口后请重新登录", "我要打印本页的内容", "分享到朋友圈的文章共计12篇。"],
)
def test_is_not_toolbar_text(text: str) -> None:
    assert not is_toolbar_text(text)


# --- is_breadcrumb_text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "当前位置：首页 > 政务公开 > 政府信息公开",
        "您现在的位置：首页>信息公开",
        "您当前所在位置: 首页 >> 新闻",
        "首页 > 政务公开 > 年报",
        "首頁 > 政務公開",  # Traditional
    ],
)
def test_is_breadcrumb_text(text: str) -> None:
    assert is_breadcrumb_text(text)


@pytest.mark.parametrize(
    "text", ["首页", "当前位置", "首页是门户网站的入口", "当前位置：" + "某" * 200]
)
def test_is_not_breadcrumb_text(text: str) -> None:
    assert not is_breadcrumb_text(text)


# --- is_chrome_line ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "京ICP备05070218号",
        "浙公网安备 33010602000001号",
        "网站标识码：3301000001",
        "版权所有：某某市人民政府",
        "Copyright © 2015 某某市人民政府",
        "浏览次数：123",
        "浏览次数：123次",
        "扫一扫在手机打开当前页",
        "[ 序言 ] [ 大事回顾 ] [ 行动 ]",
        "上一篇：关于某某的通知",
        "| 打印本页 | 关闭窗口 |",
        "当前位置：首页 > 信息公开",
        "索引号：PZ00100-0100-2015-00012",
        "发布时间:2019-01-10 15:23 | 来源:沙县应急管理局",
        "打印本頁 關閉窗口",
    ],
)
def test_is_chrome_line(line: str) -> None:
    assert is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "2013年政府信息公开专栏访问量达19363人次。",
        "本报告全文可在门户网站查阅。",
        "本报告由某某市人民政府办公室编制，全文包括总体情况、主动公开政府信息情况等部分。",
        "上一篇文章介绍了基本情况。",
        "一、概述",
        "据新华社报道，来源：人民网",
    ],
)
def test_body_sentences_are_not_chrome(line: str) -> None:
    assert not is_chrome_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "全市建成高分辨率遥感监测系统，覆盖面积达100平方公里。",
        "依法保护版权所有者的合法权益，全年查处侵权案件12起。",
        "市民可扫描政务服务二维码查询办事进度。",
    ],
    ids=["resolution", "copyright-holder", "qr-code"],
)
def test_body_sentences_mentioning_footer_words_are_not_chrome(line: str) -> None:
    assert not is_chrome_line(line)


# --- remove_chrome ----------------------------------------------------------------------------


def test_remove_chrome_removes_footer_block() -> None:
    root = page(
        BODY,
        '<div class="footer"><p>主办单位：某某市人民政府办公室</p><p>版权所有：某某市人民政府</p>'
        "<p>浙ICP备05000001号 网站标识码：3301000001</p>"
        "<p>地址：某某市人民大道1号 邮编：310000</p></div>",
    )
    assert remove_chrome(root) >= 1
    assert root.find_class("footer") == []
    assert visible_lines(root) == [BODY_1, BODY_2]


def test_remove_chrome_removes_breadcrumb() -> None:
    root = page(
        '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a>'
        ' &gt; <a href="/zwgk/nb/">年度报告</a></div>',
        BODY,
    )
    assert remove_chrome(root) >= 1
    assert visible_lines(root) == [BODY_1, BODY_2]


def test_remove_chrome_removes_metadata_table() -> None:
    root = page(
        '<table class="meta">'
        "<tr><td>索引号</td><td>PZ00100-0100-2015-00012</td>"
        "<td>发布机构</td><td>某某市人民政府办公室</td></tr>"
        "<tr><td>文号</td><td>某政发〔2015〕5号</td><td>发布日期</td><td>2015-03-27</td></tr>"
        "</table>",
        BODY,
    )
    assert remove_chrome(root) >= 1
    assert root.find(".//table") is None
    assert visible_lines(root) == [BODY_1, BODY_2]


def test_remove_chrome_removes_tool_bar() -> None:
    root = page(
        BODY,
        '<div class="tools">【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】'
        ' <a href="javascript:window.print()">打印本页</a>'
        ' <a href="javascript:window.close()">关闭窗口</a></div>',
    )
    assert remove_chrome(root) >= 1
    assert visible_lines(root) == [BODY_1, BODY_2]


def test_remove_chrome_keeps_body_paragraph_mentioning_sponsor() -> None:
    remark = "本报告由某某市人民政府办公室负责编制，主办单位为市政府办公室，如有疑问请与市政府办公室联系。"
    root = page(f'<div class="main"><p>{BODY_1}</p><p>{BODY_2}</p><p>{remark}</p></div>')
    assert remove_chrome(root) == 0
    assert visible_lines(root) == [BODY_1, BODY_2, remark]


def test_remove_chrome_removes_related_links_box() -> None:
    root = page(
        BODY,
        '<div class="related"><h3>相关链接</h3><ul>'
        '<li><a href="/a1.html">关于印发某某办法的通知</a></li>'
        '<li><a href="/a2.html">某某市2014年报</a></li></ul></div>',
    )
    assert remove_chrome(root) >= 1
    assert visible_lines(root) == [BODY_1, BODY_2]


def test_remove_chrome_removes_disclaimer_box_under_the_article() -> None:
    root = page(
        BODY,
        '<div class="copyright-box"><div>版权声明：</div>'
        "<div>1.凡本网注明“来源：某某市人民政府网”的所有作品，版权均属本网所有，转载请注明出处。</div>"
        "<div>2.本网转载的其他媒体稿件，不代表本网赞同其观点。</div></div>",
    )
    assert remove_chrome(root) >= 1
    assert visible_lines(root) == [BODY_1, BODY_2]


def test_remove_chrome_keeps_a_page_that_is_the_sites_own_statement() -> None:
    statement = [
        "免责声明",
        "本网站所载文件及资料仅供参考，本网不对因使用本网资料而引致的任何损失承担责任。",
        "凡转载本网内容的，应注明来源于本网，不得歪曲和篡改。",
    ]
    root = page("<div>" + "".join(f"<p>{line}</p>" for line in statement) + "</div>")
    remove_chrome(root)
    assert visible_lines(root) == statement


def test_remove_chrome_keeps_body_section_headed_like_a_notice() -> None:
    # A heading alone is not a disclaimer box: the lines under it must speak of the site.
    lines = ["法律声明", "申请人应当对所提交材料的真实性负责，如有虚假，依法承担相应责任。"]
    root = page(BODY, "<div>" + "".join(f"<p>{line}</p>" for line in lines) + "</div>")
    remove_chrome(root)
    assert visible_lines(root) == [BODY_1, BODY_2, *lines]


def test_remove_chrome_keeps_table_of_contents_that_is_most_of_the_page() -> None:
    chapters = [f"第{n}部分 关于全面推进政务公开工作的实施意见及配套措施说明" for n in (1, 2)]
    items = "".join(f'<li><a href="/c{n}.html">{t}</a></li>' for n, t in enumerate(chapters))
    root = page(f'<div class="toc"><h3>相关文件</h3><ul>{items}</ul></div><p>说明</p>')
    remove_chrome(root)
    assert visible_lines(root) == [*chapters, "说明"]


# --- remove_link_runs -------------------------------------------------------------------------


def test_remove_link_runs_removes_three_title_links_separated_by_br() -> None:
    root = page(
        '<div id="c"><p>正文第一段，内容很充实的一句话。</p>'
        '<a href="/a1.html">关于印发某某办法的通知</a><br>'
        '<a href="/a2.html">某某市2014年政府信息公开年报</a><br>'
        '<a href="/a3.html">关于开展政务公开检查的通知</a><br></div>'
    )
    assert remove_link_runs(root) == 3
    assert root.find(".//a") is None
    assert visible_lines(root) == ["正文第一段，内容很充实的一句话。"]


def test_remove_link_runs_removes_list_of_title_links() -> None:
    root = page(
        "<ul><li><a href='/a1.html'>关于印发某某办法的通知</a></li>"
        "<li><a href='/a2.html'>某某市2014年政府信息公开年报</a></li>"
        "<li><a href='/a3.html'>关于开展政务公开检查的通知</a></li></ul>"
    )
    assert remove_link_runs(root) == 3
    assert visible_lines(root) == []


def test_remove_link_runs_keeps_sentence_with_a_link() -> None:
    html = '<p>详见<a href="/law.html">《中华人民共和国政府信息公开条例》</a>的有关规定，特此说明。</p>'
    root = page(html)
    assert remove_link_runs(root) == 0
    assert visible_lines(root) == ["详见《中华人民共和国政府信息公开条例》的有关规定，特此说明。"]


def test_remove_link_runs_keeps_links_interrupted_by_text() -> None:
    root = page(
        '<div><a href="/a1.html">关于印发某某办法的通知</a>，这是一句正文。'
        '<a href="/a2.html">某某市2014年政府信息公开年报</a><br>'
        '<a href="/a3.html">关于开展政务公开检查的通知</a></div>'
    )
    assert remove_link_runs(root) == 0


def test_remove_link_runs_keeps_attachment_links() -> None:
    root = page(
        '<div><a href="/f/1.pdf">附件1：2014年政府信息公开情况统计表</a><br>'
        '<a href="/f/2.pdf">附件2：2014年依申请公开情况统计表</a><br>'
        '<a href="/f/3.docx">附件3：2014年行政复议情况统计表</a></div>'
    )
    assert remove_link_runs(root) == 0
    assert len(root.findall(".//a")) == 3


def test_remove_link_runs_short_links_need_five_for_a_menu() -> None:
    three = page(
        '<div><a href="/1.html">首页</a> | <a href="/2.html">要闻</a> | <a href="/3.html">公开</a></div>'
    )
    assert remove_link_runs(three) == 0
    five = page(
        "<div>" + " | ".join(f'<a href="/{n}.html">栏目{n}</a>' for n in range(5)) + "</div>"
    )
    assert remove_link_runs(five) == 5


# --- unwrap_layout_tables ---------------------------------------------------------------------


def test_one_column_table_becomes_div() -> None:
    root = page(
        "<table><tr><td>第一段正文内容。</td></tr><tr><td>第二段正文内容。</td></tr></table>"
    )
    assert unwrap_layout_tables(root) == 1
    assert root.find(".//table") is None
    assert visible_lines(root) == ["第一段正文内容。", "第二段正文内容。"]
    assert visible_lines(root, table_rows=True) == ["第一段正文内容。", "第二段正文内容。"]


def test_table_with_long_cell_becomes_div() -> None:
    long_text = "很长的正文内容，" * 60
    root = page(f"<table><tr><td>左栏</td><td>{long_text}</td></tr></table>")
    assert unwrap_layout_tables(root) == 1
    assert root.find(".//table") is None
    assert visible_lines(root, table_rows=True) == ["左栏", long_text]


def test_table_with_heading_cell_becomes_div() -> None:
    root = page("<table><tr><td>左栏</td><td><h1>关于印发某某办法的通知</h1></td></tr></table>")
    assert unwrap_layout_tables(root) == 1
    assert root.find(".//table") is None


def test_table_with_nested_table_unwraps_only_the_outer_one() -> None:
    root = page(
        '<table id="outer"><tr><td>左栏</td><td>'
        '<table id="inner"><tr><td>项目</td><td>12</td></tr></table></td></tr></table>'
    )
    assert unwrap_layout_tables(root) == 1
    [table] = root.findall(".//table")
    assert table.get("id") == "inner"
    assert root.get_element_by_id("outer").tag == "div"


def test_layout_table_rows_and_cells_become_divs() -> None:
    root = page('<table><tr><td colspan="2">第一段正文内容。</td></tr></table>')
    unwrap_layout_tables(root)
    assert root.findall(".//tr") == []
    assert root.findall(".//td") == []


def test_data_table_stays_a_table() -> None:
    root = page(
        "<table><tr><th>项目</th><th>数量</th></tr><tr><td>主动公开</td><td>1234</td></tr>"
        "<tr><td>依申请公开</td><td>56</td></tr></table>"
    )
    assert unwrap_layout_tables(root) == 0
    assert root.find(".//table") is not None
    assert visible_lines(root, table_rows=True) == [
        "| 项目 | 数量 |",
        "| 主动公开 | 1234 |",
        "| 依申请公开 | 56 |",
    ]


# --- clean_lines / trim_to_title --------------------------------------------------------------


def test_clean_lines_drops_chrome_and_dangling_related_headings() -> None:
    lines = ["相关链接", BODY_1, "打印本页 关闭窗口", BODY_2, "浏览次数：5", "相关文件："]
    assert clean_lines(lines) == [BODY_1, BODY_2]


def test_clean_lines_keeps_related_heading_inside_the_body() -> None:
    lines = [BODY_1, "相关文件", BODY_2]
    assert clean_lines(lines) == lines


TITLE = "关于印发某某办法的通知"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["English", "政务公开", TITLE, "正文"], [TITLE, "正文"]),
        (
            ["简体 | 繁體", f"{TITLE}（第二版）", "正文"],
            [f"{TITLE}（第二版）", "正文"],
        ),  # contains it
        (["栏目", "关于印发某某办法", "正文"], ["关于印发某某办法", "正文"]),  # half of it
        (["English", "政务公开", "某某办法", "正文"], ["English", "政务公开", "某某办法", "正文"]),
        (["a", "b", "c", "d", TITLE], ["a", "b", "c", "d", TITLE]),  # beyond the first 4 lines
        # A file named after the document is not its heading: 详见附件 stays.
        (["详见附件。", f"附件：{TITLE}.pdf"], ["详见附件。", f"附件：{TITLE}.pdf"]),
        (["详见附件。", f"{TITLE}.docx（32KB）"], ["详见附件。", f"{TITLE}.docx（32KB）"]),
    ],
)
def test_trim_to_title(lines: list[str], expected: list[str]) -> None:
    assert trim_to_title(lines, TITLE) == expected


def test_trim_to_title_without_title() -> None:
    assert trim_to_title(["栏目", TITLE], None) == ["栏目", TITLE]
