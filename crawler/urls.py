"""URL helpers shared by the spider and the pipelines."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

DEFAULT_TRACKING_PARAMS: tuple[str, ...] = (
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
)


def _is_tracking(name: str, patterns: Iterable[str]) -> bool:
    lowered = name.lower()
    return any(fnmatchcase(lowered, pattern.lower()) for pattern in patterns)


def canonical_url(url: str, tracking_params: Iterable[str] = DEFAULT_TRACKING_PARAMS) -> str:
    """The URL a document is de-duplicated by.

    Drops the fragment and tracking query parameters, sorts the remaining parameters and
    normalises percent-encoding (w3lib's canonicalize_url), lower-cases scheme and host and
    removes a default port.
    """
    patterns = tuple(tracking_params)
    parts = urlsplit(url.strip())
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(k, patterns)
    ]
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host  # an IPv6 literal keeps its brackets
    if parts.port and not (
        (parts.scheme == "http" and parts.port == 80)
        or (parts.scheme == "https" and parts.port == 443)
    ):
        netloc = f"{netloc}:{parts.port}"
    rebuilt = urlunsplit(
        (parts.scheme.lower(), netloc.lower(), parts.path or "/", urlencode(query), "")
    )
    return canonicalize_url(rebuilt, keep_fragments=False)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
