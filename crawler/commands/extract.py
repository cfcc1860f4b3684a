"""``scrapy extract``: the crawl's extraction and pipelines on saved pages, offline.

    scrapy extract --url URL [--content-type CT] FILE
    scrapy extract --batch LIST.jsonl

Prints one JSON record per page on stdout (logs go to stderr). In batch mode LIST.jsonl holds
lines of ``{"path": …, "url": …, "content_type": …}`` (``content_type`` may be null: the page
is then decoded from its BOM, <meta> and bytes); records come out in input order, and a page
that fails yields a record with an ``error`` field instead of stopping the batch.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.offline import OfflinePipelines, document_from_file, error_record


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "WARNING"}

    def syntax(self) -> str:
        return "--url URL [--content-type CT] FILE | --batch LIST.jsonl"

    def short_desc(self) -> str:
        return "Run extraction and the item pipelines on saved pages; print JSON records"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--url", help="the page's URL (resolves its links, names the record)")
        parser.add_argument(
            "--content-type",
            dest="content_type",
            help="Content-Type the server sent, e.g. 'text/html; charset=gbk' (default: none, "
            "decode from BOM/<meta>/bytes)",
        )
        parser.add_argument(
            "--title", help="a document file's title (a list row's text; pages have their own)"
        )
        parser.add_argument("--batch", help="JSON Lines file of {path, url, content_type[, title]}")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if opts.batch:
            if args:
                raise UsageError("give either --batch LIST or one FILE, not both")
            jobs = list(_read_batch(Path(opts.batch)))
        else:
            if len(args) != 1 or not opts.url:
                raise UsageError("give --url URL and one FILE (or --batch LIST.jsonl)")
            jobs = [
                {
                    "path": args[0],
                    "url": opts.url,
                    "content_type": opts.content_type,
                    "title": opts.title,
                }
            ]
        pipelines = OfflinePipelines(self.settings)
        failed = 0
        for job in jobs:
            record = _process(pipelines, job)
            failed += "error" in record
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        if not opts.batch and failed:
            self.exitcode = 1


def _process(pipelines: OfflinePipelines, job: dict[str, Any]) -> dict[str, Any]:
    url = job.get("url") or ""
    if "error" in job:
        return error_record(url, job["error"])
    try:
        item = document_from_file(
            Path(job["path"]), url, job.get("content_type"), title=job.get("title")
        )
    except (OSError, ValueError) as exc:
        return error_record(url, f"cannot read {job.get('path')}: {exc}")
    return pipelines.process(item)


def _read_batch(listing: Path) -> Any:
    """Jobs of a batch file; relative paths are relative to the working directory, else to
    the list file's folder. A malformed line becomes a job that reports its error."""
    try:
        lines = listing.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read batch list {listing}: {exc}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            job = json.loads(line)
            path = Path(job["path"])
        except (ValueError, KeyError, TypeError) as exc:
            yield {"url": "", "error": f"{listing}:{number}: bad batch line: {exc}"}
            continue
        if not path.is_absolute() and not path.exists():
            path = listing.parent / path
        yield {**job, "path": str(path)}
