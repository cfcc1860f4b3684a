"""The numbered sections of a report: 一、总体情况 … 六、其他需要报告的事项.

A section heading is a short line that starts with the next top-level Chinese ordinal and 、
(一、 二、 … 十二、), in order; sub-items (（一）, 1.) and table rows (``| … |``) are not
headings. A heading run into its first sentence (``一、基本情况。今年以来，…``) is split at
its first full stop.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from extraction.numbers import chinese_to_int

_HEADING = re.compile(r"^(?P<number>[一二三四五六七八九十]{1,3})\s*[、.．]\s*(?P<title>\S.*)$")
MAX_HEADING = 40


@dataclass
class Section:
    number: int
    title: str
    text: str


def split_sections(text: str) -> list[dict[str, object]]:
    """Sections in order, each {number, title, text}; [] when the report has no numbering."""
    sections: list[Section] = []
    expected = 1
    for raw in text.splitlines():
        line = raw.strip()
        match = _HEADING.match(line)
        number = chinese_to_int(match["number"]) if match else None
        if match and number == expected:
            title = match["title"].strip()
            head, stop, rest = title.partition("。")
            if stop and rest.strip():
                title = head  # 一、基本情况。今年以来… : the heading ends at its first full stop
            else:
                rest = ""
            if len(title) > MAX_HEADING:
                title, rest = "", ""
            if title:
                sections.append(Section(number, title.rstrip("。：:"), rest.strip()))
                expected += 1
                continue
        if sections:
            sections[-1].text = (
                f"{sections[-1].text}\n{line}".strip() if line else sections[-1].text
            )
    return [asdict(s) for s in sections]
