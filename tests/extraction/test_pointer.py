"""Whose text is the document's: the page's, or its attachments' (extraction.pointer)."""

from __future__ import annotations

import pytest

from extraction.pointer import AttachmentText, is_pointer_page, name_stem, text_attachments

REPORT_TITLE = "某县人民政府2023年政府信息公开工作年度报告"
REPORT_TEXT = f"""{REPORT_TITLE}
一、总体情况
2023年，我县全年主动公开政府信息1200条。
二、主动公开政府信息情况
三、收到和处理政府信息公开申请情况
| 一、本年新收政府信息公开申请数量 | 10 | 0 | 0 | 0 | 0 | 0 | 10 |
四、政府信息公开行政复议、行政诉讼情况
五、存在的主要问题及改进情况"""
NOTICE = (
    "为进一步规范政府信息公开申请办理工作，根据《中华人民共和国政府信息公开条例》，结合我县"
    "实际，现就有关事项通知如下：一、严格依法办理；二、规范答复文书；三、加强督促检查。"
)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("", ["年度报告.pdf"]),
        ("详见附件。", ["年度报告.pdf"]),
        ("附件：\n某县2023年政府信息公开工作年度报告.pdf", ["某县2023年政府信息公开工作年度报告"]),
        (f"{REPORT_TITLE}\n附件1：年报.docx（35KB）\n点击下载", ["年报"]),
        ("现将《某县政务公开工作要点》印发给你们，请认真贯彻执行。\n附件：工作要点", ["工作要点"]),
    ],
)
def test_pointer_pages(text: str, names: list[str]) -> None:
    assert is_pointer_page(text, REPORT_TITLE, names)


@pytest.mark.parametrize(
    "text",
    [
        NOTICE,
        f"{NOTICE}\n附件：申请表.doc",  # a notice with a form attached: the notice is the text
        # Short, but says nothing of the attachment: a page of its own.
        "2023年我县共受理政府信息公开申请10件，均按时答复。",
    ],
)
def test_pages_with_their_own_text(text: str) -> None:
    assert not is_pointer_page(text, "某县关于做好政府信息公开申请办理工作的通知", ["申请表"])


def test_pointer_page_takes_every_attachment_with_text_in_order() -> None:
    files = [
        AttachmentText(
            "附件1：实施方案.docx", "实施方案正文第一部分内容较长足以成为文档正文。" * 2
        ),
        AttachmentText("附件2：照片.jpg", ""),
        AttachmentText(
            "附件3：分工表.xlsx", "| 任务 | 责任单位 |\n| 规范答复文书 | 县司法局 |" * 2
        ),
    ]
    assert text_attachments("某县实施方案", "详见附件。", files) == [0, 2]


def test_report_page_without_report_content_takes_the_report_file() -> None:
    page = f"{REPORT_TITLE}\n发布日期：2024-01-20\n相关附件"
    files = [
        AttachmentText("申请表.doc", "政府信息公开申请表 申请人姓名 联系电话 所需信息描述"),
        AttachmentText("2023年年度报告.pdf", REPORT_TEXT),
    ]
    assert text_attachments(REPORT_TITLE, page, files) == [1]


def test_report_page_that_holds_the_report_keeps_its_text() -> None:
    files = [AttachmentText("2023年年度报告.pdf", REPORT_TEXT)]
    assert text_attachments(REPORT_TITLE, REPORT_TEXT, files) == []


def test_report_file_named_like_a_report_is_preferred() -> None:
    files = [
        AttachmentText("附件1.pdf", REPORT_TEXT.replace("2023", "2022")),
        AttachmentText("附件2：2023年政府信息公开工作年度报告.pdf", REPORT_TEXT),
    ]
    page = "我县2023年度政府信息公开工作年度报告全文见附件。"
    assert text_attachments(REPORT_TITLE, page, files) == [1]


def test_nothing_readable_keeps_the_page() -> None:
    files = [AttachmentText("扫描件.pdf", ""), AttachmentText("表.xls", "短")]
    assert text_attachments(REPORT_TITLE, "详见附件", files) == []


def test_file_document_without_title_is_recognised_by_its_name() -> None:
    files = [AttachmentText("某县2023年政府信息公开工作年度报告.pdf", REPORT_TEXT)]
    assert text_attachments(None, "", files) == [0]


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("附件1：2023年年度报告.pdf", "2023年年度报告"),
        ("相关附件 年报.docx", "年报"),
        ("某县2023年政府信息公开工作年度报告", "某县2023年政府信息公开工作年度报告"),
    ],
)
def test_name_stem(name: str, stem: str) -> None:
    assert name_stem(name) == stem
