"""Shared test helpers: responses from raw bytes, and the shared real-page corpus."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request, Response

from crawler.middlewares import repair_text_response

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def response_from_bytes(
    body: bytes,
    url: str = "http://127.0.0.1/index.html",
    content_type: str | None = "text/html; charset=utf-8",
    *,
    repair: bool = True,
    meta: dict[str, Any] | None = None,
) -> Response:
    """An HtmlResponse exactly as the downloader would hand it over (charset repair included)."""
    headers = {"Content-Type": content_type} if content_type else {}
    request = Request(url, meta=meta or {})
    response: Response = HtmlResponse(url=url, body=body, headers=headers, request=request)
    if repair:
        response, _ = repair_text_response(response)
    return response


def fixture_response(relpath: str, **kwargs: Any) -> Response:
    """Response for ``tests/fixtures/<relpath>``; URL and Content-Type come from ``<relpath>.json``."""
    path = FIXTURES / relpath
    info = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
    return response_from_bytes(
        path.read_bytes(), url=info["url"], content_type=info.get("content_type"), **kwargs
    )


@dataclass(frozen=True)
class CorpusPage:
    slug: str
    url: str | None
    content_type: str
    page_type: str
    gold: dict[str, Any]
    notes: str
    # A document file of ``attachments/`` (the real PDF report) rather than a page of ``pages/``.
    file: str | None = None

    @property
    def path(self) -> Path:
        if self.file is not None:
            return CORPUS / "attachments" / self.file
        return CORPUS / "pages" / f"{self.slug}.html"

    def body(self) -> bytes:
        return self.path.read_bytes()

    def response(self, **kwargs: Any) -> Response:
        url = self.url or f"http://corpus.invalid/{self.slug}.html"
        return response_from_bytes(self.body(), url=url, content_type=self.content_type, **kwargs)


def require_corpus() -> None:
    if not (CORPUS / "index.jsonl").is_file():
        pytest.skip(f"shared corpus not found at {CORPUS} (it lives beside the project, ../shared)")


@cache
def corpus_pages() -> tuple[CorpusPage, ...]:
    """Every page of ../shared/corpus, or () when the corpus is absent."""
    index = CORPUS / "index.jsonl"
    if not index.is_file():
        return ()
    pages = []
    for line in index.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        pages.append(
            CorpusPage(
                slug=entry["slug"],
                url=entry.get("url"),
                content_type=entry["http_content_type"],
                page_type=entry["page_type"],
                gold=entry["gold"],
                notes=entry.get("notes", ""),
            )
        )
    return tuple(pages)


def corpus_attachments() -> tuple[CorpusPage, ...]:
    """The document files of ../shared/corpus/attachments (each ``<name>.json`` beside its file,
    with the same gold keys as a page), or () when absent."""
    folder = CORPUS / "attachments"
    if not folder.is_dir():
        return ()
    files = []
    for meta_path in sorted(folder.glob("*.json")):
        entry = json.loads(meta_path.read_text(encoding="utf-8"))
        if not (folder / entry["file"]).is_file():
            continue
        files.append(
            CorpusPage(
                slug=meta_path.stem,
                url=entry.get("url"),
                content_type=entry["http_content_type"],
                page_type=entry["page_type"],
                gold=entry["gold"],
                notes=entry.get("notes", ""),
                file=entry["file"],
            )
        )
    return tuple(files)


def corpus_params(*page_types: str) -> list[Any]:
    """pytest params over corpus pages of the given types; one skipping param if absent."""
    pages = [p for p in corpus_pages() if not page_types or p.page_type in page_types]
    if not pages:
        return [
            pytest.param(
                None, marks=pytest.mark.skip(reason=f"shared corpus not found at {CORPUS}")
            )
        ]
    return [pytest.param(p, id=p.slug) for p in pages]
