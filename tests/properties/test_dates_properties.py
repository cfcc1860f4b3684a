"""Properties of the date parser (extraction.dates): any text gives an ISO date of the
plausible range or None, never an exception; every printed form of a real date gives that
date back."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import example, given
from hypothesis import strategies as st

from extraction.dates import MAX_YEAR, MIN_YEAR, chinese_number, iter_dates, parse_date
from tests.properties.strategies import texts

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
DIGITS = "〇一二三四五六七八九"

dates = st.dates(min_value=dt.date(MIN_YEAR, 1, 1), max_value=dt.date(MAX_YEAR, 12, 31))


def _is_iso_in_range(value: str) -> bool:
    if not ISO.fullmatch(value):
        return False
    parsed = dt.date.fromisoformat(value)
    return MIN_YEAR <= parsed.year <= MAX_YEAR and parsed.isoformat() == value


def chinese_small(n: int) -> str:
    """1..99 as printed: 三, 十二, 二十, 三十一."""
    tens, units = divmod(n, 10)
    if not tens:
        return DIGITS[units]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[units] if units else "")


def chinese_year(year: int, zero: str = "〇") -> str:
    return "".join(DIGITS[int(c)] for c in str(year)).replace("〇", zero)


@given(texts)
@example("二〇一四年十三月一日")  # month 13: no date
@example("2015年2月29日")  # not a leap year
@example("2015-03-27-23:59:59")
@example("20150327 15:08")
@example("ZF20150327")  # digits inside an ID are no date
@example("2015- 03- 27 15: 08")
@example("２０１５年３月２７日")  # full-width digits
@example("2015-٣-٢٧")  # other scripts' digits
@example("2100-01-01")  # MAX_YEAR: the year pattern stopped at 2099
def test_any_text_gives_iso_or_none(text: str) -> None:
    parsed = parse_date(text)
    assert parsed is None or _is_iso_in_range(parsed), parsed
    if parsed is not None:
        assert parse_date(parsed) == parsed  # the output reads back as itself


@given(texts)
def test_iter_dates_spans(text: str) -> None:
    found = list(iter_dates(text))
    assert found == sorted(found)
    for start, end, iso in found:
        assert 0 <= start < end <= len(text)
        assert _is_iso_in_range(iso)
        assert parse_date(text[start:end]) == iso


@given(dates, st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}/{m}/{d}", "{y}.{m:02d}.{d:02d}",
                              "{y}年{m}月{d}日", "{y} 年 {m} 月 {d} 日", "{y}年{m:02d}月{d:02d}号",
                              "{y}- {m:02d}- {d:02d} 15: 08", "{y}{m:02d}{d:02d}",
                              "{y}-{m:02d}-{d:02d}-23:59:59", "{y}{m:02d}{d:02d} 08:30"]))  # fmt: skip
def test_printed_dates_read_back(date: dt.date, form: str) -> None:
    text = form.format(y=date.year, m=date.month, d=date.day)
    assert parse_date(text) == date.isoformat()


WIDE = str.maketrans("0123456789-/.:", "０１２３４５６７８９－／．：")


@given(dates, st.sampled_from(["{y}-{m:02d}-{d:02d}", "{y}年{m}月{d}日", "{y}/{m}/{d}",
                              "{y}{m:02d}{d:02d}"]))  # fmt: skip
@example(dt.date(2015, 3, 27), "{y}年{m}月{d}日")  # ２０１５年３月２７日 used to be no date
def test_full_width_dates_read_back(date: dt.date, form: str) -> None:
    text = form.format(y=date.year, m=date.month, d=date.day).translate(WIDE)
    assert parse_date(text) == date.isoformat()
    assert [iso for _, _, iso in iter_dates(f"日期：{text}")] in ([date.isoformat()], [])


def test_other_scripts_digits_are_no_date() -> None:
    assert parse_date("2015-٣-٢٧") is None  # Arabic-Indic digits: \d took them


@given(dates, st.sampled_from(["〇", "○", "零"]), st.sampled_from(["", " ", "\u3000"]))
def test_chinese_numeral_dates_read_back(date: dt.date, zero: str, gap: str) -> None:
    text = gap.join(
        [chinese_year(date.year, zero), "年", chinese_small(date.month), "月",
         chinese_small(date.day), "日"]
    )  # fmt: skip
    assert parse_date(f"成文日期：{text}") == date.isoformat()


@given(dates, texts, texts)
def test_a_date_inside_text_is_found(date: dt.date, before: str, after: str) -> None:
    text = f"{before}。发布日期：{date.year}年{date.month}月{date.day}日。{after}"
    assert date.isoformat() in [iso for _, _, iso in iter_dates(text)]


@given(st.integers(min_value=1, max_value=99))
def test_chinese_number_reads_back(n: int) -> None:
    assert chinese_number(chinese_small(n)) == n


@given(texts)
def test_chinese_number_never_raises(text: str) -> None:
    value = chinese_number(text)
    assert value is None or value >= 0
