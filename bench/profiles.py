"""Where the time goes: pyinstrument profiles of the per-page work and of a crawl, summed up.

The per-page profile runs ``OfflinePipelines().process`` over the corpus in this process; the
crawl profile runs ``pyinstrument -m scrapy crawl disclosure`` over a generated site and reads
back its session file. Both are summarised from pyinstrument's raw samples (stacks of frame
identifiers with their time):

* self time by package: the frame a sample ended in, grouped by where its code lives (a
  third-party distribution, a project module, a stdlib module); time in a C function (lxml's
  parser, re, OpenCC) counts for the package of the Python code that called it, and the event
  loop's wait for I/O is shown as "idle";
* self time by function, the same with the function's name (C functions marked "[C]");
* inclusive time of the project's functions and of the calls it makes into other packages
  (``trafilatura.extract``, ``jsonschema …``), each counted once per sample.
"""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import PROJECT, clean_env, log

PROJECT_PACKAGES = ("extraction", "pipelines", "crawler", "spiders")
_STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve().as_posix()
_IDLE_C = {"poll", "select", "epoll.poll", "select.epoll.poll", "sleep", "time.sleep"}


@functools.cache
def _split(identifier: str) -> tuple[str, str, str]:
    """(function, file path, class name) of a pyinstrument frame identifier."""
    parts = identifier.split("\x01")
    function, _, rest = parts[0].partition("\x00")
    path = rest.partition("\x00")[0]
    class_name = next((p[1:] for p in parts[1:] if p.startswith("c")), "")
    return function, path, class_name


def _is_c(path: str) -> bool:
    return path == "<built-in>" or not (path.endswith(".py") or path.startswith("<frozen"))


@functools.cache
def package_of(path: str) -> str:
    """Where code lives: a distribution's top package, a project module, a stdlib module."""
    if path.startswith("<frozen "):
        return "stdlib " + path.removeprefix("<frozen ").rstrip(">").split(".")[0]
    if "/site-packages/" in path:
        top = path.split("/site-packages/", 1)[1].split("/", 1)[0]
        return top.removesuffix(".py")
    try:
        relative = Path(path).resolve().relative_to(PROJECT)
    except (ValueError, OSError):
        relative = None
    if (
        relative is not None
        and relative.parts
        and relative.parts[0] in (*PROJECT_PACKAGES, "bench")
    ):
        return ".".join(relative.with_suffix("").parts)
    resolved = Path(path).as_posix()
    if resolved.startswith(_STDLIB):
        module = resolved[len(_STDLIB) :].strip("/").split("/", 1)[0].removesuffix(".py")
        return f"stdlib {module or path}"
    return path or "?"


@functools.cache
def _is_project(path: str) -> bool:
    return package_of(path).split(".")[0] in PROJECT_PACKAGES


def summarize(records: list[tuple[list[str], float]], *, top: int = 15) -> dict[str, Any]:
    total = 0.0
    by_package: Counter[str] = Counter()
    by_function: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for stack, seconds in records:
        frames = [_split(i) for i in stack if "\x00<thread>\x00" not in i]
        frames = [f for f in frames if f[1] != "<thread>"]
        if not frames:
            continue
        total += seconds
        function, path, class_name = frames[-1]
        if function in ("[await]", "[out-of-context]", "[self]") and len(frames) > 1:
            if function != "[self]":
                by_package["idle (awaiting)"] += seconds
                by_function["idle (awaiting)"] += seconds
                continue
            function, path, class_name = frames[-2]
        caller = next((f for f in reversed(frames) if not _is_c(f[1])), None)
        if _is_c(path):
            caller_package = package_of(caller[1]) if caller else "?"
            if function in _IDLE_C and caller_package.startswith("stdlib selectors"):
                by_package["idle (waiting for I/O)"] += seconds
                by_function["idle (waiting for I/O)"] += seconds
                continue
            by_package[caller_package] += seconds
            by_function[f"{function} [C] (from {caller_package})"] += seconds
        else:
            package = package_of(path)
            by_package[package] += seconds
            name = f"{class_name}.{function}" if class_name else function
            by_function[f"{package}:{name}"] += seconds
        # Inclusive time: project functions, and the first frame of each call out of the
        # project into another package; each key once per sample.
        seen: set[str] = set()
        previous_project = False
        for function, path, class_name in frames:
            project = not _is_c(path) and _is_project(path)
            key = None
            if project:
                name = f"{class_name}.{function}" if class_name else function
                key = f"{package_of(path)}:{name}"
            elif previous_project and not _is_c(path):
                name = f"{class_name}.{function}" if class_name else function
                key = f"→ {package_of(path)}:{name}"
            elif previous_project:
                key = f"→ {function} [C]"
            if key and key not in seen:
                seen.add(key)
                inclusive[key] += seconds
            if not _is_c(path):
                previous_project = project

    def table(counter: Counter[str], limit: int) -> list[dict[str, Any]]:
        return [
            {"name": name, "seconds": seconds, "percent": 100 * seconds / total if total else 0}
            for name, seconds in counter.most_common(limit)
        ]

    return {
        "total_seconds": total,
        "by_package": table(by_package, top),
        "by_function": table(by_function, top),
        "inclusive": table(inclusive, top + 10),
    }


def profile_pages(*, quick: bool) -> dict[str, Any]:
    """Profile the full per-page work over the corpus (in this process)."""
    from pyinstrument import Profiler

    from bench.pages import corpus_pages, make_contenders

    logging.getLogger().setLevel(logging.WARNING)
    pages = corpus_pages()
    full = make_contenders()["full"]
    for page in pages:  # warm-up: imports, lazily built tables
        full(page)
    rounds = 1 if quick else 8
    log(f"profile: per-page work, {rounds} rounds over {len(pages)} corpus pages")
    profiler = Profiler(interval=0.001)
    profiler.start()
    for _ in range(rounds):
        for page in pages:
            full(page)
    profiler.stop()
    session = profiler.last_session
    assert session is not None
    result = summarize(session.frame_records)
    result.update(runs=rounds * len(pages), duration=session.duration)
    return result


def profile_crawl(*, quick: bool, documents: int | None = None) -> dict[str, Any]:
    """Profile one ``scrapy crawl disclosure`` over a generated site (pyinstrument -m)."""
    from pyinstrument.session import Session

    from bench.crawl import CrawlSettings, ours_command, scrapy_stats, served_site

    documents = documents or (200 if quick else 2000)
    settings = CrawlSettings()
    work = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    session_file = work / "crawl.pyisession"
    try:
        with served_site(documents, settings.page_kb) as base:
            command = ours_command(base, work / "archive", settings)
            profiled = [
                sys.executable, "-m", "pyinstrument", "--interval", "0.001",
                "-r", "pyisession", "-o", str(session_file), "-m", *command[2:],
            ]  # fmt: skip
            log(f"profile: crawl of {documents} documents under pyinstrument")
            started = time.perf_counter()
            with (work / "log.txt").open("wb") as err:
                subprocess.run(
                    profiled,
                    cwd=PROJECT,
                    env=clean_env(),
                    stdout=subprocess.DEVNULL,
                    stderr=err,
                    check=False,
                )
            log(f"profile: crawl done in {time.perf_counter() - started:.0f} s")
        stats = scrapy_stats((work / "log.txt").read_text(encoding="utf-8", errors="replace"))
        session = Session.load(str(session_file))
        result = summarize(session.frame_records)
        result.update(
            documents=documents,
            archived=int(stats.get("govarchive/archive/records", 0)),
            responses=int(stats.get("downloader/response_count", 0)),
            duration=session.duration,
            cpu_time=session.cpu_time,
        )
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(*, quick: bool) -> dict[str, Any]:
    return {"pages": profile_pages(quick=quick), "crawl": profile_crawl(quick=quick)}
