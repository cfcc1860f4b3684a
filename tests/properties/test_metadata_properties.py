"""Properties of the metadata reader (extraction.metadata): any lines and any <meta> tags read
without an exception, values are clean (and cleaning them again changes nothing), and a
printed ``label：value`` pair is read back whatever the spacing and colon."""

from __future__ import annotations

import html

from hypothesis import example, given
from hypothesis import strategies as st

from extraction.dates import parse_date
from extraction.html import parse_html
from extraction.metadata import (
    LABEL_TO_KEY,
    LABELS,
    MetadataBlock,
    clean_value,
    is_metadata_line,
    read_block,
    read_metadata,
)
from tests.properties.strategies import pieced_text, texts

labels = st.sampled_from(sorted(LABEL_TO_KEY))
line_lists = st.lists(st.one_of(texts, pieced_text), max_size=12)
GAPS = ("", " ", "\u3000", "\u00a0", "\u2002")
# Values each validator accepts, by key.
VALID = {
    "index_no": "11330000/2024-00001",
    "doc_no": "示政办〔2024〕1号",
    "publisher": "示例市人民政府办公室",
    "source": "示例市人民政府办公室",
    "title": "关于做好政府信息公开工作的通知",
    "published_block": "2024-01-05",
    "published_line": "2024-01-05",
    "written": "2023年12月29日",
    "revised": "2024-02-01",
}


@given(texts)
@example("（责任编辑：王某））")  # two closing brackets: each cleaning took one more
@example("示例市人民政府,）")  # a separator bared by the bracket's removal
@example("无）")  # an empty value behind a bracket
@example(" | ｜ ")
@example(" ,\x1c示例")  # whitespace bared by a separator's removal
def test_clean_value_is_clean_and_idempotent(value: str) -> None:
    cleaned = clean_value(value)
    if cleaned is None:
        return
    assert cleaned
    assert cleaned == cleaned.strip(" |｜丨,，;；")
    assert clean_value(cleaned) == cleaned


@given(line_lists)
def test_read_block_never_raises(lines: list[str]) -> None:
    pairs = read_block(lines)
    for pair in pairs:
        assert pair.key in LABELS
        assert 0 <= pair.line < len(lines)
        assert isinstance(pair.value, str)
        assert pair.label in LABEL_TO_KEY or any(
            label.endswith(pair.label) for label in LABEL_TO_KEY
        )
    block = MetadataBlock(pairs=pairs)
    for key in LABELS:
        value = block.first(key)
        assert value is None or clean_value(value) == value
    for key in ("published_block", "published_line", "written", "revised"):
        value = block.first(key)
        assert value is None or parse_date(value) is not None
    assert isinstance(block.as_dict(), dict)


@given(st.one_of(texts, pieced_text))
def test_is_metadata_line_never_raises(line: str) -> None:
    assert is_metadata_line(line) in (True, False)


@given(
    st.sampled_from(sorted(VALID)),
    st.data(),
    st.sampled_from(GAPS),
    st.sampled_from(["：", ":", " ：", "： "]),
)
def test_printed_pairs_read_back(key: str, data: st.DataObject, gap: str, colon: str) -> None:
    label = data.draw(st.sampled_from(LABELS[key]), label="label")
    spaced = gap.join(label)  # 索 引 号 (character-spaced labels)
    line = f"{spaced}{colon}{VALID[key]}"
    pairs = read_block([line])
    assert [(p.key, p.label) for p in pairs][:1] == [(key, label)]
    assert clean_value(pairs[0].value) == VALID[key]
    assert MetadataBlock(pairs=pairs).first(key) == VALID[key]


@given(st.sampled_from(sorted(VALID)), st.data())
def test_label_and_value_in_two_cells(key: str, data: st.DataObject) -> None:
    label = data.draw(st.sampled_from(LABELS[key]), label="label")
    pairs = read_block([f"{label}：", VALID[key]])
    found = MetadataBlock(pairs=pairs).first(key)
    assert found == VALID[key] or (found is None and len(VALID[key]) > 80)


@given(st.dictionaries(st.text(min_size=1, max_size=20), texts, max_size=6))
def test_meta_tags_never_raise(tags: dict[str, str]) -> None:
    head = "".join(
        f'<meta name="{html.escape(name)}" content="{html.escape(content)}">'
        for name, content in tags.items()
    )
    root = parse_html(f"<html><head>{head}</head><body><p>正文</p></body></html>")
    block = read_metadata(root, ["发布日期：2024-01-05"])
    for name, content in block.meta_tags.items():
        assert name == name.strip()
        assert content
        assert len(content) <= 1000
        assert block.tag(name) is not None
