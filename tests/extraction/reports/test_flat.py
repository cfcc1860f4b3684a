"""extraction.reports.flat: tables flattened into text → the same canonical dicts, and never a
number the text does not place."""

from __future__ import annotations

from pathlib import Path

import pytest

from extraction.document import extract_document
from extraction.html import parse_html, visible_lines
from extraction.reports.canonical import REQUEST_COLUMNS
from extraction.reports.checks import run_checks
from extraction.reports.flat import tables_from_text
from extraction.reports.tables import parse_tables
from tests.helpers import CorpusPage, corpus_params

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "reports"
TABLES = ("proactive", "requests", "reviews", "legacy_stats")


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def row(*values: int | None) -> dict[str, int | None]:
    return dict(zip(REQUEST_COLUMNS, values, strict=True))


ZERO = row(0, 0, 0, 0, 0, 0, 0)


# --- the corpus reports, flattened three ways, give what their HTML gives ----------------------


def template_of(page: CorpusPage) -> str:
    return "2019" if (page.gold.get("report_year") or 0) <= 2020 else "2021"


@pytest.mark.corpus
@pytest.mark.parametrize("page", corpus_params("annual_report"))
@pytest.mark.parametrize("form", ["pipe_rows", "cell_per_line", "body_text"])
def test_corpus_flattened_equals_html(page: CorpusPage, form: str) -> None:
    html = page.response().text  # type: ignore[attr-defined]
    root = parse_html(html)
    if form == "pipe_rows":  # as extraction.body renders a table: | a | b | c |
        text = "\n".join(visible_lines(root, table_rows=True))
    elif form == "cell_per_line":  # every cell on its own line, like many PDF extractions
        text = "\n".join(visible_lines(root))
    else:  # the record's body text
        text = extract_document(html).text
    from_html = parse_tables(root, "", template_of(page))
    from_text = tables_from_text(text, template_of(page))
    for name in TABLES:
        assert getattr(from_text, name) == getattr(from_html, name), name
    assert from_text.notes == []


# --- hand-written flattened reports ---------------------------------------------------------------


def test_label_and_numbers_on_one_line() -> None:
    tables = tables_from_text(fixture_text("report_2021_lines.txt"), "2021")
    requests = tables.requests
    assert requests["new_received"] == row(10, 2, 0, 0, 1, 0, 13)
    assert requests["denied"]["state_secret"] == ZERO  # "（三）不予公开 1.属于国家秘密 0 …"
    assert requests["denied"]["internal_affairs"] == row(1, 0, 0, 0, 0, 0, 1)
    assert requests["unable"]["no_info"] == row(1, 0, 0, 0, 0, 0, 1)  # group on its own line
    assert requests["other"]["other"] == row(0, 1, 0, 0, 1, 0, 2)
    assert requests["total_processed"] == row(11, 2, 0, 0, 1, 0, 14)
    assert "extra" not in requests
    # table 4 as one row of 15 numbers
    assert tables.reviews == {
        "reconsideration": {"upheld": 1, "corrected": 0, "other": 1, "pending": 0, "total": 2},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
        "litigation_after_reconsideration": dict.fromkeys(
            ("upheld", "corrected", "other", "pending", "total"), 0
        ),
    }
    assert tables.proactive["article20_1"]["normative_documents"] == {
        "issued": 12, "repealed": 3, "in_force": 140,
    }  # fmt: skip
    assert tables.proactive["article20_5"]["licensing"] == {"decisions": 1024}  # 1,024
    assert tables.proactive["article20_6"]["coercion"] == {"decisions": None}  # —
    assert tables.proactive["units"] == {"article20_8.fees.amount_10k_yuan": "万元"}


def test_a_row_whose_numbers_do_not_fit_is_left_out_with_a_note() -> None:
    tables = tables_from_text(fixture_text("report_2021_lines.txt"), "2021")
    assert "overdue_fee" not in tables.requests["other"]  # printed with 6 numbers for 7 columns
    assert tables.notes == [
        (
            "requests: row '2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请' "
            "(line 48) has 6 numbers, the table has 7 columns; left out"
        )
    ]
    checks = {check["rule"]: check for check in run_checks(tables.requests, tables.reviews)}
    # the outcome sum over an incomplete table is skipped, not passed or failed
    assert checks["t3_outcome_sum"]["ok"] is None
    assert "other.overdue_fee" in checks["t3_outcome_sum"]["detail"]
    assert checks["t3_balance"]["ok"] is True


def test_one_number_per_line_2019() -> None:
    tables = tables_from_text(fixture_text("report_2019_one_per_line.txt"), "2019")
    requests = tables.requests
    assert requests["new_received"] == row(23, 0, 0, 0, 0, 0, 23)
    assert requests["unable"]["unclear"] == row(5, 0, 0, 0, 0, 0, 5)
    assert requests["other_processing"] == ZERO
    assert "other" not in requests
    assert requests["total_processed"]["total"] == 23
    assert all(check["ok"] for check in run_checks(requests, tables.reviews))
    proactive = tables.proactive
    # header cells split over lines (本年新 / 制作数量) are joined
    assert proactive["article20_1"]["normative_documents"] == {
        "made": 89, "published": 89, "published_total": 89,
    }  # fmt: skip
    assert proactive["article20_5"]["licensing"] == {
        "items_last_year": 396, "change": -4, "decisions": 181,
    }  # fmt: skip
    assert proactive["article20_8"]["fees"] == {"items_last_year": 35, "change": 0}
    assert proactive["article20_9"]["procurement"]["procurement_amount"] == 75394432.52
    assert proactive["units"] == {"article20_9.procurement.procurement_amount": "元"}
    assert tables.reviews["litigation_after_reconsideration"]["total"] == 0
    assert tables.notes == []


def test_legacy_table_one_cell_per_line() -> None:
    tables = tables_from_text(fixture_text("legacy_one_per_line.txt"), "pre2019")
    legacy = tables.legacy_stats
    assert legacy["proactive"] == {"this_year": 318, "cumulative": 1402}
    assert legacy["requests"] == {"this_year": 4, "cumulative": 17}
    assert legacy["reconsiderations"] == {"this_year": 0, "cumulative": 1}  # blank unit line
    assert legacy["lawsuits"] == {"this_year": 0, "cumulative": 0}
    assert legacy["网站公开"] == {"this_year": 300, "cumulative": 1350}
    assert "行政申诉数" not in legacy  # one number for two columns
    assert len(tables.notes) == 1
    assert "行政申诉数" in tables.notes[0]


def test_pipe_rows_with_empty_cells() -> None:
    lines = (
        "| 申请人情况 |",
        "| 一、本年新收政府信息公开申请数量 | 3 |  | 0 | 0 | 0 | 0 | 3 |",
        "| 二、上年结转政府信息公开申请数量 | 0 | 0 | 0 |",  # trailing cells stripped
    )
    text = "\n".join(lines)
    tables = tables_from_text(text, "2021")
    assert tables.requests == {"new_received": row(3, None, 0, 0, 0, 0, 3)}
    assert "has 3 numbers" in tables.notes[0]


def test_table_4_as_three_labelled_rows() -> None:
    lines = (
        "四、因政府信息公开申请行政复议、提起行政诉讼的情况",
        "行政复议 2 1 0 0 3",
        "未经复议直接起诉 0 0 0 1 1",
        "复议后起诉 0 0 0 0 0",
    )
    text = "\n".join(lines)
    reviews = tables_from_text(text, "2021").reviews
    assert reviews["reconsideration"]["total"] == 3
    assert reviews["litigation_direct"]["pending"] == 1
    assert reviews["litigation_after_reconsideration"]["total"] == 0


def test_table_4_with_a_wrong_count_is_left_out() -> None:
    text = "行政复议 行政诉讼\n结果维持 结果纠正\n0 0 0 0 0 0 0 0 0 0 0 0 0 0"
    tables = tables_from_text(text, "2021")
    assert tables.reviews == {}
    assert "14 numbers" in tables.notes[0]


def test_column_by_column_extraction_invents_nothing() -> None:
    # pdfminer may read a table column by column: labels first, then each column's numbers.
    lines = (
        "申请人情况",
        "自然人",
        "一、本年新收政府信息公开申请数量",
        "二、上年结转政府信息公开申请数量",
        "（七）总计",
        "四、结转下年度继续办理",
        "3050",
        "34",
        "2981",
        "103",
        "商业企业",
        "12",
        "0",
        "12",
        "0",
        "行政复议",
        "结果维持",
        "72",
    )
    text = "\n".join(lines)  # fmt: skip
    tables = tables_from_text(text, "2021")
    assert tables.requests == {}
    assert tables.reviews == {}
    assert len(tables.notes) == 3


def test_prose_numbers_are_not_table_rows() -> None:
    lines = (
        "一、总体情况",
        "2024年，全区共收到政府信息公开申请154件，其中自然人151件。",
        "本年新收政府信息公开申请数量 154",
        "我局坚持以公开为常态、不公开为例外原则，严格落实各项要求，全年行政复议36起、行政诉讼9起，均依法办理完毕并及时回应社会关切。",
        "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
    )
    text = "\n".join(lines)
    tables = tables_from_text(text, "2021")
    assert tables.requests == {}
    assert tables.reviews == {}
    assert "has 1 numbers" in tables.notes[0]
