"""The arithmetic identities of tables 3 and 4, checked on the canonical dicts.

The standard forms print their own 勾稽关系 (table 3's corner cell: 第一项加第二项之和，等于第三项加
第四项之和), and a report that breaks one is internally inconsistent — the 平潭 2020 report's
outcome rows add up to 27 under a printed (七)总计 of 21. A check is a finding about the report,
not a correction: the numbers stay as printed.

- ``t3_balance``: 一 本年新收 + 二 上年结转 = 三（七）总计 + 四 结转下年度, per column;
- ``t3_row_sums``: 自然人 + Σ 法人或其他组织 (商业企业 … 其他) = 总计, per row;
- ``t3_outcome_sum``: （七）总计 = （一）+（二）+ Σ（三）+ Σ（四）+ Σ（五）+ Σ（六）, per column
  (the 2019 form's single （六）其他处理 row, the 2021 form's three sub-rows);
- ``t4_<block>_sum``: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结, per block of table 4.

Each result is ``{"rule", "ok", "detail"}``; ``detail`` shows the numbers (``21 + 0 ≠ 27 + 0``).
A check that cannot be made because cells are empty or rows missing has ``ok`` None (skipped,
not failed) and says what is missing; columns that can be checked still are.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from extraction.reports.canonical import (
    REQUEST_COLUMNS,
    REQUEST_GROUPS,
    REQUEST_SUB_ROWS,
    REVIEW_BLOCKS,
)

Number = int | float
_PARTS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org")


def _fmt(value: Number) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _eq(left: Number, right: Number) -> bool:
    return abs(left - right) < 1e-9


def _result(rule: str, formula: str, lines: list[tuple[bool, str]], skipped: list[str]) -> dict:
    """Fold per-column (or per-row) findings into one check result."""
    if not lines:
        detail = f"{formula}: skipped, " + ("; ".join(skipped) or "nothing to check")
        return {"rule": rule, "ok": None, "detail": detail}
    ok = all(good for good, _ in lines)
    shown = [text for good, text in lines if not good] if not ok else [text for _, text in lines]
    detail = f"{formula}: " + "; ".join(shown)
    if skipped:
        detail += "; skipped: " + "; ".join(skipped)
    return {"rule": rule, "ok": ok, "detail": detail}


def _cell(row: Any, column: str) -> Number | None:
    if not isinstance(row, dict):
        return None
    value = row.get(column)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _balance(requests: dict[str, Any]) -> dict:
    formula = "一 + 二 = 三（七）总计 + 四"
    names = ("new_received", "carried_over", "total_processed", "carried_forward")
    absent = [name for name in names if name not in requests]
    if absent:
        return _result("t3_balance", formula, [], [f"rows missing: {', '.join(absent)}"])
    lines: list[tuple[bool, str]] = []
    skipped: list[str] = []
    for column in REQUEST_COLUMNS:
        a, b, c, d = (_cell(requests[name], column) for name in names)
        if a is None or b is None or c is None or d is None:
            skipped.append(f"{column}: empty cells")
            continue
        sign = "=" if _eq(a + b, c + d) else "≠"
        lines.append((sign == "=", f"{column}: {_fmt(a)} + {_fmt(b)} {sign} {_fmt(c)} + {_fmt(d)}"))
    return _result("t3_balance", formula, lines, skipped)


def _rows(requests: dict[str, Any]) -> Iterator[tuple[str, dict]]:
    """Every row of table 3 with its canonical path (``denied.state_secret``)."""
    for key, value in requests.items():
        if key in REQUEST_GROUPS or key == "extra":
            for sub, row in value.items():
                yield f"{key}.{sub}", row
        else:
            yield key, value


def _row_sums(requests: dict[str, Any]) -> dict:
    formula = "自然人 + 法人或其他组织 = 总计"
    lines: list[tuple[bool, str]] = []
    skipped: list[str] = []
    for name, row in _rows(requests):
        parts = [_cell(row, column) for column in _PARTS]
        total = _cell(row, "total")
        if total is None or any(part is None for part in parts):
            skipped.append(f"{name}: empty cells")
            continue
        numbers = [part for part in parts if part is not None]
        sign = "=" if _eq(sum(numbers), total) else "≠"
        text = " + ".join(_fmt(n) for n in numbers)
        lines.append((sign == "=", f"{name}: {text} {sign} {_fmt(total)}"))
    result = _result("t3_row_sums", formula, lines, skipped)
    if result["ok"]:
        # All rows add up: the count says enough, the 25 equations would only be noise.
        result["detail"] = f"{formula}: all {len(lines)} rows add up" + (
            "; skipped: " + "; ".join(skipped) if skipped else ""
        )
    return result


_OUTCOMES = ("granted", "partially_granted", "denied", "unable", "not_processed")


def _outcome_sum(requests: dict[str, Any]) -> dict:
    formula = "（七）总计 = （一）+（二）+（三）+（四）+（五）+（六）"
    other_key = "other" if "other" in requests else "other_processing"
    needed = ("total_processed", *_OUTCOMES, other_key)
    absent = [name for name in needed if name not in requests]
    # A sub-row the form has but the parse lacks (left out of flattened text for a wrong
    # count of numbers) would make the sum silently short: no check rather than a wrong one.
    absent += [
        f"{group}.{sub}"
        for group in (*REQUEST_GROUPS[:3], other_key)
        if group in REQUEST_GROUPS and isinstance(requests.get(group), dict)
        for sub in REQUEST_SUB_ROWS[group]
        if sub not in requests[group]
    ]
    if absent:
        return _result("t3_outcome_sum", formula, [], [f"rows missing: {', '.join(absent)}"])
    lines: list[tuple[bool, str]] = []
    skipped: list[str] = []
    for column in REQUEST_COLUMNS:
        total = _cell(requests["total_processed"], column)
        parts: list[Number] = []
        empty: list[str] = []
        for name in (*_OUTCOMES, other_key):
            value = requests[name]
            rows = value.items() if name in REQUEST_GROUPS else [(name, value)]
            cells = [(sub, _cell(row, column)) for sub, row in rows]
            empty += [sub for sub, cell in cells if cell is None]
            parts.append(sum(cell for _, cell in cells if cell is not None))
        if total is None or empty:
            skipped.append(f"{column}: empty cells ({', '.join(empty) or 'total_processed'})")
            continue
        sign = "=" if _eq(total, sum(parts)) else "≠"
        text = " + ".join(_fmt(p) for p in parts)
        lines.append((sign == "=", f"{column}: {_fmt(total)} {sign} {text} = {_fmt(sum(parts))}"))
    result = _result("t3_outcome_sum", formula, lines, skipped)
    if "extra" in requests:
        result["detail"] += (
            f"; rows outside the standard table not counted: {list(requests['extra'])}"
        )
    return result


def _review_sum(block: str, row: Any) -> dict:
    rule = f"t4_{block}_sum"
    formula = f"{block}: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结"
    if not isinstance(row, dict):
        return _result(rule, formula, [], ["block missing"])
    parts = [_cell(row, key) for key in ("upheld", "corrected", "other", "pending")]
    total = _cell(row, "total")
    if total is None or any(part is None for part in parts):
        return _result(rule, formula, [], ["empty cells"])
    numbers = [part for part in parts if part is not None]
    sign = "=" if _eq(total, sum(numbers)) else "≠"
    text = f"{_fmt(total)} {sign} " + " + ".join(_fmt(n) for n in numbers)
    return _result(rule, formula, [(sign == "=", text)], [])


def run_checks(
    requests: dict[str, Any] | None, reviews: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """The identities of the tables that are there (none for a table not found)."""
    results: list[dict[str, Any]] = []
    if requests:
        results += [_balance(requests), _row_sums(requests), _outcome_sum(requests)]
    if reviews:
        results += [_review_sum(block, reviews.get(block)) for block in REVIEW_BLOCKS]
    return results
