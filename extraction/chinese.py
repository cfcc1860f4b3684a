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
# its own): short ones are remembered.
_CACHED_LENGTH = 400


@lru_cache(maxsize=1 << 16)
def _converted(text: str, config: str) -> str:
    return converter(config).convert(text)
