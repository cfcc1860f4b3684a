"""Annual reports drawn as files for tests: a 2021-template 政府信息公开工作年度报告 with its
prose and tables 2–4 (merged header cells as the official template has them), rendered as a
PDF (reportlab; Chinese through the built-in CID font STSong-Light, no font file) and as a
DOCX (python-docx).

The numbers are the test's: ``expected_figures()`` is what a correct reading of the file
must give, computed from the same numbers the file is drawn from.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

# (row, column) spans of a table: ((first_row, first_col), (last_row, last_col)).
Span = tuple[tuple[int, int], tuple[int, int]]

APPLICANTS = 6  # 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他


@dataclass(frozen=True)
class Table:
    rows: list[list[str]]
    spans: list[Span] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)  # shares of the text width


@dataclass(frozen=True)
class StandardReport:
    """One agency's report for one year; tables follow from these numbers."""

    agency: str
    year: int
    proactive_new: int
    requests_new: tuple[int, ...]  # per applicant kind (APPLICANTS numbers)
    # 行政复议 then 未经复议直接起诉 then 复议后起诉: (维持, 纠正, 其他, 尚未审结) each
    reviews: tuple[tuple[int, int, int, int], tuple[int, int, int, int], tuple[int, int, int, int]]

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    def expected_figures(self) -> dict[str, int]:
        reconsideration, direct, after = (sum(block) for block in self.reviews)
        return {
            "requests_new": sum(self.requests_new),
            "reconsiderations": reconsideration,
            "lawsuits": direct + after,
            "proactive_new": self.proactive_new,
        }

    # Content ---------------------------------------------------------------------------

    def blocks(self) -> list[str | Table]:
        """The report in reading order: paragraphs (str) and tables."""
        y, agency = self.year, self.agency
        requests = sum(self.requests_new)
        return [
            self.title,
            (
                f"本报告由{agency}办公室根据《中华人民共和国政府信息公开条例》（以下简称"
                f"《条例》）编制。报告所列统计期限自{y}年1月1日至{y}年12月31日。"
            ),
            "一、总体情况",
            (
                f"{y}年，{agency}认真贯彻落实《条例》，全年主动公开政府信息"
                f"{self.proactive_new}条，共受理政府信息公开申请{requests}件，均在法定期限内予以答复。"
            ),
            "二、主动公开政府信息情况",
            _table_2(),
            "三、收到和处理政府信息公开申请情况",
            _table_3(self.requests_new),
            "四、政府信息公开行政复议、行政诉讼情况",
            _table_4(self.reviews),
            "五、存在的主要问题及改进情况",
            "一是政策解读形式还不够丰富；二是基层公开标准化还需加强。下一步将加强培训。",
            "六、其他需要报告的事项",
            "本年度未收取信息处理费。",
        ]

    # Files -----------------------------------------------------------------------------

    def pdf(self) -> bytes:
        return render_pdf(self.blocks())

    def docx(self) -> bytes:
        return render_docx(self.blocks())


def _table_2() -> Table:
    return Table(
        rows=[
            ["第二十条第（一）项", "", "", ""],
            ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            ["规章", "0", "0", "3"],
            ["行政规范性文件", "4", "1", "27"],
        ],
        spans=[((0, 0), (0, 3))],
        widths=[0.4, 0.2, 0.2, 0.2],
    )


def _table_3(new: tuple[int, ...]) -> Table:
    """Table 3 with its three header rows; everything received is answered (予以公开)."""
    assert len(new) == APPLICANTS
    numbers = [str(n) for n in (*new, sum(new))]
    zeros = ["0"] * (APPLICANTS + 1)
    rows = [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "",
         "申请人情况", "", "", "", "", "", ""],
        ["", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
        ["", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
        ["一、本年新收政府信息公开申请数量", "", *numbers],
        ["二、上年结转政府信息公开申请数量", "", *zeros],
        ["三、本年度办理结果", "（一）予以公开", *numbers],
        ["", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", *zeros],
        ["", "（七）总计", *numbers],
        ["四、结转下年度继续办理", "", *zeros],
    ]  # fmt: skip
    spans: list[Span] = [
        ((0, 0), (2, 1)), ((0, 2), (0, 8)), ((1, 2), (2, 2)), ((1, 3), (1, 7)), ((1, 8), (2, 8)),
        ((3, 0), (3, 1)), ((4, 0), (4, 1)), ((5, 0), (7, 0)), ((8, 0), (8, 1)),
    ]  # fmt: skip
    return Table(rows, spans, widths=[0.2, 0.22] + [0.58 / 7] * 7)


def _table_4(reviews: tuple[tuple[int, int, int, int], ...]) -> Table:
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    numbers = [str(n) for block in reviews for n in (*block, sum(block))]
    rows = [
        ["行政复议", "", "", "", "", "行政诉讼", *[""] * 9],
        [*heads, "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
        ["", "", "", "", "", *heads, *heads],
        numbers,
    ]
    spans: list[Span] = [
        ((0, 0), (0, 4)), ((0, 5), (0, 14)), ((1, 5), (1, 9)), ((1, 10), (1, 14)),
        *(((1, c), (2, c)) for c in range(5)),
    ]  # fmt: skip
    return Table(rows, spans, widths=[1 / 15] * 15)


# Renderers -------------------------------------------------------------------------------------

FONT = "STSong-Light"


def render_pdf(blocks: list[str | Table]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4)
    body = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=20, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=7, leading=9, wordWrap="CJK")
    story: list[object] = []
    for block in blocks:
        if isinstance(block, str):
            story.append(Paragraph(block, body))
            continue
        rows = [[Paragraph(value, cell) if value else "" for value in row] for row in block.rows]
        widths = [share * document.width for share in block.widths] or None
        table = PdfTable(rows, colWidths=widths)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        style += [("SPAN", (c0, r0), (c1, r1)) for (r0, c0), (r1, c1) in block.spans]
        table.setStyle(TableStyle(style))
        story += [table, Spacer(1, 8)]
    document.build(story)
    return buffer.getvalue()


def render_docx(blocks: list[str | Table]) -> bytes:
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        table = document.add_table(rows=len(block.rows), cols=len(block.rows[0]))
        table.style = "Table Grid"
        for r, row in enumerate(block.rows):
            for c, value in enumerate(row):
                if value:
                    table.cell(r, c).text = value
        for (r0, c0), (r1, c1) in block.spans:
            table.cell(r0, c0).merge(table.cell(r1, c1))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


SAMPLE_PDF_REPORT = StandardReport(
    agency="测试区人民政府",
    year=2023,
    proactive_new=1234,
    requests_new=(41, 6, 0, 1, 2, 3),
    reviews=((2, 1, 1, 0), (1, 0, 0, 1), (0, 1, 0, 0)),
)
SAMPLE_DOCX_REPORT = StandardReport(
    agency="测试区发展和改革局",
    year=2022,
    proactive_new=86,
    requests_new=(9, 2, 0, 0, 1, 0),
    reviews=((1, 0, 0, 0), (0, 0, 1, 0), (0, 0, 0, 0)),
)
