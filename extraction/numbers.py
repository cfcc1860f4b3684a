"""Numbers as annual reports print them: table cells and Chinese numerals in prose.

- cells: ``218``, ``1,234``, ``１２``, ``2 0`` (digits split over spans), ``0\u00a0`` (padding),
  ``18651.06``; dashes and blanks are *no number* (None), not zero — a report that leaves a
  cell empty has not said 0;
- Chinese numerals: ``三``, ``十二``, ``二十一``, ``一百零五``, ``两千``, ``1.2万``, ``〇``.
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

_CELL = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_UNIT_SUFFIX = re.compile(r"[件条个项次人元万]+$")
_WIDE = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
_NO_NUMBER = {"", "-", "—", "--", "——", "/", "／", "无", "空", "—/—", "\\"}


def parse_cell(text: str | None) -> int | float | None:
    """The number in a table cell, or None when the cell holds none."""
    if text is None:
        return None
    value = re.sub(r"[\s\u00a0\u3000,]", "", text.translate(_WIDE))
    value = _UNIT_SUFFIX.sub("", value)  # 12件, 3条, 18651.06万元: the unit is not the number
    if value in _NO_NUMBER or not _CELL.match(value):
        return None
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def chinese_to_int(text: str) -> int | None:
    """Value of a Chinese numeral (一百零五 → 105, 两千 → 2000, 二〇一四 → 2014), else None."""
    text = text.strip()
    if not text or any(c not in CHINESE_NUMERAL for c in text):
        return None
    if not any(c in _UNITS or c in _BIG for c in text):
        # A digit string: 二〇一四 → 2014.
        value = 0
        for c in text:
            value = value * 10 + _DIGITS[c]
        return value
    total, section, number = 0, 0, 0
    for c in text:
        if c in _DIGITS:
            number = _DIGITS[c]
        elif c in _UNITS:
            section += (number or 1) * _UNITS[c]
            number = 0
        else:  # 万 / 亿
            total = (total + section + number) * _BIG[c]
            section = number = 0
    return total + section + number


def parse_count(text: str) -> int | None:
    """An integer written in digits or Chinese numerals (``12``, ``十二``, ``1.2万``)."""
    text = text.strip().translate(_WIDE).replace(",", "")
    if re.fullmatch(r"\d+", text):
        return int(text)
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([万亿])", text)
    if match:
        try:
            value = Decimal(match.group(1)) * _BIG[match.group(2)]
        except InvalidOperation:
            return None
        return int(value) if value == value.to_integral_value() else None
    return chinese_to_int(text)
