"""extraction.reports.tables: grids with merged cells resolved, finding the report's tables,
and parse_tables on the real reports of the shared corpus."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from extraction.html import parse_html
from extraction.reports.checks import run_checks
from extraction.reports.tables import (
    ReportTables,
    clean_cell_text,
    find_report_tables,
    parse_tables,
    table_grid,
)
from tests.helpers import CorpusPage, corpus_params

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "reports"


def grid(html: str) -> list[list[str]]:
    return table_grid(lxml.html.fragment_fromstring(html))


def fixture_root(name: str) -> lxml.html.HtmlElement:
    return parse_html((FIXTURES / name).read_text(encoding="utf-8"))


def report_params(with_tables: bool) -> list:
    """Corpus annual reports with (2019/2021 formats) or without (old format) gold tables."""
    params = corpus_params("annual_report")
    if len(params) == 1 and params[0].values[0] is None:
        return params  # the corpus is absent: one skipping param
    return [p for p in params if bool(p.values[0].gold.get("tables")) == with_tables]


def template_of(page: CorpusPage) -> str:
    year = page.gold.get("report_year") or 0
    return "2019" if year <= 2020 else "2021"


# --- table_grid: merged cells -----------------------------------------------------------------


def test_rowspan_and_colspan_repeat_the_cell_into_every_slot() -> None:
    assert grid(
        "<table>"
        "<tr><td rowspan='2' colspan='2'>corner</td><td colspan='2'>申请人情况</td></tr>"
        "<tr><td>自然人</td><td>总计</td></tr>"
        "<tr><td>一、本年新收</td><td>x</td><td>3</td><td>3</td></tr>"
        "</table>"
    ) == [
        ["corner", "corner", "申请人情况", "申请人情况"],
        ["corner", "corner", "自然人", "总计"],
        ["一、本年新收", "x", "3", "3"],
    ]


def test_spanned_label_applies_to_every_row_it_spans() -> None:
    rows = grid(
        "<table>"
        "<tr><td rowspan='3'>（五）不予处理</td><td>1.信访举报投诉类申请</td><td>0</td></tr>"
        "<tr><td>2.重复申请</td><td>3</td></tr>"
        "<tr><td>3.要求提供公开出版物</td><td>0</td></tr>"
        "</table>"
    )
    assert [row[0] for row in rows] == ["（五）不予处理"] * 3
    assert [row[2] for row in rows] == ["0", "3", "0"]


def test_duplicated_label_of_a_broken_word_merge() -> None:
    # The 2019/2020 平潭 reports: 三、本年度办理结果 twice, each rowspan covering its half.
    rows = grid(
        "<table>"
        "<tr><td rowspan='2'>三、本年度办理结果</td><td>（一）予以公开</td><td>7</td></tr>"
        "<tr><td>（二）部分公开</td><td>1</td></tr>"
        "<tr><td rowspan='2'>三、本年度办理结果</td><td>（六）其他处理</td><td>0</td></tr>"
        "<tr><td>（七）总计</td><td>8</td></tr>"
        "</table>"
    )
    assert [row[0] for row in rows] == ["三、本年度办理结果"] * 4
    assert [row[2] for row in rows] == ["7", "1", "0", "8"]


def test_rowspan_zero_and_past_the_end_are_capped() -> None:
    rows = grid(
        "<table><tr><td rowspan='0'>A</td><td>1</td></tr><tr><td>2</td></tr>"
        "<tr><td rowspan='999'>3</td></tr></table>"
    )
    assert rows == [["A", "1"], ["A", "2"], ["A", "3"]]


def test_rowspan_stays_in_its_row_group() -> None:
    rows = grid(
        "<table><thead><tr><td rowspan='5'>H</td><td>h</td></tr></thead>"
        "<tbody><tr><td>x</td><td>y</td></tr></tbody></table>"
    )
    assert rows == [["H", "h"], ["x", "y"]]


def test_huge_or_unreadable_colspan_is_ignored() -> None:
    assert grid("<table><tr><td colspan='99999'>T</td><td>5</td></tr></table>") == [["T", "5"]]
    assert grid("<table><tr><td colspan='abc'>a</td><td rowspan='2;'>b</td></tr></table>") == [
        ["a", "b"]
    ]


def test_span_overflow_columns_are_dropped() -> None:
    rows = grid(
        "<table><tr><td colspan='30'>第二十条第（一）项</td></tr>"
        "<tr><td>信息内容</td><td>本年制发件数</td></tr></table>"
    )
    assert rows == [["第二十条第（一）项"] * 2, ["信息内容", "本年制发件数"]]


def test_missing_and_extra_cells_are_tolerated() -> None:
    rows = grid(
        "<table><tr><td>a</td><td>b</td><td>c</td></tr><tr><td>d</td></tr>"
        "<tr><td>e</td><td>f</td><td>g</td><td>h</td></tr><tr></tr></table>"
    )
    assert rows == [
        ["a", "b", "c", ""],
        ["d", "", "", ""],
        ["e", "f", "g", "h"],
        ["", "", "", ""],
    ]


def test_nested_table_keeps_its_own_rows() -> None:
    outer = lxml.html.fragment_fromstring(
        "<table><tr><td>before<table><tr><td>inner 1</td></tr><tr><td>inner 2</td></tr>"
        "</table>after</td><td>x</td></tr></table>"
    )
    assert table_grid(outer) == [["before after", "x"]]
    assert table_grid(outer.find(".//table")) == [["inner 1"], ["inner 2"]]


def test_cell_text_joins_split_runs() -> None:
    rows = grid(
        "<table><tr>"
        "<td><p><span>2</span>\n<span>0</span></p></td>"
        "<td><span>&nbsp;0</span></td>"
        "<td>0&nbsp;&nbsp;&nbsp;</td>"
        "<td><p>社会</p>\n<p>公益</p><p>组织</p></td>"
        "<td><p>本年新</p><p>制作数量</p></td>"
        "<td><span>73802895</span>\n<span>.90</span><span>元</span></td>"
        "<td><span>2011</span> <span>年度</span></td>"
        "<td style='display:none'>hidden</td>"
        "<td><script>var x = 1;</script>ok</td>"
        "</tr></table>"
    )
    assert rows == [
        ["20", "0", "0", "社会公益组织", "本年新制作数量", "73802895.90元", "2011年度", "", "ok"]
    ]


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("三、本 年度办 理结果", "三、本年度办理结果"),
        ("（三） 不予公开", "（三）不予公开"),
        ("1. 属于国家秘密", "1.属于国家秘密"),
        ("2 0", "20"),
        ("1 2 3", "123"),
        ("\u00a0\u00a00\u00a0", "0"),
        ("Email 申请", "Email申请"),
        ("ABC def", "ABC def"),
    ],
)
def test_clean_cell_text(raw: str, clean: str) -> None:
    assert clean_cell_text(raw) == clean


# --- find_report_tables ------------------------------------------------------------------------


def test_find_tables_in_a_layout_table_split_table_and_hidden_copy() -> None:
    found = find_report_tables(fixture_root("report_2021_split.html"))
    assert set(found) == {"proactive", "requests", "reviews"}
    requests = found["requests"]
    labels = ["".join(row) for row in requests]
    # the hidden mobile copy (99 requests) is not used; both halves of the split table are
    assert not any("99" in row for row in requests)
    assert any("本年新收" in label for label in labels)
    assert any("补正后申请内容仍不明确" in label for label in labels)
    assert any("结转下年度" in label for label in labels)


def test_split_table_parses_as_one() -> None:
    tables = parse_tables(fixture_root("report_2021_split.html"), "", "2021")
    assert tables.source == "html"
    assert tables.notes == []
    requests = tables.requests
    assert requests["unable"]["unclear"]["natural_person"] == 1  # first row after the break
    assert requests["not_processed"]["repeated"]["total"] == 1
    assert requests["other"]["other"] == {
        "natural_person": 0, "commercial": 1, "research": 0, "social_org": 0,
        "legal_service": 1, "other_org": 0, "total": 2,
    }  # fmt: skip
    assert requests["total_processed"]["total"] == 14
    assert requests["carried_forward"]["total"] == 0
    assert all(check["ok"] for check in run_checks(tables.requests, tables.reviews))
    assert tables.reviews["litigation_direct"] == {
        "upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1,
    }  # fmt: skip
    assert tables.proactive["article20_5"]["licensing"] == {"decisions": 1024}
    assert tables.proactive["article20_6"]["coercion"] == {"decisions": None}  # printed —


def test_tables_glued_into_one_table_are_segmented() -> None:
    root = lxml.html.document_fromstring(
        "<table>"
        "<tr><td colspan='3'>第二十条第（一）项</td></tr>"
        "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td></tr>"
        "<tr><td>规章</td><td>1</td><td>0</td></tr>"
        "<tr><td>行政复议</td><td colspan='2'>行政诉讼</td></tr>"
        "<tr><td>总计</td><td>未经复议直接起诉</td><td>复议后起诉</td></tr>"
        "<tr><td>0</td><td>0</td><td>0</td></tr>"
        "</table>"
    )
    found = find_report_tables(root)
    assert set(found) == {"proactive", "reviews"}
    assert len(found["proactive"]) == 3
    assert found["reviews"][0] == ["行政复议", "行政诉讼", "行政诉讼"]


def test_page_without_report_tables() -> None:
    root = lxml.html.document_fromstring(
        "<table><tr><td>首页</td><td>政务公开</td></tr></table><p>没有表格。</p>"
    )
    assert find_report_tables(root) == {}
    tables = parse_tables(root, "没有表格。", "2021")
    assert tables == ReportTables()


# --- parse_tables: HTML first, then text ---------------------------------------------------------


def test_text_fallback_when_html_has_no_tables() -> None:
    text = (FIXTURES / "report_2021_lines.txt").read_text(encoding="utf-8")
    tables = parse_tables(lxml.html.document_fromstring("<p>见附件</p>"), text, "2021")
    assert tables.source == "text"
    assert tables.requests["new_received"]["total"] == 13
    assert tables.reviews["reconsideration"]["total"] == 2
    assert any("6 numbers" in note for note in tables.notes)


def test_text_fills_a_table_the_html_lacks() -> None:
    html = (FIXTURES / "report_2021_split.html").read_text(encoding="utf-8")
    start = html.index("<p>四、政府信息公开行政复议")
    html = html[:start] + html[html.index("<p>五、") :]  # table 4 drawn as an image, say
    text = "四、政府信息公开行政复议、行政诉讼情况\n1 0 0 0 1 0 0 0 0 0 0 0 0 0 0\n"
    tables = parse_tables(parse_html(html), text, "2021")
    assert tables.source == "html"
    assert tables.requests["new_received"]["total"] == 13
    assert tables.reviews["reconsideration"] == {
        "upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1,
    }  # fmt: skip
    assert "reviews: read from the text (not among the HTML tables)" in tables.notes


def test_no_html_no_text() -> None:
    assert parse_tables(None, "", "2021") == ReportTables()


# --- the shared corpus --------------------------------------------------------------------------

TABLE_GOLD = {
    "t3_new_received_total": ("requests", "new_received", "total"),
    "t3_carried_over_total": ("requests", "carried_over", "total"),
    "t3_total_processed_total": ("requests", "total_processed", "total"),
    "t3_carried_forward_total": ("requests", "carried_forward", "total"),
    "t4_reconsideration_total": ("reviews", "reconsideration", "total"),
    "t4_litigation_direct_total": ("reviews", "litigation_direct", "total"),
    "t4_litigation_after_total": ("reviews", "litigation_after_reconsideration", "total"),
}


def corpus_tables(page: CorpusPage) -> ReportTables:
    text = page.response().text  # type: ignore[attr-defined]  # decoded as the crawler does
    return parse_tables(parse_html(text), "", template_of(page))


@pytest.mark.corpus
@pytest.mark.parametrize("page", report_params(with_tables=True))
def test_corpus_tables_gold(page: CorpusPage) -> None:
    gold = page.gold["tables"]
    tables = corpus_tables(page)
    assert tables.source == "html"
    for name, (table, row, column) in TABLE_GOLD.items():
        assert getattr(tables, table)[row][column] == gold[name], name
    assert tables.notes == []
    # every row of the standard form is there
    requests = tables.requests
    assert len(requests["denied"]) == 8
    assert len(requests["unable"]) == 3
    assert len(requests["not_processed"]) == 5
    if template_of(page) == "2019":
        assert "other_processing" in requests
        assert "other" not in requests
    else:
        assert len(requests["other"]) == 3
        assert "other_processing" not in requests
    assert "extra" not in requests


@pytest.mark.corpus
@pytest.mark.parametrize("page", report_params(with_tables=True))
def test_corpus_checks(page: CorpusPage) -> None:
    tables = corpus_tables(page)
    results = {check["rule"]: check for check in run_checks(tables.requests, tables.reviews)}
    assert len(results) == 6
    # The notes name the one report whose outcome rows do not add up to its printed total.
    inconsistent = "DATA INCONSISTENCY" in page.notes
    for rule, check in results.items():
        expected = not (inconsistent and rule == "t3_outcome_sum")
        assert check["ok"] is expected, check
    if inconsistent:
        assert "21 ≠ 7 + 6 + 0 + 7 + 3 + 4 = 27" in results["t3_outcome_sum"]["detail"]


@pytest.mark.corpus
@pytest.mark.parametrize("page", report_params(with_tables=False))
def test_corpus_legacy_stats(page: CorpusPage) -> None:
    tables = corpus_tables(page)
    if "统计表" not in page.notes:  # the notes say which old reports append the 统计表
        assert tables.legacy_stats == {}
        return
    figures = page.gold["figures"]
    legacy = tables.legacy_stats
    assert legacy["requests"]["this_year"] == figures["requests_new"]
    assert legacy["reconsiderations"]["this_year"] == figures["reconsiderations"]
    assert legacy["lawsuits"]["this_year"] == figures["lawsuits"]
    assert legacy["proactive"]["this_year"] == figures["proactive_new"]
    assert tables.requests == {}
    assert tables.reviews == {}


def test_table_2_split_and_a_lone_last_row_of_table_3() -> None:
    root = lxml.html.document_fromstring(
        "<table><tr><td colspan='4'>第二十条第（一）项</td></tr>"
        "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
        "<tr><td>规章</td><td>1</td><td>0</td><td>3</td></tr></table>"
        "<p style='page-break-before:always'></p>"
        "<table><tr><td colspan='2'>第二十条第（五）项</td></tr>"
        "<tr><td>信息内容</td><td>本年处理决定数量</td></tr>"
        "<tr><td>行政许可</td><td>9</td></tr></table>"
        "<table><tr><td>申请人情况</td><td>自然人</td><td>商业企业</td><td>科研机构</td>"
        "<td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>"
        "<tr><td>一、本年新收政府信息公开申请数量</td><td>1</td><td>0</td><td>0</td><td>0</td>"
        "<td>0</td><td>0</td><td>1</td></tr>"
        "<tr><td>（七）总计</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td>"
        "<td>1</td></tr></table>"
        "<table><tr><td>四、结转下年度继续办理</td><td>0</td><td>0</td><td>0</td><td>0</td>"
        "<td>0</td><td>0</td><td>0</td></tr></table>"
    )
    tables = parse_tables(root, "", "2021")
    assert tables.proactive == {
        "article20_1": {"regulations": {"issued": 1, "repealed": 0, "in_force": 3}},
        "article20_5": {"licensing": {"decisions": 9}},
    }
    assert list(tables.requests) == ["new_received", "total_processed", "carried_forward"]
    assert tables.requests["carried_forward"]["total"] == 0
