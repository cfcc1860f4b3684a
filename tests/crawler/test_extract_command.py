"""`scrapy extract`, run as a user runs it (a subprocess in the project folder)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>青禾市2014年政府信息公开工作年度报告_年报_青禾市人民政府</title></head><body>
<div>当前位置：首页 &gt; 政府信息公开年报</div>
<table><tr><td>索 引 号：</td><td>330411ZF000000/2015-119195</td></tr>
<tr><td>发布机构：</td><td>青禾市人民政府办公室</td></tr><tr><td>发布日期：</td><td>2015年3月27日</td></tr></table>
<h1>青禾市2014年政府信息公开工作年度报告</h1>
<div id="zoom"><p>一、总体情况</p><p>2014年，全市共受理政府信息公开申请12件，均已按时答复，未发生行政复议和行政诉讼。</p></div>
<div>打印本页 关闭窗口</div><div>版权所有：青禾市人民政府 浙ICP备12345678号</div></body></html>"""


def _extract(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "extract", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@pytest.fixture
def gbk_page(tmp_path: Path) -> Path:
    path = tmp_path / "report.html"
    path.write_bytes(PAGE.encode("gbk"))
    return path


def test_single_page_without_content_type_is_decoded_from_its_meta(gbk_page) -> None:
    proc = _extract("--url", "http://127.0.0.1/nb/t20150327_1.html", str(gbk_page))
    assert proc.returncode == 0, proc.stderr
    (line,) = proc.stdout.splitlines()
    record = json.loads(line)
    assert record["encoding"] == "gb18030"
    assert record["title"] == "青禾市2014年政府信息公开工作年度报告"
    assert (record["index_no"], record["published_at"]) == (
        "330411ZF000000/2015-119195",
        "2015-03-27",
    )
    assert record["publisher"] == "青禾市人民政府办公室"
    assert (record["is_annual_report"], record["report_year"]) == (True, 2014)
    assert "共受理政府信息公开申请12件" in record["text"]
    assert "ICP" not in record["text"]
    assert "打印本页" not in record["text"]


def test_wrong_content_type_header_is_repaired(gbk_page) -> None:
    proc = _extract(
        "--url",
        "http://127.0.0.1/x.html",
        "--content-type",
        "text/html; charset=utf-8",
        str(gbk_page),
    )
    record = json.loads(proc.stdout)
    assert record["replacement_chars"] == 0
    assert "年度报告" in record["title"]


def test_batch_keeps_order_and_turns_failures_into_records(tmp_path, gbk_page) -> None:
    listing = tmp_path / "list.jsonl"
    listing.write_text(
        "\n".join(
            [
                json.dumps(
                    {"path": str(gbk_page), "url": "http://127.0.0.1/1.html", "content_type": None}
                ),
                json.dumps(
                    {"path": "missing.html", "url": "http://127.0.0.1/2.html", "content_type": None}
                ),
                "{not json",
                json.dumps(
                    {
                        "path": gbk_page.name,
                        "url": "http://127.0.0.1/4.html",
                        "content_type": "application/pdf",
                    }
                ),
                json.dumps(
                    {
                        "path": gbk_page.name,
                        "url": "http://127.0.0.1/5.html",
                        "content_type": "text/html; charset=gbk",
                    }
                ),
            ]
        ),
        encoding="utf-8",
    )
    proc = _extract("--batch", str(listing))
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(records) == 5
    assert [("error" in r) for r in records] == [False, True, True, True, False]
    assert records[0]["url"].endswith("/1.html")
    assert records[4]["url"].endswith("/5.html")
    assert "missing.html" in records[1]["error"]
    assert records[4]["title"] == records[0]["title"], "relative paths resolve next to the list"


def test_single_missing_file_reports_and_fails(tmp_path) -> None:
    proc = _extract("--url", "http://127.0.0.1/a.html", str(tmp_path / "nope.html"))
    assert proc.returncode == 1
    assert "error" in json.loads(proc.stdout)


def test_usage_error_without_url(gbk_page) -> None:
    proc = _extract(str(gbk_page))
    assert proc.returncode == 2


def test_a_document_file_is_a_file_document(tmp_path: Path) -> None:
    from tests.report_files import SAMPLE_DOCX_REPORT

    path = tmp_path / "download.docx"
    path.write_bytes(SAMPLE_DOCX_REPORT.docx())
    proc = _extract("--url", "http://127.0.0.1/upload/download.docx", str(path))
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    # No list row named it: the title printed at the top of the file.
    assert record["title"] == SAMPLE_DOCX_REPORT.title
    assert record["text_source"] == "attachment"
    assert record["report_year"] == SAMPLE_DOCX_REPORT.year
    assert record["report"]["figures"] == SAMPLE_DOCX_REPORT.expected_figures()
    (entry,) = record["attachments"]
    assert (entry["text_status"], entry["url"]) == ("ok", record["url"])


def test_the_real_pdf_report(tmp_path: Path) -> None:
    from tests.helpers import CORPUS

    pdf = CORPUS / "attachments" / "huaian_szf_nb2024.pdf"
    if not pdf.exists():
        pytest.skip(f"shared corpus not found at {CORPUS} (../shared/corpus beside the project)")
    gold = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))["gold"]
    proc = _extract("--url", "http://127.0.0.1/nb/szfgs2024.pdf", str(pdf))
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["title"] == gold["title"]
    assert record["is_annual_report"] is gold["is_annual_report"]
    assert record["report_year"] == gold["report_year"]
    assert record["report"]["figures"] == gold["figures"]
    for snippet in gold["must_include"]:
        assert snippet in record["text"], snippet
    for chrome in gold["must_exclude"]:
        assert chrome not in record["text"], chrome
    assert record["attachments"][0]["pages"] == 6
