"""extraction.textnorm: width folding, space handling, one paragraph per line, idempotence."""

from __future__ import annotations

import pytest

from extraction.textnorm import (
    REPLACEMENT_CHAR,
    count_replacement_chars,
    fold_width,
    normalize_line,
    normalize_text,
    squash_spaces,
)


def test_full_width_letters_and_digits_fold_to_ascii() -> None:
    assert fold_width("ＡＢＣ１２３ａｂｃ") == "ABC123abc"
    assert normalize_text("２０１５年第ＩＩ季度") == "2015年第II季度"


def test_full_width_punctuation_is_kept() -> None:
    punctuation = "，。：；（）【】《》“”！？、"
    assert fold_width(punctuation) == punctuation
    assert normalize_text(f"关于{punctuation}的通知") == f"关于{punctuation}的通知"
    # full-width ASCII symbols other than letters/digits are not folded either
    assert fold_width("！＃％＆") == "！＃％＆"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("索\u3000引\u3000号", "索 引 号"),  # ideographic space
        ("a\xa0\xa0b", "a b"),  # NBSP run collapses
        ("\u2003em\u2002en\u2009thin", "em en thin"),
        ("a\tb\x0bc\x0cd", "a b c d"),
        ("\u3000\u3000第一段", "第一段"),  # indent stripped
        ("政\u200b府", "政府"),  # zero-width space removed, not turned into a space
        ("\ufeff政府", "政府"),  # BOM
        ("政\u200c\u200d\u2060府", "政府"),
        ("soft\xadhyphen", "softhyphen"),
        ("a \u200b b", "a b"),  # removing ZWSP leaves one space, not two
    ],
)
def test_spaces_and_zero_width(text: str, expected: str) -> None:
    assert normalize_text(text) == expected
    assert normalize_line(text) == expected


def test_one_paragraph_per_line() -> None:
    text = "  第一段  \r\n\r\n\u3000\u3000第二段\r第三段\u2028第四段\u2029第五段\x85第六段\n \n\u3000\n"
    assert normalize_text(text) == "第一段\n第二段\n第三段\n第四段\n第五段\n第六段"


def test_normalize_line_joins_lines() -> None:
    assert normalize_line("关于印发\r\n  某某办法\n的通知 ") == "关于印发 某某办法 的通知"


def test_squash_spaces() -> None:
    assert squash_spaces(" a \n\t b\u3000\u3000c ") == "a b c"


TRICKY = [
    "",
    "\n\n",
    "\r\n\r\n",
    "  x  \n\n  y \r\n z\r w\u2028v\u2029u\x85t",
    "a \u200b b",
    "x\u200b \u200by",
    "\u3000\u3000第一段\n\u3000\u3000第二段",
    "ＡＢＣ\u3000１２３\xa0ａｂｃ",
    "a\t\t\tb\x0b\x0cc",
    "\ufeff\u200b\n\u200b\ufeff",
    "行尾空格 \u3000\n\xa0行首空格",
    "\u205f\u202f\u1680混合\u2000\u200a空格",
    "单行",
    "中文，标点。（括号）【方括号】",
]


@pytest.mark.parametrize("text", TRICKY)
def test_normalize_text_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@pytest.mark.parametrize("text", TRICKY)
def test_normalize_line_is_idempotent_and_single_line(text: str) -> None:
    once = normalize_line(text)
    assert normalize_line(once) == once
    assert "\n" not in once
    assert once == once.strip()
    assert "  " not in once


@pytest.mark.parametrize("text", TRICKY)
def test_normalize_text_leaves_no_empty_or_padded_lines(text: str) -> None:
    for line in normalize_text(text).split("\n") if normalize_text(text) else []:
        assert line
        assert line == line.strip()
        assert "  " not in line


def test_count_replacement_chars() -> None:
    assert (
        count_replacement_chars(f"a{REPLACEMENT_CHAR}b{REPLACEMENT_CHAR}", None, "", "\ufffd") == 3
    )
    assert count_replacement_chars("政府信息公开") == 0
    assert count_replacement_chars() == 0
    assert count_replacement_chars(None) == 0
