"""Annual reports as data: template, sections, prose figures, and whole reports end to end
(corpus reports against their gold, the five seed reports against the hand-made gold)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.offline import OfflinePipelines, document_from_file
from crawler.records import record_validator
from extraction.reports.figures import figures_from_text
from extraction.reports.sections import split_sections
from extraction.reports.template import detect_template
from sample_site import manifest
from sample_site.site import model
from tests.corpus_gate import REPORT_TABLES
from tests.helpers import CorpusPage, corpus_params

SEED_GOLD = json.loads((Path(__file__).with_name("seed_gold.json")).read_text(encoding="utf-8"))


# --- template ----------------------------------------------------------------------------------

T3 = "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量"


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("一、基本情况\n二、主动公开政府信息情况\n本年度新增主动公开信息65条。", 2014, "pre2019"),
        (f"根据国办公开办函〔2021〕30号要求编制。\n{T3}\n本年制发件数 本年废止件数", 2022, "2021"),
        (
            f"根据国办公开办函〔2019〕60号要求编制。\n{T3}\n本年新制作数量 对外公开总数量",
            2019,
            "2019",
        ),
        # the content decides, not the year: a 2020 report already in the 2021 format …
        (f"{T3}\n本年制发件数 现行有效件数\n申请人无正当理由逾期不补正", 2020, "2021"),
        # … and a late report still in the trial format
        (f"{T3}\n本年新制作数量 本年新公开数量\n第二十条第（九）项 采购项目数量", 2021, "2019"),
        # standard sections, nothing format-specific: the year breaks the tie
        (T3, 2020, "2019"),
        (T3, 2023, "2021"),
    ],
)
def test_template_detection(text: str, year: int, expected: str) -> None:
    assert detect_template(text, year) == expected


# --- sections ---------------------------------------------------------------------------------


def test_sections_in_order_with_their_text() -> None:
    text = "本报告依据《条例》编制。\n一、总体情况\n（一）主动公开方面。全年公开信息100条。\n| 一、本年新收政府信息公开申请数量 | 3 |\n二、主动公开政府信息情况\n三、其他需要报告的事项。本年度无其他需要报告的事项。\n五、不是第四节"
    sections = split_sections(text)
    assert [(s["number"], s["title"]) for s in sections] == [
        (1, "总体情况"),
        (2, "主动公开政府信息情况"),
        (3, "其他需要报告的事项"),
    ]
    assert "（一）主动公开方面" in sections[0]["text"]
    assert "| 一、本年新收" in sections[0]["text"], "a table row is never a heading"
    assert sections[2]["text"].startswith("本年度无其他需要报告的事项")
    assert "五、不是第四节" in sections[2]["text"], "out-of-order numbers are not headings"


# --- prose figures ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "本年度新增的主动公开信息65条。我局共受理政府信息公开申请3件。",
            {"proactive_new": 65, "requests_new": 3},
        ),
        ("2009年，我局没有受理依申请公开的政府信息。", {"requests_new": 0}),
        ("本机关全年无政府信息公开申请。", {"requests_new": 0}),
        ("2016年度未有公民、法人或其他组织提出的政府信息公开申请。", {"requests_new": 0}),
        ("本年度没有依申请公开事项。", {"requests_new": 0}),
        # a request that is not needed is not a zero statement
        ("群众查询政策无需申请，可直接登录门户网站。", {"requests_new": None}),
        ("全年共受理政府信息公开申请三件，均按期答复。", {"requests_new": 3}),
        (
            "我局未发生针对有关政府信息公开事务的行政复议、诉讼和申诉。",
            {"reconsiderations": 0, "lawsuits": 0},
        ),
        (
            "因政府信息公开引起的行政复议案件二件、行政诉讼案件7件。",
            {"reconsiderations": 2, "lawsuits": 7},
        ),
        (
            "2013年全县共收到有关政府信息公开的申请7条，网上申请数3条，信函申请数4条。",
            {"requests_new": 7},
        ),
        # distractors: approvals and enquiries are not information requests
        (
            "今年我局共受理审批事项117件，办结171件。共接受市民咨询电话120人次。",
            {"requests_new": None},
        ),
        # approximate and cumulative numbers are never taken
        ("累计主动公开政府信息7700余条。", {"proactive_new": None}),
        ("主动公开政府信息总数近265条。", {"proactive_new": None}),
        ("截至2014年12月底，我局共累计主动公开政府信息228条。", {"proactive_new": None}),
    ],
)
def test_prose_figures(text: str, expected: dict[str, Any]) -> None:
    figures = figures_from_text(text)
    for name, value in expected.items():
        assert getattr(figures, name) == value, name


def test_ambiguous_numbers_stay_null_with_a_reason() -> None:
    figures = figures_from_text(
        "全年共收到政府信息公开申请21件。另据统计，全年受理政府信息公开申请27件。"
    )
    assert figures.requests_new is None
    assert any(
        note.startswith("requests_new:") and "21" in note and "27" in note for note in figures.notes
    )
    approx = figures_from_text("全年主动公开政府信息近265条。")
    assert approx.proactive_new is None
    assert any("approximate" in note for note in approx.notes)


# --- whole reports ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pipelines() -> OfflinePipelines:
    return OfflinePipelines()


def _path(node: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


@pytest.mark.parametrize("page", corpus_params("annual_report"))
def test_corpus_report_matches_its_gold(page: CorpusPage, pipelines: OfflinePipelines) -> None:
    record = pipelines.process(document_from_file(page.path, page.url, page.content_type))
    report = record["report"]
    assert report["figures"] == page.gold["figures"]
    for name, value in (page.gold.get("tables") or {}).items():
        assert _path(report, REPORT_TABLES[name]) == value, name
    assert not list(record_validator().iter_errors(record))
    if report["template"] in ("2019", "2021"):
        assert page.gold.get("tables"), "a standard-format report has tables"
        assert report["checks"], "checks run on standard-format reports"
        failed = {c["rule"] for c in report["checks"] if c["ok"] is False}
        unknown = [c["rule"] for c in report["checks"] if c["ok"] is None]
        assert not unknown, f"checks that could not be evaluated: {unknown}"
        # The 2020 report prints a (七)总计 of 21 over outcome rows that add up to 27 (notes).
        expected = {"t3_outcome_sum"} if "2020_detail" in page.slug else set()
        assert failed == expected
    else:
        assert page.gold.get("tables") is None


def _standard_reports() -> list[Any]:
    return [
        param
        for param in corpus_params("annual_report")
        if param.values[0] is None or param.values[0].gold.get("tables")
    ]


@pytest.mark.parametrize("page", _standard_reports())
def test_traditional_script_report_reads_like_its_simplified_original(
    page: CorpusPage, pipelines: OfflinePipelines, tmp_path: Path
) -> None:
    """Hong Kong, Macao and Taiwan-facing bodies (and some mainland archives) publish in
    Traditional script: the same 2019/2021-format report with every character converted
    (OpenCC s2t) must give the same template, figures, tables and checks."""
    import opencc

    html = page.response().text  # decoded as the crawler decodes it (GBK variants too)
    traditional = opencc.OpenCC("s2t").convert(html)
    assert traditional != html
    path = tmp_path / "traditional.html"
    path.write_bytes(traditional.encode("utf-8"))
    simplified = pipelines.process(document_from_file(page.path, page.url, page.content_type))
    record = pipelines.process(document_from_file(path, page.url, "text/html; charset=utf-8"))
    assert record["text_original"] is not None  # the record keeps what the page said
    report, original = record["report"], simplified["report"]
    assert record["report_year"] == page.gold["report_year"]
    assert report["template"] == original["template"]
    assert report["figures"] == page.gold["figures"]
    for name, value in page.gold["tables"].items():
        assert _path(report, REPORT_TABLES[name]) == value, name
    for block in ("requests", "reviews", "proactive"):
        assert report.get(block) == original.get(block), block
    assert [(c["rule"], c["ok"]) for c in report["checks"]] == [
        (c["rule"], c["ok"]) for c in original["checks"]
    ]


def _seed_pages() -> list[Any]:
    reports = {d["path"]: d for d in manifest.annual_reports()}
    site = model()
    pages = []
    for path, doc in sorted(reports.items()):
        key = next((k for k in SEED_GOLD if k[:3] == Path(doc.get("seed", "")).name[:3]), None)
        if key is None:
            key = next(
                k
                for k in SEED_GOLD
                if not k.startswith("_") and SEED_GOLD[k]["report_year"] == doc["report_year"]
            )
        pages.append(pytest.param(site.resources[path], doc, SEED_GOLD[key], id=key))
    return pages


@pytest.mark.parametrize(("resource", "doc", "gold"), _seed_pages())
def test_seed_reports_rendered_as_pages(resource, doc, gold, pipelines, tmp_path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(resource.body.replace(b"{{ORIGIN}}", b"http://127.0.0.1:8000"))
    record = pipelines.process(
        document_from_file(page, f"http://127.0.0.1:8000{doc['path']}", resource.content_type)
    )
    assert record["is_annual_report"]
    assert record["report_year"] == gold["report_year"]
    report = record["report"]
    assert report["template"] == gold["template"]
    assert report["figures"] == gold["figures"], report["notes"]


def test_traditional_report_is_parsed_after_conversion(pipelines, tmp_path) -> None:
    (doc,) = [d for d in manifest.annual_reports() if d.get("traditional")]
    resource = model().resources[doc["path"]]
    page = tmp_path / "page.html"
    page.write_bytes(resource.body.replace(b"{{ORIGIN}}", b"http://127.0.0.1:8000"))
    record = pipelines.process(
        document_from_file(page, "http://127.0.0.1:8000" + doc["path"], resource.content_type)
    )
    assert record["text_original"]
    assert "報告" in record["text_original"]
    report = record["report"]
    assert report["agency"] == "清远市质监局"
    assert report["region"]["province"] == "广东省"
    assert report["figures"]["requests_new"] == 0


def test_a_report_that_fails_to_parse_is_archived_with_the_reason(monkeypatch) -> None:
    import pipelines.annual as module
    from tests.pipelines.helpers import item, make_pipeline

    def boom(**kwargs: Any) -> None:
        raise ValueError("unexpected table")

    monkeypatch.setattr(module, "parse_report", boom)
    pipeline = make_pipeline(module.AnnualReportPipeline)
    result = pipeline.process_item(item(title="某县2019年政府信息公开工作年度报告", text="正文"))
    assert result.is_annual_report
    assert result.report["figures"] == dict.fromkeys(
        ("requests_new", "reconsiderations", "lawsuits", "proactive_new")
    )
    assert "unexpected table" in result.report["notes"][0]
    assert pipeline.stats.get_value("govarchive/annual/parse_failed") == 1
