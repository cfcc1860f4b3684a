"""Numbers as annual reports print them: table cells and Chinese numerals in prose.

- cells: ``218``, ``1,234``, ``１２``, ``2 0`` (digits split over spans), ``0\u00a0`` (padding),
  ``18651.06``; dashes and blanks are *no number* (None), not zero — a report that leaves a
  cell empty has not said 0;
- Chinese numerals: ``三``, ``十二``, ``二十一``, ``一百零五``, ``两千``, ``1.2万``, ``〇``,
  ``三亿五千万``.

Digits are ASCII or full-width (folded); a string of more than ``MAX_DIGITS`` digits is no
figure of a report (an ID, a phone list run together) and reads as None.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_DIGITS = {
    "〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
CHINESE_NUMERAL = "〇○零一二两三四五六七八九十百千万亿"

# Digits of a number read (each side of the decimal point): no report figure comes near, and
# int() refuses strings of over 4300 digits.
MAX_DIGITS = 30
_CELL = re.compile(rf"[+-]?[0-9]{{1,{MAX_DIGITS}}}(?:\.[0-9]{{1,{MAX_DIGITS}}})?")
_COUNT = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")
_SCALED_COUNT = re.compile(rf"([0-9]{{1,{MAX_DIGITS}}}(?:\.[0-9]{{1,{MAX_DIGITS}}})?)\s*([万亿])")
_UNIT_SUFFIX = re.compile(r"[件条个项次人元万]+$")
_WIDE = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
_NO_NUMBER = {"", "-", "—", "--", "——", "/", "／", "无", "空", "—/—", "\\"}


def parse_cell(text: str | None) -> int | float | None:
    """The number in a table cell, or None when the cell holds none."""
    if text is None:
        return None
    value = re.sub(r"[\s\u00a0\u3000,]", "", text.translate(_WIDE))
    value = _UNIT_SUFFIX.sub("", value)  # 12件, 3条, 18651.06万元: the unit is not the number
    if value in _NO_NUMBER or not _CELL.fullmatch(value):
        return None
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def chinese_to_int(text: str) -> int | None:
    """Value of a Chinese numeral (一百零五 → 105, 两千 → 2000, 二〇一四 → 2014, 三亿五千万 →
    350000000), else None."""
    text = text.strip()
    if not text or any(c not in CHINESE_NUMERAL for c in text):
        return None
    if not any(c in _UNITS or c in _BIG for c in text):
        # A digit string: 二〇一四 → 2014.
        value = 0
        for c in text:
            value = value * 10 + _DIGITS[c]
        return value
    # yi: what the 亿 groups hold; wan: the 万 group below them; section: below 万.
    yi, wan, section, number = 0, 0, 0, 0
    for c in text:
        if c in _DIGITS:
            number = _DIGITS[c]
        elif c in _UNITS:
            section += (number or 1) * _UNITS[c]
            number = 0
        elif c == "万":
            wan = (wan + section + number) * _BIG[c]
            section = number = 0
        else:  # 亿
            yi = (yi + wan + section + number) * _BIG[c]
            wan = section = number = 0
    return yi + wan + section + number


def parse_count(text: str) -> int | None:
    """An integer written in digits or Chinese numerals (``12``, ``十二``, ``1.2万``)."""
    text = text.strip().translate(_WIDE).replace(",", "")
    if _COUNT.fullmatch(text):
        return int(text)
    match = _SCALED_COUNT.fullmatch(text)
    if match:
        try:
            value = Decimal(match.group(1)) * _BIG[match.group(2)]
        except InvalidOperation:
            return None
        return int(value) if value == value.to_integral_value() else None
    return chinese_to_int(text)
