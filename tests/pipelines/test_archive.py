from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from pipelines.archive import JsonLinesArchivePipeline, RecordWriter
from pipelines.archive_writer import is_locked, repair_tail
from tests.pipelines.helpers import item

ROOT = Path(__file__).resolve().parents[2]


class _Spider(Spider):
    name = "disclosure"


def _pipeline(archive: Path) -> JsonLinesArchivePipeline:
    crawler = get_crawler(_Spider, {"ARCHIVE_DIR": str(archive)})
    crawler.spider = _Spider()
    return build_from_crawler(JsonLinesArchivePipeline, crawler)


def test_run_file_is_written_under_a_temporary_name_and_renamed_at_close(tmp_path) -> None:
    pipeline = _pipeline(tmp_path)
    pipeline.open_spider()
    try:
        pipeline.process_item(
            item(title="政府信息公开工作年度报告", text="正文", html="<p>不归档</p>")
        )
        pipeline.process_item(item(url="http://127.0.0.1/b.html"))
        (part,) = tmp_path.glob("*.jsonl.part")
        assert not list(tmp_path.glob("*.jsonl"))
        # Each record leaves the crawler at once; the writer process appends it right after.
        deadline = time.monotonic() + 10
        while part.read_bytes().count(b"\n") < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert part.read_bytes().count(b"\n") == 2, (
            "each record reaches the file while the crawl runs"
        )
    finally:
        pipeline.close_spider()
    (final,) = tmp_path.glob("*.jsonl")
    assert final.name.startswith("disclosure-")
    assert not list(tmp_path.glob("*.part"))
    raw = final.read_text(encoding="utf-8")
    assert "政府信息公开工作年度报告" in raw, "UTF-8, not \\u escapes"
    records = [json.loads(line) for line in raw.splitlines()]
    assert records[0]["title"] == "政府信息公开工作年度报告"
    assert "html" not in records[0]
    assert "text_original" not in records[0]
    assert pipeline.crawler.stats.get_value("govarchive/archive/records") == 2


def test_two_runs_in_the_same_second_get_two_files(tmp_path) -> None:
    first, second = _pipeline(tmp_path), _pipeline(tmp_path)
    first.open_spider()
    try:
        second.open_spider()
        second.close_spider()
    finally:
        first.close_spider()
    assert len(list(tmp_path.glob("*.jsonl"))) == 2


_WRITER = """
import sys
from pathlib import Path
from pipelines.archive import RecordWriter
writer = RecordWriter(Path(sys.argv[1]))
n = 0
while True:
    n += 1
    writer.write({"n": n, "text": "政府信息公开" * 40000})  # ~720 KB per line
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_writer_leaves_only_whole_lines(tmp_path) -> None:
    path = tmp_path / "run.jsonl.part"
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(path)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and (
            not path.exists() or path.stat().st_size < 20_000_000
        ):
            time.sleep(0.01)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    # The writer process outlives the crawler: it finishes the whole lines it holds, then exits.
    deadline = time.monotonic() + 30
    while is_locked(path) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not is_locked(path), "the writer did not exit after the crawler died"
    data = path.read_bytes()
    assert data, "the writer never wrote"
    assert data.endswith(b"\n"), "a partial line was left behind"
    numbers = [json.loads(line)["n"] for line in data.splitlines()]
    assert numbers == list(range(1, len(numbers) + 1))


def test_record_writer_refuses_to_overwrite(tmp_path) -> None:
    path = tmp_path / "x.jsonl.part"
    path.write_text("existing\n")
    with pytest.raises(FileExistsError):
        RecordWriter(path)


def test_a_partial_tail_left_by_a_killed_writer_is_repaired(tmp_path) -> None:
    path = tmp_path / "x.jsonl.part"
    path.write_bytes(b'{"n": 1}\n{"n": 2}\n{"n": 3, "text": "cut off')
    assert repair_tail(path) == len(b'{"n": 3, "text": "cut off')
    assert path.read_bytes() == b'{"n": 1}\n{"n": 2}\n'
    assert repair_tail(path) == 0
