"""extraction.metadata: the printed metadata block (every shape) and gov <meta> tags."""

from __future__ import annotations

import pytest

from extraction.html import parse_html
from extraction.metadata import (
    LabelValue,
    MetadataBlock,
    clean_value,
    is_metadata_line,
    read_block,
    read_meta_tags,
)


def pairs(lines: list[str]) -> list[tuple[str, str, str, int]]:
    return [(p.label, p.key, p.value, p.line) for p in read_block(lines)]


def block(lines: list[str]) -> MetadataBlock:
    return MetadataBlock(pairs=read_block(lines))


# --- read_block: every block shape ---------------------------------------------------------------


def test_label_and_value_in_separate_cells() -> None:
    lines = ["索引号", "PZ00100-0100-2015-00012", "发布机构", "某某市人民政府办公室"]
    assert pairs(lines) == [
        ("索引号", "index_no", "PZ00100-0100-2015-00012", 0),
        ("发布机构", "publisher", "某某市人民政府办公室", 2),
    ]


def test_label_cell_with_colon_and_value_in_next_cell() -> None:
    lines = ["发布日期：", "2015-03-27", "文号：", "某政发〔2015〕5号"]
    assert pairs(lines) == [
        ("发布日期", "published_block", "2015-03-27", 0),
        ("文号", "doc_no", "某政发〔2015〕5号", 2),
    ]


def test_inline_spaced_label() -> None:
    assert pairs(["索 引 号：PZ00100-0100-2015-00012"]) == [
        ("索引号", "index_no", "PZ00100-0100-2015-00012", 0)
    ]


@pytest.mark.parametrize(
    "line",
    [
        "索\u3000引\u3000号：PZ00100-0100-2015-00012",  # U+3000 padding
        "索\xa0引\xa0号：PZ00100-0100-2015-00012",  # &nbsp;
        "索\u2002引\u2002号：PZ00100-0100-2015-00012",  # &ensp;
        "索  引  号 ：PZ00100-0100-2015-00012",
        "索引号:PZ00100-0100-2015-00012",  # half-width colon
        "索引号：PZ00100-0100-2015-00012",  # full-width colon
        "索引号：  PZ00100-0100-2015-00012  ",
    ],
)
def test_padded_labels_and_both_colons(line: str) -> None:
    [pair] = read_block([line])
    assert (pair.label, pair.key) == ("索引号", "index_no")
    assert block([line]).first("index_no") == "PZ00100-0100-2015-00012"


def test_several_pairs_on_one_line() -> None:
    lines = ["发布时间:2019-01-10 15:23 | 来源:沙县应急管理局"]
    assert [(p.label, p.key) for p in read_block(lines)] == [
        ("发布时间", "published_line"),
        ("来源", "source"),
    ]
    b = block(lines)
    assert b.first("published_line") == "2019-01-10 15:23"  # the separator is not in the value
    assert b.first("source") == "沙县应急管理局"


def test_pairs_separated_by_spaces_and_toolbar_caption() -> None:
    b = block(["主题分类：综合政务 发布日期：2015-03-27", "来源：人民网 字号：大 中 小"])
    assert b.first("topic") == "综合政务"
    assert b.first("published_block") == "2015-03-27"
    assert b.first("source") == "人民网"
    assert b.first("toolbar") == "大 中 小"
    assert "字号" not in b.as_dict()  # tool-bar captions are not metadata


def test_truncated_index_number_label() -> None:
    assert pairs(["号: 003226443/201401-00001"]) == [
        ("号", "index_no", "003226443/201401-00001", 0)
    ]


def test_truncated_title_label() -> None:
    b = block(["称: 金安区2013年政府信息公开年报"])
    assert b.first("title") == "金安区2013年政府信息公开年报"


@pytest.mark.parametrize(
    "line",
    [
        "期: 2014-01-15",  # 发布日期 / 成文日期 / 修订日期 …: ambiguous
        "期：2014-01-15",
        "号: 公开",  # fits no 号 field
        "的: 某某",  # ends no label
    ],
)
def test_ambiguous_or_unknown_stub_is_not_read(line: str) -> None:
    assert read_block([line]) == []


def test_truncated_title_label_keeps_a_title_with_spaces() -> None:
    b = block(["称: 金安区人民政府 2013年政府信息公开年报"])
    assert b.first("title") == "金安区人民政府 2013年政府信息公开年报"


def test_empty_value_does_not_steal_the_next_label() -> None:
    lines = ["文号：", "发布机构：", "某某市人民政府办公室"]
    assert pairs(lines) == [
        ("文号", "doc_no", "", 0),
        ("发布机构", "publisher", "某某市人民政府办公室", 1),
    ]
    assert block(lines).first("doc_no") is None


def test_empty_value_does_not_steal_an_inline_pair() -> None:
    lines = ["索引号：", "发布日期：2015-03-27"]
    assert pairs(lines) == [
        ("索引号", "index_no", "", 0),
        ("发布日期", "published_block", "2015-03-27", 1),
    ]


def test_label_cells_without_colons_do_not_steal_each_other() -> None:
    lines = ["文号", "发布机构", "某某市人民政府办公室"]
    b = block(lines)
    assert b.first("doc_no") is None
    assert b.first("publisher") == "某某市人民政府办公室"


def test_next_line_failing_the_validator_is_not_a_value() -> None:
    lines = ["文 号：", "中国银行保险监督管理委员会"]
    assert pairs(lines) == [("文号", "doc_no", "", 0)]
    assert block(lines).first("doc_no") is None


def test_weak_label_alone_needs_a_valid_value() -> None:
    assert pairs(["时间", "2020-03-01"]) == [("时间", "published_line", "2020-03-01", 0)]
    assert read_block(["时间", "不是日期的一行"]) == []


def test_long_lines_are_never_read() -> None:
    long_line = "来源：" + "某" * 250
    assert read_block([long_line]) == []


def test_label_inside_a_word_is_not_a_label() -> None:
    # 来源 must start the line or follow a space/separator
    assert read_block(["资金来源：财政拨款"]) == []


@pytest.mark.parametrize("empty", ["无", "暂无", "-", "——", "/", "无文号", "NULL", " 无 "])
def test_empty_marker_values_read_as_none(empty: str) -> None:
    b = block([f"文号：{empty}", f"发布机构：{empty}"])
    assert [p.key for p in b.pairs] == ["doc_no", "publisher"]
    assert b.first("doc_no") is None
    assert b.first("publisher") is None


def test_clean_value() -> None:
    assert clean_value(" 某某局 | ") == "某某局"
    assert clean_value("某某局，") == "某某局"
    assert clean_value("无") is None
    assert clean_value("") is None
    assert clean_value(None) is None
    # The opening bracket of the caption after it (更新时间：2015-3-27 【字体：大 中 小】).
    assert clean_value("2015-3-27 【") == "2015-3-27"
    assert clean_value("某某局 [") == "某某局"
    assert clean_value("某某局（办公室）") == "某某局（办公室）"


def test_value_before_a_bracketed_font_switch() -> None:
    pairs = read_block(
        ["作者：市物价局　来源：收费管理科　更新时间：2015-3-27　【字体：大 中 小】"]
    )
    values = {p.label: clean_value(p.value) for p in pairs}
    assert values["更新时间"] == "2015-3-27"
    assert values["来源"] == "收费管理科"


# --- MetadataBlock.first --------------------------------------------------------------------------


def test_first_prefers_key_order_over_page_order() -> None:
    b = block(["来源：人民网", "发布机构：某某市人民政府办公室"])
    assert b.first("publisher", "source") == "某某市人民政府办公室"
    assert b.first("source", "publisher") == "人民网"


def test_first_takes_page_order_within_a_key_and_skips_empty_values() -> None:
    b = block(["文号：无", "发文字号：某政发〔2015〕5号", "文件编号：某政发〔2015〕6号"])
    assert b.first("doc_no") == "某政发〔2015〕5号"


def test_first_validates_unless_told_not_to() -> None:
    b = MetadataBlock(pairs=[LabelValue("文号", "doc_no", "中国银行保险监督管理委员会", 0)])
    assert b.first("doc_no") is None
    assert b.first("doc_no", valid=False) == "中国银行保险监督管理委员会"


def test_first_unknown_key_is_none() -> None:
    assert block(["来源：人民网"]).first("index_no") is None


def test_as_dict_skips_counters_and_keeps_first_non_empty() -> None:
    b = block(["文号：", "浏览次数：123", "文号：某政发〔2015〕5号", "来源：甲", "来源：乙"])
    assert b.as_dict() == {"文号": "某政发〔2015〕5号", "来源": "甲"}


# --- <meta> tags -----------------------------------------------------------------------------------

META_HTML = """<html><head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="ROBOTS" content="all">
<meta name="renderer" content="webkit">
<meta name="SiteName" content=" 某某市人民政府 ">
<meta name="ArticleTitle" content="关于印发\u3000某某办法的通知">
<meta property="og:title" content="OG标题">
<meta name="PubDate" content="2015-03-27 15:08">
<meta name="SiteName" content="第二个站点名">
<meta name="Keywords" content="">
<meta name="ContentSource" content="   ">
</head><body></body></html>"""


def test_read_meta_tags() -> None:
    tags = read_meta_tags(parse_html(META_HTML))
    assert tags == {
        "SiteName": "某某市人民政府",  # normalised, first occurrence wins
        "ArticleTitle": "关于印发 某某办法的通知",
        "og:title": "OG标题",
        "PubDate": "2015-03-27 15:08",
    }


def test_tag_is_case_insensitive_and_takes_the_first_non_empty_name() -> None:
    b = MetadataBlock(meta_tags=read_meta_tags(parse_html(META_HTML)))
    assert b.tag("sitename") == "某某市人民政府"
    assert b.tag("ARTICLETITLE") == "关于印发 某某办法的通知"
    assert b.tag("missing", "OG:TITLE") == "OG标题"
    assert b.tag("pubdate") == "2015-03-27 15:08"
    assert b.tag("viewport") is None
    assert b.tag("robots") is None
    assert b.tag("Keywords") is None
    assert b.tag("ContentSource") is None


def test_tag_first_occurrence_wins_across_case_variants() -> None:
    html = (
        '<html><head><meta name="PubDate" content="2015-03-27">'
        '<meta name="pubdate" content="2016-01-01"></head></html>'
    )
    b = MetadataBlock(meta_tags=read_meta_tags(parse_html(html)))
    assert b.tag("PubDate") == "2015-03-27"


# --- is_metadata_line ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "来源：人民网",
        "索引号",
        "索 引 号：",
        "主题分类：综合政务",
        "文号：某政发〔2015〕5号",
        "浏览次数：123",
        "发布时间:2019-01-10 15:23 | 来源:沙县应急管理局",
        "发布机构：市政府 作者：张三",
        "发布时间：2020年3月1日上午9:00",
    ],
)
def test_is_metadata_line_true(line: str) -> None:
    assert is_metadata_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "据新华社报道，来源：人民网",  # label mid-line: a body sentence
        "来源：根据本市统计局发布的数据显示全市经济运行稳中向好。",  # the "value" is a sentence
        "来源：" + "某" * 61,  # value too long
        "时间：2020年3月1日上午9:00",  # 时间 is a weak label
        "日期：2020-03-01",
        "作者：张三",
        "编辑：李四 时间：2020-01-01",
        "时间",
        "字号：大 中 小",  # a tool bar, not metadata
        "一、总体情况",
        "",
    ],
)
def test_is_metadata_line_false(line: str) -> None:
    assert not is_metadata_line(line)


def test_captions_rendered_without_a_space_between_them_are_split() -> None:
    # <span>时间：…</span><span>来源：…</span><span>作者：…</span><span>浏览：…</span>
    line = "时间：2024-02-05 09:12:33来源：区财政局作者：王某浏览：356次"
    assert [(label, value) for label, _, value, _ in pairs([line])] == [
        ("时间", "2024-02-05 09:12:33"),
        ("来源", "区财政局"),
        ("作者", "王某"),
        ("浏览", "356次"),
    ]
    assert is_metadata_line(line)


def test_a_label_inside_a_sentence_is_no_caption() -> None:
    line = "全区一般公共预算收入完成25.6亿元（数据来源：区统计局），同比增长5.2%。"
    assert pairs([line]) == []
    assert not is_metadata_line(line)
