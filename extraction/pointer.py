"""Whether a document's text is on its page or in its attachments.

Many disclosure pages carry nothing but a pointer to a file: a title, 详见附件 and the file's
link, or an annual report's page whose report is the attached PDF. For those the attachment's
text is the document's text (``text_source: "attachment"``); the page's own text is kept
beside it. A page with prose of its own keeps its text: attachments then are supplements
(forms, annexes), and their text is not mixed into the page's.

Two tests, on the page's extracted text and the attachments' extracted texts:

1. an annual report (政府信息公开工作年度报告, by its title) whose page shows fewer than two of
   the report's standard section headings, while an attachment shows two or more: that
   attachment (the first, preferring one named like a report) is the report;
2. a pointer page: once lines that only name or point to files (附件：….pdf, 详见附件,
   点击下载, the title repeated) are set aside, what is left is short
   (``POINTER_MAX_CHARS`` characters) and either empty or next to a pointer phrase. Every
   attachment with text then makes up the text, in page order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extraction.annual import is_annual_report, report_sections

# At most this many letters/digits of prose beside a pointer phrase, and it is still a pointer
# (a 标题 line, 发布日期, "现将《…》印发给你们" is 20-40).
POINTER_MAX_CHARS = 60
# An attachment's text must have at least this many letters/digits to stand for a document.
MIN_ATTACHMENT_CHARS = 20

_POINTER_PHRASE = re.compile(
    r"(?:详|具体内容|全文|正文|内容)?(?:见|查看|查阅|阅)附件|附件下载|相关附件|点击(?:下载|查看|打开|阅读)"
    r"|请?下载(?:附件|查看|阅读)|(?:全文|原文|正文)(?:下载|见|链接)|附件[:：]?\s*$"
    # A transmittal (现将《…》印发给你们): the document itself is the attachment.
    r"|现(?:将|把)[^。]{0,80}?(?:印发|转发|公布|发布|报送)"
)
# A line that only names a file: 附件1：2023年报告.pdf, 2023年报告.docx (156KB), 附件：
_FILE_LINE = re.compile(
    r"^\s*(?:(?:相关)?附件\s*\d*\s*[:：.、]?\s*)?[^\n]{0,120}?"
    r"\.(?:pdf|ofd|docx?|wps|xlsx?|et|zip|rar|7z|txt|rtf)\s*(?:[(（][^()（）]{0,20}[)）])?\s*$",
    re.IGNORECASE,
)
_LABEL_LINE = re.compile(r"^\s*(?:相关)?附件\s*\d*\s*[:：]?\s*$|^\s*(?:下载|点击下载|附件下载)\s*$")
# Characters a file-name line may have besides the name: 附件1：, (156KB), 下载.
_LABEL_ROOM = 14
_WORD = re.compile(r"[\w]", re.UNICODE)
_REPORT_NAME = re.compile(r"年度报告|年报")


_EXTENSION = re.compile(r"\.[A-Za-z0-9]{2,4}$")
_ATTACHMENT_PREFIX = re.compile(r"^\s*(?:相关)?附件\s*\d*\s*[:：.、]?\s*")


def name_stem(name: str) -> str:
    """An attachment's name as a title: no 附件1： prefix, no file extension."""
    return _EXTENSION.sub("", _ATTACHMENT_PREFIX.sub("", name)).strip()


def word_chars(text: str) -> int:
    """Letters, digits and CJK characters in ``text`` (punctuation and spaces not counted)."""
    return len(_WORD.findall(text))


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_remainder(text: str, title: str | None, names: list[str]) -> list[str]:
    """The page's lines that are neither file names, pointer labels nor the title."""
    skip = {_squeezed(title or "")} | {_squeezed(n) for n in names if n}
    kept = []
    for line in text.splitlines():
        squeezed = _squeezed(line)
        if not squeezed or squeezed in skip:
            continue
        if _FILE_LINE.match(line) or _LABEL_LINE.match(line):
            continue
        if any(
            len(name) >= 4 and name in squeezed and len(squeezed) <= len(name) + _LABEL_ROOM
            for name in map(_squeezed, names)
        ):
            continue  # 附件：<name> (32KB) with the name as the link gives it
        kept.append(line)
    return kept


def is_pointer_page(text: str, title: str | None, names: list[str]) -> bool:
    """True when the page's text only points to its files (see the module docstring)."""
    remainder = page_remainder(text, title, names)
    chars = sum(word_chars(line) for line in remainder)
    if chars == 0:
        return True
    return chars <= POINTER_MAX_CHARS and bool(
        _POINTER_PHRASE.search(text) or any(_POINTER_PHRASE.search(n) for n in remainder)
    )


@dataclass(frozen=True)
class AttachmentText:
    """One attachment as the decision sees it: its name and the text read from it."""

    name: str
    text: str


def text_attachments(
    title: str | None, page_text: str, attachments: list[AttachmentText]
) -> list[int]:
    """Indexes of the attachments whose text is the document's text (empty: the page's)."""
    usable = [i for i, a in enumerate(attachments) if word_chars(a.text) >= MIN_ATTACHMENT_CHARS]
    if not usable:
        return []
    names = [a.name for a in attachments]
    annual = is_annual_report(title, page_text) or (
        not title and any(is_annual_report(name_stem(a.name)) for a in attachments)
    )
    if annual and report_sections(page_text) < 2:
        reports = [i for i in usable if report_sections(attachments[i].text) >= 2]
        if reports:
            named = [i for i in reports if _REPORT_NAME.search(attachments[i].name)]
            return [(named or reports)[0]]
    if is_pointer_page(page_text, title, names):
        return usable
    return []
