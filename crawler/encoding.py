"""Choosing the charset of an HTML body when what the server declares may be wrong.

Scrapy decodes by explicit encoding > BOM > HTTP header > <meta> > inference, which is right
for honest servers. Government servers are not always honest: some send
``Content-Type: text/html; charset=utf-8`` for GBK bytes, or ISO-8859-1 (a web-server default)
for GB2312 pages. The header then wins and the text fills with U+FFFD or mojibake. This module
notices such mismatches from the bytes themselves and names the charset that decodes them.

Rules, in order (each one is cheap; no statistical guess unless all else fails):
1. A BOM decides.
2. A body that is valid UTF-8 and has non-ASCII bytes is UTF-8 whatever was declared: legacy
   CJK text is practically never valid UTF-8 by accident.
3. Otherwise a declared charset (header first, then <meta>) that decodes the bytes strictly,
   skipping UTF-8 (already refuted) and single-byte Latin charsets, which decode any bytes and
   so prove nothing when a CJK charset is declared elsewhere.
4. Otherwise GB18030 if it decodes strictly (a superset of GB2312/GBK, the usual truth on
   .gov.cn), else charset-normalizer's best guess, else the declared charset with replacement.

Before any of that, ``binary_body_type`` tells a body that is no text at all (a PDF, a zip, an
image or random bytes served as ``text/html``) so that it is never decoded as a page.
"""

from __future__ import annotations

import codecs

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

# Share of control characters (other than whitespace) above which bytes that no sniffer
# recognises are binary: text has next to none, random bytes about 11 %.
_BINARY_CONTROL_SHARE = 0.05
_BINARY_SAMPLE = 8192
_WIDE_CHARSETS = ("utf-16", "utf-32", "ucs-2", "ucs-4")

_LATIN = frozenset({"cp1252", "iso8859-1", "latin-1", "ascii", "windows-1252", "iso-8859-1"})


def _canonical(encoding: str | None) -> str | None:
    if not encoding:
        return None
    resolved = resolve_encoding(encoding)
    if not resolved:
        return None
    try:
        return codecs.lookup(resolved).name
    except LookupError:
        return None


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def choose_encoding(body: bytes, content_type: str | None = None) -> str:
    """Return the codec name that decodes ``body`` as the page author meant."""
    bom_encoding, _ = read_bom(body)
    if bom_encoding:
        return _canonical(bom_encoding) or "utf-8"
    header = _canonical(http_content_type_encoding(content_type or ""))
    meta = _canonical(html_body_declared_encoding(body))
    if body.isascii():
        return header or meta or "utf-8"
    if _decodes(body, "utf-8"):
        return "utf-8"
    for declared in (header, meta):
        if declared and declared != "utf-8" and declared not in _LATIN and _decodes(body, declared):
            return declared
    if _decodes(body, "gb18030"):
        return "gb18030"
    from charset_normalizer import from_bytes

    best = from_bytes(body[:65536]).best()
    guessed = _canonical(best.encoding) if best else None
    return guessed or header or meta or "utf-8"


def declared_encoding(body: bytes, content_type: str | None) -> str | None:
    """The charset a standards-following client would use (header, else <meta>)."""
    bom_encoding, _ = read_bom(body)
    return _canonical(
        bom_encoding
        or http_content_type_encoding(content_type or "")
        or html_body_declared_encoding(body)
    )


def binary_body_type(body: bytes, content_type: str | None = None) -> str | None:
    """The media type of a body that is no text (sniffed, else ``application/octet-stream``),
    or None for text.

    Binary: bytes the sniffer (extraction.mediatypes) names as a document, archive or image,
    and bytes it does not recognise that hold a NUL or many control characters. A charset of
    two or four bytes a character (UTF-16/32, whose ASCII has NULs) declared by a BOM or the
    header is text.
    """
    from extraction.mediatypes import OCTET, TEXT_TYPES, sniff_media_type

    if not body:
        return None
    bom_encoding, _ = read_bom(body)
    declared = (bom_encoding or http_content_type_encoding(content_type or "") or "").lower()
    if declared.replace("_", "-").startswith(_WIDE_CHARSETS):
        return None
    kind = sniff_media_type(body[: 1 << 16])
    if kind in TEXT_TYPES:
        return None
    if kind is not None:
        return kind
    sample = body[:_BINARY_SAMPLE]
    if b"\x00" in sample:
        return OCTET
    controls = sum(1 for byte in sample if byte < 32 and byte not in b"\t\n\r\f\x1b")
    return OCTET if controls > len(sample) * _BINARY_CONTROL_SHARE else None
