"""The compiled schema check (fastjsonschema) that the crawl runs on every record never
accepts a record the reference validator (jsonschema) rejects: on the sample site's real
records, and on those records with any one value, anywhere in them, replaced by something
else."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from functools import cache
from typing import Any

import fastjsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.items import DisclosureDocument
from crawler.offline import OfflinePipelines
from crawler.records import fast_record_check, record_validator
from sample_site.site import model
from tests.helpers import response_from_bytes


def _fast_accepts(record: dict[str, Any]) -> bool:
    try:
        fast_record_check()(record)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def _reference_accepts(record: dict[str, Any]) -> bool:
    return not any(True for _ in record_validator().iter_errors(record))


@cache
def _sample_records() -> tuple[dict[str, Any], ...]:
    site = model()
    pipelines = OfflinePipelines()
    records = []
    for doc in site.docs:
        resource = site.resources[doc.spec.path]
        url = f"http://127.0.0.1:8000{doc.spec.path}"
        response = response_from_bytes(resource.body, url=url, content_type=resource.content_type)
        item = DisclosureDocument.from_response(response)
        records.append(pipelines.process(item))
    return tuple(records)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a JSON value (dict keys, list indexes), the value itself first."""
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


def _replaced(record: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(record)
    node = changed
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return changed


def test_sample_records_pass_both_checks() -> None:
    records = _sample_records()
    assert any(record.get("report") for record in records), "the sample site has annual reports"
    for record in records:
        assert _reference_accepts(record), record["url"]
        assert _fast_accepts(record), record["url"]


# Values of every JSON type, and strings shaped like the schema's patterns and formats.
_ODD_VALUES = (None, True, 0, -1, 1.5, 10**12, "", "x", "2020-13-45", "2020-01-01",
               "2026-01-01T00:00:00Z", "a" * 64, [], [1], {}, {"unexpected": 1})  # fmt: skip


@pytest.mark.parametrize("value", _ODD_VALUES, ids=repr)
def test_no_single_replacement_passes_the_fast_check_only(value: Any) -> None:
    checked = 0
    for record in _sample_records()[:6]:
        for path in _paths(record):
            if not path:
                continue
            changed = _replaced(record, path, value)
            if not _reference_accepts(changed):
                assert not _fast_accepts(changed), (record["url"], path, value)
                checked += 1
    assert checked > 50  # the replacements do break records


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(st.data(), _JSON)
def test_arbitrary_replacements_agree_where_the_reference_rejects(
    data: st.DataObject, value: Any
) -> None:
    records = _sample_records()
    record = records[data.draw(st.integers(0, len(records) - 1))]
    paths = [path for path in _paths(record) if path]
    path = paths[data.draw(st.integers(0, len(paths) - 1))]
    changed = _replaced(record, path, value)
    if not _reference_accepts(changed):
        assert not _fast_accepts(changed)
