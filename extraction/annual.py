"""Recognising 政府信息公开(工作)年度报告 and the year it covers.

A Chinese official document's title ends with its genre (文种): …的通知, …的函, …的意见,
…报告. An annual disclosure report is a 报告/年报 about 信息公开, so the test is on the title's
genre and subject, not on keywords anywhere in it; that keeps out the look-alikes that share
words with it: a notice about preparing the annual reports (…年度报告编制工作的通知), a letter
on the year's disclosure work (…工作要点落实情况的函), statistical bulletins (统计公报), other
annual reports (法治政府建设年度报告, 香港警察年报).

Titles are compared in Simplified characters (Traditional titles such as 清遠市…年度報告 are
converted first).
"""

from __future__ import annotations

import re

from extraction.chinese import to_simplified
from extraction.dates import chinese_number
from extraction.html import compact

_SUBJECT = re.compile(r"信息公开")
# The genre: 年度报告 / 年报 / 工作报告 / 报告(书), possibly followed by a parenthetical.
_GENRE = re.compile(r"(?:年度报告|年报|报告书?)$")
_TRAILING_NOTE = re.compile(r"(?:[（(【\[][^（）()【】\[\]]{0,20}[)）】\]])+$")
_ANNUAL = re.compile(r"年度|年报|\d{4}年|[〇○零一二三四五六七八九]{4}年")
# Standard section headings of the report (条例 第五十条 and the 2019/2021 formats).
_SECTIONS = (
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "依申请公开",
    "行政复议、行政诉讼",
    "存在的主要问题及改进情况",
    "因政府信息公开申请提起行政复议",
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_CN_YEAR = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年")
_PERIOD = re.compile(
    r"(?:统计期限|统计期间|统计时限|数据统计期)[^。；\n]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日"
)
MIN_YEAR, MAX_YEAR = 2007, 2100  # the 条例 took effect on 2008-05-01; first reports cover 2007/2008


def _clean_title(title: str) -> str:
    squeezed = compact(to_simplified(title))
    return _TRAILING_NOTE.sub("", squeezed)


def is_annual_report(title: str | None, text: str = "") -> bool:
    """True for a 政府信息公开(工作)年度报告 (see the module docstring)."""
    if not title:
        return False
    clean = _clean_title(title)
    if not _GENRE.search(clean):
        return False
    if not _ANNUAL.search(clean):
        return False
    if _SUBJECT.search(clean):
        return True
    # A bare "2019年度报告" inside a disclosure column: accept only with the report's sections.
    return clean.endswith(("年度报告", "年报")) and report_sections(text) >= 2


def report_sections(text: str) -> int:
    """How many of the report's standard section headings the text has (0–6): a report's
    content shows two or more; a page that only links the report shows none."""
    body = to_simplified(text[:20000])
    return sum(section in body for section in _SECTIONS)


def _valid_year(year: int | None) -> int | None:
    return year if year is not None and MIN_YEAR <= year <= MAX_YEAR else None


def _title_year(title: str) -> int | None:
    for match in _YEAR.finditer(title):
        year = _valid_year(int(match.group(1)))
        if year:
            return year
    for match in _CN_YEAR.finditer(title):
        year = _valid_year(chinese_number(match.group(1)))
        if year:
            return year
    return None


def report_year(title: str | None, text: str = "") -> int | None:
    """The year the report covers: from the title, else the statistics period in the text."""
    clean = _clean_title(title or "")
    # The title before its trailing notes first (…年度报告（2019年3月更正）: the note's year is
    # not the report's), then the whole title (…工作年度报告（2018年）: there it is the year).
    for candidate in (clean, compact(to_simplified(title or ""))):
        year = _title_year(candidate)
        if year:
            return year
    body = to_simplified(text[:5000])
    match = _PERIOD.search(body)
    if match:
        return _valid_year(int(match.group(1)))
    return None
