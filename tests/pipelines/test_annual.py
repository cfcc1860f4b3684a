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
