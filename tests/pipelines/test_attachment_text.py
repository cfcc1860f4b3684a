"""The attachment text stage (pipelines/attachment_text.py), on files in a real file store."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from scrapy.exceptions import NotConfigured

from crawler.offline import run_now
from crawler.records import record_validator, to_record
from pipelines.attachment_text import AttachmentTextPipeline, local_store
from tests.pipelines.helpers import item, make_pipeline
from tests.report_files import SAMPLE_DOCX_REPORT, SAMPLE_PDF_REPORT, render_pdf

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def store(root: Path, body: bytes, extension: str) -> str:
    """Put ``body`` where the download stage would, and return its stored_path."""
    digest = hashlib.sha256(body).hexdigest()
    path = f"files/{digest[:2]}/{digest[2:4]}/{digest}{extension}"
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
    return path


def entry(url: str, name: str, stored_path: str | None, media_type: str, body: bytes) -> dict:
    return {
        "url": url,
        "name": name,
        "sha256": hashlib.sha256(body).hexdigest(),
        "bytes": len(body),
        "media_type": media_type,
        "stored_path": stored_path,
        "text_chars": None,
        "error": None,
    }


@pytest.fixture
def stage(tmp_path: Path) -> AttachmentTextPipeline:
    return make_pipeline(
        AttachmentTextPipeline, ARCHIVE_DIR=str(tmp_path), GOVARCHIVE_ATTACHMENT_TEXT_THREADED=False
    )


def _stats(stage: AttachmentTextPipeline) -> dict:
    return stage.stats.get_stats()


def encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(buffer, encrypt=StandardEncryption("secret", canPrint=0))
    c.drawString(72, 720, "confidential")
    c.showPage()
    c.save()
    return buffer.getvalue()


def test_pointer_page_takes_the_reports_text(stage, tmp_path: Path) -> None:
    report = SAMPLE_PDF_REPORT.pdf()
    doc = item(
        title=SAMPLE_PDF_REPORT.title,
        text="详见附件。",
        attachments=[
            entry(
                "http://127.0.0.1/f/r.pdf",
                "年度报告.pdf",
                store(tmp_path, report, ".pdf"),
                PDF,
                report,
            )
        ],
    )
    run_now(stage.process_item(doc))
    assert doc.text_source == "attachment"
    assert doc.text_source_urls == ["http://127.0.0.1/f/r.pdf"]
    assert doc.page_text == "详见附件。"
    assert "一、本年新收政府信息公开申请数量" in doc.text
    (read,) = doc.attachments
    assert read["text_status"] == "ok"
    assert read["text_chars"] == len(doc.text)
    assert read["pages"] == 1
    assert read["error"] is None
    assert _stats(stage)["govarchive/attachments/text/ok"] == 1
    assert _stats(stage)["govarchive/text_source/attachment"] == 1
    assert list(record_validator().iter_errors(to_record(doc))) == []


def test_page_with_its_own_text_keeps_it(stage, tmp_path: Path) -> None:
    form = SAMPLE_DOCX_REPORT.docx()
    own = "为规范政府信息公开申请办理工作，现就有关事项通知如下：一、严格依法办理；二、规范答复文书；三、加强督促检查。"
    doc = item(
        title="关于规范申请办理工作的通知",
        text=own,
        attachments=[
            entry("http://127.0.0.1/f/a.docx", "附件", store(tmp_path, form, ".docx"), DOCX, form)
        ],
    )
    run_now(stage.process_item(doc))
    assert (doc.text, doc.text_source, doc.page_text) == (own, "page", None)
    assert doc.attachments[0]["text_chars"] > 100  # read all the same


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (encrypted_pdf(), "encrypted"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n", "malformed"),
        (render_pdf(["截断的文件。"])[:600], "truncated"),
        (b"", "empty"),
    ],
)
def test_unreadable_files_get_an_error_and_a_counter(stage, tmp_path, body, status) -> None:
    doc = item(
        title="某通知",
        text="详见附件。",
        attachments=[
            entry("http://127.0.0.1/f/x.pdf", "x.pdf", store(tmp_path, body, ".pdf"), PDF, body)
        ],
    )
    run_now(stage.process_item(doc))
    (read,) = doc.attachments
    assert read["text_status"] == status
    assert read["error"].startswith(f"{status}: ")
    assert _stats(stage)[f"govarchive/attachments/text/{status}"] == 1
    assert doc.text_source == "page"  # nothing read: the page's text stays
    assert list(record_validator().iter_errors(to_record(doc))) == []


def test_entries_not_stored_are_not_read(stage) -> None:
    failed = {
        "url": "http://127.0.0.1/f/gone.pdf",
        "name": "gone",
        "error": "HTTP 404",
        "stored_path": None,
    }
    doc = item(title="t", text="详见附件", attachments=[failed])
    run_now(stage.process_item(doc))
    assert doc.attachments == [failed]
    assert _stats(stage) == {}


def test_a_stored_file_gone_from_the_store_is_an_error(stage) -> None:
    missing = entry("http://127.0.0.1/f/m.pdf", "m", "files/00/00/" + "0" * 64 + ".pdf", PDF, b"x")
    doc = item(title="t", text="详见附件", attachments=[missing])
    run_now(stage.process_item(doc))
    assert doc.attachments[0]["error"] == "stored file missing from the file store"
    assert _stats(stage)["govarchive/attachments/text/missing"] == 1


def test_file_document_reads_its_own_bytes_offline(stage) -> None:
    report = SAMPLE_DOCX_REPORT.docx()
    url = "http://127.0.0.1/upload/2022.docx"
    doc = item(url=url, file_body=report, content_type=DOCX, attachments=[{"url": url, "name": ""}])
    run_now(stage.process_item(doc))
    assert doc.text_source == "attachment"
    assert doc.title == SAMPLE_DOCX_REPORT.title  # no list row named it: the file's own title
    assert doc.page_text is None
    assert "测试区发展和改革局2022年政府信息公开工作年度报告" in doc.text
    assert doc.file_body == b""  # read once, then released


def test_same_file_is_read_once(stage, tmp_path: Path) -> None:
    report = SAMPLE_PDF_REPORT.pdf()
    path = store(tmp_path, report, ".pdf")
    for n in range(2):
        url = f"http://127.0.0.1/f/{n}.pdf"
        doc = item(title="t", text="详见附件", attachments=[entry(url, "r", path, PDF, report)])
        run_now(stage.process_item(doc))
    (tmp_path / path).unlink()  # a third read would fail: the cache answers
    doc = item(
        title="t",
        text="详见附件",
        attachments=[entry("http://127.0.0.1/f/2.pdf", "r", path, PDF, report)],
    )
    run_now(stage.process_item(doc))
    assert doc.attachments[0]["text_status"] == "ok"


def test_switches() -> None:
    with pytest.raises(NotConfigured):
        make_pipeline(AttachmentTextPipeline, GOVARCHIVE_ATTACHMENT_TEXT_ENABLED=False)
    assert local_store("/srv/archive") == Path("/srv/archive")
    assert local_store("file:///srv/archive") == Path("/srv/archive")
    assert local_store("s3://bucket/archive") is None


def test_file_document_without_a_printed_title_is_named_by_its_file(stage) -> None:
    body = render_pdf(["一、基本情况", "本单位全年共办理政府信息公开申请十件，均已按期答复。" * 3])
    url = "http://127.0.0.1/upload/%E5%B9%B4%E6%8A%A5.pdf"
    doc = item(url=url, file_body=body, content_type=PDF, attachments=[{"url": url, "name": ""}])
    run_now(stage.process_item(doc))
    assert doc.title == "年报"
