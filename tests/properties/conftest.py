"""Hypothesis settings of the property tests.

The default profile, ``govarchive``, is what CI runs: derandomized (the same examples every
run, so a failure is reproducible and a pass means the same thing each time), no example
database written (nothing under .hypothesis/ in the work tree), no deadline (a loaded CI
machine must not turn a slow example into a failure), a moderate number of examples. For a
deeper local search: ``HYPOTHESIS_PROFILE=thorough`` (random, 20x the examples).

Hypothesis also caches Unicode tables and constants in a storage directory (``.hypothesis/``
in the working directory by default): it goes to a temporary directory removed when the test
run ends (unless HYPOTHESIS_STORAGE_DIRECTORY names one), so a run leaves nothing behind.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

if "HYPOTHESIS_STORAGE_DIRECTORY" not in os.environ:
    # Hypothesis reads the variable when it is imported, before any conftest: set the
    # directory itself.
    _storage = tempfile.mkdtemp(prefix="govarchive-hypothesis-")
    set_hypothesis_home_dir(_storage)
    atexit.register(shutil.rmtree, _storage, ignore_errors=True)

settings.register_profile(
    "govarchive",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=200,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    parent=settings.get_profile("govarchive"),
    derandomize=False,
    max_examples=4000,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "govarchive"))
