"""Text normalisation shared by the normalize pipeline, metadata parsing and the corpus gate.

- full-width ASCII letters and digits (Ａ-Ｚ ａ-ｚ ０-９) fold to half-width; Chinese and
  full-width punctuation (，。：；（）【】《》“”) stays as printed;
- U+3000, NBSP and the other Unicode spaces become ordinary spaces; zero-width characters
  (ZWSP, ZWNJ, ZWJ, WORD JOINER, BOM) are removed; runs of spaces collapse to one;
- one paragraph per line: lines are stripped and empty lines dropped.

``normalize_text`` is idempotent: ``normalize_text(normalize_text(x)) == normalize_text(x)``.
"""

from __future__ import annotations

import re

REPLACEMENT_CHAR = "\ufffd"

_WIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}  # ０-９
_WIDTH.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})  # Ａ-Ｚ
_WIDTH.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})  # ａ-ｚ
_ZERO_WIDTH = dict.fromkeys((8203, 8204, 8205, 8288, 65279, 173))
# Every Unicode space separator except the plain space, plus tabs and form feeds.
_SPACES = dict.fromkeys((9, 11, 12, 160, 5760, 8239, 8287, 12288), 32)
_SPACES.update(dict.fromkeys(range(8192, 8203), 32))
_TABLE = {**_WIDTH, **_ZERO_WIDTH, **_SPACES}

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_SPACE_RUN = re.compile(r" {2,}")


def fold_width(text: str) -> str:
    """Full-width letters and digits → ASCII; everything else unchanged."""
    return text.translate(_WIDTH)


def normalize_line(text: str) -> str:
    """Normalise text that must stay on one line (titles, metadata values)."""
    text = _NEWLINES.sub("\n", text).translate(_TABLE).replace("\n", " ")
    return _SPACE_RUN.sub(" ", text).strip()


def normalize_text(text: str) -> str:
    """Normalise a multi-paragraph body: one paragraph per line, no empty lines."""
    text = _NEWLINES.sub("\n", text).translate(_TABLE)
    lines = (_SPACE_RUN.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def squash_spaces(text: str) -> str:
    """Whitespace runs (newlines included) → one space; for snippet comparison."""
    return re.sub(r"\s+", " ", normalize_line(text))


def count_replacement_chars(*texts: str | None) -> int:
    return sum(t.count(REPLACEMENT_CHAR) for t in texts if t)
