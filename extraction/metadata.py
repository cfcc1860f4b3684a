"""Reading a page's metadata: gov ``<meta>`` tags and the printed metadata block.

The printed block (索引号, 发布机构, 文号, 成文日期, 发布日期 …) comes in every shape: table
cells with the value in the next cell, ``<li>`` with label and value inline, labels padded
with spaces or &ensp; (``索 引 号：``), full-width colons, a whole block flattened into one
line (``发布时间:2019-01-10 15:23 | 来源:沙县应急管理局``), and labels cut off by the source
(``号: 003226443/201401-00001``, ``称: …``). It is read from the page's visible lines
(``extraction.html.visible_lines``), where a cell is a line of its own, so one reader
handles all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import lxml.html

from extraction.dates import parse_date
from extraction.textnorm import normalize_line

# Canonical key → printed labels. Order inside a key does not matter; across keys a printed
# label belongs to exactly one key.
LABELS: dict[str, tuple[str, ...]] = {
    "index_no": ("索引号", "信息索引号", "索取号"),
    "publisher": (
        "发布机构", "发文机关", "发布单位", "发文单位", "发布机关", "责任部门", "责任单位",
        "制发机关", "成文机关", "发文机构", "公开责任部门", "办文部门", "发文部门", "发布部门",
    ),
    "source": ("来源", "信息来源", "来源单位", "文章来源", "稿件来源", "内容来源", "来源机构"),
    "doc_no": ("文号", "发文字号", "发文文号", "文件编号", "发文号"),
    "title": ("标题", "名称", "公文名称", "文件名称", "信息名称", "文章标题"),
    "published_block": ("发布日期", "发文日期", "生成日期", "公开日期", "公布日期", "印发时间"),
    "published_line": (
        "发布时间", "发表时间", "发稿时间", "信息时间", "上传时间", "时间", "日期",
    ),
    "written": ("成文日期", "成文时间", "印发日期", "签发日期", "制发日期"),
    "revised": ("修订日期", "最近修订日期", "更新日期", "修改日期", "更新时间", "最后更新"),
    "topic": (
        "主题分类", "信息分类", "内容分类", "组配分类", "主题词", "体裁分类", "公文种类",
        "文种", "服务对象分类", "所属主题", "分类",
    ),
    "validity": ("有效性", "时效性", "效力状态", "生效时间", "废止时间", "生效日期", "废止日期", "有效期"),
    "disclosure": ("公开方式", "公开时限", "公开范围", "公开形式", "公开属性"),
    "counter": ("浏览次数", "访问量", "阅读次数", "点击数", "浏览量", "点击量", "访问次数", "阅读量",
                "浏览人次", "浏览", "点击"),
    "other": (
        "关键词", "作者", "责任编辑", "编辑", "规范性文件登记号", "登记号", "统一登记号",
        "文章类型", "信息类别",
    ),
    # Tool-bar captions that share a line with metadata (来源：XX 字号：大 中 小).
    "toolbar": ("字号", "字体", "分享到", "打印"),
}  # fmt: skip

# Keys whose labels, alone on a short line, mark that line as metadata rather than body text.
STRONG_KEYS = frozenset(
    {"index_no", "publisher", "source", "doc_no", "published_block", "published_line", "written",
     "revised", "topic", "validity", "disclosure", "counter"}
)  # fmt: skip
WEAK_LABELS = frozenset({"时间", "日期", "编辑", "作者", "分类", "名称", "标题"})

LABEL_TO_KEY = {label: key for key, labels in LABELS.items() for label in labels}

_GAP = r"[ \u3000\u00a0\u2002-\u200a]*"
_COLON = r"[:：]"


def _label_pattern(label: str) -> str:
    return _GAP.join(re.escape(ch) for ch in label)


_ALL_LABELS = sorted(LABEL_TO_KEY, key=len, reverse=True)
_ANY_LABEL = "|".join(_label_pattern(label) for label in _ALL_LABELS)  # longest first
# A label starts a line or follows a space / separator, and is followed by a colon.
_LABEL_WITH_COLON = re.compile(
    rf"(?:(?<=^)|(?<=[\s|｜丨/【\[（(]))(?P<label>{_ANY_LABEL}){_GAP}{_COLON}"
)
# The same label anywhere: past a line's first label, captions rendered with nothing between
# them (<span>时间：…</span><span>来源：…</span> → 时间：2024-02-05 09:12:33来源：区财政局)
# still start a new pair.
_LABEL_WITH_COLON_ANYWHERE = re.compile(rf"(?P<label>{_ANY_LABEL}){_GAP}{_COLON}")
# A line that is nothing but a label (value in the next cell/line).
_LABEL_ONLY = re.compile(rf"^(?P<label>{_ANY_LABEL}){_GAP}{_COLON}?$")
_HAS_COLON = re.compile(_COLON)
# A cut-off label: one to three characters that end some known label, then a colon.
_TRUNCATED = re.compile(rf"^(?P<label>\S{{1,3}}?){_GAP}{_COLON}{_GAP}(?P<value>\S.*)$")

EMPTY_VALUES = frozenset({"无", "暂无", "-", "--", "—", "——", "/", "空", "null", "none", "无文号"})

_INDEX_NO = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-_/.·]{4,60}$")
_DOC_NO = re.compile(
    r"[〔［\[【(（]\s*(?:19|20)\d{2}\s*[〕］\]】)）]|第\s*\d+\s*号|\d+\s*号$|令\s*第"
)
_SENTENCE = re.compile(r"[。；;！？]")


# A document's title (关于…的通知, …实施方案): never the value of another label. A block whose
# last label is printed empty (发布机构：) is followed by the page's heading, which must not
# be read as that label's value. Narrower than extraction.title's genre list on purpose:
# 预算, 决算, 计划, 清单 … also end topic values (主题分类：财政预决算) that are no titles.
_DOCUMENT_TITLE = re.compile(
    r"关于|(?:通知|意见|方案|办法|规定|决定|公告|通告|报告|批复|细则|纲要|条例|要点|公报|指南)$"
)


def _is_index_no(v: str) -> bool:
    return bool(_INDEX_NO.match(v)) and any(c.isdigit() for c in v)


def _is_doc_no(v: str) -> bool:
    return len(v) <= 60 and bool(_DOC_NO.search(v))


def _is_date(v: str) -> bool:
    return parse_date(v) is not None


def _is_org(v: str) -> bool:
    return (
        2 <= len(v) <= 60
        and not _SENTENCE.search(v)
        and parse_date(v) is None
        and not v[0].isdigit()
    )


def _is_title(v: str) -> bool:
    return 4 <= len(v) <= 200


VALIDATORS: dict[str, Callable[[str], bool]] = {
    "index_no": _is_index_no,
    "doc_no": _is_doc_no,
    "publisher": _is_org,
    "source": _is_org,
    "title": _is_title,
    "published_block": _is_date,
    "published_line": _is_date,
    "written": _is_date,
    "revised": _is_date,
}

MAX_METADATA_LINE = 200
_DATE_TIME_ONLY = re.compile(
    r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*(?:\d{1,2}\s*[:：]\s*\d{2}(?:\s*[:：]\s*\d{2})?)?"
)
MAX_NEXT_LINE_VALUE = 80


@dataclass
class LabelValue:
    label: str  # as printed, inner spaces removed
    key: str  # canonical key of LABELS
    value: str  # as printed (normalised whitespace), may be ""
    line: int  # index of the line it was read from


@dataclass
class MetadataBlock:
    """Everything the printed metadata block and the <meta> tags say."""

    pairs: list[LabelValue] = field(default_factory=list)
    meta_tags: dict[str, str] = field(default_factory=dict)

    def first(self, *keys: str, valid: bool = True) -> str | None:
        """First non-empty value among ``keys`` in priority order (keys, then page order)."""
        for key in keys:
            for pair in self.pairs:
                if pair.key != key:
                    continue
                value = clean_value(pair.value)
                if value is None:
                    continue
                check = VALIDATORS.get(key)
                if valid and check and not check(value):
                    continue
                return value
        return None

    def tag(self, *names: str) -> str | None:
        """First non-empty <meta> content among ``names`` (case-insensitive)."""
        lowered: dict[str, str] = {}
        for key, value in self.meta_tags.items():
            lowered.setdefault(key.lower(), value)  # the first of PubDate / pubdate wins
        for name in names:
            value = lowered.get(name.lower())
            if value and value.strip():
                return normalize_line(value)
        return None

    def as_dict(self) -> dict[str, str]:
        """label → value for the record's ``meta`` field (first occurrence of each label)."""
        out: dict[str, str] = {}
        for pair in self.pairs:
            if pair.key in ("counter", "toolbar"):
                continue  # view counters change on every fetch; tool bars are not metadata
            value = tidy_value(pair.value)
            if pair.label not in out or (not out[pair.label] and value):
                out[pair.label] = value
        for name, value in self.meta_tags.items():
            out.setdefault(name, value)
        return out


_VALUE_EDGES = " |｜丨,，;；"
_BRACKETS = (("（", "）"), ("(", ")"), ("【", "】"), ("[", "]"))


# Bracketed tool-bar captions printed after the last value of a line: 来源：市政府办公室
# 【打印】【关闭】【字号：大 中 小】 (the 字号 label already took its part off).
_TRAILING_TOOLS = re.compile(
    r"(?:\s*[【\[](?:打印本页|打印此页|打印|关闭窗口|关闭本页|关闭|收藏本页|收藏|返回顶部|返回|"
    r"我要纠错|纠错|分享)[】\]])+$"
)


def clean_value(value: str | None) -> str | None:
    """A printed value as kept: one normalized line without separators or a stray closing
    bracket at its ends, or None for an empty one (无, ——, …). Cleaning a clean value
    changes nothing."""
    if value is None:
        return None
    value = tidy_value(value)
    if not value or value.lower() in EMPTY_VALUES:
        return None
    return value


def tidy_value(value: str) -> str:
    """A printed value on one line without what its line printed around it: separators, a
    stray bracket, tool-bar captions. Unlike ``clean_value`` it keeps 无 and —— (``meta``
    records what the page says)."""
    value = _trim(normalize_line(value))
    value = _trim(_TRAILING_TOOLS.sub("", value))
    # （责任编辑：王某） leaves the closing bracket of the line on the value (or two: 王某））);
    # 更新时间：2015-3-27 【字体：大 中 小】 leaves the opening one of the next caption.
    while value:
        for opening, closing in _BRACKETS:
            if value.endswith(closing) and opening not in value:
                value = _trim(value[:-1])
                break
            if value.endswith(opening):
                value = _trim(_TRAILING_TOOLS.sub("", value[:-1]))
                break
        else:
            break
    return value


def _trim(value: str) -> str:
    """Whitespace and separators off both ends, until none is left there."""
    while True:
        trimmed = value.strip().strip(_VALUE_EDGES)
        if trimmed == value:
            return value
        value = trimmed


# --- <meta> tags ------------------------------------------------------------------------------

_IGNORED_META = re.compile(
    r"^(viewport|renderer|robots|format-detection|referrer|theme-color|x-ua-compatible|"
    r"msapplication-.*|apple-.*|mobile-.*|handheldfriendly|google.*|baidu.*|360-site.*|"
    r"progid|generator|originator|template.*|others|contentstart|contentend)$",
    re.IGNORECASE,
)


def read_meta_tags(root: lxml.html.HtmlElement) -> dict[str, str]:
    """name/property → content of the page's <meta> tags (first occurrence wins)."""
    tags: dict[str, str] = {}
    for meta in root.iter("meta"):
        name = meta.get("name") or meta.get("property")
        content = meta.get("content")
        if not name or content is None:
            continue
        name = name.strip()
        if _IGNORED_META.match(name):
            continue
        content = normalize_line(content)
        if content and name not in tags:
            tags[name] = content[:1000]
    return tags


# --- printed block ----------------------------------------------------------------------------


def _printed_label(raw: str) -> str:
    return re.sub(r"\s+", "", raw)


def _label_matches(line: str) -> list[re.Match[str]]:
    """The ``label：`` captions of a line: the first after a line start or a separator, the
    next ones wherever they are (a value ends where the next caption begins)."""
    first = _LABEL_WITH_COLON.search(line)
    if first is None:
        return []
    matches = [first]
    while (found := _LABEL_WITH_COLON_ANYWHERE.search(line, matches[-1].end())) is not None:
        matches.append(found)
    return matches


def _split_pairs(line: str, line_no: int) -> list[LabelValue]:
    """All ``label：value`` pairs of one line."""
    matches = _label_matches(line)
    pairs = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        label = _printed_label(match["label"])
        value = line[match.end() : end].strip()
        pairs.append(LabelValue(label, LABEL_TO_KEY[label], value, line_no))
    return pairs


def _truncated_pair(line: str, line_no: int) -> LabelValue | None:
    """``号: 003226443/201401-00001`` — a label the source cut to its last characters.

    Read only when exactly one known label ends with the stub and its validator accepts the
    value (so ``号`` is 索引号 for an index number, 文号 for a 〔2014〕1号 number)."""
    match = _TRUNCATED.match(line)
    if not match:
        return None
    stub = match["label"]
    if stub in LABEL_TO_KEY:
        return None
    value = match["value"].strip()
    candidates = {
        key
        for label, key in LABEL_TO_KEY.items()
        if label.endswith(stub) and len(label) > len(stub) and key in VALIDATORS
    }
    fitting = [key for key in candidates if VALIDATORS[key](value)]
    if len(fitting) != 1:
        return None
    return LabelValue(stub, fitting[0], value, line_no)


def read_block(lines: Iterable[str], *, bare_labels: bool = False) -> list[LabelValue]:
    """Label/value pairs of a page, from its visible lines, in page order. ``bare_labels``:
    also a colon-less label with no value (a grid's empty cell, or a column heading)."""
    lines = list(lines)
    pairs: list[LabelValue] = []
    for no, line in enumerate(lines):
        if len(line) > MAX_METADATA_LINE:
            continue
        only = _LABEL_ONLY.match(line)
        if only:
            label = _printed_label(only["label"])
            key = LABEL_TO_KEY[label]
            value = ""
            if no + 1 < len(lines):
                nxt = lines[no + 1]
                check = VALIDATORS.get(key, lambda v: True)
                looks_like_label = bool(_LABEL_ONLY.match(nxt) or _LABEL_WITH_COLON.match(nxt))
                if (
                    not looks_like_label
                    and len(nxt) <= MAX_NEXT_LINE_VALUE
                    and check(clean_value(nxt) or "")
                    and (key == "title" or not _DOCUMENT_TITLE.search(nxt))
                ):
                    value = nxt
            # An empty value is recorded for a label printed with its colon (文号：); a bare
            # label with nothing readable after it is a table's column heading (责任单位).
            if value or (label not in WEAK_LABELS and (bare_labels or not is_bare_label(line))):
                pairs.append(LabelValue(label, key, value, no))
            continue
        found = _split_pairs(line, no)
        # A cut-off label may open a line whose later labels are whole:
        # "号: 003226443/201401-00001 信息分类: 信息公开年报".
        first = _LABEL_WITH_COLON.search(line)
        head = line[: first.start()].strip() if first else line
        truncated = _truncated_pair(head, no) if head else None
        if truncated:
            pairs.append(truncated)
        pairs.extend(found)
    return pairs


def read_metadata(root: lxml.html.HtmlElement, lines: list[str]) -> MetadataBlock:
    return MetadataBlock(pairs=read_block(lines), meta_tags=read_meta_tags(root))


def is_bare_label(line: str) -> bool:
    """A known label alone, without a colon: 责任单位, 发布日期 — as a metadata grid prints its
    label cells, and as a body table prints its column headings (序号 | 事项 | 责任单位)."""
    return bool(_LABEL_ONLY.match(line)) and not _HAS_COLON.search(line)


def is_metadata_line(line: str) -> bool:
    """True for a short line made only of metadata ``label：value`` pairs (chrome in a body)."""
    if len(line) > MAX_METADATA_LINE:
        return False
    if _LABEL_ONLY.match(line):
        label = _printed_label(_LABEL_ONLY.match(line)["label"])  # type: ignore[index]
        return LABEL_TO_KEY[label] in STRONG_KEYS and label not in WEAK_LABELS
    matches = _label_matches(line)
    if not matches:
        return False
    # Only a date-time may precede the first label: "2009年11月09日00:00 来源：人民网".
    head = line[: matches[0].start()].strip()
    if head and not _DATE_TIME_ONLY.fullmatch(head):
        return False
    keys = {LABEL_TO_KEY[_printed_label(m["label"])] for m in matches}
    labels = {_printed_label(m["label"]) for m in matches}
    if not keys & STRONG_KEYS or labels <= WEAK_LABELS:
        return False
    # Every value must be short: a pair whose "value" is a sentence is body text.
    pairs = _split_pairs(line, 0)
    return all(len(p.value) <= 60 and not _SENTENCE.search(p.value) for p in pairs)
