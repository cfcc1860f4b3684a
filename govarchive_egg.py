"""Scrapy settings entry point of the Scrapyd egg (``setup.py``): unpack the egg, then load
``crawler.settings``.

Scrapyd imports a deployed project straight from its zipped egg (zipimport). The project reads
files next to its modules by path (``crawler/schemas/record-v1.json``, ``spiders/sites/*.yaml``)
and runs its archive writer as ``python -m pipelines.archive_writer`` with the project folder as
its working directory; none of that works inside a zip file. So, when this module is imported
from an egg, it extracts the egg into a private temporary folder (removed when the process
exits), puts that folder first on ``sys.path`` and only then imports the settings: every
project module is then loaded from ordinary files, as in a checkout. The default ARCHIVE_DIR is
made absolute (see below).

Imported from a checkout (not from a zip file), it is just ``crawler.settings``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import zipfile
from importlib import import_module
from pathlib import Path

# Lower-case names: Scrapy takes every upper-case name of a settings module as a setting.
_egg = getattr(globals().get("__loader__"), "archive", None)  # set by zipimport only


def unpack(egg: str) -> Path:
    """Extract ``egg`` into a fresh temporary folder, removed at exit; put it first on sys.path."""
    target = Path(tempfile.mkdtemp(prefix="govarchive-egg-"))
    atexit.register(shutil.rmtree, target, ignore_errors=True)
    with zipfile.ZipFile(egg) as archive:
        archive.extractall(target)
    sys.path.insert(0, str(target))
    # Nothing of the project should have been imported from the zip yet; if it was, drop it so
    # the next import finds the unpacked copy.
    for name, module in list(sys.modules.items()):
        if name != __name__ and str(getattr(module, "__file__", "")).startswith(egg + os.sep):
            del sys.modules[name]
    return target


if _egg:
    unpack(_egg)

_settings = import_module("crawler.settings")
globals().update({name: value for name, value in vars(_settings).items() if name.isupper()})

if _egg:
    # The archive writer runs with the unpacked folder as its working directory
    # (pipelines/archive.py), so a relative default ARCHIVE_DIR would send its lines there: make it
    # absolute against the job's own working directory (Scrapyd's), where the crawl resolves it.
    # A relative ``-s ARCHIVE_DIR=`` still hits that; give Scrapyd jobs an absolute one.
    ARCHIVE_DIR = os.path.abspath(_settings.ARCHIVE_DIR)
