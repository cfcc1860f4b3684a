"""The record contract: the committed JSON Schema is the one the item class generates."""

from __future__ import annotations

import json

from crawler.items import SCHEMA_VERSION, DisclosureDocument
from crawler.records import SCHEMA_PATH, build_schema, load_schema, record_validator, to_record

# Field names fixed by the foundation issue (record contract, version 1).
CONTRACT_V1 = {
    "schema_version", "url", "source_url", "fetched_at", "http_status", "content_type",
    "encoding", "content_sha256", "title", "text", "text_original", "published_at",
    "publisher", "index_no", "doc_no", "meta", "site_name", "is_annual_report", "report_year",
    "attachments", "replacement_chars",
}  # fmt: skip


def test_committed_schema_matches_the_item_class() -> None:
    committed = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert committed == build_schema(), (
        "crawler/schemas/record-v1.json is stale: python -m crawler.records > " + str(SCHEMA_PATH)
    )


def test_contract_fields_are_all_there() -> None:
    assert set(load_schema()["properties"]) >= CONTRACT_V1
    assert load_schema()["properties"]["schema_version"]["const"] == SCHEMA_VERSION == 1


def _record(**fields: object) -> dict:
    base = DisclosureDocument(
        url="http://x.gov.cn/a.html",
        fetched_at="2026-01-01T00:00:00Z",
        http_status=200,
        content_sha256="a" * 64,
        html="<p>internal</p>",
    )
    for key, value in fields.items():
        setattr(base, key, value)
    return to_record(base)


def test_a_full_record_validates_and_omits_internal_and_empty_optional_fields() -> None:
    record = _record(title="t", published_at="2020-01-02", report_year=2019, is_annual_report=True)
    assert "html" not in record
    assert "text_original" not in record
    assert "error" not in record
    assert not list(record_validator().iter_errors(record))


def test_schema_rejects_what_the_contract_forbids() -> None:
    validator = record_validator()
    bad = [
        _record(published_at="2020年1月2日"),
        _record(content_sha256="not-a-hash"),
        _record(schema_version=2),
        {**_record(), "unknown_field": 1},
        {k: v for k, v in _record().items() if k != "title"},
        _record(attachments=[{"url": "http://x/a.pdf"}]),
    ]
    for record in bad:
        assert list(validator.iter_errors(record)), record


def test_schema_names_table_3_sub_rows_as_the_report_parser_does() -> None:
    from crawler.items import REQUEST_SUB_ROWS
    from extraction.reports.canonical import REQUEST_SUB_ROWS as PARSER_SUB_ROWS

    assert REQUEST_SUB_ROWS == PARSER_SUB_ROWS
    groups = load_schema()["properties"]["report"]["properties"]["requests"]["properties"]
    for group, subs in PARSER_SUB_ROWS.items():
        assert set(groups[group]["properties"]) == set(subs)


def test_schema_rejects_a_proactive_cell_that_is_not_a_number() -> None:
    report = {"template": "2021", "sections": [], "checks": [], "notes": [],
              "figures": dict.fromkeys(("requests_new", "reconsiderations", "lawsuits", "proactive_new")),
              "proactive": {"article20_1": {"regulations": {"issued": "三"}}}}  # fmt: skip
    record = _record(is_annual_report=True, report=report)
    assert list(record_validator().iter_errors(record))
    report["proactive"]["article20_1"]["regulations"]["issued"] = 3
    assert not list(record_validator().iter_errors(_record(is_annual_report=True, report=report)))
