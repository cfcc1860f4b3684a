"""extraction.html.OrderedText answers exactly ``part in text``, whatever order the parts
are asked in (its cursor only decides where the search starts)."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from extraction.html import OrderedText

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
