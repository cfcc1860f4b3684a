"""Project settings: politeness is on by default, and the operator's knobs reach Scrapy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from scrapy.utils.project import get_project_settings

PROJECT = Path(__file__).resolve().parents[2]


def _settings_in_a_fresh_process(env: dict[str, str]) -> dict[str, object]:
    """The project settings as ``scrapy crawl`` would see them under ``env`` (settings read
    the environment at import, so each case needs its own interpreter)."""
    code = (
        "import json; from scrapy.utils.project import get_project_settings; s = get_project_settings(); "
        "print(json.dumps({k: s.get(k) for k in ('USER_AGENT', 'CONCURRENT_REQUESTS_PER_DOMAIN',"
        " 'DOWNLOAD_DELAY', 'ROBOTSTXT_OBEY', 'AUTOTHROTTLE_ENABLED')}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("GOVARCHIVE_", "SCRAPY_"))}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout)


def test_politeness_is_on_by_default() -> None:
    settings = get_project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 4
    assert settings.getint("RETRY_TIMES") >= 1
    assert {500, 502, 503, 504, 429} <= set(settings.getlist("RETRY_HTTP_CODES"))
    assert "govarchive" in settings.get("USER_AGENT")


def test_operator_sets_user_agent_and_per_domain_concurrency_from_the_environment() -> None:
    seen = _settings_in_a_fresh_process(
        {
            "GOVARCHIVE_USER_AGENT": "govarchive (+mailto:archivist@example.org)",
            "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
            "DOWNLOAD_DELAY": "2.5",
        }
    )
    assert seen["USER_AGENT"] == "govarchive (+mailto:archivist@example.org)"
    assert int(seen["CONCURRENT_REQUESTS_PER_DOMAIN"]) == 1
    assert float(seen["DOWNLOAD_DELAY"]) == 2.5
    assert seen["ROBOTSTXT_OBEY"] is True
    assert seen["AUTOTHROTTLE_ENABLED"] is True
