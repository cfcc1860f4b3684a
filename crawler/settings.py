"""Scrapy settings for the government-disclosure crawler and archive.

Numbers an operator may tune are read from the environment (GOVARCHIVE_* or the Scrapy name),
so a cron line or a scheduler can change them without editing this file; `-s NAME=value`
on the command line overrides both. Project components use the GOVARCHIVE_ prefix; the
archive location keeps the name the record contract gives it, ARCHIVE_DIR.
"""

from __future__ import annotations

import os

from crawler.items import record_field_names


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default)


BOT_NAME = "govarchive"

SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
COMMANDS_MODULE = "crawler.commands"

# Identify ourselves honestly: government webmasters block anonymous scrapers first.
USER_AGENT = _env(
    "GOVARCHIVE_USER_AGENT",
    "govarchive/0.1 (+https://github.com/govarchive/govarchive; research archive of "
    "政府信息公开 pages)",
)

# Politeness ---------------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = int(_env("CONCURRENT_REQUESTS", "16"))
CONCURRENT_REQUESTS_PER_DOMAIN = int(_env("CONCURRENT_REQUESTS_PER_DOMAIN", "2"))
DOWNLOAD_DELAY = float(_env("DOWNLOAD_DELAY", "0"))
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = float(_env("AUTOTHROTTLE_START_DELAY", "1.0"))
AUTOTHROTTLE_MAX_DELAY = float(_env("AUTOTHROTTLE_MAX_DELAY", "30.0"))
AUTOTHROTTLE_TARGET_CONCURRENCY = float(_env("AUTOTHROTTLE_TARGET_CONCURRENCY", "1.0"))

# Bounds of one crawl ------------------------------------------------------------------------
DEPTH_LIMIT = int(_env("DEPTH_LIMIT", "8"))
# Page budget: the crawl stops after this many responses (0 = unlimited).
CLOSESPIDER_PAGECOUNT = int(_env("CLOSESPIDER_PAGECOUNT", "5000"))
DOWNLOAD_TIMEOUT = int(_env("DOWNLOAD_TIMEOUT", "30"))
DOWNLOAD_MAXSIZE = int(_env("DOWNLOAD_MAXSIZE", str(32 * 1024 * 1024)))
DOWNLOAD_WARNSIZE = int(_env("DOWNLOAD_WARNSIZE", str(8 * 1024 * 1024)))

# Failures -----------------------------------------------------------------------------------
RETRY_ENABLED = True
RETRY_TIMES = int(_env("RETRY_TIMES", "3"))
RETRY_HTTP_CODES = [500, 502, 503, 504, 520, 522, 524, 408, 429]

# Pipeline order, in spaced bands (each stage is one module of pipelines/):
#   100 dedupe by canonical URL   200 extract body + metadata   250 download attachments
#   260 attachment text           300 normalize text             400 annual-report recognition
#   800 schema validation         900 JSON Lines archive
ITEM_PIPELINES = {
    "pipelines.dedupe.CanonicalUrlDedupePipeline": 100,
    "pipelines.extract.ExtractPipeline": 200,
    # Fetches the files extraction found (attachments) into ARCHIVE_DIR/files/, by content.
    "pipelines.attachments.AttachmentsPipeline": 250,
    # Reads the stored files' text; a page that only points to its files takes their text.
    "pipelines.attachment_text.AttachmentTextPipeline": 260,
    "pipelines.normalize.NormalizePipeline": 300,
    "pipelines.annual.AnnualReportPipeline": 400,
    "pipelines.validate.SchemaValidationPipeline": 800,
    # Versions: an unchanged document is dropped, a changed one numbered (crawler.incremental).
    "pipelines.incremental.IncrementalPipeline": 850,
    "pipelines.archive.JsonLinesArchivePipeline": 900,
    # The store learns the version the archive now holds.
    "pipelines.incremental.StateCommitPipeline": 910,
}

DOWNLOADER_MIDDLEWARES = {
    # Re-decode bodies whose declared charset is wrong (header says utf-8, bytes are GBK).
    # Sits before HttpCompressionMiddleware (590) in process_response order, i.e. sees the
    # decompressed body.
    "crawler.middlewares.CharsetRepairMiddleware": 580,
    # Retries wait (exponential backoff with jitter, Retry-After honoured) instead of going
    # straight back: the subclass takes the stock RetryMiddleware's place (550), so it still
    # sees responses after decompression, charset repair and redirects.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.retry.BackoffRetryMiddleware": 550,
    # A redirect back to a URL of its own chain (a -> b -> a) ends as a counted, logged
    # failure instead of vanishing in the dupe filter: it must see 3xx answers before
    # RedirectMiddleware (600) does, so its priority is above 600.
    "crawler.middlewares.RedirectLoopMiddleware": 610,
    # Conditional requests for documents the archive holds; 304 or the same bytes end the
    # request as unchanged (crawler.incremental). Inside the WARC capture: it sees raw bytes.
    "crawler.incremental.ConditionalRequestMiddleware": 940,
    # Every exchange as WARC records, before redirects and decompression: what was served.
    "crawler.warc.WarcCaptureMiddleware": 950,
}
# The crawl-state store's lifecycle, commits and end-of-crawl re-checks (crawler.incremental).
EXTENSIONS = {"crawler.incremental.IncrementalExtension": 500}
# GOVARCHIVE_REPLAY_WARC set: answer every request from those WARC captures (crawler.replay).
# REDIS_URL set: the shared Redis frontier of distributed workers (crawler.distributed).
ADDONS = {"crawler.replay.ReplayAddon": 0, "crawler.distributed.DistributedAddon": 10}
# Backoff before the n-th retry of a request: min(MAX, BASE * 2**(n-1)) * uniform(0.5, 1.5)
# seconds; a Retry-After header on 429/503 (capped at MAX) is a floor. BASE 0 = no wait.
GOVARCHIVE_RETRY_BACKOFF_BASE = float(_env("GOVARCHIVE_RETRY_BACKOFF_BASE", "1.0"))
GOVARCHIVE_RETRY_BACKOFF_MAX = float(_env("GOVARCHIVE_RETRY_BACKOFF_MAX", "30.0"))

# Scope: besides the start URLs' own hosts, hosts matching these fnmatch patterns are crawled
# (e.g. ["*.pingtan.gov.cn"]). Comma-separated in the environment.
GOVARCHIVE_ALLOWED_HOSTS = [p for p in _env("GOVARCHIVE_ALLOWED_HOSTS", "").split(",") if p]

# Archive ------------------------------------------------------------------------------------
ARCHIVE_DIR = _env("ARCHIVE_DIR", "archive")
# Query parameters dropped from URLs before de-duplication (exact names or trailing-* prefixes).
GOVARCHIVE_TRACKING_PARAMS = [
    "utm_*",
    "spm",
    "from",
    "isappinstalled",
    "share",
    "share_token",
    "fbclid",
    "gclid",
    "_t",
    "timestamp",
]
# Attachments (pipelines/attachments.py) -----------------------------------------------------
# Off: attachments stay {url, name} entries, nothing is downloaded (NotConfigured).
GOVARCHIVE_ATTACHMENTS_ENABLED = _env("GOVARCHIVE_ATTACHMENTS_ENABLED", "1").lower() not in (
    "0", "false", "no"
)  # fmt: skip
# Root of the file store; attachments go to <root>/files/ab/cd/<sha256><ext>. Empty: ARCHIVE_DIR.
# A directory or any FilesPipeline store URI (s3://bucket/prefix, gs://…, ftp://…).
GOVARCHIVE_FILES_STORE = _env("GOVARCHIVE_FILES_STORE", "")
# Largest attachment downloaded (bytes); a bigger one is recorded with a "too large" error.
GOVARCHIVE_ATTACHMENT_MAXSIZE = int(_env("GOVARCHIVE_ATTACHMENT_MAXSIZE", str(50 * 1024 * 1024)))
# Most attachments downloaded per document (the rest are listed with an error; 0 = no cap).
GOVARCHIVE_MAX_ATTACHMENTS = int(_env("GOVARCHIVE_MAX_ATTACHMENTS", "50"))
# Seconds one attachment download may take (DOWNLOAD_TIMEOUT is for pages).
GOVARCHIVE_ATTACHMENT_TIMEOUT = float(_env("GOVARCHIVE_ATTACHMENT_TIMEOUT", "180"))

# Attachment text (pipelines/attachment_text.py): off, entries keep text_chars None.
GOVARCHIVE_ATTACHMENT_TEXT_ENABLED = _env("GOVARCHIVE_ATTACHMENT_TEXT_ENABLED", "1").lower() not in (
    "0", "false", "no"
)  # fmt: skip
# Pages of a PDF read for its text (a 600-page gazette is cut here, with a note).
GOVARCHIVE_ATTACHMENT_MAX_PAGES = int(_env("GOVARCHIVE_ATTACHMENT_MAX_PAGES", "200"))
# Read files in worker threads, off the crawl's event loop.
GOVARCHIVE_ATTACHMENT_TEXT_THREADED = True

# WARC capture (crawler/warc.py): files under GOVARCHIVE_WARC_DIR (empty: ARCHIVE_DIR/warc),
# rotated past GOVARCHIVE_WARC_MAX_BYTES.
GOVARCHIVE_WARC_ENABLED = _env("GOVARCHIVE_WARC_ENABLED", "1").lower() not in ("0", "false", "no")
GOVARCHIVE_WARC_DIR = _env("GOVARCHIVE_WARC_DIR", "")
GOVARCHIVE_WARC_MAX_BYTES = int(_env("GOVARCHIVE_WARC_MAX_BYTES", str(1 << 30)))
# Replay instead of the network: a WARC file or folder (crawler/replay.py). Empty: live.
GOVARCHIVE_REPLAY_WARC = _env("GOVARCHIVE_REPLAY_WARC", "")
# Incremental re-crawls (crawler/incremental.py): the store is GOVARCHIVE_STATE_DIR/<spider>.sqlite
# (empty: ARCHIVE_DIR/state); RECHECK re-requests known documents the lists no longer link.
GOVARCHIVE_INCREMENTAL_ENABLED = _env("GOVARCHIVE_INCREMENTAL_ENABLED", "1").lower() not in (
    "0", "false", "no"
)  # fmt: skip
GOVARCHIVE_STATE_DIR = _env("GOVARCHIVE_STATE_DIR", "")
GOVARCHIVE_INCREMENTAL_RECHECK = True

# Extraction in worker processes (pipelines/extract.py, crawler/workers.py): empty = one per
# core; 0 = in the crawl's own process. A page taking longer than the timeout is archived
# with an error (its worker is replaced).
GOVARCHIVE_EXTRACT_WORKERS = _env("GOVARCHIVE_EXTRACT_WORKERS", "")
GOVARCHIVE_EXTRACT_TIMEOUT = float(_env("GOVARCHIVE_EXTRACT_TIMEOUT", "120"))

# Drop records that fail the JSON Schema instead of archiving them flagged.
GOVARCHIVE_VALIDATION_DROP = False
GOVARCHIVE_OPENCC_CONFIG = "t2s"

FEED_EXPORT_ENCODING = "utf-8"
# Feed exports (scrapy crawl -O out.jsonl) write the record's fields, never the working ones
# (raw HTML, a file document's bytes).
FEED_EXPORT_FIELDS = record_field_names()
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_LEVEL = _env("LOG_LEVEL", "INFO")

# Spider middlewares -------------------------------------------------------------------------
# Pagination (TRS pager pages, 下一页 chains) keeps its list page's depth, so DEPTH_LIMIT
# bounds how far the crawl wanders from the directory, not how many pages a column has.
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "crawler.spidermiddlewares.PaginationDepthMiddleware": 900,
    # Crawler traps (crawler/traps.py): session ids rewritten; growing URLs, site search,
    # endless calendars and self-multiplying URL shapes dropped. Spider output runs through
    # the middlewares from the highest number down, so 950 sees requests before the depth
    # middleware (900) and UrlLengthMiddleware (800): a dropped trap never enters the depth
    # stats or the depth limit's ignored count, and a session-id rewrite is what depth, the
    # scheduler and the dupefilter see.
    "crawler.traps.TrapMiddleware": 950,
}
# Most pages of one list column the spider requests (pager pages and 下一页 links alike);
# the rest are cut and counted as govarchive/pagination/cut. 0 = no cap.
GOVARCHIVE_MAX_LIST_PAGES = int(_env("GOVARCHIVE_MAX_LIST_PAGES", "500"))

# Crawler traps (crawler/traps.py) ------------------------------------------------------------
# Off: no trap detection (the middleware raises NotConfigured).
GOVARCHIVE_TRAPS_ENABLED = _env("GOVARCHIVE_TRAPS_ENABLED", "1").lower() not in ("0", "false", "no")
# Longest URL requested (characters, percent-decoded); longer ones are growing_url traps.
GOVARCHIVE_TRAP_MAX_URL_LENGTH = int(_env("GOVARCHIVE_TRAP_MAX_URL_LENGTH", "300"))
# Most query parameters a requested URL may have (0 = no limit).
GOVARCHIVE_TRAP_MAX_QUERY_PARAMS = int(_env("GOVARCHIVE_TRAP_MAX_QUERY_PARAMS", "15"))
# Most distinct URLs of one host+URL shape that varies only by date parts (an endless
# calendar): 24 months, or 24 years of a year filter (0 = no limit).
GOVARCHIVE_TRAP_CALENDAR_LIMIT = int(_env("GOVARCHIVE_TRAP_CALENDAR_LIMIT", "24"))
# Calendar-like URLs naming a date before this year (or over a year ahead) are dropped.
GOVARCHIVE_TRAP_CALENDAR_MIN_YEAR = int(_env("GOVARCHIVE_TRAP_CALENDAR_MIN_YEAR", "1990"))
# Most distinct URLs of one host+URL shape linked from pages of that same shape (0 = no cap).
GOVARCHIVE_TRAP_TEMPLATE_LIMIT = int(_env("GOVARCHIVE_TRAP_TEMPLATE_LIMIT", "2000"))
# Session query parameters removed from URLs (fnmatch patterns; sid only when token-like).
GOVARCHIVE_TRAP_SESSION_PARAMS = [
    "jsessionid",
    "phpsessid",
    "sessionid",
    "session_id",
    "sessid",
    "aspsessionid*",
    "sid",
]

# --- Distributed crawling (crawler/distributed.py) -------------------------------------------
# Set (redis://host:6379/0): every spider runs as one of N workers, on any machines, sharing one
# frontier, dupefilter, archive claims and crawl-state store in that Redis server (scrapy-redis;
# DistributedAddon). Empty: the single-process crawl, no server. From the environment only as
# GOVARCHIVE_REDIS_URL (a REDIS_URL some other tool exported must not turn a crawl distributed).
REDIS_URL = _env("GOVARCHIVE_REDIS_URL", "")
# This worker's id in file names (JSON Lines, WARC) and Redis keys; unique per worker process.
# Empty: <hostname>-<pid> when distributed, none otherwise. A worker restarted with its old id
# takes its unfinished requests back at once (others wait for its heartbeat to expire).
GOVARCHIVE_WORKER_ID = _env("GOVARCHIVE_WORKER_ID", "")
# A worker exits once the shared frontier (queued and in-flight requests) stayed empty this long.
GOVARCHIVE_REDIS_IDLE_CLOSE = float(_env("GOVARCHIVE_REDIS_IDLE_CLOSE", "30"))
# Heartbeat period, and how long a silent worker counts as alive before other workers put its
# in-flight requests back into the frontier (seconds).
GOVARCHIVE_REDIS_HEARTBEAT = float(_env("GOVARCHIVE_REDIS_HEARTBEAT", "5"))
GOVARCHIVE_REDIS_HEARTBEAT_TIMEOUT = float(_env("GOVARCHIVE_REDIS_HEARTBEAT_TIMEOUT", "30"))
# How often an idle worker asks the frontier for requests other workers found (seconds).
GOVARCHIVE_REDIS_POLL = float(_env("GOVARCHIVE_REDIS_POLL", "0.5"))
# Prefix of every Redis key (<prefix>:<spider>:…): several crawls may share one server.
GOVARCHIVE_REDIS_PREFIX = _env("GOVARCHIVE_REDIS_PREFIX", "govarchive")
# Seconds a finished batch's archive claims are kept (a killed worker's run file recovered
# later is still checked against them).
GOVARCHIVE_REDIS_CLAIMS_TTL = int(_env("GOVARCHIVE_REDIS_CLAIMS_TTL", str(7 * 24 * 3600)))
