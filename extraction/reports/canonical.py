"""Report tables in canonical keys: grids (extraction.reports.tables) → dicts.

Rows are matched by their label text and columns by their header text, never by position:
the printed labels vary (（三） 不予公开 / (三)不予公开, 危及“三安全一稳定” / 危及"三安全一稳定",
long hints such as （区分处理的，只计这一情形，不计其他情形）, 行政规范性文件 / 规范性文件), and
reports drop, add or reorder rows. Labels are compared after ``normalise`` (NFKC: full-width
brackets, colons and digits become ASCII; whitespace and quotes removed).

- ``requests`` (table 3, 收到和处理政府信息公开申请情况): rows ``new_received``,
  ``carried_over``, ``granted``, ``partially_granted``, ``denied`` {…}, ``unable`` {…},
  ``not_processed`` {…}, ``other`` {…} (2021) or ``other_processing`` (the 2019 trial form's
  single （六）其他处理 row), ``total_processed``, ``carried_forward``; each row a dict over
  ``REQUEST_COLUMNS`` (int, float or None for an empty cell). Rows the vocabulary does not know
  go under their normalised label in ``extra``.
- ``reviews`` (table 4): ``reconsideration``, ``litigation_direct``,
  ``litigation_after_reconsideration``, each over ``REVIEW_COLUMNS``.
- ``proactive`` (table 2, 第二十条): blocks ``article20_1/5/6/8/9`` → rows → columns; amounts
  keep the printed number and ``units`` says the unit (``"article20_8.fees.amount_10k_yuan":
  "万元"``).
- ``legacy_stats`` (the pre-2019 统计表): ``{label: {"this_year", "cumulative"}}`` plus the
  aliases ``proactive``, ``requests``, ``reconsiderations``, ``lawsuits``.

Every function returns ``(dict, notes)``; notes start with the table's name (``requests: …``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from extraction.numbers import chinese_to_int, parse_cell

Grid = list[list[str]]
Number = int | float | None

REQUEST_COLUMNS = (
    "natural_person", "commercial", "research", "social_org", "legal_service", "other_org",
    "total",
)  # fmt: skip
REVIEW_BLOCKS = ("reconsideration", "litigation_direct", "litigation_after_reconsideration")
REVIEW_COLUMNS = ("upheld", "corrected", "other", "pending", "total")

_QUOTES = re.compile(r"[\"'“”‘’「」『』〝〞＂＇]")
_SPACE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")


def normalise(text: str) -> str:
    """A label for comparison: NFKC (（三）→(三), ：→:, １→1), no whitespace, no quotes."""
    text = unicodedata.normalize("NFKC", text)
    return _QUOTES.sub("", _SPACE.sub("", text))


_NUMBERING = re.compile(
    r"^(?:其中[:,、]?)?(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[.、)]|[①-⑳])*"
)
_HINT = re.compile(r"\([^()]{6,}\)$")


def label_key(text: str) -> str:
    """A row's own name, for keys: normalised, without its numbering (三、 (三) 1. 其中：) and
    without a long trailing hint in brackets."""
    norm = normalise(text)
    key = _HINT.sub("", _NUMBERING.sub("", norm))
    return key or norm


def _distinct(cells: Sequence[str]) -> list[str]:
    """Non-empty cells in order, a spanned cell (repeated into neighbouring slots) once."""
    out: list[str] = []
    for cell in cells:
        if cell and cell not in out:
            out.append(cell)
    return out


def _first_number_row(grid: Grid) -> int:
    """Index of the first row holding a number: the rows above it are the header."""
    for index, row in enumerate(grid):
        if any(parse_cell(cell) is not None for cell in row):
            return index
    return len(grid)


def _header_paths(header: Grid, width: int) -> list[list[str]]:
    """For each column, the distinct header texts above it, top to bottom (merged headers
    such as 法人或其他组织 → 商业企业 are resolved by the grid: each column sees its own path)."""
    return [_distinct([normalise(row[c]) for row in header if c < len(row)]) for c in range(width)]


# --- table 3: requests ------------------------------------------------------------------------

_TOP_ROWS = (
    ("new_received", re.compile(r"本年新收")),
    ("carried_over", re.compile(r"上年结转")),
    ("carried_forward", re.compile(r"结转下年|下年度继续办理")),
    ("total_processed", re.compile(r"^(?:\(七\)|七[、.])?总计$")),
    ("granted", re.compile(r"予以公开")),
    ("partially_granted", re.compile(r"部分公开")),
)
_GROUPS = (
    ("denied", re.compile(r"不予公开")),
    ("unable", re.compile(r"无法提供")),
    ("not_processed", re.compile(r"不予处理")),
    ("other", re.compile(r"其他处理")),
)
_GROUP_PATTERN = dict(_GROUPS)
_SUB_ROWS: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    "denied": (
        ("state_secret", re.compile(r"国家秘密")),
        ("law_forbidden", re.compile(r"禁止公开")),
        ("safety_stability", re.compile(r"三安全一稳定|危及")),
        ("third_party", re.compile(r"第三方")),
        ("internal_affairs", re.compile(r"内部事务")),
        ("process_info", re.compile(r"过程性")),
        ("enforcement_case", re.compile(r"执法案卷")),
        ("admin_query", re.compile(r"行政查询")),
    ),
    "unable": (
        ("no_info", re.compile(r"不掌握")),
        ("needs_creation", re.compile(r"另行制作|没有现成")),
        ("unclear", re.compile(r"不明确")),
    ),
    "not_processed": (
        ("complaint", re.compile(r"信访|举报|投诉")),
        ("repeated", re.compile(r"重复申请")),
        ("publication", re.compile(r"出版物")),
        ("massive", re.compile(r"大量反复|大量申请")),
        ("confirm", re.compile(r"确认|重新出具")),
    ),
    "other": (
        ("overdue_correction", re.compile(r"不补正")),
        ("overdue_fee", re.compile(r"缴纳费用|收费通知|缴费")),
        # Only inside （六）: a bare 其他 is also a column header and a legacy row.
        ("other", re.compile(r"^(?:\d+[.、)]?)?其他(?:情形|原因)?$")),
    ),
}
REQUEST_GROUPS = tuple(_SUB_ROWS)
REQUEST_SUB_ROWS = {group: tuple(sub for sub, _ in rows) for group, rows in _SUB_ROWS.items()}
REQUEST_ROW_ORDER = (
    "new_received", "carried_over", "granted", "partially_granted", "denied", "unable",
    "not_processed", "other", "other_processing", "total_processed", "carried_forward",
)  # fmt: skip


def match_request_row(
    labels: Sequence[str], group: str | None = None
) -> tuple[str | None, str | None, str | None]:
    """``(row, sub-row, group)`` of a table-3 row from its label cells, e.g.
    ``["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"]`` → ``("denied", "state_secret",
    "denied")``. ``group`` is the group of the rows above, for a row printed without its group
    label (flattened text, a table continued after a page break). The returned group is the
    context for the next row. Label order does not matter: a broken merge can scramble it.
    """
    norm = [text for text in (normalise(label) for label in labels) if text]
    own_group = None
    for text in norm:
        for name, pattern in _GROUPS:
            if pattern.search(text):
                own_group = name

    def sub_row(name: str) -> str | None:
        for text in reversed(norm):
            if _GROUP_PATTERN[name].search(text):
                continue  # the group's own label
            for sub, pattern in _SUB_ROWS[name]:
                if pattern.search(text):
                    return sub
        return None

    def top_row() -> str | None:
        for text in reversed(norm):
            for key, pattern in _TOP_ROWS:
                if pattern.search(text):
                    return key
        return None

    if own_group is not None:
        sub = sub_row(own_group)
        return (own_group, sub, own_group) if sub else (own_group, None, own_group)
    # No group label on the row: a top-level row ends the group; else a sub-row of the group
    # above; else a sub-row whose label alone says which group (all but a bare 其他).
    top = top_row()
    if top is not None:
        return top, None, None
    if group is not None:
        sub = sub_row(group)
        if sub is not None:
            return group, sub, group
    for name in REQUEST_GROUPS:
        for text in norm:
            for sub, pattern in _SUB_ROWS[name]:
                if sub != "other" and pattern.search(text):
                    return name, sub, name
    return None, None, group


_SECTION_LABEL = re.compile(r"^本年度办理结果$")


def _extra_name(labels: Sequence[str]) -> str:
    """Key of an unknown row in ``extra``: its labels without numbering, the 三、本年度办理结果
    section label (shared by all outcome rows) left out: ``不予公开/涉及商业秘密``."""
    names = [label_key(label) for label in _distinct(list(labels))]
    kept = [name for name in names if not _SECTION_LABEL.match(name)]
    return "/".join(_distinct(kept or names))


class RequestsBuilder:
    """Collects table-3 rows (from a grid or from text) into the canonical dict."""

    def __init__(self, template: str | None) -> None:
        self.template = template
        self.rows: dict[str, Any] = {}
        self.extra: dict[str, dict[str, Number]] = {}
        self.notes: list[str] = []
        self.group: str | None = None  # context for rows printed without their group label

    def add(self, labels: Sequence[str], values: dict[str, Number]) -> str | None:
        """File one row; returns its canonical path (``denied.state_secret``) or None."""
        key, sub, self.group = match_request_row(labels, self.group)
        shown = " / ".join(_distinct(list(labels)))
        if key is None:
            self._extra(_extra_name(labels), values)
            return None
        if key in REQUEST_GROUPS and sub is None:
            if key == "other":
                # The 2019 trial form has one （六）其他处理 row; a 2021 report printing it
                # that way keeps the printed shape rather than a guessed split.
                if self.template == "2021":
                    self.notes.append(
                        "requests: （六）其他处理 printed as one row in a 2021-format report; "
                        "kept as other_processing"
                    )
                return self._put(("other_processing",), values, shown)
            # A row of the group that is none of its standard sub-rows (9.涉及商业秘密), or the
            # group's own subtotal row (some reports print one above the sub-rows).
            self._extra(_extra_name(labels), values)
            return None
        if sub is not None:
            return self._put((key, sub), values, shown)
        return self._put((key,), values, shown)

    def _put(self, path: tuple[str, ...], values: dict[str, Number], shown: str) -> str:
        node = self.rows
        for part in path[:-1]:
            node = node.setdefault(part, {})
        name = ".".join(path)
        if path[-1] in node:
            self.notes.append(f"requests: row {shown!r} repeats {name}; the first one is kept")
        else:
            node[path[-1]] = values
        return name

    def _extra(self, label: str, values: dict[str, Number]) -> None:
        if label in self.extra:
            self.notes.append(f"requests: unknown row {label!r} repeated; the first one is kept")
            return
        self.extra[label] = values
        self.notes.append(f"requests: row {label!r} is not in the standard table; kept in extra")

    def result(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in REQUEST_ROW_ORDER:
            if key not in self.rows:
                continue
            value = self.rows[key]
            if key in REQUEST_GROUPS:
                order = [sub for sub, _ in _SUB_ROWS[key]]
                value = {sub: value[sub] for sub in order if sub in value}
            out[key] = value
        if self.extra:
            out["extra"] = self.extra
        return out


_REQUEST_COLUMN_PATTERNS = (
    ("natural_person", re.compile(r"自然人")),
    ("commercial", re.compile(r"商业企业|^企业$")),
    ("research", re.compile(r"科研机构|^科研")),
    ("social_org", re.compile(r"公益组织")),
    ("legal_service", re.compile(r"法律服务")),
    ("other_org", re.compile(r"^其他(?:组织)?$")),
    ("total", re.compile(r"^(?:总计|合计)$")),
)


def _request_columns(paths: list[list[str]]) -> dict[str, int]:
    """Column key → grid column, from each column's lowest header (its own name)."""
    columns: dict[str, int] = {}
    for c, path in enumerate(paths):
        if not path:
            continue
        for key, pattern in _REQUEST_COLUMN_PATTERNS:
            if pattern.search(path[-1]) and key not in columns:
                columns[key] = c
                break
    return columns


_ROW_WORDS = re.compile(
    r"本年新收|上年结转|本年度办理结果|予以公开|部分公开|不予公开|无法提供|不予处理|其他处理|结转下年"
)
MAX_SHIFT = 2  # columns; a row displaced further is not a merge accident but another table
_MARKER_CELLS = frozenset({"-", "—", "--", "——", "/", "／", "无", "—/—", "\\", "－"})


def _is_label(cell: str) -> bool:
    """A cell with text that is neither a number nor a no-number mark (— / 无)."""
    return bool(cell) and cell not in _MARKER_CELLS and parse_cell(cell) is None


def requests_from_grid(grid: Grid, template: str | None) -> tuple[dict[str, Any], list[str]]:
    """Table 3 from its grid (see the module docstring)."""
    builder = RequestsBuilder(template)
    if not grid:
        return {}, []
    width = max(len(row) for row in grid)
    # The header ends at the first row with a number or a row label (a table whose cells are
    # all empty still has its rows).
    start = min(
        _first_number_row(grid),
        next(
            (i for i, r in enumerate(grid) if _ROW_WORDS.search(normalise("".join(r)))), len(grid)
        ),
    )
    columns = _request_columns(_header_paths(grid[:start], width))
    if len(columns) < 2:
        if width < len(REQUEST_COLUMNS) + 1:
            return {}, ["requests: no column headers and too few columns; table not read"]
        columns = {key: width - len(REQUEST_COLUMNS) + i for i, key in enumerate(REQUEST_COLUMNS)}
        builder.notes.append(
            "requests: no column headers found; the standard column order is assumed"
        )
    elif len(columns) < len(REQUEST_COLUMNS):
        missing = [key for key in REQUEST_COLUMNS if key not in columns]
        builder.notes.append(f"requests: columns not found: {', '.join(missing)}")
    first_value = min(columns.values())
    ordered = sorted(columns.items(), key=lambda item: REQUEST_COLUMNS.index(item[0]))
    for row in grid[start:]:
        label_cells = [i for i, cell in enumerate(row) if _is_label(cell)]
        if not label_cells:
            if any(parse_cell(cell) is not None for cell in row):
                builder.notes.append(f"requests: a row of numbers without a label: {row}")
            continue  # a spacer row, or numbers that cannot be placed
        # A broken Word merge (a label cell placed where an earlier rowspan still runs, or a
        # colspan over a slot such a rowspan holds) moves the row's cells sideways: its values
        # start right after its last label cell, wherever that is.
        shift = label_cells[-1] + 1 - first_value
        if abs(shift) > MAX_SHIFT:
            labels = _distinct([row[i] for i in label_cells])
            builder.notes.append(
                f"requests: row {' / '.join(labels)!r} cannot be aligned; left out"
            )
            continue
        labels = _distinct([row[i] for i in label_cells])
        # Every column key is there; a column the header does not name is None (not read).
        values: dict[str, Number] = dict.fromkeys(REQUEST_COLUMNS)
        for key, c in ordered:
            if 0 <= c + shift < len(row):
                values[key] = parse_cell(row[c + shift])
        if shift:
            builder.notes.append(
                f"requests: row {' / '.join(labels)!r} moved {shift:+d} column(s) by a broken "
                "merge; realigned on its label"
            )
        builder.add(labels, values)
    return builder.result(), builder.notes


# --- table 4: reviews -------------------------------------------------------------------------

_REVIEW_COLUMN_PATTERNS = (
    ("upheld", re.compile(r"维持")),
    ("corrected", re.compile(r"纠正")),
    ("other", re.compile(r"其他")),
    ("pending", re.compile(r"未审结|审理中")),
    ("total", re.compile(r"总计|合计|小计")),
)


def review_block(path: Sequence[str]) -> str | None:
    """Which block of table 4 a header path (or a row label) belongs to."""
    text = "".join(normalise(part) for part in path)
    if "复议后起诉" in text:
        return "litigation_after_reconsideration"
    if "直接起诉" in text or "未经复议" in text:
        return "litigation_direct"
    if "行政复议" in text:
        return "reconsideration"
    return None


def review_column(label: str) -> str | None:
    text = normalise(label)
    for key, pattern in _REVIEW_COLUMN_PATTERNS:
        if pattern.search(text):
            return key
    return None


def reviews_standard(values: Sequence[Number]) -> dict[str, dict[str, Number]]:
    """The 15 numbers of table 4's value row, in the printed order of the standard form."""
    return {
        block: dict(zip(REVIEW_COLUMNS, values[i * 5 : i * 5 + 5], strict=True))
        for i, block in enumerate(REVIEW_BLOCKS)
    }


def reviews_from_grid(grid: Grid) -> tuple[dict[str, Any], list[str]]:
    """Table 4 from its grid: columns by their header path (行政复议 / 行政诉讼 → 未经复议直接起诉
    / 复议后起诉 → 结果维持 …), values from the first row of numbers."""
    notes: list[str] = []
    if not grid:
        return {}, notes
    width = max(len(row) for row in grid)
    start = _first_number_row(grid)
    columns: dict[tuple[str, str], int] = {}
    for c, path in enumerate(_header_paths(grid[:start], width)):
        if not path:
            continue
        block, key = review_block(path), review_column(path[-1])
        if block and key and (block, key) not in columns:
            columns[(block, key)] = c
    rows = [row for row in grid[start:] if any(parse_cell(cell) is not None for cell in row)]
    if not rows:
        return {}, ["reviews: no row of numbers"]
    if len(rows) > 1:
        notes.append(f"reviews: {len(rows)} rows of numbers; the first one is used")
    row = rows[0]
    if len(columns) < len(REVIEW_BLOCKS) * len(REVIEW_COLUMNS):
        cells = [cell for cell in row if cell]
        if not columns and len(row) == 15:
            notes.append("reviews: no column headers found; the standard column order is assumed")
            return reviews_standard([parse_cell(cell) for cell in row]), notes
        if not columns:
            return {}, [f"reviews: no column headers and {len(cells)} cells; table not read"]
        found = ", ".join(f"{b}.{k}" for b, k in columns)
        notes.append(f"reviews: only these columns found: {found}")
    out: dict[str, Any] = {}
    for block in REVIEW_BLOCKS:
        if not any(b == block for b, _ in columns):
            continue
        out[block] = {
            key: parse_cell(row[columns[(block, key)]]) if (block, key) in columns else None
            for key in REVIEW_COLUMNS
        }
    return out, notes


# --- table 2: proactive -----------------------------------------------------------------------

_BLOCK = re.compile(r"第二十条第\(([一二三四五六七八九十]+)\)项")
_PROACTIVE_ROWS = (
    ("normative_documents", re.compile(r"规范性文件")),
    ("regulations", re.compile(r"规章")),
    ("licensing", re.compile(r"行政许可")),
    ("other_services", re.compile(r"对外管理服务")),
    ("penalty", re.compile(r"行政处罚")),
    ("coercion", re.compile(r"行政强制")),
    ("fees", re.compile(r"收费")),
    ("procurement", re.compile(r"采购")),
)
# Where a row belongs when the table prints no 第二十条 block rows.
_ROW_BLOCK = {
    "regulations": "article20_1", "normative_documents": "article20_1",
    "licensing": "article20_5", "other_services": "article20_5", "penalty": "article20_6",
    "coercion": "article20_6", "fees": "article20_8", "procurement": "article20_9",
}  # fmt: skip
_PROACTIVE_COLUMNS = (
    ("made", re.compile(r"新制作")),
    ("published_total", re.compile(r"公开总数|总数量")),
    ("published", re.compile(r"新公开")),
    ("procurement_items", re.compile(r"采购项目")),
    ("procurement_amount", re.compile(r"金额")),
    ("items_last_year", re.compile(r"上一年|上年")),
    ("change", re.compile(r"增/?减|增加/减少")),
    ("decisions", re.compile(r"处理决定")),
    ("issued", re.compile(r"制发")),
    ("repealed", re.compile(r"废止")),
    ("in_force", re.compile(r"现行有效")),
)
# Fee amounts in the 2021 form: a column of its own name (本年收费金额（单位：万元）).
_FEE_AMOUNT = re.compile(r"收费金额")
# Columns by block when the text gives none (flattened tables without their header row).
PROACTIVE_DEFAULT_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "2021": {
        "article20_1": ("issued", "repealed", "in_force"),
        "article20_5": ("decisions",),
        "article20_6": ("decisions",),
        "article20_8": ("amount_10k_yuan",),
    },
    "2019": {
        "article20_1": ("made", "published", "published_total"),
        "article20_5": ("items_last_year", "change", "decisions"),
        "article20_6": ("items_last_year", "change", "decisions"),
        "article20_8": ("items_last_year", "change"),
        "article20_9": ("procurement_items", "procurement_amount"),
    },
}
_UNIT = re.compile(r"(万元|元)$")
_HEADER_UNIT = re.compile(r"单位[:：]?(万元|元)")


def proactive_block(text: str) -> str | None:
    match = _BLOCK.search(normalise(text))
    if not match:
        return None
    number = chinese_to_int(match.group(1))
    return f"article20_{number}" if number else None


def proactive_row(label: str) -> str | None:
    text = normalise(label)
    for key, pattern in _PROACTIVE_ROWS:
        if pattern.search(text):
            return key
    return None


def proactive_column(label: str) -> str | None:
    text = normalise(label)
    if _FEE_AMOUNT.search(text):
        return "amount_10k_yuan"
    for key, pattern in _PROACTIVE_COLUMNS:
        if pattern.search(text):
            return key
    return None


def header_unit(label: str) -> str | None:
    match = _HEADER_UNIT.search(normalise(label))
    return match.group(1) if match else None


class ProactiveBuilder:
    """Collects table-2 rows (from a grid or from text) into the canonical dict."""

    def __init__(self) -> None:
        self.blocks: dict[str, dict[str, dict[str, Number]]] = {}
        self.units: dict[str, str] = {}
        self.extra: dict[str, dict[str, Number]] = {}
        self.notes: list[str] = []

    def add(
        self,
        block: str | None,
        label: str,
        cells: dict[str, str],
        header_units: dict[str, str] | None = None,
    ) -> None:
        """One row: ``cells`` maps column keys to the printed cell text."""
        key = proactive_row(label)
        block = block or (_ROW_BLOCK.get(key) if key else None)
        values = {column: parse_cell(text) for column, text in cells.items()}
        if key is None or block is None:
            name = f"{block or '?'}/{label_key(label)}"
            self.extra.setdefault(name, values)
            self.notes.append(
                f"proactive: row {label!r} is not in the standard table; kept in extra"
            )
            return
        rows = self.blocks.setdefault(block, {})
        if key in rows:
            self.notes.append(f"proactive: row {label!r} repeats {block}.{key}; the first is kept")
            return
        rows[key] = values
        for column, text in cells.items():
            printed = _UNIT.search(normalise(text))
            stated = (header_units or {}).get(column)
            unit = printed.group(1) if printed else stated
            if unit:
                self.units[f"{block}.{key}.{column}"] = unit
            if printed and stated and printed.group(1) != stated:
                self.notes.append(
                    f"proactive: {block}.{key}.{column} printed in {printed.group(1)} under a "
                    f"header in {stated}; the printed number is kept"
                )

    def result(self) -> dict[str, Any]:
        out: dict[str, Any] = {block: self.blocks[block] for block in sorted(self.blocks)}
        if self.units:
            out["units"] = self.units
        if self.extra:
            out["extra"] = self.extra
        return out


def proactive_from_grid(grid: Grid, template: str | None) -> tuple[dict[str, Any], list[str]]:
    """Table 2: block rows (第二十条第（五）项) open a block, its 信息内容 row names the
    columns, item rows (规章, 行政许可 …) hold the numbers."""
    builder = ProactiveBuilder()
    block: str | None = None
    columns: dict[str, int] = {}
    units: dict[str, str] = {}
    for row in grid:
        cells = _distinct(row)
        if not cells:
            continue
        found = proactive_block("".join(cells))
        if found:
            block, columns, units = found, {}, {}
            continue
        if "信息内容" in normalise(cells[0]):
            columns, units = {}, {}
            for c, text in enumerate(row):
                key = proactive_column(text) if c else None
                if key and key not in columns:
                    columns[key] = c
                    unit = header_unit(text)
                    if unit:
                        units[key] = unit
            continue
        if not columns:
            defaults = PROACTIVE_DEFAULT_COLUMNS.get(template or "", {}).get(block or "")
            if defaults and proactive_row(cells[0]) and len(row) > len(defaults):
                # No 信息内容 row: the printed order of the template, right after the label.
                columns = {key: i + 1 for i, key in enumerate(defaults)}
                builder.notes.append(f"proactive: {block}: no header row; template columns assumed")
            else:
                continue
        printed = {key: row[c] if c < len(row) else "" for key, c in columns.items()}
        builder.add(block, cells[0], printed, units)
    return builder.result(), builder.notes


# --- the pre-2019 统计表 --------------------------------------------------------------------------

_LEGACY_ALIASES = (
    ("proactive", re.compile(r"^主动公开(?:政府)?(?:信息|文件)(?:总)?数")),
    ("requests", re.compile(r"^受理依申请公开|依申请公开.*总数|^受理.*申请.*总数")),
    ("reconsiderations", re.compile(r"^(?:申请)?行政复议(?:案件)?数?$")),
    ("lawsuits", re.compile(r"^(?:提起)?行政诉讼(?:案件)?数?$")),
)
_SUB_ROW = re.compile(r"^(?:其中|\d+[.、)]|\(\d+\))")


def legacy_from_rows(
    rows: Sequence[tuple[str, Number, Number]],
) -> tuple[dict[str, Any], list[str]]:
    """``(label, this_year, cumulative)`` rows → ``{label: {...}}`` + aliases. Sub-rows
    (其中：1.网站公开) keep their own name, prefixed by their parent's if it would clash."""
    out: dict[str, Any] = {}
    notes: list[str] = []
    parent: str | None = None
    top_level: list[str] = []
    for raw, this_year, cumulative in rows:
        key = label_key(raw)
        if not key:
            continue
        if _SUB_ROW.match(normalise(raw)):
            if key in out and parent:
                key = f"{parent}/{key}"
        else:
            parent = key
            top_level.append(key)
        if key in out:
            notes.append(f"legacy_stats: row {raw!r} repeated; the first one is kept")
            continue
        out[key] = {"this_year": this_year, "cumulative": cumulative}
    for alias, pattern in _LEGACY_ALIASES:
        match = next((key for key in top_level if pattern.search(key)), None)
        if match is not None:
            out[alias] = dict(out[match])
    return out, notes


_LEGACY_THIS_YEAR = re.compile(r"本年|年度|当年")
_LEGACY_CUMULATIVE = re.compile(r"累计")


def legacy_column(label: str) -> str | None:
    text = normalise(label)
    if _LEGACY_CUMULATIVE.search(text):
        return "cumulative"
    if _LEGACY_THIS_YEAR.search(text):
        return "this_year"
    return None


def legacy_from_grid(grid: Grid) -> tuple[dict[str, Any], list[str]]:
    """The old 统计表: 指标名称 | 计量单位 | 2011年度 | 历年累计, columns by their header."""
    notes: list[str] = []
    header = next((i for i, row in enumerate(grid) if "指标" in "".join(row)), None)
    if header is None:
        header = max(0, _first_number_row(grid) - 1)
    label_col = 0
    columns: dict[str, int] = {}
    for c, text in enumerate(grid[header] if grid else []):
        if "指标" in text:
            label_col = c
        key = legacy_column(text)
        if key and key not in columns:
            columns[key] = c
    if len(columns) < 2:
        width = max((len(row) for row in grid), default=0)
        if width < 3:
            return {}, ["legacy_stats: no value columns found; table not read"]
        columns = {"this_year": width - 2, "cumulative": width - 1}
        notes.append("legacy_stats: value columns not named; the last two are assumed")
    rows: list[tuple[str, Number, Number]] = []
    for row in grid[header + 1 :]:
        label = row[label_col] if label_col < len(row) else ""
        if not label or parse_cell(label) is not None:
            continue
        rows.append(
            (
                label,
                parse_cell(row[columns["this_year"]]),
                parse_cell(row[columns["cumulative"]]),
            )
        )
    out, more = legacy_from_rows(rows)
    return out, notes + more
