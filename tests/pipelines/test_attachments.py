"""The attachment stage (pipelines.attachments): content-addressed storage, sniffing, entries,
failures; then an end-to-end crawl with the full ITEM_PIPELINES against a loopback site.

The crawl's directory links files in every shape discovery handles (plain link, the same file
from two pages, a download servlet with a Chinese name, a JS array only, a PDF-viewer iframe, a
file on another host) and every failure the stage reports (404, over the size cap with and
without Content-Length, an HTML login page at a .pdf URL and behind a redirect, robots.txt, a
non-http link). It runs `scrapy crawl disclosure` in a subprocess.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import (
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
)
from scrapy.http import Request, Response
from scrapy.pipelines.media import MediaPipeline
from twisted.internet.error import ConnectionRefusedError, DNSLookupError
from twisted.python.failure import Failure

from crawler.offline import OfflinePipelines
from crawler.records import record_validator, to_record
from extraction.mediatypes import (
    DOC,
    DOCX,
    OCTET,
    OFD,
    OLE,
    PDF,
    PPTX,
    XLS,
    XLSX,
    ZIP,
    extension_for,
    media_type_of,
    sniff_media_type,
)
from pipelines.attachments import (
    ENTRY_KEYS,
    AttachmentError,
    AttachmentsPipeline,
    classify_failure,
)
from tests.file_site import FileSite, serve_files
from tests.pipelines.helpers import item, make_pipeline
from tests.spiders.test_disclosure_e2e import _list_page, _stats, stop_servers

PROJECT = Path(__file__).resolve().parents[2]
CONTENT_PATH = re.compile(r"files/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})\.([a-z0-9]{1,4})")
INFO = MediaPipeline.SpiderInfo(None)  # type: ignore[arg-type]


def tiny_pdf(text: str) -> bytes:
    """A small valid one-page PDF showing ``text`` (ASCII), xref offsets computed."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>"
        ),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def tiny_zip(*names: str, first: tuple[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first:
            archive.writestr(first[0], first[1])
        for name in names:
            archive.writestr(name, f'<?xml version="1.0"?><x>{name}</x>')
    return buffer.getvalue()


def tiny_ooxml(kind: str) -> bytes:
    """A minimal OOXML package: 'word' (docx), 'xl' (xlsx) or 'ppt' (pptx)."""
    part = {"word": "word/document.xml", "xl": "xl/workbook.xml", "ppt": "ppt/presentation.xml"}
    return tiny_zip("[Content_Types].xml", "_rels/.rels", part[kind])


def tiny_ole(*streams: str) -> bytes:
    """OLE2 magic, a header sector, and directory entries (128-byte records) naming streams."""
    entries = b"".join(
        (name.encode("utf-16-le") + b"\x00\x00").ljust(128, b"\x00")
        for name in ("Root Entry", *streams)
    )
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".ljust(512, b"\x00") + entries.ljust(512, b"\x00")


LOGIN = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>用户登录</title></head><body>'
    '<form action="/login.do" method="post"><input name="user"><input type="password" '
    'name="pwd"></form></body></html>'
).encode()


def response(
    url: str, body: bytes, content_type: str | None = "application/pdf", status: int = 200, **h: str
) -> tuple[Request, Response]:
    request = Request(url)
    headers = {"Content-Type": content_type} if content_type else {}
    headers.update({name.replace("_", "-"): value for name, value in h.items()})
    return request, Response(url, status=status, headers=headers, body=body, request=request)


@pytest.fixture
def pipeline(tmp_path: Path) -> AttachmentsPipeline:
    return make_pipeline(AttachmentsPipeline, ARCHIVE_DIR=str(tmp_path))


def download(pipeline: AttachmentsPipeline, request: Request, resp: Response) -> dict[str, Any]:
    return asyncio.run(pipeline.media_downloaded(resp, request, INFO))


def stats(pipeline: AttachmentsPipeline) -> dict[str, Any]:
    return {
        key.removeprefix("govarchive/attachments/"): value
        for key, value in pipeline.crawler.stats.get_stats().items()
        if key.startswith("govarchive/attachments/")
    }


# Storage: paths are content addresses, never anything of the URL -----------------------------

HOSTILE = [
    ("http://x.gov.cn/../../etc/passwd.pdf", {}),
    ("http://x.gov.cn/a/..%2F..%2F..%2Fetc%2Fpasswd.pdf", {}),
    ("http://x.gov.cn/a/%2Fetc%2Fcron.d%2Fx.pdf", {}),
    ("http://x.gov.cn/C:%5CWindows%5Cwin.ini.pdf", {}),
    ("http://x.gov.cn/a/evil%00.pdf", {}),
    ("http://x.gov.cn/a.pdf%2F..%2F..%2Fx.sh", {}),
    ("http://x.gov.cn/download.do?name=/etc/passwd.pdf", {}),
    ("http://x.gov.cn/download.do?id=1", {"Content_Disposition": 'attachment; filename="../../x.pdf"'}),
    (
        "http://x.gov.cn/download.do?id=2",
        {"Content_Disposition": "attachment; filename*=UTF-8''..%2F..%2F%E9%99%84.pdf"},
    ),
    ("http://x.gov.cn/a/b.php?f=/tmp/x", {"Content_Disposition": 'inline; filename="/abs/x.pdf"'}),
]  # fmt: skip


@pytest.mark.parametrize(("url", "headers"), HOSTILE)
@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (tiny_pdf("x"), "application/pdf"),
        (b"\x00\x01unknown binary\xff", "application/octet-stream"),
        (b"\x00\x02unknown binary\xff", "application/x-sh"),
    ],
)
def test_stored_path_is_always_a_content_address(
    pipeline: AttachmentsPipeline, tmp_path: Path, url, headers, body, content_type
) -> None:
    request, resp = response(url, body, content_type, **headers)
    path = pipeline.file_path(request, response=resp)
    match = CONTENT_PATH.fullmatch(path)
    assert match, path
    digest = hashlib.sha256(body).hexdigest()
    assert match.groups()[:3] == (digest[:2], digest[2:4], digest)
    assert match.group(4) in ("pdf", "bin")  # never "sh", "php", "ini" …
    result = download(pipeline, request, resp)
    assert result["path"] == path
    stored = (tmp_path / path).resolve()
    assert stored.is_relative_to(tmp_path.resolve())
    assert stored.read_bytes() == body
    # Nothing else was written anywhere in the store.
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert written == [tmp_path / path]


def test_identical_content_is_stored_once(pipeline: AttachmentsPipeline, tmp_path: Path) -> None:
    body = tiny_pdf("same")
    first = download(pipeline, *response("http://a.gov.cn/1.pdf", body))
    target = tmp_path / first["path"]
    mtime = target.stat().st_mtime_ns
    second = download(pipeline, *response("http://b.gov.cn/2.pdf", body, "application/x-pdf"))
    assert second["path"] == first["path"]
    assert target.stat().st_mtime_ns == mtime  # not rewritten
    assert stats(pipeline) == {"downloaded": 2, "deduplicated": 1, "bytes": 2 * len(body)}


def test_same_bytes_under_another_extension_reuse_the_stored_file(
    pipeline: AttachmentsPipeline, tmp_path: Path
) -> None:
    body = tiny_ole()  # an OLE2 container that does not say what it is: the URL decides
    first = download(pipeline, *response("http://a.gov.cn/f.wps", body, None))
    assert first["path"].endswith(".doc")
    second = download(pipeline, *response("http://a.gov.cn/f.et", body, None))
    assert second["path"] == first["path"]
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1


def test_store_defaults_to_archive_dir_and_can_be_moved(tmp_path: Path) -> None:
    assert make_pipeline(AttachmentsPipeline, ARCHIVE_DIR=str(tmp_path)).root == tmp_path
    other = tmp_path / "store"
    moved = make_pipeline(
        AttachmentsPipeline, ARCHIVE_DIR=str(tmp_path), GOVARCHIVE_FILES_STORE=str(other)
    )
    assert moved.root == other
    download(moved, *response("http://a.gov.cn/1.pdf", tiny_pdf("moved")))
    assert [p.relative_to(other).parts[0] for p in other.rglob("*.pdf")] == ["files"]


def test_disabled_and_offline(tmp_path: Path) -> None:
    with pytest.raises(NotConfigured):
        make_pipeline(AttachmentsPipeline, GOVARCHIVE_ATTACHMENTS_ENABLED=False)
    offline = OfflinePipelines()
    assert not any(isinstance(p, AttachmentsPipeline) for p in offline.pipelines)


# Sniffing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (tiny_pdf("a"), PDF),
        (b"\xef\xbb\xbf\r\n%PDF-1.7\n", PDF),  # junk before the header is allowed
        (tiny_ooxml("word"), DOCX),
        (tiny_ooxml("xl"), XLSX),
        (tiny_ooxml("ppt"), PPTX),
        (tiny_ooxml("word")[:-40], DOCX),  # cut central directory: local headers still tell
        (tiny_zip("Doc_0/Document.xml", "OFD.xml"), OFD),
        (tiny_zip("a.txt", "b/c.pdf"), ZIP),
        (tiny_zip(first=("mimetype", "application/vnd.oasis.opendocument.text")),
         "application/vnd.oasis.opendocument.text"),
        (tiny_ole("WordDocument", "1Table"), DOC),
        (tiny_ole("Workbook"), XLS),
        (tiny_ole("PowerPoint Document"), "application/vnd.ms-powerpoint"),
        (tiny_ole(), OLE),
        (b"Rar!\x1a\x07\x01\x00rest", "application/vnd.rar"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04", "application/x-7z-compressed"),
        (b"{\\rtf1\\ansi", "application/rtf"),
        (LOGIN, "text/html"),
        (b"\xef\xbb\xbf  <html><body>404</body></html>", "text/html"),
        (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">', "text/html"),
        (b'{"code": 401, "msg": "\xe8\xaf\xb7\xe7\x99\xbb\xe5\xbd\x95"}', "application/json"),
        ("序号,单位,金额\n1,财政局,100\n".encode("gbk"), "text/plain"),
        (b"\x00\x01\x02\x03\xff\xfe", None),
    ],
)  # fmt: skip
def test_sniff_media_type(body: bytes, expected: str | None) -> None:
    assert sniff_media_type(body) == expected


@pytest.mark.parametrize(
    ("body", "content_type", "url", "media_type", "extension"),
    [
        (tiny_pdf("a"), "text/html", "http://x/download.do?id=1", PDF, ".pdf"),  # bytes win
        (tiny_ooxml("word"), OCTET, "http://x/a.xls", DOCX, ".docx"),
        (tiny_ole(), None, "http://x/f.wps", DOC, ".doc"),
        (tiny_ole(), "application/vnd.ms-excel", "http://x/f.bin", XLS, ".xls"),
        (tiny_ole(), None, "http://x/f", OLE, ".bin"),
        (b"\x00garbage", "application/pdf; charset=binary", "http://x/a", PDF, ".pdf"),
        (b"\x00garbage", "application/x-download", "http://x/a.rar", "application/vnd.rar", ".rar"),
        (b"\x00garbage", OCTET, "http://x/a.exe", OCTET, ".bin"),
        (b"\x00garbage", "application/x-sh", "http://x/a.sh", "application/x-sh", ".bin"),
        ("序号,单位\n1,局\n".encode(), "text/plain", "http://x/t.csv", "text/csv", ".csv"),
    ],
)  # fmt: skip
def test_media_type_and_extension(body, content_type, url, media_type, extension) -> None:
    assert media_type_of(body, content_type, url) == media_type
    assert extension_for(media_type) == extension


# Entries ---------------------------------------------------------------------------------------


def test_downloaded_entry(pipeline: AttachmentsPipeline, tmp_path: Path) -> None:
    body = tiny_ooxml("xl")
    result = download(pipeline, *response("http://x.gov.cn/f/统计表.xlsx", body, OCTET))
    doc = item(attachments=[{"url": "http://x.gov.cn/f/统计表.xlsx", "name": "附件：统计表"}])
    pipeline.item_completed([(True, result)], doc, INFO)
    digest = hashlib.sha256(body).hexdigest()
    assert doc.attachments == [
        {
            "url": "http://x.gov.cn/f/统计表.xlsx",
            "name": "附件：统计表",
            "sha256": digest,
            "bytes": len(body),
            "media_type": XLSX,
            "stored_path": f"files/{digest[:2]}/{digest[2:4]}/{digest}.xlsx",
            "text_chars": None,
            "error": None,
            "text_status": None,  # filled by the text stage, next
            "pages": None,
        }
    ]
    assert list(doc.attachments[0]) == list(ENTRY_KEYS)
    assert not list(record_validator().iter_errors(to_record(doc)))


@pytest.mark.parametrize(
    ("body", "content_type", "status", "error", "key"),
    [
        (b"<html>404</html>", "text/html", 404, "HTTP 404", "http_404"),
        (b"", "application/pdf", 503, "HTTP 503", "http_503"),
        (b"", "application/pdf", 200, "empty response", "empty"),
        (LOGIN, "text/html; charset=utf-8", 200, "got an HTML page, not a file", "html_page"),
        (LOGIN, "application/pdf", 200, "got an HTML page, not a file", "html_page"),
        (b"File not found", "text/html", 200, "got an HTML page, not a file", "html_page"),
        (b'{"code":500,"msg":"no file"}', "application/json", 200,
         "got a JSON response, not a file", "json_response"),
    ],
)  # fmt: skip
def test_rejected_responses(pipeline, tmp_path, body, content_type, status, error, key) -> None:
    request, resp = response("http://x.gov.cn/a.pdf", body, content_type, status)
    with pytest.raises(AttachmentError) as raised:
        download(pipeline, request, resp)
    assert (raised.value.reason, raised.value.key) == (error, key)
    assert not list(tmp_path.rglob("*.*"))  # nothing stored


def test_too_large_body(tmp_path: Path) -> None:
    small = make_pipeline(
        AttachmentsPipeline, ARCHIVE_DIR=str(tmp_path), GOVARCHIVE_ATTACHMENT_MAXSIZE=100
    )
    request, resp = response("http://x.gov.cn/a.pdf", tiny_pdf("x" * 200))
    with pytest.raises(AttachmentError, match=r"too large \(\d+ bytes > 100-byte cap\)"):
        download(small, request, resp)


@pytest.mark.parametrize(
    ("exc", "reason", "key"),
    [
        (DownloadCancelledError("Expected to receive 5000 bytes which is larger than download max "
                                "size (1000) in request <GET http://x/a.pdf>."),
         "too large (5000 bytes > 1000-byte cap)", "too_large"),
        (DownloadCancelledError(), "too large (over the 2048-byte cap)", "too_large"),
        (IgnoreRequest("Ignored response <200 http://x/a.pdf> because its body (3000 B "
                       "compressed, 9000 B decompressed) is larger than the download max size "
                       "(2048 B)."), "too large (over the 2048-byte cap)", "too_large"),
        (DownloadTimeoutError("Getting http://x/a.pdf took longer than 180 seconds."),
         "timeout", "timeout"),
        (IgnoreRequest("Forbidden by robots.txt"), "forbidden by robots.txt", "robots"),
        (DNSLookupError("files.x.gov.cn"), None, "dns"),
        (ConnectionRefusedError(), "connection refused", "refused"),
        (ValueError("odd"), "download failed: ValueError: odd", "error"),
    ],
)  # fmt: skip
def test_download_failures_are_classified(exc: Exception, reason: str | None, key: str) -> None:
    error = classify_failure(exc, 2048)
    assert error.key == key
    if reason is not None:
        assert error.reason == reason


def test_failed_and_skipped_entries(tmp_path: Path) -> None:
    pipeline = make_pipeline(
        AttachmentsPipeline, ARCHIVE_DIR=str(tmp_path), GOVARCHIVE_MAX_ATTACHMENTS=2
    )
    entries = [
        {"url": "ftp://ftp.x.gov.cn/a.pdf", "name": "FTP"},
        {"url": "http://x.gov.cn/1.pdf", "name": "一"},
        {"url": "http://x.gov.cn/2.pdf", "name": "二"},
        {"url": "http://x.gov.cn/3.pdf", "name": "三"},
        {"url": "/relative/4.pdf", "name": "四"},
    ]
    doc = item(url="http://x.gov.cn/t20240105_1.html", attachments=entries)
    requests = pipeline.get_media_requests(doc, INFO)
    assert [r.url for r in requests] == ["http://x.gov.cn/1.pdf", "http://x.gov.cn/2.pdf"]
    for request in requests:
        assert request.meta["download_maxsize"] == 50 * 1024 * 1024
        assert request.meta["allow_offsite"] is True
        assert request.headers["Referer"] == b"http://x.gov.cn/t20240105_1.html"
    results = [
        (False, Failure(AttachmentError("HTTP 404", "http_404"))),
        (False, Failure(RuntimeError("boom"))),
    ]
    pipeline.item_completed(results, doc, INFO)
    assert [(e["name"], e["error"]) for e in doc.attachments] == [
        ("FTP", "not an http(s) URL"),
        ("一", "HTTP 404"),
        ("二", "download failed: RuntimeError: boom"),
        ("三", "not downloaded: more than 2 attachments on the page"),
        ("四", "not an http(s) URL"),
    ]
    for entry in doc.attachments:
        assert list(entry) == list(ENTRY_KEYS)
        assert entry["sha256"] is entry["stored_path"] is entry["text_chars"] is None
    assert stats(pipeline) == {"skipped": 3, "skipped/not_http": 2, "skipped/over_cap": 1}
    assert not list(record_validator().iter_errors(to_record(doc)))


def test_schema_refuses_a_stored_path_outside_the_layout() -> None:
    doc = item(
        attachments=[{"url": "http://x/a.pdf", "name": "a", "stored_path": "../../etc/passwd"}]
    )
    assert list(record_validator().iter_errors(to_record(doc)))


# End to end ---------------------------------------------------------------------------------

CAP = 1000  # GOVARCHIVE_ATTACHMENT_MAXSIZE of the crawl

REPORT_PDF = tiny_pdf("report")
BIG_PDF = tiny_pdf("big") + b"%" + b"0" * (CAP * 4) + b"\n"
DOCX_BYTES = tiny_ooxml("word")
XLSX_BYTES = tiny_ooxml("xl")
OTHER_PDF = tiny_pdf("on another host")
SERVLET = "/module/download/downfile.jsp?classid=0&filename=报告.docx"


def _document(title: str, attachments: str, script: str = "") -> str:
    paragraph = (
        "为进一步做好政府信息公开工作，根据《中华人民共和国政府信息公开条例》有关规定，"
        "现将有关事项通知如下。"
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="2024-01-05">
<title>{title}</title></head><body>
<div class="nav"><a href="/">首页</a> <a href="/xxgk/tzgg/">通知公告</a></div>
<h1>{title}</h1><div class="content"><p>{paragraph}</p><p>{paragraph}</p><p>{paragraph}</p>
{attachments}</div>
<div class="tools"><a href="javascript:window.print()">打印</a></div>{script}
</body></html>"""


DOCS = {
    # A plain PDF link, a 404 and a file over the cap (announced by Content-Length).
    "t20240105_1.html": (
        "通知一",
        (
            '<p>附件：<a href="/files/report.pdf">实施方案.pdf</a></p>'
            '<p><a href="/files/missing.pdf">已删除的附件.pdf</a></p>'
            '<p><a href="/files/big.pdf">大文件.pdf</a></p>'
        ),
        "",
    ),
    # The same PDF again (relative, with a fragment) and a download servlet naming a .docx.
    "t20240105_2.html": (
        "通知二",
        (
            '<p><a href="../../../files/report.pdf#page=2">实施方案（再次链接）</a></p>'
            f'<p><a href="{SERVLET}">报告.docx</a></p>'
        ),
        "",
    ),
    # Files named only by a script array, and a PDF-viewer frame showing a file with the same
    # bytes as report.pdf (stored once).
    "t20240105_3.html": (
        "通知三",
        '<iframe src="/pdfjs/web/viewer.html?file=%2Ffiles%2Fviewer%2Fcopy.pdf"></iframe>',
        (
            '<script>var apps = [{name:"附件一：统计表.xlsx", url:"{base}/upload/P020240105123456789012.xlsx"}];'
            "var tpl = '<a href=\"{{el.url}}\">{{el.name}}</a>';</script>"
        ),
    ),
    # An HTML login page at a .pdf URL, and an oversized file without Content-Length.
    "t20240105_4.html": (
        "通知四",
        (
            '<p><a href="/files/secret.pdf">内部文件.pdf</a></p>'
            '<p><a href="/files/stream.pdf">流式大文件.pdf</a></p>'
            '<p><a href="/files/protected.doc">需登录.doc</a></p>'
        ),
        "",
    ),
    # A file on another host (a file server), one robots.txt forbids, and an ftp link.
    "t20240105_5.html": (
        "通知五",
        (
            '<p><a href="{other}/files/other.pdf">外站附件.pdf</a></p>'
            '<p><a href="/private/hidden.pdf">不可抓取.pdf</a></p>'
            '<p><a href="ftp://ftp.example.gov.cn/pub/a.pdf">FTP附件.pdf</a></p>'
        ),
        "",
    ),
}


@pytest.fixture(scope="module")
def sites() -> Iterator[tuple[FileSite, FileSite]]:
    main, other = FileSite(), FileSite()
    servers = [serve_files(main), serve_files(other)]
    rows = [(f"./202401/{name}", title, "2024-01-05") for name, (title, _, _) in DOCS.items()]
    main.answers["/robots.txt"] = (200, "text/plain", b"User-agent: *\nDisallow: /private/\n", {})
    main.page("/xxgk/tzgg/", _list_page("通知公告", rows, "<span>共1页</span>"))
    for name, (title, attachments, script) in DOCS.items():
        html = _document(
            title,
            attachments.replace("{other}", other.base),
            script.replace("{base}", main.base),
        )
        main.page(f"/xxgk/tzgg/202401/{name}", html)
    main.file("/files/report.pdf", REPORT_PDF)
    main.file("/files/viewer/copy.pdf", REPORT_PDF, "application/octet-stream")
    main.file("/files/big.pdf", BIG_PDF)
    main.file("/files/stream.pdf", BIG_PDF)
    main.no_length.add("/files/stream.pdf")
    main.file(
        SERVLET,
        DOCX_BYTES,
        "application/octet-stream",
        Content_Disposition='attachment; filename="../../x.docx"',
    )
    main.file("/upload/P020240105123456789012.xlsx", XLSX_BYTES, "application/vnd.ms-excel")
    main.file("/files/secret.pdf", LOGIN, "text/html; charset=utf-8")
    main.answers["/files/protected.doc"] = (302, "text/html", b"", {"Location": "/login.jsp"})
    main.file("/login.jsp", LOGIN, "text/html; charset=utf-8")
    main.file("/private/hidden.pdf", REPORT_PDF)
    other.file("/files/other.pdf", OTHER_PDF)
    yield main, other
    stop_servers(servers)


@pytest.fixture(scope="module")
def crawl(
    sites: tuple[FileSite, FileSite], tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[dict], dict[str, int], Path, str]:
    """The archive's records, the final stats, the archive directory and the crawl's log."""
    main, _ = sites
    archive = tmp_path_factory.mktemp("archive")
    command = [
        sys.executable, "-m", "scrapy", "crawl", "disclosure",
        "-a", f"start_urls={main.base}/xxgk/tzgg/",
        "-s", f"ARCHIVE_DIR={archive}",
        "-s", f"GOVARCHIVE_ATTACHMENT_MAXSIZE={CAP}",
        # Storage only: the files here are stand-ins too small to read (tests/pipelines/
        # test_attachment_text.py reads real ones).
        "-s", "GOVARCHIVE_ATTACHMENT_TEXT_ENABLED=False",
        "-s", "GOVARCHIVE_RETRY_BACKOFF_BASE=0",
        "-s", "AUTOTHROTTLE_START_DELAY=0.01",
        "-s", "DOWNLOAD_DELAY=0",
        "-s", "DEPTH_LIMIT=2",
        "-s", "TELNETCONSOLE_ENABLED=False",
        "-s", "LOG_LEVEL=INFO",
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=PROJECT, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr[-4000:]
    (run_file,) = archive.glob("*.jsonl")
    records = [json.loads(line) for line in run_file.read_text(encoding="utf-8").splitlines()]
    return records, _stats(result.stderr), archive, result.stderr


def _attachments(records: list[dict], page: str) -> dict[str, dict]:
    (record,) = [r for r in records if r["url"].endswith(page)]
    return {entry["url"].rsplit("/", 1)[-1]: entry for entry in record["attachments"]}


def _assert_stored(entry: dict, archive: Path, body: bytes, media_type: str, ext: str) -> None:
    digest = hashlib.sha256(body).hexdigest()
    assert entry["error"] is None, entry
    assert entry["sha256"] == digest
    assert entry["bytes"] == len(body)
    assert entry["media_type"] == media_type
    assert entry["stored_path"] == f"files/{digest[:2]}/{digest[2:4]}/{digest}{ext}"
    assert (archive / entry["stored_path"]).read_bytes() == body
    assert entry["text_chars"] is None  # the text stage is off in this crawl


@pytest.mark.e2e
def test_every_document_archived_valid(crawl) -> None:
    records, stats, _, log = crawl
    assert sorted(r["url"].rsplit("/", 1)[-1] for r in records) == sorted(DOCS)
    assert all("error" not in r for r in records), [r.get("error") for r in records]
    assert stats["govarchive/archive/records"] == len(DOCS)
    assert stats.get("govarchive/validation/invalid", 0) == 0
    # Failed attachments are one warning line each, never an error with a traceback.
    assert "ERROR" not in log
    assert "Traceback" not in log


@pytest.mark.e2e
def test_stored_files_and_entries(sites, crawl) -> None:
    main, other = sites
    records, _, archive, _ = crawl
    first = _attachments(records, "t20240105_1.html")
    assert list(first) == ["report.pdf", "missing.pdf", "big.pdf"]
    assert first["report.pdf"]["name"] == "实施方案.pdf"
    _assert_stored(first["report.pdf"], archive, REPORT_PDF, "application/pdf", ".pdf")

    second = _attachments(records, "t20240105_2.html")
    report = second["report.pdf"]  # the same URL from another page: one download, one file
    assert report["url"] == f"{main.base}/files/report.pdf"
    assert report["stored_path"] == first["report.pdf"]["stored_path"]
    servlet = next(e for e in second.values() if "downfile.jsp" in e["url"])
    assert servlet["name"] == "报告.docx"
    _assert_stored(servlet, archive, DOCX_BYTES, DOCX, ".docx")

    third = _attachments(records, "t20240105_3.html")
    assert list(third) == ["copy.pdf", "P020240105123456789012.xlsx"]
    # The viewer's file has report.pdf's bytes: the same stored file.
    _assert_stored(third["copy.pdf"], archive, REPORT_PDF, "application/pdf", ".pdf")
    xlsx = third["P020240105123456789012.xlsx"]
    assert xlsx["name"] == "附件一：统计表.xlsx"
    _assert_stored(xlsx, archive, XLSX_BYTES, XLSX, ".xlsx")

    fifth = _attachments(records, "t20240105_5.html")
    _assert_stored(fifth["other.pdf"], archive, OTHER_PDF, "application/pdf", ".pdf")
    assert other.requests.count("/files/other.pdf") == 1

    assert main.requests.count("/files/report.pdf") == 1
    stored = sorted(
        p.relative_to(archive).as_posix() for p in (archive / "files").rglob("*") if p.is_file()
    )
    assert [p for p in stored if not p.endswith(".jsonl")] == sorted(
        {
            first["report.pdf"]["stored_path"],
            servlet["stored_path"],
            xlsx["stored_path"],
            fifth["other.pdf"]["stored_path"],
        }
    )


@pytest.mark.e2e
def test_failures_are_entry_errors(sites, crawl) -> None:
    main, _ = sites
    records, _, _, _ = crawl
    first = _attachments(records, "t20240105_1.html")
    assert first["missing.pdf"]["error"] == "HTTP 404"
    assert first["missing.pdf"]["sha256"] is first["missing.pdf"]["stored_path"] is None
    assert first["big.pdf"]["error"] == f"too large ({len(BIG_PDF)} bytes > {CAP}-byte cap)"
    fourth = _attachments(records, "t20240105_4.html")
    assert fourth["secret.pdf"]["error"] == "got an HTML page, not a file"
    assert fourth["secret.pdf"]["stored_path"] is None
    assert fourth["stream.pdf"]["error"] == f"too large (over the {CAP}-byte cap)"
    # A redirect is followed: to a login page here.
    assert fourth["protected.doc"]["error"] == "got an HTML page, not a file"
    fifth = _attachments(records, "t20240105_5.html")
    assert fifth["hidden.pdf"]["error"] == "forbidden by robots.txt"
    assert fifth["a.pdf"]["error"] == "not an http(s) URL"
    assert "/private/hidden.pdf" not in main.requests
    # Template placeholders of scripts are never requested.
    assert not any("el.url" in path or "{{" in path for path in main.requests)


@pytest.mark.e2e
def test_stats(crawl) -> None:
    _, stats, _, _ = crawl
    prefix = "govarchive/attachments/"
    # report, servlet docx, viewer copy, xlsx, other host
    assert stats[prefix + "downloaded"] == 5
    assert stats[prefix + "deduplicated"] == 1  # the viewer's copy of report.pdf
    assert stats[prefix + "bytes"] == 2 * len(REPORT_PDF) + len(DOCX_BYTES) + len(XLSX_BYTES) + len(
        OTHER_PDF
    )
    assert stats[prefix + "failed"] == 6
    assert stats[prefix + "failed/http_404"] == 1
    assert stats[prefix + "failed/too_large"] == stats[prefix + "too_large"] == 2
    assert stats[prefix + "failed/html_page"] == 2
    assert stats[prefix + "failed/robots"] == 1
    assert stats[prefix + "skipped/not_http"] == 1
