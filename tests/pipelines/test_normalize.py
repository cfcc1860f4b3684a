from __future__ import annotations

import pytest
from scrapy.exceptions import NotConfigured

from pipelines.normalize import NormalizePipeline
from tests.pipelines.helpers import item, make_pipeline


@pytest.fixture(scope="module")
def pipeline() -> NormalizePipeline:
    return make_pipeline(NormalizePipeline)


def test_traditional_is_converted_and_the_original_kept(pipeline) -> None:
    result = pipeline.process_item(
        item(
            title="清遠市質監局2011年年度報告",
            text="根據《條例》，結合工作實際。\n二、主動公開",
            publisher="清遠市質監局",
        )
    )
    assert result.title == "清远市质监局2011年年度报告"
    assert result.title_original == "清遠市質監局2011年年度報告"
    assert result.text == "根据《条例》，结合工作实际。\n二、主动公开"
    assert result.text_original == "根據《條例》，結合工作實際。\n二、主動公開"
    assert result.publisher == "清远市质监局"
    assert pipeline.stats.get_value("govarchive/normalize/converted") >= 1


def test_simplified_text_has_no_original(pipeline) -> None:
    result = pipeline.process_item(item(title="关于印发的通知", text="各区县人民政府："))
    assert result.text_original is None
    assert result.title_original is None


def test_width_whitespace_and_paragraphs(pipeline) -> None:
    text = (
        "\u3000\u3000２０２４年，共受理申请１２件（ＡＢＣ）。\n\n\xa0第二段\u200b内容 \t 结束\r\n"
    )
    result = pipeline.process_item(item(text=text))
    assert result.text == "2024年，共受理申请12件（ABC）。\n第二段内容 结束"


def test_replacement_characters_are_counted(pipeline) -> None:
    result = pipeline.process_item(item(title="报\ufffd告", text="\ufffd\ufffd正文"))
    assert result.replacement_chars == 3


def test_meta_values_and_attachment_names_are_normalised(pipeline) -> None:
    result = pipeline.process_item(
        item(
            meta={"發布機構": "清遠市\u3000質監局"},
            attachments=[{"url": "http://x/a.pdf", "name": "附件１.pdf"}],
        )
    )
    assert result.meta == {"發布機構": "清远市 质监局"}
    assert result.attachments == [{"url": "http://x/a.pdf", "name": "附件1.pdf"}]


def test_other_opencc_config() -> None:
    pipeline = make_pipeline(NormalizePipeline, GOVARCHIVE_OPENCC_CONFIG="hk2s")
    assert pipeline.process_item(item(text="政府資訊")).text == "政府资讯"


def test_disabled() -> None:
    with pytest.raises(NotConfigured):
        make_pipeline(NormalizePipeline, GOVARCHIVE_NORMALIZE_ENABLED=False)
