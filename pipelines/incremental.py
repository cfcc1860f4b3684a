"""Versions: a document already archived is archived again only when its content changed.

Runs after validation, right before the archive (850). With the crawl-state store
(crawler.state, opened by crawler.incremental):

- a document the store does not know is version 1;
- a known document whose extracted content is the same as last time (title, text, dates,
  publisher, 索引号, 文号, metadata, attachments by their digests) is dropped: no new record
  (a page whose bytes change on every visit — a visit counter, a token — is not a new
  version); its ``last_seen`` moves on;
- otherwise the record gets ``version`` = last version + 1 and ``previous_sha256`` = the last
  version's ``content_sha256``;
- a tombstone (``status: "gone"``, from the spider) of a live document gets the next version.

``StateCommitPipeline`` (910, right after the archive) writes the archived version into the
store.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

from crawler.incremental import commit, content_digest, crawl_state, precise_now
from crawler.urls import canonical_url

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

STATS = "govarchive/incremental"


class UnchangedContent(DropItem):
    """A known document whose content is what the archive already holds."""

    def __init__(self, url: str) -> None:
        super().__init__(f"unchanged since the last archived version: {url}", log_level="DEBUG")


class IncrementalPipeline:
    """Sets ``version`` / ``previous_sha256``; drops documents whose content did not change.

    Setting: ``GOVARCHIVE_INCREMENTAL_ENABLED`` (True). Stats: ``govarchive/incremental/new``,
    ``…/changed``, ``…/unchanged_content``, ``…/gone``.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("GOVARCHIVE_INCREMENTAL_ENABLED", True):
            raise NotConfigured
        return cls(crawler)

    def _inc(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"{STATS}/{key}")

    def process_item(self, item: Any) -> Any:
        adapter = ItemAdapter(item)
        digest = content_digest(adapter)
        validators = dict(adapter.get("validators") or {})
        validators["fields_sha256"] = digest
        adapter["validators"] = validators
        state = crawl_state(self.crawler)
        if state is None:
            return item
        key = adapter.get("canonical_url") or canonical_url(adapter["url"], ())
        row = state.get(key)
        gone = adapter.get("status") == "gone"
        if row is None:
            self._inc("gone" if gone else "new")
            return item
        if not gone and row.status == "live" and row.fields_sha256 == digest:
            state.touch(
                key,
                precise_now(),
                raw_sha256=validators.get("raw_sha256") or row.raw_sha256,
                etag=validators.get("etag") or row.etag,
                last_modified=validators.get("last_modified") or row.last_modified,
            )
            self._inc("unchanged_content")
            self._inc("unchanged")
            raise UnchangedContent(adapter["url"])
        adapter["version"] = row.version + 1
        adapter["previous_sha256"] = row.content_sha256
        if gone:
            adapter["last_seen"] = row.last_seen.split(".")[0].rstrip("Z") + "Z"
            self._inc("gone")
        else:
            self._inc("changed")
            logger.info("Changed since version %d: %s", row.version, adapter["url"])
        return item


class StateCommitPipeline:
    """Right after the archive (910): the store now knows this version (crawler.incremental).

    Off with the store, and when nothing is archived (``GOVARCHIVE_ARCHIVE_ENABLED`` False):
    the store must only ever name versions the archive holds."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("GOVARCHIVE_INCREMENTAL_ENABLED", True) or not settings.getbool(
            "GOVARCHIVE_ARCHIVE_ENABLED", True
        ):
            raise NotConfigured
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        state = crawl_state(self.crawler)
        if state is not None:
            commit(state, ItemAdapter(item), precise_now())
        return item
