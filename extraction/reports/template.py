"""Which format an annual report follows: pre2019, the 2019 trial format, or the 2021 format.

- ``"2019"``: 国办公开办函〔2019〕60号, the trial format of the reports for 2019 and 2020;
- ``"2021"``: 国办公开办函〔2021〕30号, the format of the reports for 2021 on;
- ``"pre2019"``: the free-form reports of 2008–2018 (often with a 4-column 统计表).

Both standard formats have the same six sections and a table of requests (收到和处理政府信息
公开申请情况); they differ in table 2 (2019: 本年新制作数量 / 本年新公开数量 / 对外公开总数量 and a
第二十条第（九）项 procurement block; 2021: 本年制发件数 / 本年废止件数 / 现行有效件数) and in
table 3 (2021 splits （六）其他处理 into 逾期不补正 / 逾期未缴费 / 其他), and usually cite their
circular. The decision is made on that content; the year only breaks a tie.
"""

from __future__ import annotations

import re

_STANDARD = re.compile(
    r"收到和处理政府信息公开申请情况|本年新收政府信息公开申请数量|上年结转政府信息公开申请数量"
)
_MARKS_2021 = (
    re.compile(r"〔2021〕\s*30\s*号|\[2021\]\s*30\s*号"),
    re.compile(r"本年制发件数|本年废止件数|现行有效件数"),
    re.compile(r"无正当理由逾期不补正|逾期未按收费通知要求缴纳费用"),
)
_MARKS_2019 = (
    re.compile(r"〔2019〕\s*60\s*号|\[2019\]\s*60\s*号"),
    re.compile(r"本年新制作数量|本年新公开数量|对外公开总数量"),
    re.compile(r"第二十条第[（(]九[)）]项|采购项目数量|采购总金额"),
)


def detect_template(text: str, report_year: int | None = None) -> str:
    """ "pre2019", "2019" or "2021" for a report's (Simplified) text, tables included."""
    squeezed = re.sub(r"\s+", "", text)
    if not _STANDARD.search(squeezed):
        return "pre2019"
    score_2021 = sum(bool(mark.search(squeezed)) for mark in _MARKS_2021)
    score_2019 = sum(bool(mark.search(squeezed)) for mark in _MARKS_2019)
    if score_2021 != score_2019:
        return "2021" if score_2021 > score_2019 else "2019"
    if report_year is not None and report_year <= 2020:
        return "2019"
    return "2021"
