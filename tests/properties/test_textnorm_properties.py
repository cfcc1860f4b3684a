"""Properties of the text normalizers (extraction.textnorm): they never raise, each is
idempotent, and their output has the shape they promise."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from extraction.textnorm import (
    REPLACEMENT_CHAR,
    count_replacement_chars,
    fold_width,
    normalize_line,
    normalize_text,
    squash_spaces,
)
from tests.properties.strategies import texts

FULL_WIDTH_ALNUM = re.compile("[０-９Ａ-Ｚａ-ｚ]")
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\xad"
NORMALIZERS = (fold_width, normalize_line, normalize_text, squash_spaces)


@given(texts)
@example("a\u200b \u200bb")  # removing zero-width characters leaves a run of spaces
@example(" \x1c a \x1f")  # str.strip() whitespace that is no Unicode space
@example("\r\n\u2028\x85\u3000")
def test_idempotent(text: str) -> None:
    for normalize in NORMALIZERS:
        once = normalize(text)
        assert isinstance(once, str)
        assert normalize(once) == once, normalize.__name__


@given(texts)
def test_normalize_line_is_one_clean_line(text: str) -> None:
    line = normalize_line(text)
    assert "\n" not in line
    assert "\r" not in line
    assert line == line.strip()
    assert "  " not in line
    assert not any(ch in line for ch in ZERO_WIDTH)
    assert not FULL_WIDTH_ALNUM.search(line)
    assert line.count(REPLACEMENT_CHAR) == text.count(REPLACEMENT_CHAR)


@given(texts)
def test_normalize_text_is_clean_lines(text: str) -> None:
    normalized = normalize_text(text)
    if not normalized:
        return
    for line in normalized.split("\n"):
        assert line
        assert line == normalize_line(line)
    assert count_replacement_chars(normalized) == text.count(REPLACEMENT_CHAR)


@given(texts)
def test_squash_spaces_leaves_single_spaces(text: str) -> None:
    squashed = squash_spaces(text)
    assert not re.search(r"\s\s", squashed)
    assert squashed == squashed.strip()


@given(texts)
def test_fold_width_changes_only_full_width_letters_and_digits(text: str) -> None:
    folded = fold_width(text)
    assert len(folded) == len(text)
    for before, after in zip(text, folded, strict=True):
        if FULL_WIDTH_ALNUM.match(before):
            assert ord(after) == ord(before) - 0xFEE0
        else:
            assert after == before


@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1))
def test_chinese_text_is_kept_as_printed(text: str) -> None:
    assert normalize_line(text) == text
    assert normalize_text(text) == text


@given(st.lists(texts, max_size=4))
def test_count_replacement_chars(parts: list[str]) -> None:
    assert count_replacement_chars(*parts, None) == sum(p.count(REPLACEMENT_CHAR) for p in parts)
