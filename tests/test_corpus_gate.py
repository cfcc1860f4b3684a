"""The corpus quality gate (see tests/corpus_gate.py): fails below the pinned floors."""

from __future__ import annotations

import pytest

from tests.conftest import GATE_TABLE
from tests.corpus_gate import MINIMUMS, evaluate, floors_for, load_floors
from tests.helpers import require_corpus

pytestmark = pytest.mark.corpus


def test_corpus_gate(request: pytest.FixtureRequest) -> None:
    require_corpus()
    result = evaluate()
    floors, source = floors_for()
    # Shown in the run's summary (tests/conftest.py), whether the gate passes or not.
    request.config.stash[GATE_TABLE] = f"{result.table()}\nchecked against {source}"
    failures = result.below(floors)
    assert not failures, (
        "corpus gate below its floors:\n" + "\n".join(failures) + "\n" + result.table()
    )


def test_pinned_floors_are_never_looser_than_the_acceptance_thresholds() -> None:
    floors, _ = load_floors()
    for metric, minimum in MINIMUMS.items():
        if metric == "must_exclude":
            assert floors[metric] <= minimum
        else:
            assert floors[metric] >= minimum
