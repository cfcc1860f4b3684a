"""extraction.files: text out of attachment files, every file made here (plus one real PDF)."""

from __future__ import annotations

import io
import json
import random
import re
import struct
import zipfile

import pytest
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from extraction.files import (
    DOC,
    DOCX,
    OFD,
    PDF,
    STATUSES,
    XLS,
    XLSX,
    ZIP,
    FileText,
    extract_file_text,
    sniff_media_type,
)
from extraction.reports.report import parse_report
from tests.helpers import CORPUS

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

PARAGRAPH = (
    "2024年，我县认真贯彻落实《中华人民共和国政府信息公开条例》，全年共受理政府信息公开申请"
    " 128 件，按时答复率达到百分之百，政府信息公开工作取得了新的进展，群众满意度进一步提升，"
    "各项工作有序推进。"
)


def _failed(result: FileText, status: str) -> None:
    assert result.status == status, (result.status, result.error)
    assert result.status in STATUSES
    assert result.error  # a reason, in words


# PDF ------------------------------------------------------------------------------------------


def _footer(c: canvas.Canvas, doc: SimpleDocTemplate) -> None:
    c.setFont(FONT, 10)
    c.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")


def report_pdf() -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4)
    head = ParagraphStyle("head", fontName=FONT, fontSize=14, leading=24)
    body = ParagraphStyle("body", parent=head, firstLineIndent=28)
    table = Table(
        [
            ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            ["规章", "1", "0", "11"],
            ["行政规范性文件", "8", "26", "66"],
        ]
    )
    table.setStyle(
        TableStyle(
            [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONTNAME", (0, 0), (-1, -1), FONT)]
        )
    )
    story = [
        Paragraph("测试县人民政府2024年政府信息公开工作年度报告", head),
        Paragraph("一、总体情况", head),
        Paragraph(PARAGRAPH, body),
        Paragraph("二、主动公开政府信息情况", head),
        table,
        Paragraph("三、存在的主要问题及改进情况", head),
        Paragraph("全年收取信息处理费 0 元。", body),
    ]
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buf.getvalue()


def canvas_pdf(
    pages: list[list[str]], encrypt: object = None, font: str = FONT, footer: bool = True
) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    for number, lines in enumerate(pages, 1):
        c.setFont(font, 12)
        for i, line in enumerate(lines):
            c.drawString(72, 760 - 24 * i, line)
        if footer:
            c.setFont(font, 9)
            c.drawCentredString(A4[0] / 2, 30, f"第 {number} 页 共 {len(pages)} 页")
        c.showPage()
    c.save()
    return buf.getvalue()


def test_pdf_paragraphs_and_ruled_table() -> None:
    result = extract_file_text(report_pdf(), media_type="application/pdf")
    assert result.status == "ok", result.error
    assert result.media_type == PDF
    assert (result.pages, result.tables) == (1, 1)
    lines = result.text.splitlines()
    assert lines == [
        "测试县人民政府2024年政府信息公开工作年度报告",
        "一、总体情况",
        PARAGRAPH,  # wrapped over three lines on the page, one line here
        "二、主动公开政府信息情况",
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
        "| 规章 | 1 | 0 | 11 |",
        "| 行政规范性文件 | 8 | 26 | 66 |",
        "三、存在的主要问题及改进情况",
        "全年收取信息处理费 0 元。",
    ]
    assert "- 1 -" not in result.text


def test_pdf_page_footers_and_page_cap() -> None:
    pages = [[f"第{n}页的正文内容。"] for n in range(1, 4)]
    result = extract_file_text(canvas_pdf(pages), filename="a.pdf", max_pages=2)
    assert result.status == "ok", result.error
    assert result.pages == 3
    assert result.text.splitlines() == ["第1页的正文内容。", "第2页的正文内容。"]
    assert "read the first 2 of 3 pages" in result.notes


def test_pdf_text_in_a_form_xobject() -> None:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.beginForm("body")
    c.setFont(FONT, 12)
    c.drawString(72, 700, "表单对象里的正文")
    c.endForm()
    c.doForm("body")
    c.showPage()
    c.save()
    result = extract_file_text(buf.getvalue())
    assert (result.status, result.text) == ("ok", "表单对象里的正文")


def test_pdf_encrypted_with_a_user_password() -> None:
    result = extract_file_text(canvas_pdf([["机密正文"]], encrypt="secret"))
    _failed(result, "encrypted")
    assert result.media_type == PDF


def test_pdf_with_an_owner_password_only_opens() -> None:
    # The empty user password opens it. (Standard fonts: pdfminer does not map reportlab's
    # encrypted CID fonts back to Unicode, which the status then says: no_text_layer.)
    data = canvas_pdf(
        [["Annual report 2024"]],
        encrypt=StandardEncryption("", ownerPassword="owner"),
        font="Helvetica",
        footer=False,
    )
    result = extract_file_text(data)
    assert (result.status, result.text) == ("ok", "Annual report 2024")


def test_pdf_images_only_has_no_text_layer() -> None:
    from PIL import Image

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.drawImage(ImageReader(Image.new("RGB", (300, 200), "white")), 72, 400, 300, 200)
    c.showPage()
    c.save()
    result = extract_file_text(buf.getvalue(), filename="scan.pdf")
    _failed(result, "no_text_layer")
    assert result.pages == 1
    assert result.text == ""


def test_pdf_truncated() -> None:
    data = report_pdf()
    result = extract_file_text(data[: len(data) // 2], media_type="application/pdf")
    _failed(result, "truncated")
    assert result.media_type == PDF


def test_pdf_html_error_page_under_a_pdf_name() -> None:
    page = b"<!DOCTYPE html><html><body>404 Not Found</body></html>"
    result = extract_file_text(page, media_type="application/pdf", filename="report.pdf")
    _failed(result, "malformed")
    assert "HTML page" in (result.error or "")


# The real PDF ---------------------------------------------------------------------------------

HUAIAN = CORPUS / "attachments" / "huaian_szf_nb2024.pdf"
TABLE_KEYS = {
    "t3_new_received_total": ("requests", "new_received", "total"),
    "t3_carried_over_total": ("requests", "carried_over", "total"),
    "t3_total_processed_total": ("requests", "total_processed", "total"),
    "t3_carried_forward_total": ("requests", "carried_forward", "total"),
    "t4_reconsideration_total": ("reviews", "reconsideration", "total"),
    "t4_litigation_direct_total": ("reviews", "litigation_direct", "total"),
    "t4_litigation_after_total": ("reviews", "litigation_after_reconsideration", "total"),
}


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.corpus
def test_real_pdf_annual_report() -> None:
    if not HUAIAN.exists():
        pytest.skip(f"{HUAIAN} is absent (../shared/corpus not checked out beside the repo)")
    meta = json.loads(HUAIAN.with_suffix(".json").read_text(encoding="utf-8"))
    gold = meta["gold"]
    result = extract_file_text(
        HUAIAN.read_bytes(), media_type=meta["http_content_type"], filename=HUAIAN.name
    )
    assert result.status == "ok", result.error
    assert result.pages == meta["_meta"]["pages"]
    assert result.tables >= 4
    text = _squash(result.text)
    for snippet in gold["must_include"]:
        assert _squash(snippet) in text, snippet
    for snippet in gold["must_exclude"]:
        assert _squash(snippet) not in text, snippet
    assert "| 一、本年新收政府信息公开申请数量 | 3001 | 53 | 0 | 0 | 61 | 4 | 3119 |" in result.text

    report = parse_report(
        text=result.text, html=None, title=gold["title"], report_year=gold["report_year"]
    )
    assert report["figures"] == gold["figures"]
    for key, path in TABLE_KEYS.items():
        value = report
        for part in path:
            value = value.get(part, {}) if isinstance(value, dict) else {}
        assert value == gold["tables"][key], (key, value)
    assert all(check["ok"] for check in report["checks"]), report["checks"]


# DOCX, XLSX, XLS ------------------------------------------------------------------------------


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("测试县2024年政府信息公开工作年度报告")
    document.add_paragraph("一、总体情况")
    table = document.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    cells = [
        ["申请人情况", "自然人", "总计"],
        ["", "本年新收", "12"],
        ["一、本年新收政府信息公开申请数量", "10", "12"],
        ["二、上年结转政府信息公开申请数量", "0", "0"],
    ]
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(0, 0).merge(table.cell(1, 0))  # a rowspan: its text once, on row 1
    table.cell(1, 1).merge(table.cell(1, 2))  # a colspan: one cell
    document.add_paragraph("二、其他需要报告的事项")
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_table_in_order() -> None:
    result = extract_file_text(docx_bytes(), filename="报告.docx")
    assert result.status == "ok", result.error
    assert (result.media_type, result.tables) == (DOCX, 1)
    assert result.text.splitlines() == [
        "测试县2024年政府信息公开工作年度报告",
        "一、总体情况",
        "| 申请人情况 | 自然人 | 总计 |",
        "| 本年新收 12 |",  # the colspan cell holds both texts, as paragraphs
        "| 一、本年新收政府信息公开申请数量 | 10 | 12 |",
        "| 二、上年结转政府信息公开申请数量 | 0 | 0 |",
        "二、其他需要报告的事项",
    ]


def test_docx_truncated() -> None:
    data = docx_bytes()
    result = extract_file_text(data[: len(data) // 2], filename="a.docx")
    _failed(result, "truncated")
    assert result.media_type == DOCX


def test_xlsx_two_sheets() -> None:
    import openpyxl

    book = openpyxl.Workbook()
    first = book.active
    first.title = "依申请公开"
    first.append(["项目", "自然人", "总计"])
    first.append(["本年新收", 10, 12])
    first.append([None, None, None])
    first.append(["费用（万元）", 1.5, None])
    second = book.create_sheet("行政复议")
    second.append(["维持", "纠正", "总计"])
    second.append([1, 0, 1])
    buf = io.BytesIO()
    book.save(buf)
    result = extract_file_text(buf.getvalue())
    assert result.status == "ok", result.error
    assert (result.media_type, result.tables) == (XLSX, 2)
    assert result.text.splitlines() == [
        "工作表：依申请公开",
        "| 项目 | 自然人 | 总计 |",
        "| 本年新收 | 10 | 12 |",
        "| 费用（万元） | 1.5 |",
        "工作表：行政复议",
        "| 维持 | 纠正 | 总计 |",
        "| 1 | 0 | 1 |",
    ]


def biff2_xls() -> bytes:
    """A legacy BIFF2 worksheet (GBK labels), the simplest .xls xlrd reads; no writer for
    BIFF8 is maintained (xlwt is archived)."""

    def record(opcode: int, data: bytes) -> bytes:
        return struct.pack("<HH", opcode, len(data)) + data

    def label(row: int, col: int, text: str) -> bytes:
        raw = text.encode("gbk")
        return record(0x0004, struct.pack("<HH", row, col) + b"\0\0\0" + bytes([len(raw)]) + raw)

    def number(row: int, col: int, value: float) -> bytes:
        return record(0x0003, struct.pack("<HH", row, col) + b"\0\0\0" + struct.pack("<d", value))

    return b"".join(
        [
            record(0x0009, struct.pack("<HH", 0x0002, 0x0010)),  # BOF: BIFF2 worksheet
            record(0x0042, struct.pack("<H", 936)),  # CODEPAGE: GBK
            label(0, 0, "信息内容"),
            label(0, 1, "本年制发件数"),
            label(1, 0, "规章"),
            number(1, 1, 3),
            record(0x000A, b""),  # EOF
        ]
    )


def test_xls_legacy_workbook() -> None:
    result = extract_file_text(biff2_xls(), filename="统计表.xls")
    assert result.status == "ok", result.error
    assert result.media_type == XLS
    assert result.text.splitlines() == [
        "工作表：Sheet 1",
        "| 信息内容 | 本年制发件数 |",
        "| 规章 | 3 |",
    ]


# OLE2 binaries --------------------------------------------------------------------------------


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (CFB v3): one FAT sector, one directory sector, each
    stream padded to 4096 bytes so that none goes to the mini stream."""
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    names = list(streams)[:3]
    data = [streams[name].ljust(4096, b"\0") for name in names]
    fat = [fat_sector, end]
    starts = []
    for blob in data:
        start = len(fat)
        starts.append(start)
        count = len(blob) // 512
        fat += [*range(start + 1, start + count), end]
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = (name + "\0").encode("utf-16-le")
        return (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", free, right, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, size)
        )

    entries = [entry("Root Entry", 5, free, 1 if names else free, end, 0)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else free
        entries.append(entry(name, 2, right, free, starts[i], 4096))
    directory = b"".join(entries).ljust(512, b"\0")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIII", 0, 1, 1, 0)  # dir sectors, FAT sectors, first dir sector, txn
        + struct.pack("<IIIII", 4096, end, 0, end, 0)  # mini cutoff, mini FAT, DIFAT
        + struct.pack("<I", 0)  # DIFAT[0]: the FAT is sector 0
        + struct.pack("<I", free) * 108
    )
    fat_bytes = struct.pack("<128I", *fat)
    return header + fat_bytes + directory + b"".join(data)


def test_doc_and_wps_are_unsupported_with_a_reason() -> None:
    data = ole_file({"WordDocument": b"\xec\xa5" + b"\0" * 100, "1Table": b"\0" * 10})
    assert sniff_media_type(data) == DOC
    result = extract_file_text(data, filename="报告.doc")
    _failed(result, "unsupported")
    assert result.media_type == DOC
    assert "Word 97-2003" in (result.error or "")
    wps = extract_file_text(data, filename="报告.wps")
    _failed(wps, "unsupported")
    assert "WPS" in (wps.error or "")


def test_password_protected_office_file_is_encrypted() -> None:
    data = ole_file({"EncryptionInfo": b"\x04\x00\x04\x00", "EncryptedPackage": b"\x01" * 64})
    result = extract_file_text(data, filename="报告.docx")
    _failed(result, "encrypted")
    assert result.media_type == DOCX


# OFD ------------------------------------------------------------------------------------------

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def _text_object(ident: int, x: float, y: float, text: str, size: float = 5.0) -> str:
    gaps = f' DeltaX="g {len(text) - 1} {size}"' if len(text) > 1 else ""
    return (
        f'<ofd:TextObject ID="{ident}" Boundary="{x} {y - size} {size * len(text)} {size * 1.4}" '
        f'Font="3" Size="{size}"><ofd:TextCode X="0" Y="{size}"{gaps}>{text}</ofd:TextCode>'
        "</ofd:TextObject>"
    )


def ofd_bytes() -> bytes:
    # 20 characters of 5 mm fill the 100 mm text block (x 25-125); an indent is 2 characters.
    page_1 = [
        (40, "测试县年度报告"),
        (60, "一、总体情况"),
        (70, "全县共受理政府信息公开申请三十件，均"),  # indented first line: 18 from x 35
        (80, "已按期答复，群众满意度较高，各项工作有序"),
        (90, "推进。"),
        (285, "- 1 -"),
    ]
    page_2 = [(40, "二、其他需要报告的事项"), (285, "- 2 -")]

    def content(lines: list[tuple[float, str]]) -> str:
        objects = []
        for ident, (y, text) in enumerate(reversed(lines), 10):  # out of order on purpose
            x = 35.0 if text.startswith("全县") else 25.0
            if text.startswith("- "):
                x = 100.0
            objects.append(_text_object(ident, x, y, text))
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {NS}><ofd:Content>'
            f'<ofd:Layer ID="2">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>'
        )

    files = {
        "OFD.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {NS} Version="1.0" '
        'DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>1</ofd:DocID></ofd:DocInfo>'
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {NS}>'
        "<ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 150 297</ofd:PhysicalBox>"
        '</ofd:PageArea></ofd:CommonData><ofd:Pages><ofd:Page ID="1" '
        'BaseLoc="Pages/Page_0/Content.xml"/><ofd:Page ID="5" '
        'BaseLoc="Pages/Page_1/Content.xml"/></ofd:Pages></ofd:Document>',
        "Doc_0/Pages/Page_0/Content.xml": content(page_1),
        "Doc_0/Pages/Page_1/Content.xml": content(page_2),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return buf.getvalue()


def test_ofd_text_in_reading_order() -> None:
    result = extract_file_text(ofd_bytes(), filename="报告.ofd")
    assert result.status == "ok", result.error
    assert (result.media_type, result.pages) == (OFD, 2)
    assert result.text.splitlines() == [
        "测试县年度报告",
        "一、总体情况",
        "全县共受理政府信息公开申请三十件，均已按期答复，群众满意度较高，各项工作有序推进。",
        "二、其他需要报告的事项",
    ]


# ZIP ------------------------------------------------------------------------------------------


def test_zip_with_a_docx_and_a_gbk_named_text_file() -> None:
    buf = io.BytesIO()
    gbk_name = "说明.txt".encode("gbk")
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("年度报告.docx", docx_bytes())
        archive.writestr("@" * len(gbk_name), "附件说明。".encode("gbk"))
        archive.writestr("数据.bin", b"\x00\x01\x02\x03" * 10)
    # A Chinese zip tool's member name: GBK bytes without the UTF-8 flag (zipfile would set
    # the flag for a non-ASCII name, so the bytes are put in after).
    data = buf.getvalue().replace(b"@" * len(gbk_name), gbk_name)
    result = extract_file_text(data, filename="附件.zip")
    assert result.status == "ok", result.error
    assert (result.media_type, result.tables) == (ZIP, 1)
    lines = result.text.splitlines()
    assert lines[0] == "文件：年度报告.docx"
    assert "| 申请人情况 | 自然人 | 总计 |" in lines
    assert "文件：说明.txt" in lines
    assert "附件说明。" in lines
    assert any(line.startswith("文件：数据.bin（unsupported") for line in lines)
    assert any("数据.bin" in note for note in result.notes)


def test_zip_bomb_refused_before_inflating() -> None:
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("bomb.txt", "w") as out,
    ):
        chunk = b"\0" * (1024 * 1024)
        for _ in range(20):
            out.write(chunk)
    result = extract_file_text(buf.getvalue(), filename="a.zip")
    _failed(result, "too_large")
    assert "zip bomb" in (result.error or "")


def test_zip_member_declaring_a_huge_size() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.txt", "正文" * 100)
    data = bytearray(buf.getvalue())
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = struct.pack("<I", 2**31)  # uncompressed size: 2 GiB
    result = extract_file_text(bytes(data), filename="a.zip")
    _failed(result, "too_large")


def test_docx_bomb_refused() -> None:
    buf = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx_bytes())) as source,
        zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        archive.writestr("word/media/padding.bin", b"\0" * (8 * 1024 * 1024))
    result = extract_file_text(buf.getvalue(), filename="a.docx")
    _failed(result, "too_large")
    assert result.media_type == DOCX


# Plain text and failures ----------------------------------------------------------------------


def test_gbk_text_file() -> None:
    result = extract_file_text("第一段。\r\n\r\n第二段　内容\r\n".encode("gbk"), filename="a.txt")
    assert (result.status, result.text) == ("ok", "第一段。\n第二段 内容")


def test_garbage_bytes() -> None:
    junk = random.Random(7).randbytes(4096)
    _failed(extract_file_text(junk), "unsupported")
    _failed(extract_file_text(junk, media_type="application/pdf"), "malformed")
    _failed(extract_file_text(junk, filename="a.docx"), "malformed")


def test_empty_bytes() -> None:
    result = extract_file_text(b"", filename="a.pdf")
    _failed(result, "empty")
    assert result.media_type == PDF


def test_too_large() -> None:
    result = extract_file_text(report_pdf(), max_bytes=1000)
    _failed(result, "too_large")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n", PDF),
        (b"\xef\xbb\xbf<!DOCTYPE html><html>", "text/html"),
        (b"Rar!\x1a\x07\x00", "application/vnd.rar"),
        (b"\x89PNG\r\n\x1a\n....", "image/png"),
    ],
)
def test_sniffing(data: bytes, expected: str) -> None:
    assert sniff_media_type(data, filename="x.doc") == expected


def test_nothing_raises_on_cut_files() -> None:
    samples = [report_pdf(), docx_bytes(), ofd_bytes(), biff2_xls()]
    for data in samples:
        for cut in (1, 7, len(data) // 3, len(data) - 1):
            result = extract_file_text(data[:cut])
            assert result.status in STATUSES
            assert result.status == "ok" or result.error
