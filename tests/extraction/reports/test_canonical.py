"""extraction.reports.canonical: grids → canonical dicts, rows by label, columns by header."""

from __future__ import annotations

from pathlib import Path

import pytest

from extraction.html import parse_html
from extraction.reports.canonical import (
    REQUEST_COLUMNS,
    label_key,
    legacy_from_grid,
    match_request_row,
    normalise,
    proactive_from_grid,
    requests_from_grid,
    reviews_from_grid,
)
from extraction.reports.checks import run_checks
from extraction.reports.tables import find_report_tables

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "reports"


def row(*values: int | None) -> dict[str, int | None]:
    return dict(zip(REQUEST_COLUMNS, values, strict=True))


ZERO = row(0, 0, 0, 0, 0, 0, 0)


# --- labels ------------------------------------------------------------------------------------


def test_normalise_and_label_key() -> None:
    assert normalise("（三） 不予公开") == "(三)不予公开"
    assert (
        normalise("3.危及“三安全一稳定”")
        == normalise('3.危及"三安全一稳定"')
        == "3.危及三安全一稳定"
    )
    assert normalise("２．重复申请") == "2.重复申请"
    assert label_key("（二）部分公开（区分处理的，只计这一情形，不计其他情形）") == "部分公开"
    assert label_key("其中：1.网站公开") == "网站公开"
    assert label_key("三、本年度办理结果") == "本年度办理结果"


@pytest.mark.parametrize(
    ("labels", "group", "expected"),
    [
        (["一、本年新收政府信息公开申请数量"], None, ("new_received", None)),
        (["二、上年结转政府信息公开申请数量"], None, ("carried_over", None)),
        (["三、本年度办理结果", "（一）予以公开"], None, ("granted", None)),
        (
            ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）"],
            None,
            ("partially_granted", None),
        ),
        (["(二)部分公开(区分处理的,只计这一情形,不计其他情形)"], None, ("partially_granted", None)),
        (["（三） 不予公开", "1.属于国家秘密"], None, ("denied", "state_secret")),
        (["(三)不予公开", '3.危及"三安全一稳定"'], None, ("denied", "safety_stability")),
        (["（三）不予公开", "3.危及“三安全一稳定”"], None, ("denied", "safety_stability")),
        (["2.其他法律、行政法规禁止公开"], "denied", ("denied", "law_forbidden")),
        (["8.属于行政查询事项"], "denied", ("denied", "admin_query")),
        # a broken merge scrambles the label cells: order does not matter
        (
            ["2.没有现成信息需要另行制作", "三、本年度办理结果", "（四）无法提供"],
            None,
            ("unable", "needs_creation"),
        ),
        (["1.本机关不掌握相关政府信息"], None, ("unable", "no_info")),  # distinctive alone
        (["（五）不予处理", "１．信访举报投诉类申请"], None, ("not_processed", "complaint")),
        (["5.要求行政机关确认或重新出具已获取信息"], "not_processed", ("not_processed", "confirm")),
        (
            ["（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"],
            None,
            ("other", "overdue_correction"),
        ),
        (
            ["2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"],
            None,
            ("other", "overdue_fee"),
        ),
        (["（六）其他处理", "3.其他"], None, ("other", "other")),
        (["3.其他"], "other", ("other", "other")),
        (["3.其他"], None, (None, None)),  # a bare 其他 needs its group
        (["（六）其他处理"], None, ("other", None)),  # the 2019 single row
        (["（七）总计"], "other", ("total_processed", None)),  # a top-level row ends the group
        (["(七) 总 计"], None, ("total_processed", None)),
        (["四、结转下年度继续办理"], None, ("carried_forward", None)),
        (["总计"], None, ("total_processed", None)),
        (["申请人情况"], None, (None, None)),
    ],
)
def test_match_request_row(
    labels: list[str], group: str | None, expected: tuple[str | None, str | None]
) -> None:
    assert match_request_row(labels, group)[:2] == expected


# --- table 3 -----------------------------------------------------------------------------------


def test_word_merge_fixture() -> None:
    root = parse_html((FIXTURES / "t3_2019_word_merge.html").read_text(encoding="utf-8"))
    requests, notes = requests_from_grid(find_report_tables(root)["requests"], "2019")
    assert requests["new_received"] == row(20, 1, 0, 0, 0, 1, 22)  # '2','0' split digits
    assert requests["carried_over"] == row(2, 0, 0, 0, 0, 0, 2)  # &nbsp; padding
    assert requests["partially_granted"] == row(3, 0, 0, 0, 0, 0, 3)
    assert requests["denied"]["third_party"] == row(0, 1, 0, 0, 0, 0, 1)
    assert requests["denied"]["safety_stability"] == ZERO  # straight quotes
    # rows displaced by the overlapping second 三、本年度办理结果 cell are realigned
    assert requests["unable"] == {
        "no_info": row(4, 0, 0, 0, 0, 0, 4),
        "needs_creation": ZERO,
        "unclear": row(2, 0, 0, 0, 0, 0, 2),
    }
    assert requests["not_processed"]["repeated"] == row(3, 0, 0, 0, 0, 0, 3)  # ２.重复申请
    assert requests["other_processing"] == row(1, 0, 0, 0, 0, 0, 1)
    assert requests["total_processed"] == row(22, 1, 0, 0, 0, 1, 24)
    assert requests["carried_forward"] == ZERO
    assert "other" not in requests
    # an unknown row is kept under its own label, not dropped
    assert requests["extra"] == {"不予公开/涉及商业秘密": ZERO}
    assert any("涉及商业秘密" in note and "extra" in note for note in notes)
    assert sum("realigned" in note for note in notes) == 4
    assert all(check["ok"] for check in run_checks(requests, None))


HEADER = [
    ["corner", "corner", "申请人情况", "申请人情况", "申请人情况", "申请人情况", "申请人情况",
     "申请人情况", "申请人情况"],
    ["corner", "corner", "总计", "自然人", "法人或其他组织", "法人或其他组织",
     "法人或其他组织", "法人或其他组织", "法人或其他组织"],
    ["corner", "corner", "总计", "自然人", "其他", "法律服务机构", "社会公益组织", "科研机构",
     "商业企业"],
]  # fmt: skip


def test_columns_are_matched_by_header_not_position() -> None:
    grid = [*HEADER, ["一、本年新收政府信息公开申请数量"] * 2 + ["9", "5", "1", "0", "0", "1", "2"]]
    requests, notes = requests_from_grid(grid, "2021")
    assert requests["new_received"] == {
        "natural_person": 5, "commercial": 2, "research": 1, "social_org": 0,
        "legal_service": 0, "other_org": 1, "total": 9,
    }  # fmt: skip
    assert notes == []


def test_empty_cells_are_none_not_zero() -> None:
    grid = [*HEADER, ["二、上年结转政府信息公开申请数量"] * 2 + ["", "—", "", "", "", "", ""]]
    requests, _ = requests_from_grid(grid, "2021")
    assert requests["carried_over"] == dict.fromkeys(REQUEST_COLUMNS)


def test_missing_header_assumes_standard_order_and_says_so() -> None:
    grid = [["一、本年新收政府信息公开申请数量", "3", "0", "0", "0", "0", "0", "3"]]
    requests, notes = requests_from_grid(grid, "2021")
    assert requests["new_received"] == row(3, 0, 0, 0, 0, 0, 3)
    assert any("standard column order" in note for note in notes)


def test_2021_single_other_row_is_kept_as_printed() -> None:
    grid = [*HEADER, ["三、本年度办理结果", "（六）其他处理", "1", "1", "0", "0", "0", "0", "0"]]
    requests, notes = requests_from_grid(grid, "2021")
    assert requests["other_processing"]["total"] == 1
    assert any("other_processing" in note for note in notes)


# --- table 4 -----------------------------------------------------------------------------------


def test_reviews_by_header_path() -> None:
    # blocks printed in another order: 复议后起诉 first, then 未经复议直接起诉, then 行政复议
    grid = [
        ["行政诉讼"] * 4 + ["行政复议"] * 2,
        ["复议后起诉", "复议后起诉", "未经复议直接起诉", "未经复议直接起诉", "结果维持", "总计"],
        ["结果维持", "总计", "尚未审结", "总计", "结果维持", "总计"],
        ["3", "4", "1", "1", "2", "2"],
        ["", "", "", "", "", ""],  # spacer
    ]
    reviews, notes = reviews_from_grid(grid)
    assert reviews["litigation_after_reconsideration"]["upheld"] == 3
    assert reviews["litigation_after_reconsideration"]["total"] == 4
    assert reviews["litigation_direct"] == {
        "upheld": None, "corrected": None, "other": None, "pending": 1, "total": 1,
    }  # fmt: skip
    assert reviews["reconsideration"]["total"] == 2
    assert any("only these columns" in note for note in notes)


def test_reviews_without_header_take_the_standard_order() -> None:
    reviews, notes = reviews_from_grid([[str(n) for n in range(15)]])
    assert reviews["reconsideration"] == {
        "upheld": 0, "corrected": 1, "other": 2, "pending": 3, "total": 4,
    }  # fmt: skip
    assert reviews["litigation_after_reconsideration"]["total"] == 14
    assert notes


# --- table 2 -----------------------------------------------------------------------------------


def test_proactive_2019_amount_keeps_number_and_notes_unit() -> None:
    grid = [
        ["第二十条第（九）项"] * 3,
        ["信息内容", "采购项目数量", "采购总金额"],
        ["政府集中采购", "135", "75394432.52元"],
        ["第二十条第（五）项"] * 3,
        ["信息内容", "上一年项目数量", "本年增/减"],
        ["行政许可", "396", "-18"],
        ["其他事项", "1", "2"],
    ]
    proactive, notes = proactive_from_grid(grid, "2019")
    assert proactive["article20_9"]["procurement"] == {
        "procurement_items": 135,
        "procurement_amount": 75394432.52,
    }
    assert proactive["units"] == {"article20_9.procurement.procurement_amount": "元"}
    assert proactive["article20_5"]["licensing"] == {"items_last_year": 396, "change": -18}
    assert proactive["extra"] == {"article20_5/其他事项": {"items_last_year": 1, "change": 2}}
    assert notes


def test_proactive_2021_unit_from_header_and_a_conflicting_cell() -> None:
    grid = [
        ["第二十条第（八）项"] * 2,
        ["信息内容", "本年收费金额（单位：万元）"],
        ["行政事业性收费", "3940元"],
    ]
    proactive, notes = proactive_from_grid(grid, "2021")
    assert proactive["article20_8"]["fees"] == {"amount_10k_yuan": 3940}
    assert proactive["units"] == {"article20_8.fees.amount_10k_yuan": "元"}
    assert any("printed in 元 under a header in 万元" in note for note in notes)


def test_proactive_rows_without_block_rows() -> None:
    grid = [["信息内容", "本年处理决定数量"], ["行政处罚", "12"], ["行政强制", "3"]]
    proactive, _ = proactive_from_grid(grid, "2021")
    assert proactive["article20_6"] == {"penalty": {"decisions": 12}, "coercion": {"decisions": 3}}


# --- the old 统计表 -----------------------------------------------------------------------------


def test_legacy_columns_by_header_and_aliases() -> None:
    grid = [
        ["指标名称", "历年累计", "计量单位", "2012年度"],  # columns in an unusual order
        ["主动公开文件数", "1402", "条", "318"],
        ["其中：1.政府网站公开数", "1350", "条", "300"],
        ["受理依申请公开信息总数", "17", "条", "4"],
        ["其中：1.网上申请数", "8", "条", "3"],
        ["对申请的答复总数", "17", "条", "4"],
        ["其中：1.网上申请数", "2", "条", "1"],  # same sub-label under another parent
        ["接受行政诉讼、举报数", "5", "件", "2"],  # not the 行政诉讼数 row
        ["行政复议数", "1", "件", "0"],
        ["行政诉讼数", "0", "件", ""],
    ]
    legacy, notes = legacy_from_grid(grid)
    assert legacy["proactive"] == {"this_year": 318, "cumulative": 1402}
    assert legacy["requests"] == {"this_year": 4, "cumulative": 17}
    assert legacy["reconsiderations"] == {"this_year": 0, "cumulative": 1}
    assert legacy["lawsuits"] == {"this_year": None, "cumulative": 0}
    assert legacy["政府网站公开数"] == {"this_year": 300, "cumulative": 1350}
    assert legacy["网上申请数"] == {"this_year": 3, "cumulative": 8}
    assert legacy["对申请的答复总数/网上申请数"] == {"this_year": 1, "cumulative": 2}
    assert legacy["接受行政诉讼、举报数"] == {"this_year": 2, "cumulative": 5}
    assert notes == []
