"""`make demo` runs `python -m sample_site.demo`: it must archive the sample site and say so."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sample_site import manifest

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def test_demo_prints_the_archive_and_its_counts(tmp_path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "sample_site.demo", "--archive-dir", str(tmp_path), "--log-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    archive = Path(re.search(r"^Archive: (.+)$", proc.stdout, re.MULTILINE).group(1))
    assert archive.parent == tmp_path
    assert archive.is_file()
    documents = int(re.search(r"^Documents: (\d+)$", proc.stdout, re.MULTILINE).group(1))
    reports = int(re.search(r"^Annual reports: (\d+)", proc.stdout, re.MULTILINE).group(1))
    records = [json.loads(line) for line in archive.read_text(encoding="utf-8").splitlines()]
    assert documents == len(records) == len(manifest.documents())
    assert reports == sum(r["is_annual_report"] for r in records) == len(manifest.annual_reports())
