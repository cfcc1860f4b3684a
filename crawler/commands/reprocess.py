"""``scrapy reprocess``: run a captured crawl again from its WARC files, with no network.

    scrapy reprocess PATH [--archive-dir DIR] [--spider NAME] [-a NAME=VALUE …]

PATH is a ``.warc.gz`` file or a folder of them (``ARCHIVE_DIR/warc`` holds every run's).
The spider and its arguments (start URLs, allowed hosts) come from the first file's warcinfo
record unless given. The crawl runs exactly as it ran live — same spider, same extraction and
pipelines, attachments included — but every request is answered from the captures
(crawler.replay: a URL never captured answers 404), nothing is captured again, and the
incremental store is not consulted: the result is a complete new archive of what was captured,
under ``DIR`` (default ``ARCHIVE_DIR/reprocessed``). Records carry the original captures'
``warc`` references and fetch times. This is how an improved extractor re-reads old captures.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError
from scrapy.utils.conf import arglist_to_dict

from crawler.replay import warc_files
from crawler.warc import read_warcinfo

# A replay answers from disk: no politeness delays, many requests at once.
REPLAY_SETTINGS: dict[str, Any] = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "GOVARCHIVE_RETRY_BACKOFF_BASE": 0,
    "GOVARCHIVE_INCREMENTAL_ENABLED": False,
    "GOVARCHIVE_WARC_ENABLED": False,
}


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = True
    default_settings: ClassVar[dict[str, Any]] = {"LOG_LEVEL": "INFO"}

    def syntax(self) -> str:
        return "PATH [--archive-dir DIR] [--spider NAME] [-a NAME=VALUE ...]"

    def short_desc(self) -> str:
        return "Re-run a crawl's extraction and pipelines from its WARC captures (offline)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--archive-dir", dest="archive_dir", help="where the new archive goes")
        parser.add_argument("--spider", help="spider to run (default: the capture's)")
        parser.add_argument(
            "-a", dest="spargs", action="append", default=[], metavar="NAME=VALUE",
            help="spider argument (default: the capture's start URLs and allowed hosts)",
        )  # fmt: skip

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        super().process_options(args, opts)
        try:
            opts.spargs = arglist_to_dict(opts.spargs)
        except ValueError as exc:
            raise UsageError("invalid -a value, use -a NAME=VALUE", print_help=False) from exc

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        assert self.crawler_process is not None
        if len(args) != 1:
            raise UsageError("give one WARC file or folder")
        source = Path(args[0]).resolve()
        files = warc_files(source) if source.exists() else []
        if not files:
            raise UsageError(f"no WARC files at {source}")
        info = read_warcinfo(files[0])
        spider = opts.spider or info.get("spider")
        if not spider:
            raise UsageError(f"{files[0]} names no spider in its warcinfo: give --spider")
        arguments = json.loads(info.get("spider-arguments") or "{}") if not opts.spargs else {}
        arguments.update(opts.spargs)
        archive_dir = opts.archive_dir or str(
            Path(self.settings.get("ARCHIVE_DIR", "archive")) / "reprocessed"
        )
        for name, value in {
            **REPLAY_SETTINGS,
            "GOVARCHIVE_REPLAY_WARC": str(source),
            "ARCHIVE_DIR": archive_dir,
        }.items():
            self.settings.set(name, value, priority="cmdline")
        crawler = self.crawler_process.create_crawler(spider)
        self.crawler_process.crawl(crawler, **arguments)
        self.crawler_process.start()
        path = crawler.stats.get_value("govarchive/archive/path") if crawler.stats else None
        if path:
            print(path)  # the command's output: where the new archive is
        else:
            self.exitcode = 1
