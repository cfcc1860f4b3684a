"""The archived record: item → JSON-ready dict, and the committed JSON Schema that describes it.

The schema is generated from ``DisclosureDocument`` with ``ItemAdapter.get_json_schema`` and
committed as ``crawler/schemas/record-v1.json``; a test keeps the two equal, so a change to the
contract shows up in review. Regenerate with ``python -m crawler.records > crawler/schemas/record-v1.json``.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter

from crawler.items import OMIT_WHEN_NONE, SCHEMA_VERSION, DisclosureDocument, record_field_names

SCHEMA_PATH = Path(__file__).parent / "schemas" / f"record-v{SCHEMA_VERSION}.json"


def to_record(item: Any) -> dict[str, Any]:
    """The public record of an item: contract fields only, in contract order."""
    adapter = ItemAdapter(item)
    record: dict[str, Any] = {}
    for name in record_field_names():
        if name not in adapter:
            continue
        value = adapter[name]
        if value is None and name in OMIT_WHEN_NONE:
            continue
        record[name] = value
    return record


def build_schema() -> dict[str, Any]:
    """JSON Schema of the record, derived from the item class."""
    generated = ItemAdapter.get_json_schema(DisclosureDocument)
    names = record_field_names()
    properties = {name: generated["properties"][name] for name in names}
    for prop in properties.values():
        prop.pop("default", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://govarchive.invalid/schemas/record-v{SCHEMA_VERSION}.json",
        "title": "Government disclosure document record",
        "description": DisclosureDocument.__doc__,
        "type": "object",
        "additionalProperties": False,
        "required": [name for name in names if name not in OMIT_WHEN_NONE],
        "properties": properties,
    }


@cache
def load_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def record_validator() -> Any:
    """The reference validator (jsonschema, Draft 2020-12): lists every error of a record."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def fast_record_check() -> Any:
    """The schema compiled by fastjsonschema: ``check(record)`` returns or raises
    ``fastjsonschema.JsonSchemaException`` at the first error.

    The schema uses only keywords that Draft 7 and Draft 2020-12 read alike (type, enum,
    const, properties, required, additionalProperties, items, anyOf, minimum/maximum,
    pattern, format), so it is compiled as Draft 7. It may reject what the reference accepts
    (it checks ``date-time`` formats, which jsonschema skips without rfc3339-validator); a
    rejected record is always judged again by the reference, so only its verdict counts."""
    import fastjsonschema

    schema = {**load_schema(), "$schema": "http://json-schema.org/draft-07/schema#"}
    return fastjsonschema.compile(schema)


if __name__ == "__main__":
    print(json.dumps(build_schema(), ensure_ascii=False, indent=2))
