"""What kind of file some bytes are: the one place that names media types and tells them apart.

Pure functions (no Scrapy): the download stage (pipelines.attachments) types and files what it
fetched, the text stage (extraction.files) picks a reader, the spider and the offline extractor
(``is_document_file``, crawler.offline) tell a document file from a page. They all ask here, so
a file gets one answer wherever it is looked at.

How a type is chosen
--------------------
1. The bytes, first and last where they tell (``sniff_media_type``): ``%PDF-`` at the start;
   OLE2 by its root streams (``WordDocument`` → .doc, ``Workbook``/``Book`` → .xls,
   ``PowerPoint Document`` → .ppt, ``EncryptedPackage`` → a password-protected OOXML file),
   read with xlrd's compound-document parser, else, for a file cut short or damaged, by
   searching the directory records for those names; a zip by its member names, from the
   central directory, else from the local headers (a truncated download still tells):
   ``[Content_Types].xml`` with ``word/``, ``xl/``, ``ppt/`` → OOXML, ``OFD.xml`` → OFD
   (GB/T 33190), a first member ``mimetype`` → ODF; ``%PDF-`` further into the first KiB
   (junk before the header; tested after the zip, which may store a PDF uncompressed); RAR,
   7z, gzip, RTF, images by their signatures; a raw BIFF2-4 worksheet (no OLE2 container,
   what old tools export as .xls) by its BOF record; then an HTML page (an error or login
   page served in place of a file), a JSON document (an API's error object), XML, and plain
   text (UTF-8, GB18030, or UTF-16 with a BOM, next to no control characters).
2. A name or a Content-Type never overrides the bytes; they only choose between look-alikes
   the bytes cannot tell apart: an OLE2 file whose streams say nothing (→ .doc, .xls or .ppt),
   an encrypted OOXML file (→ .docx, .xlsx or .pptx), plain text that is CSV or XML, and plain
   text served as ``text/html`` (a "File not found" page). The file's name (a URL's path, or
   the file name in a download servlet's query) decides before the Content-Type: a name is
   given per file by whoever published it, while a Content-Type is often a server's default
   (Apache's mime.types serves .wps as ``application/vnd.ms-works``, servlets send one type
   for every file). The pipeline used to ask the URL first, the text stage the Content-Type
   first; the URL-first order is kept.
3. Bytes that tell nothing (``claimed_type``): the Content-Type when it names a type we know,
   else the name's extension, else the Content-Type as sent, unless it is a generic
   download type (``application/octet-stream``, ``application/x-download`` …). Page
   extensions (.html, .jsp) are not claims: a servlet's URL looks like a page.

Where the two older sniffers disagreed
--------------------------------------
The download stage and the text stage each had a sniffer; this one keeps the better answer of
each. From the download stage: JSON, ODF, the wider HTML test (any usual opening tag,
``<html`` in the first 512 bytes, XHTML), the directory-record search for a cut OLE2 file,
URL-first look-alikes. From the text stage: raw BIFF, gzip, BMP, UTF-16 text, the OLE2
``EncryptedPackage``, xlrd's directory parse, Kingsoft's Content-Types. Changed in passing: an
OLE2 stream counts only at the root (a .ppt embedding a Word document is a .ppt, where the
download stage's search said .doc); gzip needs its deflate method byte and BMP its zero
reserved bytes (two-byte signatures took text starting "BM"); empty bytes tell nothing (the
download stage said plain text).

Kingsoft (WPS Office) files
---------------------------
Kingsoft's Writer (.wps), Spreadsheets (.et) and Presentation (.dps) files are the Word, Excel
and PowerPoint 97-2003 binaries in an OLE2 container (renaming a .wps to .doc is the usual
advice for opening one in Word). They are typed ``application/msword``,
``application/vnd.ms-excel`` and ``application/vnd.ms-powerpoint`` and stored as .doc, .xls
and .ppt, whatever extension the site used (the download stage used to say so, the text stage
had types of its own, ``application/wps-office.wps`` …): every tool that opens a stored file
by its extension (Word, LibreOffice, antiword, xlrd) opens these; the content-addressed store
keeps one copy of a file a site publishes as both .doc and .wps; the record keeps the URL and
the name the site gave. The text stage reads an .et as the .xls it is, and reports a .wps, like
a .doc, as unsupported (no pure-Python reader), naming both. Kingsoft's Content-Types
(``application/kswps``, ``application/kset``, ``application/wps-office.*``) are aliases of
those types.

Stored extensions
-----------------
``extension_for`` maps a media type to an extension from a fixed table (``EXTENSIONS``) and
anything else to ``.bin``: never text from the URL or a Content-Disposition header, and never
an extension that contradicts the recorded media type.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from urllib.parse import parse_qsl, unquote, urlsplit

# Media types ---------------------------------------------------------------------------------
PDF = "application/pdf"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PPT = "application/vnd.ms-powerpoint"
OLE = "application/x-ole-storage"  # an OLE2 container whose kind neither bytes nor names tell
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OFD = "application/ofd"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
ZIP = "application/zip"
RAR = "application/vnd.rar"
SEVEN_Z = "application/x-7z-compressed"
GZIP = "application/gzip"
RTF = "application/rtf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
TIFF = "image/tiff"
BMP = "image/bmp"
TEXT = "text/plain"
CSV = "text/csv"
XML = "application/xml"
HTML = "text/html"
JSON = "application/json"
OCTET = "application/octet-stream"

# Formats a document is published in (not images, pages or plain text): a list row or link
# serving one of these is a document file.
DOCUMENT_TYPES = frozenset(
    {PDF, DOCX, XLSX, PPTX, DOC, XLS, PPT, OLE, OFD, ODT, ODS, ODP, ZIP, RAR, SEVEN_Z, RTF}
)
IMAGE_TYPES = frozenset({PNG, JPEG, GIF, TIFF, BMP})
# Types told by the content, not a signature: bytes that are none of the signature formats
# come out as one of these (or None).
TEXT_TYPES = frozenset({TEXT, CSV, XML, HTML, JSON})

# The only extensions a stored file can get (anything else is stored as .bin).
EXTENSIONS = {
    PDF: ".pdf", DOC: ".doc", XLS: ".xls", PPT: ".ppt",
    DOCX: ".docx", XLSX: ".xlsx", PPTX: ".pptx", OFD: ".ofd",
    ODT: ".odt", ODS: ".ods", ODP: ".odp",
    ZIP: ".zip", RAR: ".rar", SEVEN_Z: ".7z", GZIP: ".gz", RTF: ".rtf",
    TEXT: ".txt", CSV: ".csv", XML: ".xml",
    PNG: ".png", JPEG: ".jpg", GIF: ".gif", TIFF: ".tif", BMP: ".bmp",
}  # fmt: skip
# File-name extensions that claim a type. Page extensions (.html, .jsp …) are left out on
# purpose: download servlets and pages share them, so they say nothing about a file.
NAME_TYPES = {
    "pdf": PDF, "doc": DOC, "wps": DOC, "xls": XLS, "et": XLS, "ppt": PPT, "dps": PPT,
    "docx": DOCX, "docm": DOCX, "xlsx": XLSX, "xlsm": XLSX, "pptx": PPTX, "ofd": OFD,
    "odt": ODT, "ods": ODS, "odp": ODP, "zip": ZIP, "rar": RAR, "7z": SEVEN_Z, "gz": GZIP,
    "rtf": RTF, "txt": TEXT, "csv": CSV, "xml": XML,
    "png": PNG, "jpg": JPEG, "jpeg": JPEG, "gif": GIF, "tif": TIFF, "tiff": TIFF, "bmp": BMP,
}  # fmt: skip
# Content-Type spellings servers use for the same types.
ALIASES = {
    "application/x-pdf": PDF, "application/acrobat": PDF, "application/vnd.pdf": PDF,
    "application/doc": DOC, "application/vnd.msword": DOC, "application/vnd.ms-word": DOC,
    "application/kswps": DOC, "application/wps": DOC, "application/wps-office.wps": DOC,
    "application/vnd.ms-works": DOC,  # Apache's mime.types type for .wps
    "application/x-msexcel": XLS, "application/excel": XLS, "application/x-excel": XLS,
    "application/kset": XLS, "application/wps-office.et": XLS,
    "application/mspowerpoint": PPT, "application/ksdps": PPT, "application/wps-office.dps": PPT,
    "application/x-zip-compressed": ZIP, "application/x-zip": ZIP,
    "application/x-rar-compressed": RAR, "application/x-rar": RAR, "application/x-gzip": GZIP,
    "text/rtf": RTF, "application/vnd.ofd": OFD, "application/x-ofd": OFD,
    "image/jpg": JPEG, "application/csv": CSV, "text/xml": XML,
}  # fmt: skip
# Content-Types that say nothing about the file.
GENERIC_TYPES = frozenset(
    {OCTET, "binary/octet-stream", "application/x-download", "application/download",
     "application/force-download", "application/unknown", "application/x-msdownload"}
)  # fmt: skip
KNOWN_TYPES = frozenset({*EXTENSIONS, *NAME_TYPES.values(), OLE, HTML, JSON})
# Types whose bytes always show a signature: a file claimed as one of these whose bytes show
# none (or show a page, or text) is not that file.
SIGNATURE_TYPES = KNOWN_TYPES - TEXT_TYPES

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAGIC = (
    (b"Rar!\x1a\x07", RAR),
    (b"7z\xbc\xaf\x27\x1c", SEVEN_Z),
    (b"\x1f\x8b\x08", GZIP),  # gzip with deflate, the only method in use
    (b"{\\rtf", RTF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
)
# BMP's "BM" alone would take text starting with those letters: its header's four reserved
# bytes (6-9) are zero too.
_BMP = re.compile(rb"BM.{4}\x00{4}", re.DOTALL)
# A raw BIFF2-4 worksheet (no OLE2 container): BOF record 0x0009/0x0209/0x0409 of 4-8 bytes.
_RAW_BIFF = re.compile(rb"\x09[\x00\x02\x04][\x04\x06\x08]\x00")
# OLE2 root streams that tell the kind, in the order they are trusted.
_OLE_KINDS = (("WORDDOCUMENT", DOC), ("POWERPOINT DOCUMENT", PPT), ("WORKBOOK", XLS), ("BOOK", XLS))
_OLE_NAMES = ("WordDocument", "PowerPoint Document", "Workbook", "Book", "EncryptedPackage")
_OLE_FAMILY = frozenset({DOC, XLS, PPT})
_OOXML_FAMILY = frozenset({DOCX, XLSX, PPTX})
_TEXT_FAMILY = frozenset({TEXT, CSV, XML, HTML})
_OOXML_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_ODF_TYPES = (ODT, ODS, ODP)
# Tags a page opens with (after comments or whitespace), or <html> further in. A comment's
# body may not run past a "-->": with a lazy ".*?" instead, a run of comments can be split in
# exponentially many ways before a non-page fails to match.
_HTML_START = re.compile(
    rb"(?:<!--(?:(?!-->).)*-->\s*)*<(?:!doctype\s+html|html|head|body|script|meta|title|div"
    rb"|form|table|center|h1|p|br|link|style)\b",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TAG = re.compile(rb"<html\b", re.IGNORECASE)
_XML_START = re.compile(rb"<\?xml\b", re.IGNORECASE)
_ZIP_SCAN = 4 * 1024 * 1024  # local headers are looked for in this much of a damaged zip
_JSON_LIMIT = 1024 * 1024  # larger bodies are not parsed to tell JSON from text
# What a broken zip raises from zipfile (a bad header, a corrupt deflate stream, a bogus
# "version needed" field).
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError, ValueError)


# Names and Content-Types ---------------------------------------------------------------------


def declared_type(content_type: str | None) -> str | None:
    """A Content-Type as a media type: lower-cased, parameters dropped, aliases resolved; None
    when it is missing, malformed or generic (``application/octet-stream`` …)."""
    if not content_type:
        return None
    media_type = content_type.split(";", 1)[0].strip().lower()
    media_type = ALIASES.get(media_type, media_type)
    if "/" not in media_type or media_type in GENERIC_TYPES:
        return None
    return media_type


def _suffix_type(value: str) -> str | None:
    last = value.replace("\\", "/").rsplit("/", 1)[-1].split(";", 1)[0].strip()
    stem, dot, suffix = last.rpartition(".")
    return NAME_TYPES.get(suffix.lower()) if dot and stem else None


def name_type(name: str | None) -> str | None:
    """The type a file name or URL claims by its extension: a URL's path, else a file named in
    its query (``downfile.jsp?filename=附件.pdf``, ``viewer.html?file=/a/b.pdf``)."""
    if not name:
        return None
    if "://" not in name and "?" not in name:
        return _suffix_type(name)
    parts = urlsplit(name)
    found = _suffix_type(unquote(parts.path))
    if found is None:
        for _, value in parse_qsl(parts.query, keep_blank_values=True):
            found = _suffix_type(value.split("#", 1)[0].split("?", 1)[0])
            if found is not None:
                break
    return found


def claimed_type(content_type: str | None, name: str | None = None) -> str | None:
    """What a file is said to be, for bytes that do not tell: the Content-Type when it names a
    type we know, else the name's extension, else the Content-Type as sent (unless generic)."""
    declared = declared_type(content_type)
    if declared in KNOWN_TYPES:
        return declared
    return name_type(name) or declared


def _choose(family: frozenset[str], name: str | None, content_type: str | None) -> str | None:
    """The first of the name's and the Content-Type's types that is in ``family``."""
    for candidate in (name_type(name), declared_type(content_type)):
        if candidate in family:
            return candidate
    return None


# Containers ----------------------------------------------------------------------------------


def ole_streams(data: bytes) -> frozenset[str]:
    """Upper-cased names of an OLE2 file's root entries (the format compares them ignoring
    case). A directory xlrd cannot walk (a file cut short, a damaged FAT) is searched for the
    names that tell a kind, as directory records: UTF-16LE, NUL-terminated, at the start of
    a 128-byte record."""
    if not data.startswith(OLE_MAGIC):
        return frozenset()
    parsed = _ole_directory(data)
    if parsed is not None:
        return parsed
    found = set()
    for name in _OLE_NAMES:
        needle = name.encode("utf-16-le") + b"\x00\x00"
        start = data.find(needle, 512)
        while start != -1:
            if start % 128 == 0:
                found.add(name.upper())
                break
            start = data.find(needle, start + 1)
    return frozenset(found)


def _ole_directory(data: bytes) -> frozenset[str] | None:
    """The root entries as xlrd's compound-document parser reads them; None when it cannot."""
    from xlrd import compdoc

    try:
        document = compdoc.CompDoc(data, logfile=io.StringIO())
        root = document.dirlist[0]
        return frozenset(document.dirlist[i].name.upper() for i in root.children)
    except Exception:  # noqa: BLE001 - any damage (xlrd raises what it meets): search instead
        return None


def zip_member_names(data: bytes) -> list[str]:
    """Member names of a zip in archive order: from its central directory, else (a file cut
    before it) from the local file headers."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except ZIP_ERRORS:
        pass
    names = []
    for match in re.finditer(rb"PK\x03\x04", data[:_ZIP_SCAN]):
        start = match.start()
        header = data[start : start + 30]
        if len(header) < 30:
            break
        flags = int.from_bytes(header[6:8], "little")
        length = int.from_bytes(header[26:28], "little")
        raw = data[start + 30 : start + 30 + length]
        # Bit 11: the name is UTF-8; else it is in the archiver's code page (cp437 by the
        # spec; GBK in practice, which only matters for display, not for these checks).
        names.append(raw.decode("utf-8" if flags & 0x800 else "cp437", errors="replace"))
    return names


def _odf_type(data: bytes) -> str | None:
    """ODF puts an uncompressed ``mimetype`` member first: its bytes follow the first local
    header (30 bytes, the name, the extra field)."""
    if not data.startswith(b"PK\x03\x04") or len(data) < 30:
        return None
    name_length = int.from_bytes(data[26:28], "little")
    extra_length = int.from_bytes(data[28:30], "little")
    if data[30 : 30 + name_length] != b"mimetype":
        return None
    start = 30 + name_length + extra_length
    declared = data[start : start + 80]
    for media_type in _ODF_TYPES:
        if declared.startswith(media_type.encode()):
            return media_type
    return None


def _zip_type(data: bytes) -> str:
    names = [name.lstrip("/").lower() for name in zip_member_names(data)]
    if "[content_types].xml" in names:
        for prefix, media_type in _OOXML_PARTS:
            if any(name.startswith(prefix) for name in names):
                return media_type
    if "ofd.xml" in names:
        return OFD
    if names and names[0] == "mimetype":
        return _odf_type(data) or ZIP
    return ZIP


def _ole_type(data: bytes, name: str | None, content_type: str | None) -> str:
    streams = ole_streams(data)
    if "ENCRYPTEDPACKAGE" in streams:
        return _choose(_OOXML_FAMILY, name, content_type) or OLE
    for stream, media_type in _OLE_KINDS:
        if stream in streams:
            return media_type
    return _choose(_OLE_FAMILY, name, content_type) or OLE


# Pages and text ------------------------------------------------------------------------------


def _head(data: bytes) -> bytes:
    """The start of the bytes without a UTF-8 BOM, NULs or whitespace before the content."""
    return data[:2048].lstrip(b"\xef\xbb\xbf\x00 \t\r\n")


def looks_like_html(data: bytes) -> bool:
    """True when the bytes are an HTML page (an error or login page served for a file)."""
    head = _head(data)
    if _XML_START.match(head):
        return bool(_HTML_TAG.search(head))  # XHTML
    return bool(_HTML_START.match(head) or _HTML_TAG.search(head[:512]))


def _is_json(data: bytes) -> bool:
    stripped = data.lstrip(b"\xef\xbb\xbf").strip()
    if stripped[:1] not in (b"{", b"[") or len(stripped) > _JSON_LIMIT:
        return False
    try:
        json.loads(stripped.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return True


def _few_controls(text: str) -> bool:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n\f")
    return controls <= len(text) // 100


def looks_like_text(data: bytes) -> bool:
    """True when the first 8 KiB decode (UTF-16 with a BOM, UTF-8 or GB18030) to text with
    next to no control characters."""
    sample = data[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        even = sample[: len(sample) // 2 * 2]
        try:
            return _few_controls(even.decode("utf-16"))
        except UnicodeDecodeError as exc:
            if exc.start < len(even) - 4:  # a lone surrogate: binary that starts like a BOM
                return False
            return _few_controls(even[: exc.start].decode("utf-16"))  # a pair cut at the end
    if b"\x00" in sample:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start < len(sample) - 4:  # not just a character cut at the sample's end
                continue
            text = sample[: exc.start].decode(encoding)
        if _few_controls(text):
            return True
    return False


# Sniffing ------------------------------------------------------------------------------------


def sniff_media_type(
    data: bytes, *, filename: str | None = None, media_type: str | None = None
) -> str | None:
    """The media type the bytes show, or None when they tell nothing. ``filename`` (a name or
    URL) and ``media_type`` (a Content-Type) only choose between look-alikes: the kind of an
    OLE2 file whose streams say nothing, of an encrypted OOXML file, of plain text."""
    if not data:
        return None
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(OLE_MAGIC):
        return _ole_type(data, filename, media_type)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_type(data)  # before the loose PDF test: a zip may store a PDF uncompressed
    if b"%PDF-" in data[:1024]:  # some servers put junk (a BOM, a newline) before the header
        return PDF
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if _BMP.match(data):
        return BMP
    if _RAW_BIFF.match(data):
        return XLS
    if looks_like_html(data):
        return HTML
    if _is_json(data):
        return JSON
    if _XML_START.match(_head(data)):
        return XML
    if looks_like_text(data):
        return _choose(_TEXT_FAMILY, filename, media_type) or TEXT
    return None


def media_type_of(data: bytes, content_type: str | None = None, name: str | None = None) -> str:
    """A file's media type: what its bytes show (see ``sniff_media_type``), else what it is
    claimed to be (``claimed_type``), else ``application/octet-stream``."""
    sniffed = sniff_media_type(data, filename=name, media_type=content_type)
    return sniffed or claimed_type(content_type, name) or OCTET


def extension_for(media_type: str) -> str:
    """The extension a file of this type is stored with: from ``EXTENSIONS`` only, else
    ``.bin`` (so the stored path never contradicts the recorded type, nor repeats URL text)."""
    return EXTENSIONS.get(media_type, ".bin")
