"""The statistics tables of an annual report, from its HTML: grids with merged cells resolved.

Reports are Word documents pasted into a CMS, so their tables are what Word's HTML export makes
of them:

- merged cells (``rowspan``/``colspan``) everywhere: a label such as 三、本年度办理结果 spans
  22 rows, a header such as 法人或其他组织 spans 5 columns. ``table_grid`` resolves them into a
  plain rows × columns grid, repeating a spanned cell's text into every slot it covers, so a
  label applies to every row it spans and a header to every column under it;
- broken merges: a page break inside a merged cell gives the label cell twice (the 2019/2020
  平潭 reports print 三、本年度办理结果 as two ``rowspan="10"`` cells); ``rowspan="0"`` and spans
  past the end of the table are capped; an absurd colspan is ignored;
- text runs split over spans (``'2','0'``, ``'&nbsp;0'``, ``'社会','公益','组织'``): a cell's text
  is its visible text with the spaces that the source's line breaks left between CJK
  characters removed, and a cell that is one number split over runs is joined;
- a table split over two ``<table>`` elements by a page break (table 3 of long reports).

``find_report_tables`` picks tables 2 (主动公开, 第二十条), 3 (申请人情况 / 本年新收…) and 4
(行政复议 / 行政诉讼) and the old 4-column 统计表 (指标名称 / 计量单位 / 本年度 / 历年累计) by their
vocabulary, never by position on the page. ``parse_tables`` is the entry point: HTML first,
then the text (extraction.reports.flat) for what the HTML did not give.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import lxml.html

from extraction.chinese import to_simplified
from extraction.html import INVISIBLE_TAGS, is_hidden, iter_text_chunks
from extraction.numbers import parse_cell
from extraction.reports import canonical, flat

Grid = list[list[str]]

# Colspans above this are malformed (no report table has 100 columns): treated as 1, so one
# bad attribute cannot push the rest of its row out of the table.
MAX_COLSPAN = 100

_WS = re.compile(r"[\s\u00a0\u3000\u2002-\u200a\u202f\u205f]+")
_ZW = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
# CJK ideographs, CJK and full-width punctuation, curly quotes: a space next to one of these
# comes from a line break in the source, not from the author.
_CJK = "\u2018-\u201f\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}]) +| +(?=[{_CJK}])")
_NUMBERISH = re.compile(r"^[\d\s.,+\-件条个项次人元万]+$")


# --- cells and grids --------------------------------------------------------------------------


def _visible_chunks(element: lxml.html.HtmlElement) -> Iterator[str]:
    """Visible text of a cell without the text of tables nested in it (their rows are theirs)."""
    if element.text:
        yield element.text
    for child in element:
        if not isinstance(child.tag, str):
            if child.tail:
                yield child.tail
            continue
        if child.tag == "table":
            yield "\n"
            if child.tail:
                yield child.tail
        elif child.find(".//table") is None:
            yield from iter_text_chunks(child)
        else:
            if child.tag in INVISIBLE_TAGS or is_hidden(child):
                if child.tail:
                    yield child.tail
                continue
            yield "\n"
            yield from _visible_chunks(child)
            yield "\n"
            if child.tail:
                yield child.tail


def clean_cell_text(text: str) -> str:
    """Cell text on one line: whitespace collapsed, spaces next to CJK removed, split numbers
    joined (``'2 0'`` → ``'20'``; a cell holds one number, never two)."""
    line = _WS.sub(" ", _ZW.sub("", text)).strip()
    line = _CJK_SPACE.sub("", line)
    if " " in line and _NUMBERISH.match(line) and parse_cell(line) is not None:
        line = line.replace(" ", "")
    return line


def cell_text(cell: lxml.html.HtmlElement) -> str:
    """Visible text of a cell (a hidden cell keeps its slot but shows nothing), in Simplified
    characters: a Traditional-script report's labels (申請人情況, 行政覆議) are matched as the
    Simplified template's, as its text is after normalisation."""
    if is_hidden(cell):
        return ""
    return to_simplified(clean_cell_text(" ".join(_visible_chunks(cell))))


def _span(value: str | None) -> int | None:
    """A span attribute as an int; None when absent or unreadable (``"2;"``, ``"abc"``)."""
    if value is None:
        return None
    match = re.match(r"\s*(\d+)", value)
    return int(match.group(1)) if match else None


def _row_groups(table: lxml.html.HtmlElement) -> list[tuple[lxml.html.HtmlElement, int]]:
    """The table's own rows (not those of nested tables) with the index of their row group
    (thead/tbody/tfoot): a rowspan never crosses a row group."""
    rows: list[tuple[lxml.html.HtmlElement, int]] = []
    group = 0
    for child in table:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "tr":
            rows.append((child, group))
        elif child.tag in ("thead", "tbody", "tfoot"):
            group += 1
            rows.extend(
                (row, group) for row in child if isinstance(row.tag, str) and row.tag == "tr"
            )
            group += 1
    return rows


def table_grid(table: lxml.html.HtmlElement) -> Grid:
    """Rows × columns of ``table`` with rowspan/colspan resolved (see the module docstring).

    Rows with fewer cells than the widest are padded with ``""``; where two spans claim the
    same slot the first one keeps it (a later cell moves right, as in a browser).
    """
    rows = _row_groups(table)
    group_end: dict[int, int] = {}
    for index, (_, group) in enumerate(rows):
        group_end[group] = index + 1
    slots: dict[tuple[int, int], str] = {}
    starts: set[int] = set()
    for r, (row, group) in enumerate(rows):
        c = 0
        for cell in row:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            while (r, c) in slots:
                c += 1
            remaining = group_end[group] - r
            rowspan = _span(cell.get("rowspan"))
            # rowspan="0" means "to the end of the row group"; past the end is capped there.
            if rowspan is None:
                rowspan = 1
            elif rowspan == 0 or rowspan > remaining:
                rowspan = remaining
            colspan = _span(cell.get("colspan")) or 1
            if colspan > MAX_COLSPAN:
                colspan = 1
            text = cell_text(cell)
            for dr in range(rowspan):
                for dc in range(colspan):
                    slots.setdefault((r + dr, c + dc), text)
            starts.add(c)
            c += colspan
    if not rows:
        return []
    # Columns right of the last column where a cell starts hold only span overflow (a title
    # row with colspan=20 over a 4-column table): each repeats its left neighbour, so nothing
    # is lost by dropping them.
    width = max(starts) + 1 if starts else 0
    return [[slots.get((r, c), "") for c in range(width)] for r in range(len(rows))]


# --- finding the report's tables ---------------------------------------------------------------

_KIND_ANCHORS: dict[str, re.Pattern[str]] = {
    "proactive": re.compile(r"第二十条第[(（][一二三四五六七八九十]+[)）]项"),
    "requests": re.compile(r"申请人情况|本年新收"),
    "reviews": re.compile(r"行政复议.*行政诉讼|复议后起诉|未经复议直接起诉"),
    "legacy": re.compile(r"指标名称"),
}
_LEGACY_ROWS = re.compile(r"主动公开|依申请|行政复议|行政诉讼")
_LEGACY_COLUMNS = re.compile(r"累计|本年度|\d{4}年度|计量单位")
# Rows of table 3 below 本年新收, for recognising its continuation after a page break.
_T3_ROWS = re.compile(
    r"予以公开|部分公开|不予公开|无法提供|不予处理|其他处理|结转下年度|国家秘密|三安全一稳定"
    r"|第三方合法权益|内部事务|过程性信息|行政执法案卷|行政查询|不掌握|另行制作|重复申请|公开出版物"
)
_T3_HEADER = re.compile(r"申请人情况|自然人|法人或其他组织|商业企业|科研机构|勾稽关系")


def _hidden(table: lxml.html.HtmlElement) -> bool:
    for element in (table, *table.iterancestors()):
        if not isinstance(element.tag, str):
            continue
        if element.tag in INVISIBLE_TAGS or is_hidden(element):
            return True
    return False


def _row_text(row: list[str]) -> str:
    seen: list[str] = []
    for cell in row:
        if cell and (not seen or seen[-1] != cell):
            seen.append(cell)
    return "".join(seen)


MAX_ANCHOR_CELL = 80  # characters; a longer cell is a paragraph (a layout table), not a header


def _segments(grid: Grid) -> list[tuple[str, Grid]]:
    """The report tables inside one grid, in order. Usually one; Word sometimes glues tables
    2–4 into one <table>, so each kind starts at its first anchor row. An anchor is a short
    cell (a layout table's cell holding the report's headings is no anchor), and a segment
    without a single number is no statistics table."""
    starts: list[tuple[int, str]] = []
    for index, row in enumerate(grid):
        text = _row_text([cell for cell in row if len(cell) <= MAX_ANCHOR_CELL])
        for kind, anchor in _KIND_ANCHORS.items():
            if anchor.search(text) and all(k != kind for _, k in starts):
                if kind == "legacy" and not _legacy_like(grid[index:]):
                    continue
                starts.append((index, kind))
    starts.sort()
    segments = []
    for position, (index, kind) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(grid)
        # A single table is taken whole (caption rows above the anchor included).
        segment = grid if len(starts) == 1 else grid[index:end]
        if any(parse_cell(cell) is not None for row in segment for cell in row):
            segments.append((kind, segment))
    return segments


def _legacy_like(grid: Grid) -> bool:
    text = "".join(_row_text(row) for row in grid)
    return bool(_LEGACY_ROWS.search(text) and _LEGACY_COLUMNS.search(text))


def _is_continuation(grid: Grid) -> bool:
    """A table-3 fragment without its header: numbers, and two of its row labels (or just
    the last row, 四、结转下年度继续办理, pushed to the next page on its own)."""
    if not any(parse_cell(cell) is not None for row in grid for cell in row):
        return False
    labels = {m.group(0) for row in grid for m in _T3_ROWS.finditer(_row_text(row))}
    return len(labels) >= 2 or "结转下年度" in labels


def _complete_requests(grid: Grid) -> bool:
    text = "".join(_row_text(row) for row in grid)
    return "结转下年度" in text or "下年度继续办理" in text


def _merge(first: Grid, second: Grid) -> Grid:
    """Table 3 continued in a second <table>: its header rows (if repeated) dropped, and each
    of its rows aligned on the right with the first part, where the value columns are: the
    continuation usually lacks the spanned 三、本年度办理结果 column, and its rows differ in
    width among themselves (a row whose group label is on the previous page has one label
    cell, 四、结转下年度 spans three)."""
    body = list(second)
    while body and not any(parse_cell(c) is not None for c in body[0]):
        if not _T3_HEADER.search(_row_text(body[0])):
            break
        body.pop(0)
    trimmed = []
    for row in body:
        end = len(row)
        while end and not row[end - 1]:
            end -= 1
        trimmed.append(row[:end])
    width = max([len(row) for row in first] + [len(row) for row in trimmed])
    return [[""] * (width - len(row)) + row for row in first] + [
        [""] * (width - len(row)) + row for row in trimmed if row
    ]


def _new_blocks(first: Grid, second: Grid) -> bool:
    """True when ``second`` holds 第二十条 blocks that ``first`` has not."""
    anchor = _KIND_ANCHORS["proactive"]

    def blocks(grid: Grid) -> set[str]:
        return {m.group(0) for row in grid for m in anchor.finditer(_row_text(row))}

    return bool(blocks(second) - blocks(first))


def find_report_tables(root: lxml.html.HtmlElement) -> dict[str, Grid]:
    """Tables 2, 3, 4 and the old 统计表 of a report page: ``{"proactive", "requests",
    "reviews", "legacy"}`` → grid (keys absent when the page has no such table). The first
    visible table of each kind counts; a table-3 continuation is merged into table 3."""
    found: dict[str, Grid] = {}
    for table in root.iter("table"):
        if _hidden(table):
            continue
        grid = table_grid(table)
        if not grid:
            continue
        segments = _segments(grid)
        if not segments:
            if (
                "requests" in found
                and "reviews" not in found
                and not _complete_requests(found["requests"])
                and _is_continuation(grid)
            ):
                found["requests"] = _merge(found["requests"], grid)
            continue
        for kind, segment in segments:
            if kind not in found:
                found[kind] = segment
            elif kind == "proactive" and _new_blocks(found["proactive"], segment):
                # Table 2 continued after a page break: its rows carry their own block and
                # header rows, so the parts are read one after the other.
                found["proactive"] = found["proactive"] + segment
            elif (
                kind == "requests"
                and not _complete_requests(found["requests"])
                and "本年新收" not in "".join(_row_text(row) for row in segment)
            ):
                found["requests"] = _merge(found["requests"], segment)
    return found


# --- the entry point ---------------------------------------------------------------------------


@dataclass
class ReportTables:
    """The report's tables in canonical keys (extraction.reports.canonical); empty dicts for
    tables not found. ``source``: "html" when any table came from the HTML, "text" when all
    came from the text, None when there were none."""

    proactive: dict[str, Any] = field(default_factory=dict)
    requests: dict[str, Any] = field(default_factory=dict)
    reviews: dict[str, Any] = field(default_factory=dict)
    legacy_stats: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    notes: list[str] = field(default_factory=list)


TABLE_NAMES = ("proactive", "requests", "reviews", "legacy_stats")


def tables_from_html(root: lxml.html.HtmlElement, template: str) -> ReportTables:
    """The canonical tables of a page's HTML (no text fallback)."""
    grids = find_report_tables(root)
    result = ReportTables()
    if "proactive" in grids:
        result.proactive, notes = canonical.proactive_from_grid(grids["proactive"], template)
        result.notes += notes
    if "requests" in grids:
        result.requests, notes = canonical.requests_from_grid(grids["requests"], template)
        result.notes += notes
    if "reviews" in grids:
        result.reviews, notes = canonical.reviews_from_grid(grids["reviews"])
        result.notes += notes
    if "legacy" in grids:
        result.legacy_stats, notes = canonical.legacy_from_grid(grids["legacy"])
        result.notes += notes
    return result


def parse_tables(
    root: lxml.html.HtmlElement | None, text: str, template: str | None
) -> ReportTables:
    """Tables 2–4 and the old 统计表, from the HTML when it has them, else from the text
    (tables flattened into pipe rows, label + numbers lines, one number per line).

    Each table is taken from the HTML when found there: the HTML keeps the merged cells that
    the text loses. A table only the text has (an HTML table drawn as an image, a PDF's text)
    comes from the text, and a note says so.
    """
    template = template or "2021"
    result = tables_from_html(root, template) if root is not None else ReportTables()
    from_html = [name for name in TABLE_NAMES if getattr(result, name)]
    missing = [name for name in TABLE_NAMES if not getattr(result, name)]
    from_text: list[str] = []
    if missing and text and text.strip():
        parsed = flat.tables_from_text(text, template)
        for name in missing:
            value = getattr(parsed, name)
            if value:
                setattr(result, name, value)
                from_text.append(name)
        if from_text:
            result.notes += [n for n in parsed.notes if n.split(":", 1)[0] in from_text]
            if from_html:
                result.notes.append(
                    f"{', '.join(from_text)}: read from the text (not among the HTML tables)"
                )
        else:
            # Only what the text reading says of tables the HTML lacks: its complaints about
            # a table the HTML gave in full (a flattened row with more numbers) are noise.
            result.notes += [n for n in parsed.notes if n.split(":", 1)[0] in missing]
    if from_html:
        result.source = "html"
    elif from_text:
        result.source = "text"
    return result
