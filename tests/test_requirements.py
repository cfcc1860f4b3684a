"""requirements.txt pins the whole environment: every distribution installed in the venv, at
the version installed, so a fresh clone builds exactly what the tests ran on."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements.txt"
# The installer itself is pinned in the Makefile (pip install pip==…), not here.
NOT_IN_REQUIREMENTS = {"pip"}


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins() -> dict[str, str]:
    pins = {}
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        assert sep, f"requirements.txt: {line!r} is not an exact pin (name==version)"
        pins[_name(name)] = version.strip()
    return pins


def test_every_requirement_is_an_exact_pin_of_what_is_installed() -> None:
    installed = {_name(d.metadata["Name"]): d.version for d in metadata.distributions()}
    for name, version in _pins().items():
        assert installed.get(name) == version, (
            f"{name}: pinned {version}, installed {installed.get(name)}"
        )


def test_everything_installed_is_pinned() -> None:
    pins = _pins()
    unpinned = sorted(
        f"{d.metadata['Name']}=={d.version}"
        for d in metadata.distributions()
        if _name(d.metadata["Name"]) not in pins
        and _name(d.metadata["Name"]) not in NOT_IN_REQUIREMENTS
    )
    assert not unpinned, f"installed but not pinned in requirements.txt: {unpinned}"
