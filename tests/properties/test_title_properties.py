"""Properties of the title helpers (extraction.title): despacing is idempotent and never
touches anything but spaces beside Chinese; segments are clean; nothing raises."""

from __future__ import annotations

from hypothesis import example, given

from extraction.textnorm import normalize_line
from extraction.title import despace, title_from_text, title_segments
from tests.properties.strategies import pieced_text, texts


@given(texts)
@example("财 政 司 司 长")
@example("调整2007\u3000年末")
@example("Open Government 信息 公开")
def test_despace_is_idempotent(text: str) -> None:
    once = despace(text)
    assert despace(once) == once
    assert once.replace(" ", "") == normalize_line(text).replace(" ", "")


@given(texts)
def test_title_segments_are_clean(text: str) -> None:
    for segment in title_segments(text):
        assert segment
        assert segment == normalize_line(segment)


@given(pieced_text)
def test_title_from_text_never_raises(text: str) -> None:
    title = title_from_text(text)
    assert title is None or (title and "\n" not in title)
