"""Traditional → Simplified conversion (OpenCC), shared so each config is loaded once."""

from __future__ import annotations

from functools import cache, lru_cache

import opencc


@cache
def converter(config: str = "t2s") -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str, config: str = "t2s") -> str:
    """``text`` in Simplified characters; ASCII-only text is returned as is (fast path)."""
    if text.isascii():
        return text
    if len(text) <= _CACHED_LENGTH:
        return _converted(text, config)
    return converter(config).convert(text)


# Lines of a page are converted many times over (each block that holds them is judged on
# its own): short ones are remembered. A few pages' worth, not a crawl's: every cached line
# stays in the memory of a long-lived extraction worker (65,536 lines held ~90 MB per worker
# and made a crawl's memory grow with the number of pages until the cache was full).
_CACHED_LENGTH = 400
_CACHED_LINES = 4096


@lru_cache(maxsize=_CACHED_LINES)
def _converted(text: str, config: str) -> str:
    return converter(config).convert(text)
