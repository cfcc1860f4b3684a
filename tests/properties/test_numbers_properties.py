"""Properties of the number parsers (extraction.numbers): never an exception, never a number
from a cell that holds none, and every way a report prints a number reads back as it."""

from __future__ import annotations

import math
from decimal import Decimal

from hypothesis import example, given
from hypothesis import strategies as st

from extraction.numbers import MAX_DIGITS, chinese_to_int, parse_cell, parse_count
from tests.properties.strategies import texts

DIGITS = "零一二三四五六七八九"
WIDE = str.maketrans("0123456789.,", "０１２３４５６７８９．，")
counts = st.integers(min_value=0, max_value=10**12 - 1)


def _four(n: int) -> str:
    """1..9999 in Chinese numerals, 零 where a place is skipped (一千零五, 一百零五)."""
    out, gap = "", False
    for unit, value in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        digit = n // value % 10
        if digit:
            out += ("零" if gap else "") + DIGITS[digit] + unit
            gap = False
        elif out:
            gap = True
    return out


def chinese(n: int) -> str:
    """0 <= n < 10**12 as printed: 三亿五千万, 一亿零五万, 十万零三百 (一十万 too)."""
    if n == 0:
        return "零"
    out = ""
    for value, unit in ((10**8, "亿"), (10**4, "万"), (1, "")):
        part = n // value % 10**4 if value < 10**8 else n // value
        if part:
            if out and part < 1000:
                out += "零"
            out += _four(part) + unit
    return out


@given(texts)
@example("1" * 5000)  # over int()'s 4300-digit limit: used to raise ValueError
@example("１" * 5000)
@example("-" + "9" * (MAX_DIGITS + 1))
@example("1e400")
@example("٣")  # other scripts' digits
def test_parse_cell_never_raises(text: str) -> None:
    value = parse_cell(text)
    assert value is None or isinstance(value, int | float)
    if isinstance(value, float):
        assert math.isfinite(value)


@given(texts)
@example("1" * 5000)
@example("9" * 40 + "万")
def test_parse_count_never_raises(text: str) -> None:
    value = parse_count(text)
    assert value is None or (isinstance(value, int) and value >= 0)


@given(texts)
@example("亿" * 500)
def test_chinese_to_int_never_raises(text: str) -> None:
    value = chinese_to_int(text)
    assert value is None or value >= 0


@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.sampled_from(["{n}", "{n:,}", " {n} ", "{n}件", "{n}\u00a0", "{n}条"]),
    st.booleans(),
)
def test_cells_read_back(n: int, form: str, wide: bool) -> None:
    text = form.format(n=n)
    if wide:
        text = text.translate(WIDE)
    assert parse_cell(text) == n


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_decimal_cells_read_back(value: Decimal) -> None:
    parsed = parse_cell(f"{value:.2f}")
    assert parsed == (int(value) if value == value.to_integral_value() else float(value))


@given(st.sampled_from(["", "-", "—", "——", "/", "／", "无", "空", "\\", " ", "\u3000", "-\u00a0"]))
def test_cells_without_a_number(text: str) -> None:
    assert parse_cell(text) is None


@given(counts)
@example(350_000_000)  # 三亿五千万: 万 after 亿 multiplied the 亿 too
@example(100_050_000)  # 一亿零五万
@example(1_000_000_000_000 - 1)
def test_chinese_numerals_read_back(n: int) -> None:
    assert chinese_to_int(chinese(n)) == n
    assert parse_count(chinese(n)) == n


@given(st.integers(min_value=10, max_value=19))
def test_leading_ten_needs_no_one(n: int) -> None:
    assert chinese_to_int("十" + (DIGITS[n - 10] if n > 10 else "")) == n


@given(counts, st.booleans())
def test_counts_read_back(n: int, wide: bool) -> None:
    text = f"{n:,}" if n % 2 else str(n)
    assert parse_count(text.translate(WIDE) if wide else text) == n


@given(st.integers(min_value=0, max_value=99_999), st.sampled_from(["万", "亿"]))
def test_scaled_counts_read_back(tenths: int, unit: str) -> None:
    scale = 10_000 if unit == "万" else 100_000_000
    assert parse_count(f"{tenths / 10:.1f}{unit}") == tenths * scale // 10
