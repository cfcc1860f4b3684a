"""Traditional → Simplified conversion (OpenCC), shared so each config is loaded once."""

from __future__ import annotations

from functools import cache

import opencc


@cache
def converter(config: str = "t2s") -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str, config: str = "t2s") -> str:
    """``text`` in Simplified characters; ASCII-only text is returned as is (fast path)."""
    if text.isascii():
        return text
    return converter(config).convert(text)
