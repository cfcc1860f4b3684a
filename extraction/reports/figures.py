"""The headline figures of a report, read from its prose when no table gives them.

``requests_new``: information requests received that year; ``reconsiderations``: administrative
reconsiderations about disclosure; ``lawsuits``: administrative lawsuits (direct + after
reconsideration); ``proactive_new``: items proactively disclosed that year, as one number.

Each figure is read sentence by sentence with its subject in the same sentence:
``共受理政府信息公开申请3件`` → 3; zero statements ``未收到政府信息公开申请``,
``没有受理依申请公开``, ``未发生…行政复议、诉讼`` → 0; Chinese numerals (``三件``) count.
Never a guess: approximate numbers (近265条, 7700余条), cumulative ones (累计, 截至…底), a
sentence about something else (受理审批事项117件, 咨询电话120人次) or two different candidates
leave the figure null, and the reason goes into the notes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extraction.numbers import CHINESE_NUMERAL, parse_count

_NUM = rf"(?P<n>\d[\d,，]*|[{CHINESE_NUMERAL}]+)"
_UNIT = r"(?P<unit>件|条|个|宗|起|次|项|份)"
_SENTENCE = re.compile(r"[^。；;！？!?\n]+")
_APPROXIMATE = re.compile(r"[近约余多]|左右|以上")
_CUMULATIVE = re.compile(r"累计|截至|截止|历年|总计.{0,6}年来")
_NEGATION = r"(?:未|没有|无|并未|均未|尚未|暂无|不曾)"

# requests_new -------------------------------------------------------------------------------
# Read clause by clause (a report packs 收到申请7条，网上申请数3条，信函申请数4条 into one
# sentence): the clause must say requests were received, with its own verb.
_CLAUSE = re.compile(r"[^，,。；;！？!?\n]+")
_RECEIVED = r"(?:受理|收到|接到|接收|新收|办理)"
_REQUEST_NUMBER = re.compile(
    rf"{_RECEIVED}[^{CHINESE_NUMERAL}\d]{{0,24}}?申请[^\d{CHINESE_NUMERAL}]{{0,8}}?{_NUM}\s*{_UNIT}"
)
_REQUEST_ZERO = re.compile(
    rf"{_NEGATION}[^，,。；]{{0,10}}(?:受理|收到|接到|接收|新收|办理|发生)[^，,。；]{{0,20}}(?:申请|依申请公开)"
    # …or the negation right before the requests, with no verb: 本机关全年无政府信息公开申请,
    # 没有依申请公开事项, 未有公民、法人或其他组织提出的政府信息公开申请.
    rf"|(?:{_NEGATION}|未有)(?:任何)?(?:公民、法人(?:或|和|及)其他组织)?(?:提出的?)?"
    r"(?:政府信息公开|信息公开|依申请公开)(?:的)?(?:申请|事项|工作事项|情况)"
)
# Clauses about something else: approvals, enquiries, reviews, or the items "available on
# request" (依申请公开信息数) and per-channel breakdowns (网上申请数).
_REQUEST_DISTRACTORS = re.compile(
    r"审批|行政许可事项|咨询|来电|来访|信访|投诉|举报|复议|诉讼|信息数|申请数|答复"
)


# reconsiderations / lawsuits -----------------------------------------------------------------
_RECON = re.compile(rf"行政复议(?:案件|申请)?(?:共|共计)?\s*{_NUM}\s*{_UNIT}")
_SUIT = re.compile(rf"(?:行政)?诉讼(?:案件)?(?:共|共计)?\s*{_NUM}\s*{_UNIT}")
_ZERO_BOTH = re.compile(
    rf"{_NEGATION}[^。；]{{0,40}}行政复议[、和及与或,，]{{1,2}}(?:提起)?(?:行政)?诉讼"
)
_ZERO_RECON = re.compile(rf"{_NEGATION}[^。；]{{0,40}}行政复议")
_ZERO_SUIT = re.compile(rf"{_NEGATION}[^。；]{{0,40}}行政诉讼")

# proactive_new -------------------------------------------------------------------------------
_PROACTIVE = re.compile(
    rf"(?:主动公开|公布)[^，,。；\d{CHINESE_NUMERAL}]{{0,12}}?信息(?:共计|总数)?"
    rf"(?P<before>近|约|大约|共约)?\s*{_NUM}\s*(?P<after>余|多)?条"
)
_PROACTIVE_SPECIFIC = re.compile(r"新增|本年|全年|今年|\d{4}年")


@dataclass
class Figures:
    requests_new: int | None = None
    reconsiderations: int | None = None
    lawsuits: int | None = None
    proactive_new: int | None = None
    notes: list[str] = field(default_factory=list)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def _number(match: re.Match[str]) -> int | None:
    return parse_count(match.group("n").replace("，", "").replace(",", ""))


def _single(name: str, values: list[tuple[int, str]], notes: list[str]) -> int | None:
    """The one value the candidates agree on, else None (with a note)."""
    distinct = {v for v, _ in values}
    if len(distinct) == 1:
        return distinct.pop()
    if len(distinct) > 1:
        shown = "; ".join(f"{v} ({s[:40]})" for v, s in values[:4])
        notes.append(f"{name}: different numbers in the text, not guessed: {shown}")
    return None


def requests_from_text(text: str, notes: list[str]) -> int | None:
    found: list[tuple[int, str]] = []
    for clause in (c.strip() for c in _CLAUSE.findall(text)):
        if "申请" not in clause or _REQUEST_DISTRACTORS.search(clause):
            continue
        match = _REQUEST_NUMBER.search(clause)
        if match:
            value = _number(match)
            if value is not None:
                found.append((value, clause))
                continue
        if _REQUEST_ZERO.search(clause):
            found.append((0, clause))
    return _single("requests_new", found, notes)


def reviews_from_text(text: str, notes: list[str]) -> tuple[int | None, int | None]:
    recon: list[tuple[int, str]] = []
    suits: list[tuple[int, str]] = []
    for sentence in _sentences(text):
        if "复议" not in sentence and "诉讼" not in sentence:
            continue
        match = _RECON.search(sentence)
        if match and _number(match) is not None:
            recon.append((_number(match), sentence))  # type: ignore[arg-type]
        suit = _SUIT.search(sentence)
        if suit and _number(suit) is not None:
            suits.append((_number(suit), sentence))  # type: ignore[arg-type]
        if not match and not suit:
            if _ZERO_BOTH.search(sentence):
                recon.append((0, sentence))
                suits.append((0, sentence))
                continue
            if _ZERO_RECON.search(sentence):
                recon.append((0, sentence))
            if _ZERO_SUIT.search(sentence):
                suits.append((0, sentence))
    return _single("reconsiderations", recon, notes), _single("lawsuits", suits, notes)


def proactive_from_text(text: str, notes: list[str]) -> int | None:
    found: list[tuple[int, str, bool]] = []
    for sentence in _sentences(text):
        for match in _PROACTIVE.finditer(sentence):
            window = sentence[max(0, match.start() - 20) : match.end()]
            if (
                match.group("before")
                or match.group("after")
                or _APPROXIMATE.search(sentence[match.end() : match.end() + 2])
            ):
                notes.append(f"proactive_new: approximate, not taken: {match.group(0)}")
                continue
            if _CUMULATIVE.search(window):
                notes.append(f"proactive_new: cumulative, not this year: {match.group(0)}")
                continue
            value = _number(match)
            if value is not None:
                found.append((value, sentence, bool(_PROACTIVE_SPECIFIC.search(window))))
    if not found:
        return None
    specific = [(v, s) for v, s, flag in found if flag]
    first = (specific or [(v, s) for v, s, _ in found])[0][0]
    others = {v for v, _, _ in found} - {first}
    # A report often breaks its total down afterwards (其中网站公开418条): parts are smaller.
    if all(v < first for v in others):
        return first
    notes.append(f"proactive_new: several totals {sorted({v for v, _, _ in found})}, not guessed")
    return None


def figures_from_text(text: str) -> Figures:
    figures = Figures()
    figures.requests_new = requests_from_text(text, figures.notes)
    figures.reconsiderations, figures.lawsuits = reviews_from_text(text, figures.notes)
    figures.proactive_new = proactive_from_text(text, figures.notes)
    return figures
