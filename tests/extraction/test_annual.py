"""extraction.annual: recognising 政府信息公开(工作)年度报告 and the year it covers."""

from __future__ import annotations

import pytest

from extraction.annual import is_annual_report, report_year


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("某某市人民政府2013年政府信息公开工作年度报告", 2013),
        ("某某县2014年信息公开年度报告", 2014),  # without 政府/工作
        ("金安区2013年政府信息公开年报", 2013),
        ("清遠市質監局政府政務信息公開2011年年度報告", 2011),  # Traditional
        ("2009年度政府信息公开工作报告", 2009),
        ("某某市2015年政府信息公开工作年度报告（全文）", 2015),  # trailing note
        ("某某市2012年度政府信息公开工作报告(修订版)", 2012),
        ("某某局二〇一四年政府信息公开工作年度报告", 2014),  # Chinese-numeral year
        ("某某局二○一二年政府信息公开工作年度报告", 2012),
        ("某某市 2016 年 政府信息公开 年度报告", 2016),  # character-spaced
        ("某某市政府信息公开工作年度报告（2018年）", 2018),  # the year only in the note
        ("某某局2018年政府信息公开工作年度报告（2019年3月更正）", 2018),  # not the note's year
    ],
)
def test_annual_reports(title: str, year: int) -> None:
    assert is_annual_report(title)
    assert report_year(title) == year


@pytest.mark.parametrize(
    "title",
    [
        "关于做好2014年政府信息公开工作年度报告编制工作的通知",
        "关于报送2014年度政府信息公开年度报告的通知",
        "关于2015年政府信息公开工作要点落实情况的函",
        "某某市2014年国民经济和社会发展统计公报",
        "香港警察年报 2012",
        "某某市2019年法治政府建设年度报告",
        "某某市政府信息公开指南",
        "",
        None,
    ],
)
def test_not_annual_reports(title: str | None) -> None:
    assert not is_annual_report(title)


SECTIONS = "一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n"


def test_bare_annual_report_title_needs_the_report_sections() -> None:
    assert is_annual_report("2019年度报告", SECTIONS)
    assert not is_annual_report("2019年度报告", "本单位2019年度工作总结。")
    assert not is_annual_report("2019年工作报告", SECTIONS)  # a 工作报告 of some other kind


PERIOD = "一、概述\n本报告所列数据的统计期限自2011年1月1日起至2011年12月31日止。"


def test_report_year_from_statistics_period_when_title_has_none() -> None:
    title = "某某局政府信息公开年度报告"
    assert is_annual_report(title, PERIOD)
    assert report_year(title, PERIOD) == 2011
    assert report_year(title, "本报告统计期间为2012年1月1日至2012年12月31日。") == 2012


def test_report_year_title_wins_over_text() -> None:
    assert report_year("某某局2013年政府信息公开年报", PERIOD) == 2013


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("某某局政府信息公开年度报告", "本报告没有统计期限。"),
        ("某某局2006年政府信息公开年度报告", ""),  # before the 条例: not a plausible year
        (None, ""),
    ],
)
def test_report_year_none(title: str | None, text: str) -> None:
    assert report_year(title, text) is None
