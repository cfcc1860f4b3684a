"""Dates as printed on government pages → ISO ``YYYY-MM-DD``.

Seen in the wild: ``2015-03-27``, ``2015- 03- 27 15: 08`` (spaces after separators),
``2015/3/27``, ``2015.03.27``, ``2014年1月15日``, ``2013 年 4 月 18 日`` (character-spaced),
``２０１５年３月２７日`` and ``２０１５－０３－２７`` (full-width digits and separators),
``2007-08-20-23:59:59`` (<meta firstpublishedtime>), and Chinese numerals
``二〇一四年一月十五日`` / ``二○一二年二月二十日`` (〇 U+3007, ○ U+25CB and 零 all mean zero).
Anything that is not a real calendar date in a plausible range is None, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

MIN_YEAR = 1949
MAX_YEAR = 2100

_CN_DIGITS = {
    "〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "０": 0,
    "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN = "〇○零Ｏ一二两三四五六七八九十"

_SP = r"[ \t\u3000\xa0]*"
# A year of the range (1900-2100; MIN_YEAR and MAX_YEAR decide). Digits are ASCII (full-width
# ones are folded first, one character for one, so positions hold): \d would take any
# script's digits (٢٠١٥).
_YEAR = r"(?:19[0-9]{2}|20[0-9]{2}|2100)"
_FOLD = str.maketrans("０１２３４５６７８９－／．：", "0123456789-/.:")
_ARABIC_DATE = re.compile(
    rf"(?<![0-9])(?P<y>{_YEAR}){_SP}(?P<s1>[-/.年]){_SP}(?P<m>[0-9]{{1,2}}){_SP}"
    rf"(?P<s2>[-/.月]){_SP}(?P<d>[0-9]{{1,2}})(?![0-9])(?:{_SP}(?P<ri>日|号))?"
)
_CHINESE_DATE = re.compile(
    rf"(?P<y>[{_CN}]{_SP}[{_CN}]{_SP}[{_CN}]{_SP}[{_CN}]){_SP}年{_SP}"
    rf"(?P<m>[{_CN}](?:{_SP}[{_CN}])?){_SP}月{_SP}(?P<d>[{_CN}](?:{_SP}[{_CN}]){{0,2}}){_SP}[日号]"
)
# A bare 20150327, alone or with a time: never digits inside an ID such as ZF20150327.
_COMPACT_DATE = re.compile(
    rf"\s*(?P<y>{_YEAR})(?P<m>[01][0-9])(?P<d>[0-3][0-9])"
    r"(?:[\sT]*[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?)?\s*"
)


def _valid(y: int, m: int, d: int) -> str | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def chinese_number(text: str) -> int | None:
    """Value of a small Chinese numeral (一 … 九十九) or digit string (二〇一四 → 2014)."""
    s = re.sub(r"\s", "", text)
    if not s:
        return None
    if "十" not in s:
        if any(c not in _CN_DIGITS for c in s):
            return None
        value = 0
        for c in s:
            value = value * 10 + _CN_DIGITS[c]
        return value
    tens_text, _, units_text = s.partition("十")
    if "十" in units_text:
        return None
    tens = 1 if tens_text == "" else _CN_DIGITS.get(tens_text) if len(tens_text) == 1 else None
    units = 0 if units_text == "" else _CN_DIGITS.get(units_text) if len(units_text) == 1 else None
    if tens is None or units is None:
        return None
    return tens * 10 + units


def iter_dates(text: str) -> Iterator[tuple[int, int, str]]:
    """Every date in ``text`` as (start, end, iso), in order of appearance."""
    found: list[tuple[int, int, str]] = []
    text = text.translate(_FOLD)
    for match in _ARABIC_DATE.finditer(text):
        s1, s2 = match["s1"], match["s2"]
        # Separators must pair up: 年…月(…日) or the same punctuation twice.
        if s1 == "年":
            if s2 != "月":
                continue
        elif s1 != s2:
            continue
        iso = _valid(int(match["y"]), int(match["m"]), int(match["d"]))
        if iso:
            found.append((match.start(), match.end(), iso))
    for match in _CHINESE_DATE.finditer(text):
        y, m, d = (chinese_number(match[k]) for k in ("y", "m", "d"))
        if y is not None and m is not None and d is not None:
            iso = _valid(y, m, d)
            if iso:
                found.append((match.start(), match.end(), iso))
    found.sort()
    yield from found


def parse_date(text: str | None) -> str | None:
    """The first date in ``text`` as ISO ``YYYY-MM-DD``, or None."""
    if not text:
        return None
    for _, _, iso in iter_dates(text):
        return iso
    match = _COMPACT_DATE.fullmatch(text.translate(_FOLD))
    if match:
        return _valid(int(match["y"]), int(match["m"]), int(match["d"]))
    return None
