"""Test-session hooks: the corpus gate's score table is printed at the end of every run."""

from __future__ import annotations

import pytest

GATE_TABLE = pytest.StashKey[str]()


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    table = config.stash.get(GATE_TABLE, None)
    if table:
        terminalreporter.section("corpus quality gate")
        terminalreporter.write_line(table)
