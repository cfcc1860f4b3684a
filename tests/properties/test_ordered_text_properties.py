"""extraction.html: OrderedText answers exactly ``part in text``, whatever order the parts
are asked in (its cursor only decides where the search starts); TreeText agrees with
``element.text_content()`` (and its ``compact()``) for every element of a tree; RenderedPage
reads every element as rendering it on its own would."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from extraction.html import (
    OrderedText,
    RenderedPage,
    TreeText,
    compact,
    element_text,
    parse_html,
    text_lines,
    visible_lines,
)

# A small alphabet, so that parts often do occur in the text, at several places.
_CHARS = st.sampled_from("甲乙丙ab")


@given(st.text(_CHARS, max_size=40), st.lists(st.text(_CHARS, max_size=6), max_size=20))
@example("甲乙丙甲乙", ["乙丙", "甲乙", "丙甲乙"])  # a part found before the cursor, one across it
@example("ab", ["b", "ab", ""])
def test_same_answers_as_in(text: str, parts: list[str]) -> None:
    ordered = OrderedText(text)
    assert [part in ordered for part in parts] == [part in text for part in parts]


@given(st.text(_CHARS, min_size=1, max_size=40), st.data())
def test_every_substring_is_found_after_any_other(text: str, data: st.DataObject) -> None:
    ordered = OrderedText(text)
    for _ in range(5):
        start = data.draw(st.integers(0, len(text) - 1))
        end = data.draw(st.integers(start + 1, len(text)))
        assert text[start:end] in ordered


# Small HTML fragments with nesting, comments, tails and whitespace.
_FRAGMENT = st.recursive(
    st.text(st.sampled_from("甲乙 \n丙ab"), max_size=6),
    lambda inner: st.builds(
        lambda tag, parts, tail: f"<{tag}>{''.join(parts)}</{tag}>{tail}",
        st.sampled_from(["div", "p", "span", "td"]),
        st.lists(st.one_of(inner, st.just("<!-- 注释 -->"), st.just("<br>")), max_size=4),
        st.text(st.sampled_from("甲 b"), max_size=3),
    ),
    max_leaves=12,
)


@given(
    st.lists(_FRAGMENT, min_size=1, max_size=4), st.text(st.sampled_from("甲乙丙ab"), max_size=4)
)
@example(["<div>甲<!-- 乙 -->乙<p>丙</p>a</div>b"], "甲乙")
def test_compact_text_agrees_with_text_content(fragments: list[str], part: str) -> None:
    root = parse_html("<html><body>" + "".join(fragments) + "</body></html>")
    index, raw = TreeText(root), TreeText(root, compacted=False)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        own = compact(element.text_content())
        assert index.of(element) == own
        assert index.chars(element) == len(own)
        assert index.contains(element, part) == (part in own)
        assert raw.of(element) == element.text_content()


@given(st.text())
@example(
    "\x1c\x1d\x1e\x1f\x85\u2028\u3000\u00a0\u200b\ufeff"
)  # spaces by isspace(); zero-width: not
def test_compact_removes_exactly_what_re_whitespace_matches(text: str) -> None:
    assert compact(text) == re.sub(r"\s+", "", text)


@given(st.text(st.sampled_from("甲a \n\t\r\u3000\u00a0\u200b\ufeff\x1c\u2028"), max_size=30))
def test_text_lines_is_per_line_whitespace_collapse(text: str) -> None:
    per_line = [
        re.sub(r"[ \t\r\f\v\u00a0\u3000\u2002-\u200a\u202f\u205f]+", " ", raw)
        for raw in re.sub(r"[\u200b-\u200d\u2060\ufeff]", "", text).split("\n")
    ]
    assert text_lines(text) == [line.strip() for line in per_line if line.strip()]


# Fragments with what RenderedPage must get right: hidden elements, <pre>, tables, headings.
_RICH_FRAGMENT = st.recursive(
    st.text(st.sampled_from("甲乙 \n丙ab"), max_size=6),
    lambda inner: st.builds(
        lambda tag, attrs, parts, tail: f"<{tag}{attrs}>{''.join(parts)}</{tag}>{tail}",
        st.sampled_from(["div", "p", "span", "td", "pre", "h2", "a", "li", "table", "tr"]),
        st.sampled_from(["", ' style="display:none"', ' class="hidden"', ' class="title"']),
        st.lists(st.one_of(inner, st.just("<!-- 注释 -->"), st.just("<br>")), max_size=4),
        st.text(st.sampled_from("甲 b\n"), max_size=3),
    ),
    max_leaves=14,
)


@given(st.lists(_RICH_FRAGMENT, min_size=1, max_size=4))
@example(['<div class="hidden"><p>甲</p></div><pre>a\n<span>b\nc</span></pre>'])
def test_rendered_page_agrees_with_visible_lines(fragments: list[str]) -> None:
    root = parse_html("<html><body>" + "".join(fragments) + "</body></html>")
    page = RenderedPage(root)
    assert page.lines() == visible_lines(root)
    for element in root.iter():
        if isinstance(element.tag, str):
            assert page.lines(element) == visible_lines(element)
            assert page.text(element) == element_text(element)
