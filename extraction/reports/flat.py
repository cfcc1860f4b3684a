"""Report tables flattened into text → the same canonical dicts as the HTML tables.

Tables reach us as text when the report is a PDF, a scraped text file, or our own body text:

- pipe rows, as ``extraction.body`` renders a table: ``| （三）不予公开 | 1.属于国家秘密 | 0 | … |``
  (one <td> per cell: merged cells appear once, on their first row);
- a label followed by its numbers on the same line:
  ``一、本年新收政府信息公开申请数量 20 0 0 0 0 1 21``;
- a label followed by its numbers on the following lines, one per line (PDF text, a page's
  cells rendered one per line, the old 统计表 of ../shared/seeds/001);
- table 4 as one row of 15 numbers (or three labelled rows of 5).

Merged cells are lost in text, so a row is known by its label (and the group label above it:
（三）不予公开 → 1.属于国家秘密) and its numbers are taken in the printed column order of the
standard form. Never a guess: when the count of numbers does not fit the columns (an empty cell
left out, a column-by-column PDF extraction, digits split by the extractor) the row is left out
and a note says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from extraction.numbers import parse_cell
from extraction.reports.canonical import (
    PROACTIVE_DEFAULT_COLUMNS,
    REQUEST_COLUMNS,
    REQUEST_GROUPS,
    REVIEW_COLUMNS,
    ProactiveBuilder,
    RequestsBuilder,
    header_unit,
    legacy_column,
    legacy_from_rows,
    match_request_row,
    normalise,
    proactive_block,
    proactive_column,
    proactive_row,
    review_block,
    reviews_standard,
)

# Cells that say "no number" (parse_cell gives None for them too, but so it does for a bare
# unit such as 条, which is a label cell).
_MARKERS = frozenset({"", "-", "—", "--", "——", "/", "／", "无", "—/—", "\\", "－"})
_UNIT_WORD = re.compile(r"^(?:条|件|个|项|次|人次|份|万元|元)$")
_WS = re.compile(r"[\s\u00a0\u3000\u2002-\u200a\u202f\u205f]+")
_CJK = "\u2018-\u201f\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}]) +| +(?=[{_CJK}])")

_T3_ANCHOR = re.compile(r"申请人情况|本年新收")
_T4_ANCHOR = re.compile(r"行政复议.*行政诉讼|复议后起诉|未经复议直接起诉|结果维持")
_YEAR_HEADER = re.compile(r"^(?:19|20)\d{2}$")
MAX_LABEL = 60  # characters; a longer "label" is a paragraph of prose: the table has ended


def _is_value(cell: str) -> bool:
    return cell in _MARKERS or parse_cell(cell) is not None


def _clean(text: str) -> str:
    return _CJK_SPACE.sub("", _WS.sub(" ", text).strip())


@dataclass
class _Item:
    """One table row as the text gives it: label cells and the printed value cells."""

    labels: list[str]
    values: list[str]
    pipe: bool
    line: int

    @property
    def label(self) -> str:
        return " / ".join(self.labels)


def _items(text: str) -> list[_Item]:
    items: list[_Item] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = _WS.sub(" ", raw).strip()
        if not line:
            continue
        if line.startswith("|") and line.endswith("|") and len(line) > 1:
            cells = [_clean(cell) for cell in line[1:-1].split("|")]
            split = len(cells)
            while split > 0 and _is_value(cells[split - 1]):
                split -= 1
            labels = [cell for cell in cells[:split] if cell]
            items.append(_Item(labels, cells[split:], pipe=True, line=number))
            continue
        tokens = line.split(" ")
        split = len(tokens)
        while split > 0 and _is_value(tokens[split - 1]):
            split -= 1
        # Label cells stay apart where the text spaces them ("（三）不予公开 1.属于国家秘密",
        # "信息内容 本年制发件数 本年废止件数"): they are the row's (or header's) cells.
        labels = tokens[:split]
        label = "".join(labels)
        values = tokens[split:]
        previous = items[-1] if items and not items[-1].pipe else None
        if not label:
            # Numbers on their own line(s): the row's values, under the label above them.
            if previous is not None:
                previous.values += values
            else:
                items.append(_Item([], values, pipe=False, line=number))
            continue
        if _UNIT_WORD.match(label) and previous is not None and not previous.values:
            previous.labels.append(label)  # the 计量单位 cell of an old 统计表 row
            continue
        items.append(_Item(labels, values, pipe=False, line=number))
    return items


def _resolve(labels: list[str], resolver: Any) -> list[tuple[str | None, str]]:
    """Column keys (with the header text they were read from) for header labels; a header
    split over lines (本年新 / 制作数量) is joined with the next one or two when it means
    nothing alone."""
    keys: list[tuple[str | None, str]] = []
    i = 0
    while i < len(labels):
        j = i
        key = resolver(labels[i])
        while key is None and j + 1 < len(labels) and j - i < 2:
            j += 1
            key = resolver("".join(labels[i : j + 1]))
        if key is None:
            j = i
        keys.append((key, "".join(labels[i : j + 1])))
        i = j + 1
    return keys


@dataclass
class FlatTables:
    proactive: dict[str, Any] = field(default_factory=dict)
    requests: dict[str, Any] = field(default_factory=dict)
    reviews: dict[str, Any] = field(default_factory=dict)
    legacy_stats: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


class _Reader:
    """Walks the items: anchors switch the table being read, rows go to its builder."""

    def __init__(self, template: str | None) -> None:
        self.template = template
        self.state: str | None = None
        self.requests = RequestsBuilder(template)
        self.proactive = ProactiveBuilder()
        self.block: str | None = None
        self.p_header: list[str] | None = None
        self.p_collecting = False
        self.reviews: dict[str, Any] = {}
        self.legacy_rows: list[tuple[str, Any, Any]] = []
        self.legacy_header: list[str] = []
        self.legacy_collecting = False
        self.wrapped: str | None = None
        self.notes: list[str] = []

    def read(self, item: _Item) -> None:
        joined = normalise("".join(item.labels))
        if "。" in joined or len(joined) > MAX_LABEL:
            self.state = None  # prose: whatever table was being read has ended
            return
        block = proactive_block(joined) if joined else None
        if block:
            self.state, self.block, self.p_header, self.p_collecting = "t2", block, None, False
            return
        if "指标名称" in joined:
            self.state, self.legacy_collecting = "legacy", True
            self.legacy_header = list(item.labels[1:])
            return
        if _T3_ANCHOR.search(joined):
            self.state = "t3"
        elif _T4_ANCHOR.search(joined):
            self.state = "t4"
        if self.state == "t2":
            self._proactive(item)
        elif self.state == "t3":
            self._request(item)
        elif self.state == "t4":
            self._review(item)
        elif self.state == "legacy":
            self._legacy(item)

    # table 2
    def _proactive(self, item: _Item) -> None:
        if item.labels and "信息内容" in normalise(item.labels[0]):
            self.p_header, self.p_collecting = list(item.labels[1:]), True
            return
        if not item.values:
            if self.p_collecting and item.labels and self.p_header is not None:
                label = "".join(item.labels)
                if proactive_column(label) or not proactive_row(label):
                    self.p_header += item.labels  # header cells one per line
            return
        self.p_collecting = False
        if not item.labels:
            return
        units: dict[str, str] = {}
        if self.p_header:
            resolved = _resolve(self.p_header, proactive_column)
            keys = [key for key, _ in resolved]
            units = {key: unit for key, text in resolved if key and (unit := header_unit(text))}
        else:
            defaults = PROACTIVE_DEFAULT_COLUMNS.get(self.template or "", {})
            keys = list(defaults.get(self.block or "", ()))
        if not keys or None in keys or len(keys) != len(item.values):
            self.notes.append(
                f"proactive: row {item.label!r} (line {item.line}) has {len(item.values)} "
                f"numbers for the columns {keys}; left out"
            )
            return
        cells = dict(zip([k for k in keys if k], item.values, strict=True))
        self.proactive.add(self.block, "".join(item.labels), cells, units)

    # table 3
    def _request(self, item: _Item) -> None:
        if not item.values:
            if item.labels:  # a group label on its own line: context for the rows below
                key, sub, self.requests.group = match_request_row(item.labels, self.requests.group)
                # A row label wrapped over two lines (1.申请人无正当理由逾期不补正、行政机关 /
                # 不再处理其政府信息公开申请 + numbers): remember its first line.
                leaf = key is not None and (sub is not None or key not in REQUEST_GROUPS)
                self.wrapped = "".join(item.labels) if leaf and not item.pipe else None
            return
        labels = item.labels
        wrapped, self.wrapped = self.wrapped, None
        if wrapped and labels and match_request_row(labels, self.requests.group)[0] is None:
            labels = [wrapped + "".join(labels)]
        if len(item.values) != len(REQUEST_COLUMNS):
            self.requests.group = match_request_row(labels, self.requests.group)[2]
            self.notes.append(
                f"requests: row {item.label or '(no label)'!r} (line {item.line}) has "
                f"{len(item.values)} numbers, the table has {len(REQUEST_COLUMNS)} columns; "
                "left out"
            )
            return
        if not labels:
            self.notes.append(f"requests: numbers without a label (line {item.line}); left out")
            return
        values = dict(zip(REQUEST_COLUMNS, (parse_cell(v) for v in item.values), strict=True))
        self.requests.add(labels, values)

    # table 4
    def _review(self, item: _Item) -> None:
        if not item.values:
            return
        numbers = [parse_cell(v) for v in item.values]
        block = review_block(item.labels) if item.labels else None
        if len(numbers) == 3 * len(REVIEW_COLUMNS):
            if self.reviews:
                self.notes.append(f"reviews: another row of 15 numbers (line {item.line}) ignored")
                return
            self.reviews = reviews_standard(numbers)
        elif len(numbers) == len(REVIEW_COLUMNS) and block:
            self.reviews.setdefault(block, dict(zip(REVIEW_COLUMNS, numbers, strict=True)))
        else:
            self.notes.append(
                f"reviews: row {item.label or '(no label)'!r} (line {item.line}) has "
                f"{len(numbers)} numbers, not 15 (or 5 for a labelled block); left out"
            )

    # the old 统计表
    def _legacy(self, item: _Item) -> None:
        if not item.values or (
            self.legacy_collecting and _YEAR_HEADER.match(" ".join(item.values))
        ):
            # Header cells, one per line; a year on a line of its own (2011 / 年度) is the
            # header 2011年度 split by the renderer, not a row of numbers.
            if self.legacy_collecting:
                self.legacy_header += item.labels + item.values
            return
        self.legacy_collecting = False
        keys = [key for key, _ in _resolve(self.legacy_header, legacy_column) if key]
        if len(keys) < 2:
            keys = ["this_year", "cumulative"]
        names = [label for label in item.labels if not _UNIT_WORD.match(label)]
        if not names:
            return
        if len(item.values) != len(keys):
            self.notes.append(
                f"legacy_stats: row {item.label!r} (line {item.line}) has {len(item.values)} "
                f"numbers for the columns {keys}; left out"
            )
            return
        values = dict(zip(keys, (parse_cell(v) for v in item.values), strict=True))
        self.legacy_rows.append(("".join(names), values.get("this_year"), values.get("cumulative")))


def tables_from_text(text: str, template: str | None) -> FlatTables:
    """Tables 2–4 and the old 统计表 from flattened text (see the module docstring)."""
    reader = _Reader(template)
    for item in _items(text):
        reader.read(item)
    out = FlatTables(notes=list(reader.notes))
    out.requests = reader.requests.result()
    out.notes += reader.requests.notes
    out.proactive = reader.proactive.result()
    out.notes += reader.proactive.notes
    out.reviews = reader.reviews
    if reader.legacy_rows:
        out.legacy_stats, notes = legacy_from_rows(reader.legacy_rows)
        out.notes += notes
    return out
