"""Spider middlewares of the project."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.spidermiddlewares.depth import DepthMiddleware

if TYPE_CHECKING:
    from scrapy.http import Request, Response


class PaginationDepthMiddleware(DepthMiddleware):
    """DepthMiddleware that lets list pagination stay at its list page's depth.

    Page 37 of a column is no further from the directory home than page 1; counting each
    下一页 hop as one level would cut a 55-page column at DEPTH_LIMIT. Requests whose
    ``meta["pagination"]`` is true get the depth of the response they came from; all other
    requests are handled exactly as by Scrapy's DepthMiddleware (``depth_reset`` included).
    Replaces ``scrapy.spidermiddlewares.depth.DepthMiddleware`` in SPIDER_MIDDLEWARES.
    """

    def get_processed_request(self, request: Request, response: Response | None) -> Request | None:
        meta = request.meta
        if response is None or not meta.get("pagination") or meta.get("depth_reset"):
            return super().get_processed_request(request, response)
        depth = response.meta["depth"]
        request.meta["depth"] = depth
        if self.prio:
            request.priority -= depth * self.prio
        # The parent was fetched, so its depth is within the limit and so is this one.
        if self.verbose_stats:
            self.stats.inc_value(f"request_depth_count/{depth}")
        self.stats.max_value("request_depth_max", depth)
        self.stats.inc_value("govarchive/pagination/depth_kept")
        return request
