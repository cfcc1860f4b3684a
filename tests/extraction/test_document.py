"""extraction.document: whole pages in, document fields out."""

from __future__ import annotations

import pytest

from extraction.document import ExtractedDocument, extract_document
from tests.helpers import fixture_response


def extract_fixture(name: str, replace: tuple[str, str] | None = None) -> ExtractedDocument:
    response = fixture_response(f"extraction/{name}")
    html = response.text  # type: ignore[attr-defined]
    if replace:
        assert replace[0] in html
        html = html.replace(*replace)
    return extract_document(html, response.url)


# --- a TRS detail page: metadata table, breadcrumb, tool bar, share box, related links, footer --

TRS_TITLE = "某江市人民政府办公室关于印发某江市2021年政务公开工作要点的通知"


@pytest.fixture(scope="module")
def trs() -> ExtractedDocument:
    return extract_fixture("trs_detail.html")


def test_trs_fields(trs: ExtractedDocument) -> None:
    assert trs.title == TRS_TITLE
    assert trs.published_at == "2021-03-25"  # 发布日期, not 成文日期 (2021-03-22)
    assert trs.publisher == "某江市人民政府办公室"
    assert trs.index_no == "113301000024412345/2021-00123"
    assert trs.doc_no == "某政办发〔2021〕12号"
    assert trs.site_name == "某江市人民政府"
    assert trs.attachments == []


def test_trs_meta(trs: ExtractedDocument) -> None:
    assert trs.meta["索引号"] == "113301000024412345/2021-00123"
    assert trs.meta["成文日期"] == "2021-03-22"
    assert trs.meta["主题分类"] == "综合政务"
    assert trs.meta["ColumnName"] == "通知公告"
    assert "viewport" not in trs.meta


def test_trs_body_sentences_reach_text(trs: ExtractedDocument) -> None:
    lines = trs.text.splitlines()
    assert lines[0] == TRS_TITLE
    for sentence in (
        "各县（市、区）人民政府，市政府各部门、各直属单位：",
        "《某江市2021年政务公开工作要点》已经市政府同意，现印发给你们，请结合实际认真贯彻落实。",
        "一、围绕优化营商环境深化政务公开",
        "二、加强政策解读和回应关切",
        "某江市人民政府办公室",  # signature
        "2021年3月22日",
    ):
        assert sentence in lines
    assert lines[-1] == "2021年3月22日"


@pytest.mark.parametrize(
    "chrome",
    [
        "当前位置",
        "走进某江",  # navigation
        "索引号",
        "主题分类",
        "113301000024412345",
        "字体",
        "打印本页",
        "关闭窗口",
        "分享到",
        "QQ空间",
        "扫一扫",
        "相关链接",
        "年度报告编制发布工作的通知",  # a related link
        "落实情况",
        "主办单位",
        "承办单位",
        "版权所有",
        "ICP备",
        "公网安备",
        "网站标识码",
        "分辨率",
        "网站地图",
    ],
)
def test_trs_chrome_does_not_reach_text(trs: ExtractedDocument, chrome: str) -> None:
    assert chrome not in trs.text


# --- a news page whose only date is the line under its title ----------------------------------


def test_date_line_under_the_title() -> None:
    doc = extract_fixture("news_dateline.html")
    assert doc.title == "国务院办公厅转发发展改革委关于2009年深化经济体制改革工作意见的通知"
    assert doc.published_at == "2009-11-09"
    assert doc.publisher == "人民网"  # the 来源 on the date line
    assert "发展改革委《关于2009年深化经济体制改革工作的意见》已经国务院同意" in doc.text
    assert "版权所有" not in doc.text
    assert "Copyright" not in doc.text


# --- <title> is the site name; the document heading opens the body ----------------------------

SHORT_HEADING = "某山县2019年政务公开年报"  # under 20 characters
LONG_HEADING = "某山县2019年政府信息公开工作年度报告"  # 20 characters, as most titles are


def test_site_wide_title_replaced_by_the_heading_opening_the_body() -> None:
    doc = extract_fixture("site_title.html", replace=(LONG_HEADING, SHORT_HEADING))
    assert doc.title == SHORT_HEADING
    assert doc.text.splitlines()[0] == SHORT_HEADING  # the column caption above it is trimmed
    assert "本报告根据《中华人民共和国政府信息公开条例》要求" in doc.text
    assert doc.published_at is None
    assert doc.publisher is None


def test_site_wide_title_replaced_by_a_long_heading() -> None:
    doc = extract_fixture("site_title.html")
    assert doc.title == LONG_HEADING


# --- publisher evidence -------------------------------------------------------------------------

BODY = "".join(
    f"<p>{sentence}</p>"
    for sentence in (
        "为进一步规范全市政务公开工作，提高政府工作透明度，根据《政府信息公开条例》，制定本办法。",
        "本办法适用于全市各级行政机关及法律、法规授权的具有管理公共事务职能的组织。",
        "各单位应当建立健全政府信息公开工作制度，明确工作机构和人员，保障工作经费。",
    )
)
URL = "http://www.example-mm.gov.cn/art/2018/6/12/art_1229_2.html"
TITLE = "关于印发某某市政务公开工作办法的通知"


def test_publisher_is_the_issuing_body_not_the_source() -> None:
    html = f"""<html><head><meta charset="utf-8"><title>{TITLE}_某某市人民政府</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/bsfw/">办事服务</a></div>
<ul class="xxgk-info"><li>来源：某某日报</li><li>发布机构：某某市司法局</li><li>发布日期：2018-06-12</li></ul>
<h1>{TITLE}</h1><div class="article-content">{BODY}</div></body></html>"""
    doc = extract_document(html, URL)
    assert doc.title == TITLE
    assert doc.publisher == "某某市司法局"
    assert doc.published_at == "2018-06-12"
    assert doc.meta["来源"] == "某某日报"
    assert "某某日报" not in doc.text
    assert "办事服务" not in doc.text


def meta_page(content_source: str) -> str:
    return f"""<html><head><meta charset="utf-8">
<meta name="SiteName" content="某某市人民政府">
<meta name="ContentSource" content="{content_source}">
<meta name="PubDate" content="2018-06-12 09:30">
<meta name="ArticleTitle" content="{TITLE}">
<title>{TITLE}_某某市人民政府</title></head><body>
<h1>{TITLE}</h1><div class="article-content">{BODY}</div></body></html>"""


def test_content_source_equal_to_site_name_is_no_publisher() -> None:
    doc = extract_document(meta_page("某某市人民政府"), URL)
    assert doc.publisher is None
    assert doc.site_name == "某某市人民政府"
    assert doc.title == TITLE
    assert doc.published_at == "2018-06-12"  # from <meta PubDate>


def test_content_source_other_than_site_name_is_the_publisher() -> None:
    assert extract_document(meta_page("某某市司法局"), URL).publisher == "某某市司法局"


def test_empty_page() -> None:
    assert extract_document("", None) == ExtractedDocument()


# A page whose CMS-named container (news_content) is a side notice, while the article sits in
# a container only the site's own registry selector names.
_ARTICLE = [
    "为进一步规范行政执法行为，现就全面推行行政执法公示制度有关事项通知如下。",
    "一、各部门应当在门户网站政府信息公开专栏公示执法主体、人员、职责、权限、依据、程序。",
    "二、执法决定信息应当在执法决定作出之日起七个工作日内公开，法律另有规定的除外。",
]
_DECOY = "温馨提示：本栏目信息由各部门自行发布，如有疑问请与发布部门联系，联系电话见各部门页面。"
_SELECTOR_PAGE = (
    "<html><head><title>关于全面推行行政执法公示制度的通知</title></head><body>"
    f'<div class="news_content"><p>{_DECOY}</p></div>'
    '<div class="zfwj-body">' + "".join(f"<p>{line}</p>" for line in _ARTICLE) + "</div>"
    "</body></html>"
)


def test_site_body_selector_names_the_container() -> None:
    plain = extract_document(_SELECTOR_PAGE, "http://www.example.gov.cn/a/t20200101_1.html")
    assert _ARTICLE[0] not in plain.text  # the CMS container name misleads
    chosen = extract_document(
        _SELECTOR_PAGE, "http://www.example.gov.cn/a/t20200101_1.html", body_selector=".zfwj-body"
    )
    assert chosen.text.splitlines() == _ARTICLE


def test_site_body_selector_matching_nothing_is_ignored() -> None:
    url = "http://www.example.gov.cn/a/t20200101_1.html"
    assert (
        extract_document(_SELECTOR_PAGE, url, body_selector="#no-such-element").text
        == extract_document(_SELECTOR_PAGE, url).text
    )


# --- a body table whose column headings are metadata labels (责任单位, 文号, 发布日期) ---------


def test_body_table_headings_that_are_metadata_labels_stay_in_the_text() -> None:
    """Task tables (任务分解表) and document lists head their columns 责任单位 / 文号 / 发布日期:
    those cells are the table's, not a metadata grid's, while the page's own grid (labels
    with colons, in a table of their own) is still removed."""
    doc = extract_fixture("column_headings.html")
    lines = doc.text.splitlines()
    assert "| 序号 | 事项名称 | 责任单位 | 文号 | 发布日期 |" in lines
    assert "| 1 | 新生儿出生“一件事” | 国家卫生健康委 | 国卫办发〔2023〕5号 | 2023-03-01 |" in lines
    assert not any("索" in line and "引" in line and "号" in line for line in lines)
    assert "000014349/2023-00039" not in doc.text
    # The page's grid gives the fields; the table's headings give no empty meta entries.
    assert (doc.index_no, doc.doc_no, doc.publisher) == (
        "000014349/2023-00039",
        "国办发〔2023〕29号",
        "国务院办公厅",
    )
    assert doc.published_at == "2023-08-07"
    assert "责任单位" not in doc.meta
    assert all(value for label, value in doc.meta.items() if label in ("文号", "发布日期"))


# --- site_name from the <title> when the page has no SiteName meta ------------------------------

_BODY = "<p>" + "根据有关规定，现将有关事项通知如下，请认真贯彻执行。" * 4 + "</p>"


@pytest.mark.parametrize(
    ("html_title", "meta", "expected"),
    [
        ("关于开展安全检查的通知_通知公告_某某市人民政府", "", "某某市人民政府"),
        ("关于开展安全检查的通知 - 清遠市人民政府門戶網站", "", "清遠市人民政府門戶網站"),
        ("关于开展安全检查的通知--某某市物价局", "", "某某市物价局"),
        ("关于开展安全检查的通知_中国政府网", "", "中国政府网"),
        # a column, not a site; a title of one segment; the SiteName meta wins
        ("关于开展安全检查的通知_通知公告", "", None),
        ("关于开展安全检查的通知", "", None),
        (
            "关于开展安全检查的通知_某某市人民政府",
            '<meta name="SiteName" content="某某市政府门户网站">',
            "某某市政府门户网站",
        ),
    ],
)
def test_site_name_from_the_last_segment_of_the_html_title(
    html_title: str, meta: str, expected: str | None
) -> None:
    html = (
        f"<html><head><title>{html_title}</title>{meta}</head><body>"
        f"<h1>关于开展安全检查的通知</h1>{_BODY}</body></html>"
    )
    doc = extract_document(html, "http://www.example.gov.cn/tzgg/t20230101_1.html")
    assert doc.title == "关于开展安全检查的通知"
    assert doc.site_name == expected


# --- a UCAP detail page: <ucapcontent>, a 相关附件 box, tool-bar captions after 来源 ----------

UCAP_TITLE = "某某市人民政府关于印发某某市优化营商环境三年行动方案的通知"


def test_ucap_fields_and_attachment_box() -> None:
    doc = extract_fixture("ucap_detail.html")
    assert doc.title == UCAP_TITLE
    assert (doc.publisher, doc.doc_no) == ("某某市人民政府", "某府〔2023〕15号")
    assert doc.index_no == "11440100MB2C12345X/2023-00456"
    # A box headed 相关附件 holds the document's own files, not related links.
    assert doc.attachments == [
        {
            "url": "http://www.example-ucap.gov.cn/attachment/0/123/123456/9876543.docx",
            "name": "附件1：任务分工表.docx",
        }
    ]
    # …while the 相关解读 box of links to other pages is still chrome.
    assert "一图读懂" not in doc.text
    assert "营商环境主要指标达到国内先进水平" in doc.text.splitlines()[-2]  # the body's end


def test_meta_values_without_the_tool_bar_printed_after_them() -> None:
    doc = extract_fixture("ucap_detail.html")
    assert doc.meta["来源"] == "市政府办公室"  # not 市政府办公室 【打印】【关闭】【
    assert doc.meta["发文日期"] == "2023年12月28日"  # full-width digits folded
    # 主 题 词： is printed empty; the heading after the block is not its value.
    assert doc.meta["主题词"] == ""


def test_an_empty_last_label_does_not_take_the_heading_as_its_value() -> None:
    response = fixture_response("extraction/ucap_detail.html")
    html = response.text.replace("<li><span>发布机构：</span>某某市人民政府</li>", "")  # type: ignore[attr-defined]
    html = html.replace("<li><span>主 题 词：</span></li>", "<li><span>发布机构：</span></li>")
    doc = extract_document(html, response.url)
    assert doc.title == UCAP_TITLE
    assert doc.publisher == "市政府办公室"  # the printed 来源, not the title
    assert doc.meta["发布机构"] == ""


# --- a <dl> metadata block and a dateline of run-together <span> captions ----------------------


def test_dl_block_and_run_together_dateline() -> None:
    doc = extract_fixture("dl_metadata.html")
    assert doc.title == "某某区2023年度财政预算执行情况"
    assert (doc.index_no, doc.publisher, doc.published_at) == (
        "SDZB-2024-000123",
        "某某区财政局",
        "2024-02-05",
    )
    assert doc.site_name == "某某区人民政府"
    assert doc.meta["来源"] == "区财政局"
    assert doc.meta["作者"] == "王某"
    lines = doc.text.splitlines()
    assert lines[:2] == ["某某区2023年度财政预算执行情况", "一、一般公共预算收支情况"]
    assert not any("浏览" in line or "09:12:33" in line for line in lines)
    assert lines[-1] == "特此说明。"
