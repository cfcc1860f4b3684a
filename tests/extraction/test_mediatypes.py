"""extraction.mediatypes: one answer to "what file is this", from real bytes made here.

Files are built with the libraries that write them (reportlab, python-docx, openpyxl, Pillow,
zipfile, gzip) or, for OLE2 and BIFF2 that nothing maintained writes, by the builders of
tests/extraction/test_files.py; nothing comes from the network.
"""

from __future__ import annotations

import codecs
import gzip
import io
import struct
import zipfile
from collections.abc import Callable
from functools import cache

import docx
import openpyxl
import pytest
from PIL import Image
from reportlab.pdfgen import canvas

from extraction.files import extract_file_text
from extraction.mediatypes import (
    ALIASES,
    BMP,
    CSV,
    DOC,
    DOCUMENT_TYPES,
    DOCX,
    EXTENSIONS,
    GIF,
    GZIP,
    HTML,
    JPEG,
    JSON,
    KNOWN_TYPES,
    NAME_TYPES,
    OCTET,
    ODS,
    ODT,
    OFD,
    OLE,
    PDF,
    PNG,
    PPT,
    PPTX,
    RAR,
    RTF,
    SEVEN_Z,
    TEXT,
    TIFF,
    XLS,
    XLSX,
    XML,
    ZIP,
    claimed_type,
    declared_type,
    extension_for,
    looks_like_html,
    media_type_of,
    name_type,
    ole_streams,
    sniff_media_type,
    zip_member_names,
)
from tests.extraction.test_files import biff2_xls, ole_file

# Builders ------------------------------------------------------------------------------------


@cache
def pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, "2024 annual report")
    page.save()
    return buffer.getvalue()


@cache
def word() -> bytes:
    document = docx.Document()
    document.add_paragraph("政府信息公开工作年度报告")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@cache
def workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["信息内容", "本年制发件数"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zipped(*members: tuple[str, bytes], stored_first: bool = False) -> bytes:
    """A zip of these members (deflated; the first one stored when ``stored_first``, as ODF
    requires of its ``mimetype``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(members):
            method = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


def presentation() -> bytes:
    """The parts that make a zip a PresentationML package (no PPTX writer is a dependency)."""
    return zipped(
        ("[Content_Types].xml", b"<Types/>"),
        ("_rels/.rels", b"<Relationships/>"),
        ("ppt/presentation.xml", b"<p:presentation/>"),
    )


def opendocument(media_type: str) -> bytes:
    return zipped(
        ("mimetype", media_type.encode()),
        ("content.xml", b"<office:document-content/>"),
        ("META-INF/manifest.xml", b"<manifest:manifest/>"),
        stored_first=True,
    )


def ofd() -> bytes:
    return zipped(
        ("OFD.xml", b"<ofd:OFD><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:OFD>"),
        ("Doc_0/Document.xml", b"<ofd:Document/>"),
    )


def image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format=kind)
    return buffer.getvalue()


def cut_central_directory(data: bytes) -> bytes:
    """A zip cut before its central directory: only the local headers are left."""
    return data[: data.index(b"PK\x01\x02")]


def word_ole() -> bytes:
    return ole_file({"WordDocument": b"\xec\xa5" + b"\0" * 100, "1Table": b"\0" * 10})


def nested_ole() -> bytes:
    """A PowerPoint file holding an embedded Word document: its ``WordDocument`` stream is
    inside a storage (directory entry 2 made a storage whose child is entry 3), not at the
    root, and says nothing of the file's kind."""
    data = bytearray(
        ole_file({"PowerPoint Document": b"\x0f", "ObjectPool": b"", "WordDocument": b"\xec"})
    )
    entry = 1024 + 2 * 128  # header and FAT sector, then 128-byte directory records
    data[entry + 66] = 1  # object type: storage
    data[entry + 72 : entry + 80] = struct.pack("<II", 0xFFFFFFFF, 3)  # no sibling; child 3
    return bytes(data)


LOGIN = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>用户登录</title></head><body>'
    '<form action="/login.do" method="post"><input name="user"></form></body></html>'
).encode()
GBK_CSV = "序号,单位,金额\n1,财政局,100\n".encode("gbk")
# UTF-16 text whose 8 KiB sample ends inside a surrogate pair (𠀀 is outside the BMP).
UTF16_CUT = codecs.BOM_UTF16_LE + ("a" * 4094 + "𠀀段").encode("utf-16-le")


# The sniffer ---------------------------------------------------------------------------------

# (bytes, file name or URL, Content-Type, expected type)
SNIFFED: list[tuple[str, Callable[[], bytes], str | None, str | None, str | None]] = [
    # Signatures: the bytes decide, whatever the name or Content-Type says.
    ("pdf", pdf, None, None, PDF),
    ("pdf after junk", lambda: b"\xef\xbb\xbf\r\n" + pdf(), None, None, PDF),
    ("pdf named .doc", pdf, "报告.doc", "application/msword", PDF),
    ("docx", word, None, None, DOCX),
    ("docx cut short", lambda: cut_central_directory(word()), None, None, DOCX),
    ("docx served as xls", word, "http://x/a.xls", "application/vnd.ms-excel", DOCX),
    ("xlsx", workbook, None, None, XLSX),
    ("pptx", presentation, None, None, PPTX),
    ("ofd", ofd, None, None, OFD),
    ("ofd cut short", lambda: cut_central_directory(ofd()), None, None, OFD),
    ("odt", lambda: opendocument(ODT), None, None, ODT),
    ("ods", lambda: opendocument(ODS), None, None, ODS),
    ("odt cut short", lambda: opendocument(ODT)[:120], None, None, ODT),
    ("plain zip", lambda: zipped(("a.txt", b"a"), ("b/c.pdf", b"%PDF")), None, None, ZIP),
    ("zip named .docx", lambda: zipped(("a.txt", b"a")), "a.docx", DOCX, ZIP),
    ("zip storing a pdf", lambda: zipped(("a.pdf", pdf()), stored_first=True), None, None, ZIP),
    ("raw BIFF2 worksheet", biff2_xls, None, None, XLS),
    ("gzip", lambda: gzip.compress(b"text"), None, None, GZIP),
    ("rar", lambda: b"Rar!\x1a\x07\x01\x00rest", None, None, RAR),
    ("7z", lambda: b"7z\xbc\xaf\x27\x1c\x00\x04", None, None, SEVEN_Z),
    ("rtf", lambda: b"{\\rtf1\\ansi hello}", None, None, RTF),
    ("png", lambda: image("PNG"), None, None, PNG),
    ("jpeg", lambda: image("JPEG"), None, None, JPEG),
    ("gif", lambda: image("GIF"), None, None, GIF),
    ("tiff", lambda: image("TIFF"), None, None, TIFF),
    ("bmp", lambda: image("BMP"), None, None, BMP),
    ("text starting BM is no bitmap", lambda: b"BMW 3 series, 2024\n", None, None, TEXT),
    # OLE2: root streams decide; a stream inside a storage (an embedded file) does not.
    ("doc", word_ole, None, None, DOC),
    ("doc named .xls", word_ole, "a.xls", XLS, DOC),
    ("Kingsoft .wps", word_ole, "报告.wps", "application/kswps", DOC),
    ("xls streams", lambda: ole_file({"Workbook": b"\x09\x08"}), None, None, XLS),
    ("BIFF5 'Book'", lambda: ole_file({"Book": b"\x09\x08"}), None, None, XLS),
    ("ppt", lambda: ole_file({"PowerPoint Document": b"\x0f"}), None, None, PPT),
    ("ppt embedding a doc", nested_ole, None, None, PPT),
    ("directory cut short", lambda: word_ole()[:1280], None, None, DOC),
    # OLE2 whose streams say nothing: the name, then the Content-Type, choose the kind.
    ("unknown OLE2", lambda: ole_file({"Contents": b"x"}), None, None, OLE),
    ("unknown OLE2 .wps", lambda: ole_file({"Contents": b"x"}), "a.wps", None, DOC),
    ("unknown OLE2 .et", lambda: ole_file({"Contents": b"x"}), "a.et", None, XLS),
    ("unknown OLE2 .dps", lambda: ole_file({"Contents": b"x"}), "a.dps", None, PPT),
    ("unknown OLE2, kset", lambda: ole_file({"Contents": b"x"}), None, "application/kset", XLS),
    ("name before type", lambda: ole_file({"Contents": b"x"}), "a.et", "application/msword", XLS),
    ("page name says nothing", lambda: ole_file({"Contents": b"x"}), "a.html", XLS, XLS),
    ("servlet query", lambda: ole_file({"Contents": b"x"}), "/down.jsp?f=a.wps", None, DOC),
    # A password-protected OOXML file is an OLE2 EncryptedPackage.
    ("encrypted", lambda: ole_file({"EncryptedPackage": b"\1"}), None, None, OLE),
    ("encrypted .xlsx", lambda: ole_file({"EncryptedPackage": b"\1"}), "a.xlsx", None, XLSX),
    ("encrypted, .doc name", lambda: ole_file({"EncryptedPackage": b"\1"}), "a.doc", None, OLE),
    # Pages, JSON, XML, text.
    ("login page", lambda: LOGIN, "report.pdf", PDF, HTML),
    ("page after a BOM", lambda: b"\xef\xbb\xbf  <html><body>404</body></html>", None, None, HTML),
    ("page after a comment", lambda: b"<!-- cms -->\n<div>404</div>", None, None, HTML),
    ("XHTML", lambda: b'<?xml version="1.0"?><html xmlns="x"><body/></html>', None, None, HTML),
    ("xml", lambda: b'<?xml version="1.0" encoding="utf-8"?><root/>', None, None, XML),
    ("json", lambda: '{"code": 401, "msg": "请登录"}'.encode(), None, None, JSON),
    ("json after a BOM", lambda: b'\xef\xbb\xbf[1, 2]', None, None, JSON),
    ("gbk text", lambda: GBK_CSV, None, None, TEXT),
    ("utf-16 text", lambda: codecs.BOM_UTF16_LE + "第一段".encode("utf-16-le"), None, None, TEXT),
    ("utf-16, sample ends mid pair", lambda: UTF16_CUT, None, None, TEXT),
    ("lone surrogates", lambda: codecs.BOM_UTF16_LE + b"\x00\xdc" * 100, None, None, None),
    ("text named .csv", lambda: GBK_CSV, "http://x/t.csv", "text/plain", CSV),
    ("text served as csv", lambda: GBK_CSV, None, "text/csv; charset=gbk", CSV),
    ("text served as a page", lambda: b"File not found", None, "text/html", HTML),
    ("text named .txt", lambda: b"File not found", "a.txt", "text/html", TEXT),
    ("text named .pdf", lambda: b"File not found", "a.pdf", PDF, TEXT),
    ("binary", lambda: b"\x00\x01\x02\x03\xff\xfe", None, None, None),
    ("empty", lambda: b"", "a.pdf", PDF, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "name", "content_type", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in SNIFFED],
)
def test_sniff_media_type(
    make: Callable[[], bytes], name: str | None, content_type: str | None, expected: str | None
) -> None:
    assert sniff_media_type(make(), filename=name, media_type=content_type) == expected


def test_ole_streams_are_root_entries_upper_cased() -> None:
    assert ole_streams(word_ole()) == {"WORDDOCUMENT", "1TABLE"}
    assert ole_streams(nested_ole()) == {"POWERPOINT DOCUMENT", "OBJECTPOOL"}
    assert ole_streams(pdf()) == frozenset()


def test_zip_member_names_in_order_even_when_cut() -> None:
    names = zip_member_names(word())
    assert names[0] == "[Content_Types].xml"
    assert zip_member_names(cut_central_directory(word())) == names


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (LOGIN, True),
        (b"<TITLE>Error</TITLE>", True),
        (b"<p>no such file</p>", True),
        (b"<pre>log</pre>", False),  # <p must be a whole tag name
        (b'<?xml version="1.0"?><feed/>', False),
        (b"<!-- cms -->\n<div>404</div>", True),
        (b"<!---->" * 290 + b"x", False),  # at once: comments are matched one way only
    ],
)
def test_looks_like_html(data: bytes, expected: bool) -> None:
    assert looks_like_html(data) is expected


# Claims: names and Content-Types ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("Application/PDF; charset=binary", PDF),
        ("application/kswps", DOC),
        ("application/vnd.ms-works", DOC),  # Apache's type for .wps
        ("application/wps-office.et", XLS),
        ("application/ksdps", PPT),
        ("application/x-gzip", GZIP),
        ("image/jpg", JPEG),
        ("application/octet-stream", None),
        ("application/x-download", None),
        ("application/x-sh", "application/x-sh"),
        ("garbage", None),
        ("", None),
        (None, None),
    ],
)
def test_declared_type(content_type: str | None, expected: str | None) -> None:
    assert declared_type(content_type) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("报告.WPS", DOC),
        ("统计表.et", XLS),
        ("附件#1.pdf", PDF),  # a plain name: # and ? are part of it
        ("C:\\docs\\a.dps", PPT),
        ("a.docm", DOCX),
        ("archive.tar.gz", GZIP),
        ("http://x/files/%E9%99%84%E4%BB%B6.xlsx", XLSX),
        ("http://x/downfile.jsp?classid=0&filename=%B8%BD%BC%FE.doc", DOC),
        ("http://x/web/viewer.html?file=%2Fupload%2Fa.pdf%3Fv%3D2", PDF),
        ("http://x/a.pdf;jsessionid=1", PDF),
        ("http://x/art/2024/t1.html", None),  # page extensions claim nothing
        ("http://x/download.do?id=1", None),
        ("a.exe", None),
        (".pdf", None),
        ("", None),
        (None, None),
    ],
)
def test_name_type(name: str | None, expected: str | None) -> None:
    assert name_type(name) == expected


@pytest.mark.parametrize(
    ("content_type", "name", "expected"),
    [
        ("application/pdf", "a.doc", PDF),  # a known Content-Type first
        (OCTET, "a.doc", DOC),  # a generic one says nothing
        ("application/x-sh", "a.doc", DOC),  # an unknown one loses to a known name
        ("application/x-sh", "a.sh", "application/x-sh"),  # but is kept over nothing
        ("text/html", "a.pdf", HTML),
        (None, "a.html", None),
        (None, None, None),
    ],
)
def test_claimed_type(content_type: str | None, name: str | None, expected: str | None) -> None:
    assert claimed_type(content_type, name) == expected


# The download stage's answer: type and stored extension -----------------------------------------


@pytest.mark.parametrize(
    ("make", "content_type", "url", "media_type", "extension"),
    [
        (pdf, "text/html", "http://x/download.do?id=1", PDF, ".pdf"),
        (word, OCTET, "http://x/a.xls", DOCX, ".docx"),
        (word_ole, "application/kswps", "http://x/报告.wps", DOC, ".doc"),
        (lambda: ole_file({"Contents": b"x"}), None, "http://x/d.jsp?f=a.et", XLS, ".xls"),
        (lambda: ole_file({"Contents": b"x"}), None, "http://x/f", OLE, ".bin"),
        (lambda: ole_file({"EncryptedPackage": b"\1"}), None, "http://x/a.docx", DOCX, ".docx"),
        (biff2_xls, None, "http://x/old.xls", XLS, ".xls"),
        (lambda: opendocument(ODT), None, "http://x/a", ODT, ".odt"),
        (lambda: gzip.compress(b"x"), None, "http://x/a.gz", GZIP, ".gz"),
        (lambda: image("BMP"), None, "http://x/a", BMP, ".bmp"),
        (lambda: b"\x00garbage", "application/pdf", "http://x/a", PDF, ".pdf"),
        (lambda: b"\x00garbage", "application/x-download", "http://x/a.rar", RAR, ".rar"),
        (lambda: b"\x00garbage", OCTET, "http://x/a.exe", OCTET, ".bin"),
        (lambda: b"\x00garbage", OCTET, "http://x/a.html", OCTET, ".bin"),
        (lambda: b"\x00garbage", "text/html", "http://x/a.pdf", HTML, ".bin"),
        (lambda: b"\x00garbage", "application/x-sh", "http://x/a.sh", "application/x-sh", ".bin"),
        (lambda: b'{"ok": false}', "text/plain", "http://x/a.doc", JSON, ".bin"),
        (lambda: GBK_CSV, "text/plain", "http://x/t.csv", CSV, ".csv"),
    ],
)  # fmt: skip
def test_media_type_and_extension(
    make: Callable[[], bytes], content_type: str | None, url: str, media_type: str, extension: str
) -> None:
    assert media_type_of(make(), content_type, url) == media_type
    assert extension_for(media_type) == extension


# One answer for every reader ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (word_ole, "报告.wps"),
        (word_ole, "报告.doc"),
        (lambda: ole_file({"Contents": b"x"}), "统计.et"),
        (biff2_xls, "统计表.et"),
        (word, "报告.docx"),
        (pdf, "download.do"),
        (lambda: opendocument(ODS), "a.ods"),
    ],
)
def test_download_and_text_stages_agree(make: Callable[[], bytes], name: str) -> None:
    """The type the download stage records is the one the text stage reads the file as."""
    data = make()
    recorded = media_type_of(data, None, f"http://x/files/{name}")
    assert extract_file_text(data, media_type=recorded, filename=name).media_type == recorded
    assert extract_file_text(data, filename=name).media_type == recorded


def test_kingsoft_files_keep_being_read() -> None:
    """An .et is the BIFF workbook it holds, read with xlrd; a .wps is reported like a .doc,
    naming both."""
    sheet = extract_file_text(biff2_xls(), filename="统计表.et")
    assert (sheet.status, sheet.media_type) == ("ok", XLS)
    assert "| 规章 | 3 |" in sheet.text
    writer = extract_file_text(word_ole(), media_type="application/kswps", filename="报告.wps")
    assert (writer.status, writer.media_type) == ("unsupported", DOC)
    assert ".wps" in (writer.error or "")
    assert ".doc" in (writer.error or "")


def test_tables_are_consistent() -> None:
    # Every type a name or an alias leads to can be stored under its own extension.
    assert set(NAME_TYPES.values()) <= set(EXTENSIONS)
    assert set(ALIASES.values()) <= set(EXTENSIONS)
    assert DOCUMENT_TYPES <= KNOWN_TYPES
    assert not {HTML, JSON, TEXT} & DOCUMENT_TYPES
    # Kingsoft's types are aliases, never types of their own.
    assert not any("wps-office" in media_type for media_type in KNOWN_TYPES)
    assert len(set(EXTENSIONS.values())) == len(EXTENSIONS)
