from __future__ import annotations

from pipelines.annual import AnnualReportPipeline
from tests.pipelines.helpers import item, make_pipeline


def test_report_recognised_with_its_year() -> None:
    pipeline = make_pipeline(AnnualReportPipeline)
    result = pipeline.process_item(item(title="沙县应急管理局2018年政府信息公开工作年度报告"))
    assert (result.is_annual_report, result.report_year) == (True, 2018)
    assert pipeline.stats.get_value("govarchive/annual/reports") == 1


def test_lookalike_is_not_a_report_and_has_no_year() -> None:
    pipeline = make_pipeline(AnnualReportPipeline)
    result = pipeline.process_item(
        item(title="关于做好2015年度政府信息公开工作年度报告编制工作的通知")
    )
    assert (result.is_annual_report, result.report_year) == (False, None)


REPORT_HEAD = (
    "本报告由淮安市人民政府办公室根据《中华人民共和国政府信息公开条例》规定编制。\n一、总体情况"
)


def test_a_report_without_a_publisher_takes_the_body_that_compiled_it() -> None:
    pipeline = make_pipeline(AnnualReportPipeline)
    result = pipeline.process_item(
        item(title="淮安市人民政府2024年政府信息公开工作年度报告", text=REPORT_HEAD)
    )
    assert result.publisher == "淮安市人民政府办公室"
    assert pipeline.stats.get_value("govarchive/annual/publisher_from_text") == 1


def test_the_pages_own_publisher_wins_and_other_documents_are_left_alone() -> None:
    pipeline = make_pipeline(AnnualReportPipeline)
    report = pipeline.process_item(
        item(
            title="淮安市人民政府2024年政府信息公开工作年度报告",
            text=REPORT_HEAD,
            publisher="淮安市政务公开办",
        )
    )
    assert report.publisher == "淮安市政务公开办"
    notice = pipeline.process_item(item(title="关于印发工作要点的通知", text=REPORT_HEAD))
    assert notice.publisher is None
    assert pipeline.stats.get_value("govarchive/annual/publisher_from_text") is None
