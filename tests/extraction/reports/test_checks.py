"""extraction.reports.checks: the identities of tables 3 and 4 — true, false and skipped."""

from __future__ import annotations

import copy
from typing import Any

from extraction.reports.canonical import REQUEST_COLUMNS
from extraction.reports.checks import run_checks


def row(natural: int | None, commercial: int | None = 0, total: int | None = None) -> dict:
    values: dict[str, int | None] = dict.fromkeys(REQUEST_COLUMNS, 0)
    values["natural_person"], values["commercial"] = natural, commercial
    if total is None and natural is not None and commercial is not None:
        total = natural + commercial
    values["total"] = total
    return values


def zeros(*names: str) -> dict[str, dict]:
    return {name: row(0) for name in names}


def consistent_2021() -> dict[str, Any]:
    """一 20+1, 二 2 → 三(七) 22+1 (5+2+3+7+2+3 / 1), 四 0."""
    denied = zeros("state_secret", "law_forbidden", "safety_stability", "third_party",
                   "internal_affairs", "process_info", "enforcement_case", "admin_query")  # fmt: skip
    denied["third_party"] = row(3)
    unable = zeros("no_info", "needs_creation", "unclear")
    unable["no_info"] = row(6, 1)
    unable["unclear"] = row(1)
    not_processed = zeros("complaint", "repeated", "publication", "massive", "confirm")
    not_processed["repeated"] = row(2)
    other = zeros("overdue_correction", "overdue_fee", "other")
    other["other"] = row(3)
    return {
        "new_received": row(20, 1),
        "carried_over": row(2),
        "granted": row(5),
        "partially_granted": row(2),
        "denied": denied,
        "unable": unable,
        "not_processed": not_processed,
        "other": other,
        "total_processed": row(22, 1),
        "carried_forward": row(0),
    }


REVIEWS = {
    "reconsideration": {"upheld": 2, "corrected": 1, "other": 3, "pending": 1, "total": 7},
    "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0},
    "litigation_after_reconsideration": {
        "upheld": 13, "corrected": 2, "other": 4, "pending": 0, "total": 19,
    },
}  # fmt: skip


def by_rule(requests: dict | None, reviews: dict | None) -> dict[str, dict]:
    return {check["rule"]: check for check in run_checks(requests, reviews)}


def test_all_true() -> None:
    checks = by_rule(consistent_2021(), REVIEWS)
    assert list(checks) == [
        "t3_balance",
        "t3_row_sums",
        "t3_outcome_sum",
        "t4_reconsideration_sum",
        "t4_litigation_direct_sum",
        "t4_litigation_after_reconsideration_sum",
    ]
    assert all(check["ok"] is True for check in checks.values())
    assert "total: 21 + 2 = 23 + 0" in checks["t3_balance"]["detail"]
    assert "natural_person: 22 = 5 + 2 + 3 + 7 + 2 + 3 = 22" in checks["t3_outcome_sum"]["detail"]
    assert "total: 23 = 5 + 2 + 3 + 8 + 2 + 3 = 23" in checks["t3_outcome_sum"]["detail"]
    assert "7 = 2 + 1 + 3 + 1" in checks["t4_reconsideration_sum"]["detail"]
    assert "all 25 rows add up" in checks["t3_row_sums"]["detail"]


def test_outcome_sum_false_says_the_numbers() -> None:
    requests = consistent_2021()
    requests["granted"] = row(11)  # 6 more outcomes than the printed (七) total
    checks = by_rule(requests, None)
    assert checks["t3_outcome_sum"]["ok"] is False
    assert "total: 23 ≠ 11 + 2 + 3 + 8 + 2 + 3 = 29" in checks["t3_outcome_sum"]["detail"]
    assert checks["t3_balance"]["ok"] is True
    assert checks["t3_row_sums"]["ok"] is True


def test_balance_false() -> None:
    requests = consistent_2021()
    requests["carried_forward"] = row(4)
    check = by_rule(requests, None)["t3_balance"]
    assert check["ok"] is False
    assert "natural_person: 20 + 2 ≠ 22 + 4" in check["detail"]
    assert "total: 21 + 2 ≠ 23 + 4" in check["detail"]


def test_row_sum_false_names_the_row() -> None:
    requests = consistent_2021()
    requests["denied"]["third_party"]["total"] = 4
    check = by_rule(requests, None)["t3_row_sums"]
    assert check["ok"] is False
    assert check["detail"].endswith("denied.third_party: 3 + 0 + 0 + 0 + 0 + 0 ≠ 4")


def test_review_sum_false() -> None:
    reviews = copy.deepcopy(REVIEWS)
    reviews["litigation_direct"]["total"] = 2
    check = by_rule(None, reviews)["t4_litigation_direct_sum"]
    assert check == {
        "rule": "t4_litigation_direct_sum",
        "ok": False,
        "detail": "litigation_direct: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结: 2 ≠ 0 + 0 + 0 + 0",
    }


def test_empty_cells_skip_their_column_only() -> None:
    requests = consistent_2021()
    requests["carried_over"]["research"] = None
    check = by_rule(requests, None)["t3_balance"]
    assert check["ok"] is True
    assert "skipped: research: empty cells" in check["detail"]


def test_all_columns_empty_is_skipped_not_false() -> None:
    requests = consistent_2021()
    requests["carried_forward"] = dict.fromkeys(REQUEST_COLUMNS)
    check = by_rule(requests, None)["t3_balance"]
    assert check["ok"] is None
    assert check["detail"].startswith("一 + 二 = 三（七）总计 + 四: skipped")


def test_missing_rows_skip() -> None:
    requests = consistent_2021()
    del requests["carried_over"]
    del requests["unable"]["unclear"]
    checks = by_rule(requests, None)
    assert checks["t3_balance"]["ok"] is None
    assert "rows missing: carried_over" in checks["t3_balance"]["detail"]
    assert checks["t3_outcome_sum"]["ok"] is None
    assert "unable.unclear" in checks["t3_outcome_sum"]["detail"]


def test_review_block_with_empty_cells_or_missing_is_skipped() -> None:
    reviews = copy.deepcopy(REVIEWS)
    reviews["reconsideration"]["pending"] = None
    del reviews["litigation_direct"]
    checks = by_rule(None, reviews)
    assert checks["t4_reconsideration_sum"]["ok"] is None
    assert "empty cells" in checks["t4_reconsideration_sum"]["detail"]
    assert checks["t4_litigation_direct_sum"]["ok"] is None
    assert "block missing" in checks["t4_litigation_direct_sum"]["detail"]
    assert checks["t4_litigation_after_reconsideration_sum"]["ok"] is True


def test_2019_single_other_row() -> None:
    requests = consistent_2021()
    del requests["other"]
    requests["other_processing"] = row(3)
    assert by_rule(requests, None)["t3_outcome_sum"]["ok"] is True


def test_no_tables_no_checks() -> None:
    assert run_checks(None, None) == []
    assert run_checks({}, {}) == []
