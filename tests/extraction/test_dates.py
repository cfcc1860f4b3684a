"""extraction.dates: dates as printed on government pages → ISO YYYY-MM-DD."""

from __future__ import annotations

import pytest

from extraction.dates import MAX_YEAR, MIN_YEAR, chinese_number, iter_dates, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-03-27", "2015-03-27"),
        ("2015- 03- 27 15: 08", "2015-03-27"),  # spaces after the separators
        ("2015 - 03 - 27", "2015-03-27"),
        ("2015-3-5", "2015-03-05"),
        ("2014年1月15日", "2014-01-15"),
        ("2015年03月27日", "2015-03-27"),
        ("2019年9月18号", "2019-09-18"),
        ("2013 年 4 月 18 日", "2013-04-18"),  # character-spaced
        ("2013\u3000年\u30004\u3000月\u300018\u3000日", "2013-04-18"),
        ("2007-08-20-23:59:59", "2007-08-20"),  # <meta firstpublishedtime>
        ("二〇一四年一月十五日", "2014-01-15"),  # 〇 U+3007
        ("二○一二年二月二十日", "2012-02-20"),  # ○ U+25CB
        ("二零零八年五月一日", "2008-05-01"),  # 零
        ("二〇一五年十月三十一日", "2015-10-31"),
        ("一 九 九 八 年 九 月 七 日", "1998-09-07"),
        ("二〇一四年一月十五号", "2014-01-15"),
        ("2019/9/18", "2019-09-18"),
        ("2015.03.27", "2015-03-27"),
        ("20150327", "2015-03-27"),  # bare compact date
        ("20150327 15:08", "2015-03-27"),
        ("2016-02-29", "2016-02-29"),  # leap day
        ("发布日期：2015年3月27日 成文日期：2014年12月1日", "2015-03-27"),  # the first one
        (f"{MIN_YEAR}-10-01", f"{MIN_YEAR}-10-01"),
        ("2099-12-31", "2099-12-31"),
    ],
)
def test_parse_date(text: str, expected: str) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2015-13-01",  # no 13th month
        "2015-02-30",
        "2015年2月29日",  # not a leap year
        "2015-00-10",
        f"{MIN_YEAR - 1}-01-01",  # years out of range
        f"{MAX_YEAR + 1}-01-01",
        "1900年1月1日",
        "330411ZF000000/2015-119195",  # an index number, not a date
        "1-10月",  # a period of months
        "2015-03/27",  # separators must pair up
        "2015年3-27",
        "2015032712",  # ten digits: an ID, not a compact date
        "一九九八年",  # a year alone
        "2015年",
        "",
        None,
        "无",
    ],
)
def test_parse_date_rejects(text: str | None) -> None:
    assert parse_date(text) is None


def test_compact_date_inside_longer_text_is_not_read() -> None:
    # Only a bare 20150327 is a date; the same digits inside an index number are not.
    assert parse_date("索引号：000014349/20150327-00001") is None
    assert parse_date("编号 20150327 号文件的附件") is None


def test_compact_date_glued_to_an_id_prefix_is_not_read() -> None:
    assert parse_date("ZF20150327") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一", 1),
        ("九", 9),
        ("零", 0),
        ("两", 2),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("二十一", 21),
        ("三十一", 31),
        ("九十九", 99),
        ("二〇一四", 2014),
        ("二○一二", 2012),
        ("一九九八", 1998),
        ("一 九 九 八", 1998),  # character-spaced
    ],
)
def test_chinese_number(text: str, expected: int) -> None:
    assert chinese_number(text) == expected


@pytest.mark.parametrize("text", ["", "  ", "百", "十十", "一二十", "二十三四", "x", "2014"])
def test_chinese_number_rejects(text: str) -> None:
    assert chinese_number(text) is None


def test_iter_dates_positions() -> None:
    text = "发布日期：2015年3月27日"
    assert list(iter_dates(text)) == [(5, 15, "2015-03-27")]
    start, end, _ = next(iter_dates(text))
    assert text[start:end] == "2015年3月27日"


def test_iter_dates_reports_time_suffix_outside_the_span() -> None:
    text = "2007-08-20-23:59:59"
    assert list(iter_dates(text)) == [(0, 10, "2007-08-20")]


def test_iter_dates_in_order_of_appearance_across_formats() -> None:
    # Chinese-numeral dates are found in a second pass; the result is still in page order.
    text = "成文日期：二〇一四年一月十五日 发布日期：2014-01-20 更新：2014/2/1"
    found = list(iter_dates(text))
    assert [iso for _, _, iso in found] == ["2014-01-15", "2014-01-20", "2014-02-01"]
    # (a span may take the spaces after a date without 日: strip before comparing)
    spans = [text[s:e].strip() for s, e, _ in found]
    assert spans == ["二〇一四年一月十五日", "2014-01-20", "2014/2/1"]
    assert [s for s, _, _ in found] == sorted(s for s, _, _ in found)


def test_iter_dates_skips_invalid_dates_but_keeps_valid_ones() -> None:
    text = "2015-02-30 与 2015-03-01"
    assert [iso for _, _, iso in iter_dates(text)] == ["2015-03-01"]


def test_iter_dates_ignores_compact_dates() -> None:
    assert list(iter_dates("20150327")) == []
