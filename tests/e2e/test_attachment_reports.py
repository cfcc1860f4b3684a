"""Reports that live in attachments, end to end: `scrapy crawl disclosure` over a loopback
directory where one annual report exists only as a PDF (behind a 详见附件 page) and another
only as a DOCX (a list row linking the file), beside broken files of every kind.

The files are drawn here (tests/report_files.py: reportlab with the CID font STSong-Light,
python-docx), each with its report tables; the figures expected are computed from the numbers
they were drawn from.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from crawler.records import record_validator
from tests.file_site import FileSite, serve_files
from tests.report_files import SAMPLE_DOCX_REPORT, SAMPLE_PDF_REPORT, render_pdf
from tests.spiders.test_disclosure_e2e import _list_page, _stats, stop_servers

pytestmark = pytest.mark.e2e

PROJECT = Path(__file__).resolve().parents[2]
CAP = 200_000  # GOVARCHIVE_ATTACHMENT_MAXSIZE of the crawl
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

PDF_REPORT = SAMPLE_PDF_REPORT.pdf()
DOCX_REPORT = SAMPLE_DOCX_REPORT.docx()
DOCX_PATH = f"/upload/2023/{SAMPLE_DOCX_REPORT.title}.docx"
NOTICE = (
    "为进一步做好政府信息公开工作，根据《中华人民共和国政府信息公开条例》有关规定，"
    "现就做好申请答复工作通知如下：严格依法办理，规范答复文书，加强督促检查。"
)


def _encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, encrypt=StandardEncryption("secret", canPrint=0))
    c.drawString(72, 720, "confidential")
    c.showPage()
    c.save()
    return buffer.getvalue()


def _scanned_pdf() -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    c.drawImage(ImageReader(Image.new("RGB", (300, 200), "white")), 72, 400, 300, 200)
    c.showPage()
    c.save()
    return buffer.getvalue()


BROKEN = {
    # file name: (bytes, text_status or None for a download error, error starts with)
    "encrypted.pdf": (_encrypted_pdf(), "encrypted"),
    "malformed.pdf": (b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n", "malformed"),
    "truncated.docx": (DOCX_REPORT[: len(DOCX_REPORT) // 2], "truncated"),
    "scanned.pdf": (_scanned_pdf(), "no_text_layer"),
    "oversized.pdf": (render_pdf(["很大的文件。"]) + b"%" + b"0" * (CAP * 2) + b"\n", None),
}


def _detail(title: str, date: str, body: str) -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{date}">
<title>{title}</title></head><body>
<div class="nav">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/ndbg/">政府信息公开年报</a></div>
<table class="meta"><tr><td>索引号：11330000-2024-00001</td><td>发布机构：测试区人民政府办公室</td></tr>
<tr><td>发布日期：{date}</td></tr></table>
<h1>{title}</h1><div class="content">{body}</div>
<div class="tools"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
</body></html>"""


@pytest.fixture(scope="module")
def site() -> Iterator[FileSite]:
    site = FileSite()
    servers = [serve_files(site)]
    report_page = "/xxgk/ndbg/202401/t20240130_1.html"
    notice_page = "/xxgk/ndbg/202401/t20240105_2.html"
    plain_page = "/xxgk/ndbg/202312/t20231201_3.html"
    site.page(
        "/xxgk/ndbg/",
        _list_page(
            "政府信息公开年报",
            [
                (report_page, SAMPLE_PDF_REPORT.title, "2024-01-30"),
                (DOCX_PATH, SAMPLE_DOCX_REPORT.title, "2023-01-20"),
                (notice_page, "关于做好政府信息公开申请答复工作的通知", "2024-01-05"),
                (plain_page, "测试区政务公开工作要点", "2023-12-01"),
            ],
            "",
        ),
    )
    site.page(
        report_page,
        _detail(
            SAMPLE_PDF_REPORT.title,
            "2024-01-30",
            '<p>详见附件。</p><p>附件：<a href="/files/P020240130512345678901.pdf">'
            f"{SAMPLE_PDF_REPORT.title}.pdf</a></p>",
        ),
    )
    links = "".join(f'<p><a href="/files/{name}">{name}</a></p>' for name in BROKEN)
    site.page(
        notice_page,
        _detail("关于做好政府信息公开申请答复工作的通知", "2024-01-05", f"<p>{NOTICE}</p>{links}"),
    )
    site.page(plain_page, _detail("测试区政务公开工作要点", "2023-12-01", f"<p>{NOTICE}</p>" * 2))
    site.file("/files/P020240130512345678901.pdf", PDF_REPORT)
    site.file(DOCX_PATH, DOCX_REPORT, "application/octet-stream")
    for name, (body, _) in BROKEN.items():
        site.file(f"/files/{name}", body)
    yield site
    stop_servers(servers)


@pytest.fixture(scope="module")
def crawl(
    site: FileSite, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[dict], dict[str, float], Path, str]:
    archive = tmp_path_factory.mktemp("archive")
    command = [
        sys.executable, "-m", "scrapy", "crawl", "disclosure",
        "-a", f"start_urls={site.base}/xxgk/ndbg/",
        "-s", f"ARCHIVE_DIR={archive}",
        "-s", f"GOVARCHIVE_ATTACHMENT_MAXSIZE={CAP}",
        "-s", "AUTOTHROTTLE_START_DELAY=0.01",
        "-s", "DOWNLOAD_DELAY=0",
        "-s", "TELNETCONSOLE_ENABLED=False",
        "-s", "LOG_LEVEL=INFO",
    ]  # fmt: skip
    result = subprocess.run(
        command, cwd=PROJECT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-4000:]
    (run_file,) = archive.glob("*.jsonl")
    lines = run_file.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines], _stats(result.stderr), archive, result.stderr


def _record(records: list[dict], url_end: str) -> dict:
    (record,) = [r for r in records if r["url"].endswith(url_end)]
    return record


def test_two_annual_reports_from_files_with_year_and_figures(crawl) -> None:
    records, _, _, _ = crawl
    reports = sorted((r for r in records if r["is_annual_report"]), key=lambda r: r["report_year"])
    assert [r["report_year"] for r in reports] == [2022, 2023]
    for record, drawn in zip(reports, (SAMPLE_DOCX_REPORT, SAMPLE_PDF_REPORT), strict=True):
        assert record["title"] == drawn.title
        assert record["text_source"] == "attachment"
        assert record["report"]["template"] == "2021"
        assert record["report"]["figures"] == drawn.expected_figures()
        assert [c for c in record["report"]["checks"] if c["ok"] is False] == []
        # The report's table rows are in the text, as a page's tables would be.
        assert "| 一、本年新收政府信息公开申请数量 |" in record["text"]


def test_pdf_report_behind_a_pointer_page(crawl) -> None:
    records, _, archive, _ = crawl
    record = _record(records, "t20240130_1.html")
    pdf_url = record["attachments"][0]["url"]
    assert record["text_source_urls"] == [pdf_url]
    assert record["page_text"] == f"详见附件。\n附件：{SAMPLE_PDF_REPORT.title}.pdf"
    assert record["published_at"] == "2024-01-30"
    assert record["publisher"] == "测试区人民政府办公室"
    (entry,) = record["attachments"]
    assert entry["media_type"] == "application/pdf"
    assert entry["text_status"] == "ok"
    assert entry["pages"] == 1
    assert entry["text_chars"] == len(record["text"])
    assert (archive / entry["stored_path"]).read_bytes() == PDF_REPORT


def test_docx_report_that_is_a_list_row(crawl, site: FileSite) -> None:
    records, _, archive, _ = crawl
    record = _record(records, ".docx")
    # Named and dated by its list row: no page says more of it.
    assert record["published_at"] == "2023-01-20"
    assert record["http_status"] == 200
    assert record["content_sha256"] == hashlib.sha256(DOCX_REPORT).hexdigest()
    assert record["source_url"].endswith("/xxgk/ndbg/")
    assert "page_text" not in record
    (entry,) = record["attachments"]
    assert entry["url"] == record["url"]
    assert entry["media_type"] == DOCX_TYPE  # from the bytes, not application/octet-stream
    assert (archive / entry["stored_path"]).read_bytes() == DOCX_REPORT
    # Fetched once: the spider's response is what the file store keeps.
    assert site.requests.count(DOCX_PATH) == 1


def test_broken_files_are_error_entries_and_counted(crawl) -> None:
    records, stats, _, _ = crawl
    record = _record(records, "t20240105_2.html")
    assert record["text_source"] == "page"
    assert NOTICE in record["text"]
    entries = {e["url"].rsplit("/", 1)[-1]: e for e in record["attachments"]}
    assert set(entries) == set(BROKEN)
    for name, (_, status) in BROKEN.items():
        entry = entries[name]
        if status is None:  # refused by the size cap: never stored, never read
            assert entry["error"].startswith("too large"), entry
            assert entry["stored_path"] is None
            assert entry["text_status"] is None
        else:
            assert entry["text_status"] == status, entry
            assert entry["error"].startswith(f"{status}: "), entry
            assert entry["stored_path"]
        if status is not None:
            assert stats.get(f"govarchive/attachments/text/{status}", 0) >= 1, status
    for status in ("encrypted", "malformed", "truncated", "no_text_layer"):
        assert stats[f"govarchive/attachments/text/{status}"] == 1
    assert stats["govarchive/attachments/too_large"] == 1


def test_the_rest_of_the_crawl_is_unaffected(crawl) -> None:
    records, stats, archive, log = crawl
    assert len(records) == 4
    validator = record_validator()
    assert all(list(validator.iter_errors(r)) == [] for r in records)
    assert all("error" not in r for r in records), [r.get("error") for r in records]
    plain = _record(records, "t20231201_3.html")
    assert (plain["text_source"], plain["attachments"]) == ("page", [])
    assert stats["govarchive/archive/records"] == 4
    assert stats["govarchive/text_source/attachment"] == 2
    assert "Traceback" not in log
    # Whole JSON lines only.
    for path in archive.glob("*.jsonl"):
        assert all(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    assert not re.search(r"ERROR: .*attachment", log)
