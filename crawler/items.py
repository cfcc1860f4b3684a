"""Items: the archived document record (public contract, schema version 1).

Field names listed in the foundation issue are fixed; fields may be added, never renamed
without bumping SCHEMA_VERSION. Working fields that must never reach the archive carry
``metadata={"internal": True}``; the archive writer and the JSON Schema leave them out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.http import Response

SCHEMA_VERSION = 1

_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"

_COUNT: dict[str, Any] = {"type": ["integer", "number", "null"]}
_COLUMNS = (
    "natural_person",
    "commercial",
    "research",
    "social_org",
    "legal_service",
    "other_org",
    "total",
)
_REQUEST_ROW: dict[str, Any] = {
    "type": "object",
    "properties": dict.fromkeys(_COLUMNS, _COUNT),
    "additionalProperties": _COUNT,
}
# Sub-rows of table 3's groups (the canonical keys of extraction/reports/canonical.py; a test
# keeps the two equal). Rows of a report's own, unknown to the template, keep their keys.
REQUEST_SUB_ROWS: dict[str, tuple[str, ...]] = {
    "denied": ("state_secret", "law_forbidden", "safety_stability", "third_party",
               "internal_affairs", "process_info", "enforcement_case", "admin_query"),
    "unable": ("no_info", "needs_creation", "unclear"),
    "not_processed": ("complaint", "repeated", "publication", "massive", "confirm"),
    "other": ("overdue_correction", "overdue_fee", "other"),
}  # fmt: skip
_REVIEW_BLOCK: dict[str, Any] = {
    "type": "object",
    "properties": dict.fromkeys(("upheld", "corrected", "other", "pending", "total"), _COUNT),
}
# The shape of ``report`` (extraction.reports.report.parse_report); keys of tables 2–4 are
# documented there and in extraction/reports/canonical.py.
REPORT_SCHEMA: dict[str, Any] = {
    "required": ["template", "sections", "figures", "checks", "notes"],
    "properties": {
        "template": {"enum": ["pre2019", "2019", "2021", None]},
        "sections": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["number", "title", "text"],
                "properties": {
                    "number": {"type": "integer", "minimum": 1},
                    "title": {"type": "string"},
                    "text": {"type": "string"},
                },
            },
        },
        # block (article20_1 …) → row → column → number; "units": "block.row.column" → unit.
        "proactive": {
            "type": ["object", "null"],
            "properties": {"units": {"type": "object", "additionalProperties": {"type": "string"}}},
            "additionalProperties": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "additionalProperties": {"type": ["number", "null"]},
                },
            },
        },
        "requests": {
            "type": ["object", "null"],
            "properties": {
                **dict.fromkeys(("new_received", "carried_over", "granted", "partially_granted", "total_processed", "carried_forward", "other_processing"), _REQUEST_ROW),
                **{group: {"type": "object", "properties": dict.fromkeys(subs, _REQUEST_ROW),
                           "additionalProperties": _REQUEST_ROW}
                   for group, subs in REQUEST_SUB_ROWS.items()},
            },
        },
        "reviews": {
            "type": ["object", "null"],
            "properties": dict.fromkeys(("reconsideration", "litigation_direct", "litigation_after_reconsideration"), _REVIEW_BLOCK),
        },
        "legacy_stats": {"type": ["object", "null"]},
        "tables_source": {"enum": ["html", "text", None]},
        "figures": {
            "type": "object",
            "required": ["requests_new", "reconsiderations", "lawsuits", "proactive_new"],
            "properties": {
                k: {"type": ["integer", "null"], "minimum": 0}
                for k in ("requests_new", "reconsiderations", "lawsuits", "proactive_new")
            },
        },
        "checks": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["rule", "ok", "detail"],
                "properties": {
                    "rule": {"type": "string"},
                    "ok": {"type": ["boolean", "null"]},
                    "detail": {"type": "string"},
                },
            },
        },
        "agency": {"type": ["string", "null"]},
        "region": {
            "type": ["object", "null"],
            "properties": {k: {"type": ["string", "null"]} for k in ("province", "city", "county", "code")},
        },
        "notes": {"type": "array", "items": {"type": "string"}},
    },
}  # fmt: skip
_SHA256 = r"^[0-9a-f]{64}$"
# extraction.files statuses (kept here so the schema does not import the file readers).
TEXT_STATUSES = (
    "ok", "no_text_layer", "unsupported", "encrypted", "malformed", "truncated", "too_large",
    "empty",
)  # fmt: skip
# One entry of ``attachments``: found by extraction ({url, name}), completed by the attachment
# stage (absent keys: not downloaded, e.g. offline extraction).
ATTACHMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["url", "name"],
    "properties": {
        "url": {"type": "string", "description": "Absolute URL as linked (fragment dropped)."},
        "name": {"type": "string", "description": "Link text, else title, else file name."},
        "sha256": {"type": ["string", "null"], "pattern": _SHA256,
                   "description": "SHA-256 of the downloaded bytes."},
        "bytes": {"type": ["integer", "null"], "minimum": 0},
        "media_type": {"type": ["string", "null"],
                       "description": "Sniffed from the bytes, else the Content-Type."},
        "stored_path": {"type": ["string", "null"],
                        "pattern": r"^files/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}\.[a-z0-9]{1,4}$",
                        "description": "Relative to the file store root (ARCHIVE_DIR)."},
        "text_chars": {"type": ["integer", "null"], "minimum": 0,
                       "description": "Characters of text extracted from the file."},
        "error": {"type": ["string", "null"],
                  "description": "Why the file is not stored (HTTP 404, timeout, too large …) "
                                 "or why its text could not be read (encrypted, malformed …)."},
        "text_status": {"enum": [*TEXT_STATUSES, None],
                        "description": "How reading the file's text went (extraction.files)."},
        "pages": {"type": ["integer", "null"], "minimum": 0,
                  "description": "Pages of a PDF or OFD file."},
    },
}  # fmt: skip


def _schema(**extra: Any) -> dict[str, Any]:
    return {"json_schema_extra": extra}


def _internal() -> dict[str, Any]:
    return {"internal": True}


@dataclass(kw_only=True)
class DisclosureDocument:
    """One document page of a disclosure directory, as fetched and as extracted."""

    schema_version: int = field(default=SCHEMA_VERSION, metadata=_schema(const=SCHEMA_VERSION))
    url: str = field(metadata=_schema(description="Final URL (after redirects)."))
    fetched_at: str = field(
        metadata=_schema(description="UTC fetch time, ISO 8601.", format="date-time")
    )
    http_status: int = field(
        metadata=_schema(
            description="HTTP status of the response; 0 when no page could be read.",
            minimum=0,
            maximum=599,
        )
    )
    content_sha256: str = field(
        metadata=_schema(description="SHA-256 of the raw response body.", pattern=_SHA256)
    )
    source_url: str | None = field(
        default=None, metadata=_schema(description="The list page the document was found on.")
    )
    canonical_url: str | None = field(
        default=None,
        metadata=_schema(description="URL used for de-duplication: no fragment or tracking query."),
    )
    content_type: str | None = None
    encoding: str | None = field(
        default=None, metadata=_schema(description="Charset the body was decoded with.")
    )
    title: str | None = None
    text: str = field(
        default="",
        metadata=_schema(description="Body text without page chrome; one paragraph per line."),
    )
    text_source: str = field(
        default="page",
        metadata=_schema(
            enum=["page", "attachment"],
            description="Where ``text`` comes from: the page body, or the attachments listed "
            "in ``text_source_urls`` (the page only points to them: 详见附件, or an annual "
            "report whose content is in the file).",
        ),
    )
    text_source_urls: list[str] = field(
        default_factory=list,
        metadata=_schema(
            description="URLs of the attachments whose text makes up ``text``, in order.",
            items={"type": "string"},
        ),
    )
    page_text: str | None = field(
        default=None,
        metadata=_schema(
            description="The page's own body text when ``text`` comes from attachments; absent "
            "otherwise."
        ),
    )
    title_original: str | None = field(
        default=None,
        metadata=_schema(
            description="Title before Traditional→Simplified conversion; absent when unchanged."
        ),
    )
    text_original: str | None = field(
        default=None,
        metadata=_schema(
            description="Body text before Traditional→Simplified conversion; absent when unchanged."
        ),
    )
    published_at: str | None = field(default=None, metadata=_schema(pattern=_ISO_DATE))
    publisher: str | None = None
    index_no: str | None = field(default=None, metadata=_schema(description="索引号"))
    doc_no: str | None = field(default=None, metadata=_schema(description="文号 / 发文字号"))
    meta: dict[str, str] = field(
        default_factory=dict,
        metadata=_schema(
            description="Every metadata label → value found: the page's metadata block "
            "(索引号, 发布机构 …) and its gov <meta> tags (ArticleTitle, PubDate …)."
        ),
    )
    site_name: str | None = None
    is_annual_report: bool = field(
        default=False, metadata=_schema(description="True only for 政府信息公开(工作)年度报告.")
    )
    report_year: int | None = field(
        default=None, metadata=_schema(description="Year the report covers.", minimum=1990)
    )
    attachments: list[dict[str, Any]] = field(
        default_factory=list,
        metadata=_schema(
            description="Files of the document (links, download servlets, viewer frames, "
            "script arrays), once each, in page order; after download with their content "
            "address in the file store (pipelines/attachments.py).",
            items=ATTACHMENT_SCHEMA,
        ),
    )
    report: dict[str, Any] | None = field(
        default=None,
        metadata=_schema(
            description="Annual reports only: the report as data (template, sections, tables "
            "2–4 in canonical keys, figures, arithmetic checks, agency, region, notes).",
            **REPORT_SCHEMA,
        ),
    )
    replacement_chars: int = field(
        default=0,
        metadata=_schema(
            description="U+FFFD characters in title and text: a decoding-quality signal.",
            minimum=0,
        ),
    )
    error: str | None = field(
        default=None,
        metadata=_schema(
            description="Why extraction failed (the record keeps what was fetched); absent "
            "when it succeeded."
        ),
    )

    version: int = field(
        default=1,
        metadata=_schema(
            description="1 for the first record of a document; each changed re-crawl adds 1 "
            "(crawler.incremental).",
            minimum=1,
        ),
    )
    previous_sha256: str | None = field(
        default=None,
        metadata=_schema(
            description="content_sha256 of the document's previous version; null for version 1.",
            pattern=_SHA256,
        ),
    )
    status: str = field(
        default="live",
        metadata=_schema(
            enum=["live", "gone"],
            description="live: fetched and archived; gone: a tombstone, the document now "
            "answers 404/410.",
        ),
    )
    last_seen: str | None = field(
        default=None,
        metadata=_schema(
            description="Tombstones only: when the document was last seen live (UTC).",
            format="date-time",
        ),
    )
    warc: dict[str, Any] | None = field(
        default=None,
        metadata=_schema(
            description="Where the response is captured (crawler.warc): the WARC file, the "
            "record's offset, WARC-Record-ID, WARC-Payload-Digest and WARC-Date.",
            type=["object", "null"],
            required=["filename", "offset", "record_id", "payload_digest"],
            properties={
                "filename": {"type": "string"},
                "offset": {"type": "integer", "minimum": 0},
                "record_id": {"type": "string"},
                "payload_digest": {"type": ["string", "null"]},
                "date": {"type": ["string", "null"]},
            },
        ),
    )
    parts: list[str] = field(
        default_factory=list,
        metadata=_schema(
            description="URLs of a multi-page document's further pages (TRS t…_1.html …), in "
            "order; their text is joined into ``text``."
        ),
    )

    # Working fields: never archived.
    html: str = field(default="", repr=False, metadata=_internal())
    # Decoded HTML of the further pages listed in ``parts``.
    html_parts: list[str] = field(default_factory=list, repr=False, metadata=_internal())
    # A document that is itself a file (a list row linking a PDF): its bytes, read by the
    # attachment stages instead of a second download.
    file_body: bytes = field(default=b"", repr=False, metadata=_internal())
    # What the incremental store keeps of the response: ETag, Last-Modified, the digest of
    # the payload as captured (crawler.incremental), and of the extracted content.
    validators: dict[str, str | None] = field(
        default_factory=dict, repr=False, metadata=_internal()
    )

    @staticmethod
    def now() -> str:
        return utc_now()

    @classmethod
    def from_response(cls, response: Response, source_url: str | None = None) -> DisclosureDocument:
        """Build the raw record the extraction pipelines fill in, from a fetched response."""
        headers = response.headers
        content_type = headers.get("Content-Type")
        text = getattr(response, "text", "")
        meta = response.meta if response.request is not None else {}
        # A replayed capture (crawler.replay) names the original; a live fetch its new one.
        warc = meta.get("warc") or meta.get("warc_replayed")
        return cls(
            url=response.url,
            source_url=source_url,
            # When the page was fetched: the capture's time (WARC-Date) when there is one, so
            # a replay of the capture (crawler.replay) gives the same time.
            fetched_at=_warc_time(warc),
            http_status=response.status,
            content_type=content_type.decode("latin-1") if content_type else None,
            encoding=getattr(response, "encoding", None),
            content_sha256=hashlib.sha256(response.body).hexdigest(),
            warc=dict(warc) if warc else None,
            html=text,
            validators={
                "etag": _header(headers, b"ETag"),
                "last_modified": _header(headers, b"Last-Modified"),
                "raw_sha256": meta.get("govarchive_raw_sha256"),
            },
        )

    @classmethod
    def from_file_response(
        cls,
        response: Response,
        *,
        source_url: str | None = None,
        title: str | None = None,
        published_at: str | None = None,
    ) -> DisclosureDocument:
        """A document that is a file (a list row linking straight to a PDF, DOCX …): the file
        is its own single attachment, and its text becomes the document's text downstream.
        ``title`` and ``published_at`` come from the list row, the only page that names it."""
        from extraction.attachments import file_name

        item = cls.from_response(response, source_url=source_url)
        item.html = ""
        item.encoding = None
        item.title = title or None
        item.published_at = published_at
        item.file_body = response.body
        item.attachments = [{"url": response.url, "name": title or file_name(response.url)}]
        return item


def _header(headers: Any, name: bytes) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1") if value else None


def _warc_time(warc: dict[str, Any] | None) -> str:
    """A WARC-Date (…T…Z, maybe with fractions) as the record's second-precision UTC time."""
    date = (warc or {}).get("date")
    if not date:
        return utc_now()
    return date.split(".")[0].rstrip("Z") + "Z"


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def record_field_names() -> list[str]:
    """Names of the fields that make up the archived record, in contract order."""
    return [f.name for f in fields(DisclosureDocument) if not f.metadata.get("internal")]


# Fields the archive omits when they hold None (absent rather than null in the record).
OMIT_WHEN_NONE = frozenset({"title_original", "text_original", "error", "page_text", "last_seen"})
