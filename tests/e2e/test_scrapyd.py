"""End to end through Scrapyd: deploy the project with ``scrapyd-deploy`` (the ``[deploy:local]``
target of scrapy.cfg, pointed at a throwaway port), schedule a crawl of the sample site through
Scrapyd's HTTP API and check the archive the job wrote.

Scrapyd runs in a subprocess on 127.0.0.1 with its own config, folders, HOME and TMPDIR under
the test's temporary folder, from a folder where the checkout is not importable: the job can
only run the code of the deployed egg. The egg is built from a copy of the working tree, so the
build (build/, *.egg-info) leaves nothing in the checkout.
"""

from __future__ import annotations

import configparser
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sample_site import manifest
from sample_site.server import start_server

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
PROJECT = "govarchive"
VERSION = "1"
TARGET = "local"
# Top-level entries of the checkout that are no part of the egg's build input.
NOT_COPIED = {".git", ".venv", "archive", "build", "docs", "tests", ".pytest_cache", ".ruff_cache"}
# As in sample_site/demo.py: loopback answers at once, a polite start delay would only be slow.
FAST_LOOPBACK = {"AUTOTHROTTLE_START_DELAY": "0.05", "AUTOTHROTTLE_MAX_DELAY": "1"}
JOB_TIMEOUT = 120


def clean_env(home: Path) -> dict[str, str]:
    """The environment of the Scrapyd and scrapyd-deploy subprocesses.

    No PYTHONPATH (the checkout must not be importable), no SCRAPY_* (Scrapyd's runner keeps a
    SCRAPY_SETTINGS_MODULE it finds), no GOVARCHIVE_* (the egg's own sites, not an operator's
    folder); HOME and TMPDIR private, so no ~/.scrapyd.conf, ~/.scrapy.cfg or ~/.netrc counts and
    every temporary file lands under the test's folder.
    """
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("PYTHONPATH", "XDG_CONFIG_HOME")
        and not name.startswith(("SCRAPY_", "SCRAPYD_", "GOVARCHIVE_"))
    }
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    env.update(HOME=str(home), TMPDIR=str(home / "tmp"))
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str, **params: str) -> dict:
    if params:
        url = f"{url}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def post_json(url: str, fields: list[tuple[str, str]]) -> dict:
    data = urllib.parse.urlencode(fields).encode()
    with urllib.request.urlopen(url, data=data, timeout=30) as response:
        return json.load(response)


def tail(path: Path, chars: int = 4000) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-chars:] if path.exists() else ""


class Scrapyd:
    """One Scrapyd process (and, in its process group, the crawls it launches)."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.env = clean_env(home)
        self.log = home / "scrapyd.log"
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self, attempts: int = 3) -> None:
        for _ in range(attempts):  # another process may take the free port before Scrapyd does
            port = free_port()
            (self.home / "scrapyd.conf").write_text(
                "[scrapyd]\n"
                "bind_address = 127.0.0.1\n"
                f"http_port = {port}\n"
                f"eggs_dir = {self.home / 'eggs'}\n"
                f"logs_dir = {self.home / 'logs'}\n"
                f"dbs_dir = {self.home / 'dbs'}\n"
                "items_dir =\n"
                "jobs_dir =\n"
                "max_proc = 1\n"
                "poll_interval = 0.2\n",
                encoding="utf-8",
            )
            self.url = f"http://127.0.0.1:{port}/"
            with self.log.open("ab") as log:
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "scrapyd"],
                    cwd=self.home,  # Scrapyd reads ./scrapyd.conf
                    env=self.env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group, crawls included
                )
            if self._wait_ready(timeout=30):
                return
            self.stop()
        pytest.fail(f"Scrapyd did not start:\n{tail(self.log)}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                if get_json(self.url + "daemonstatus.json")["status"] == "ok":
                    return True
            except OSError:
                pass
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        """SIGTERM the process group, wait; SIGKILL whatever is left of it."""
        if self.proc is None:
            return
        group = self.proc.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=15)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(group, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
        if self.proc.poll() is None:
            self.proc.wait(timeout=10)
        self.proc = None


def copy_checkout(dest: Path) -> Path:
    """The working tree without .git, .venv, tests, archives or caches: the egg's build input."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n == "__pycache__" or n.endswith((".pyc", ".egg-info"))}
        if Path(folder) == ROOT:
            skipped |= NOT_COPIED & set(names)
        return skipped

    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    """Start Scrapyd, deploy, schedule one crawl of the sample site and wait for it to end."""
    home = tmp_path_factory.mktemp("scrapyd")
    archive = tmp_path_factory.mktemp("archive")
    scrapyd = Scrapyd(home)
    server = None
    try:
        scrapyd.start()

        # `scrapyd-deploy local`, from a copy whose [deploy:local] points at this Scrapyd.
        checkout = copy_checkout(home / "checkout")
        config = configparser.ConfigParser()
        config.read(checkout / "scrapy.cfg", encoding="utf-8")
        config[f"deploy:{TARGET}"]["url"] = scrapyd.url
        with (checkout / "scrapy.cfg").open("w", encoding="utf-8") as handle:
            config.write(handle)
        deploy = subprocess.run(
            # -d: keep the build's output visible (and the egg, under our TMPDIR).
            [sys.executable, "-m", "scrapyd_client.deploy", TARGET, "-v", VERSION, "-d"],
            cwd=checkout, env=scrapyd.env, capture_output=True, text=True, timeout=120,
            check=False,
        )  # fmt: skip
        eggs = sorted((home / "tmp").glob("scrapydeploy-*/*.egg"))

        # The checkout itself is not importable where Scrapyd runs its jobs.
        probe = subprocess.run(
            [sys.executable, "-c", "import crawler"],
            cwd=home, env=scrapyd.env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip

        # What a job gets for ARCHIVE_DIR when the schedule does not say: Scrapyd's runner, as
        # Scrapyd starts it (its folder, its environment), with the deployed egg.
        default_archive = subprocess.run(
            [sys.executable, "-m", "scrapyd.runner", "settings", "--get", "ARCHIVE_DIR"],
            cwd=home, env={**scrapyd.env, "SCRAPY_PROJECT": PROJECT}, capture_output=True,
            text=True, timeout=60, check=False,
        )  # fmt: skip

        server, base_url = start_server(0)
        api = {
            "projects": get_json(scrapyd.url + "listprojects.json"),
            "versions": get_json(scrapyd.url + "listversions.json", project=PROJECT),
            "spiders": get_json(scrapyd.url + "listspiders.json", project=PROJECT),
        }
        settings = {"ARCHIVE_DIR": str(archive), "LOG_LEVEL": "INFO", **FAST_LOOPBACK}
        scheduled = post_json(
            scrapyd.url + "schedule.json",
            [
                ("project", PROJECT),
                ("spider", "disclosure"),
                ("_version", VERSION),
                ("start_urls", base_url),
                *(("setting", f"{name}={value}") for name, value in settings.items()),
            ],
        )
        job = scheduled.get("jobid")
        finished = None
        deadline = time.monotonic() + JOB_TIMEOUT
        while job and time.monotonic() < deadline:
            jobs = get_json(scrapyd.url + "listjobs.json", project=PROJECT)
            finished = next((j for j in jobs["finished"] if j["id"] == job), None)
            if finished:
                break
            time.sleep(0.2)
        job_log = home / "logs" / PROJECT / "disclosure" / f"{job}.log"
        files = sorted(archive.glob("*.jsonl"))
        yield {
            "base_url": base_url,
            "deploy": deploy,
            "eggs": eggs,
            "probe": probe,
            "default_archive": default_archive,
            "home": home,
            "api": api,
            "scheduled": scheduled,
            "finished": finished,
            "job_log": job_log,
            "log": tail(job_log) + "\n--- scrapyd ---\n" + tail(scrapyd.log),
            "archive": archive,
            "files": files,
            "lines": [line for f in files for line in f.read_text(encoding="utf-8").splitlines()],
            "tmp": home / "tmp",
        }
    finally:
        scrapyd.stop()
        if server is not None:
            server.stop()


def test_scrapy_cfg_has_the_local_deploy_target() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / "scrapy.cfg", encoding="utf-8")
    assert config["settings"]["default"] == "crawler.settings"
    assert config["deploy"]["project"] == PROJECT
    assert config[f"deploy:{TARGET}"]["url"] == "http://127.0.0.1:6800/"


def test_scrapyd_deploy_builds_and_uploads_the_egg(run) -> None:
    deploy = run["deploy"]
    assert deploy.returncode == 0, deploy.stderr[-4000:] + deploy.stdout[-2000:]
    response = json.loads(deploy.stdout.strip().splitlines()[-1])
    assert response["status"] == "ok", response
    assert response["project"] == PROJECT
    assert response["version"] == VERSION
    assert run["api"]["projects"]["projects"] == [PROJECT]
    assert run["api"]["versions"]["versions"] == [VERSION]


def test_the_egg_carries_the_data_files_read_at_run_time(run) -> None:
    (egg,) = run["eggs"]
    with zipfile.ZipFile(egg) as archive:
        names = set(archive.namelist())
        entry_points = archive.read("EGG-INFO/entry_points.txt").decode()
    assert re.search(r"^settings = govarchive_egg$", entry_points, re.MULTILINE)
    assert "govarchive_egg.py" in names
    for path in [*(ROOT / "crawler" / "schemas").glob("*.json"), *(ROOT / "spiders" / "sites").glob("*.yaml")]:  # fmt: skip
        assert path.relative_to(ROOT).as_posix() in names
    assert not any(name.startswith(("tests/", "sample_site/")) for name in names)


def test_jobs_cannot_import_the_checkout(run) -> None:
    assert run["probe"].returncode != 0
    assert "No module named 'crawler'" in run["probe"].stderr


def test_the_default_archive_dir_is_absolute_in_the_jobs_folder(run) -> None:
    # Relative, it would be resolved twice: by the crawl in Scrapyd's folder and by the archive
    # writer in the unpacked egg's (pipelines/archive.py runs it there).
    proc = run["default_archive"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip() == str(run["home"] / "archive")


def test_the_deployed_egg_lists_every_spider(run) -> None:
    spiders = run["api"]["spiders"]
    assert spiders["status"] == "ok", spiders
    registry = {path.stem for path in (ROOT / "spiders" / "sites").glob("*.yaml")}
    assert {"disclosure", *registry} <= set(spiders["spiders"])


def test_the_scheduled_job_finishes(run) -> None:
    assert run["scheduled"]["status"] == "ok", run["scheduled"]
    assert run["finished"] is not None, f"job not finished in {JOB_TIMEOUT} s:\n{run['log']}"
    log = run["job_log"].read_text(encoding="utf-8")
    assert "Spider closed (finished)" in log, run["log"]
    assert "Traceback" not in log, run["log"]


def test_the_job_leaves_no_unpacked_egg_behind(run) -> None:
    assert not list(run["tmp"].glob("govarchive-egg-*"))


def test_the_archive_holds_the_sample_site(run) -> None:
    assert len(run["files"]) == 1, run["log"]
    assert re.fullmatch(r"disclosure-\d{8}T\d{6}Z\.jsonl", run["files"][0].name)
    assert not list(run["archive"].glob("*.part"))
    records = [json.loads(line) for line in run["lines"]]  # every line a whole JSON object
    assert len(records) == len(manifest.documents()) == 20
    annual = sum(bool(r.get("is_annual_report")) for r in records)
    assert annual == len(manifest.annual_reports()) == 5
    site = urlsplit(run["base_url"]).netloc
    assert {urlsplit(r["url"]).netloc for r in records} == {site}
    assert sorted(urlsplit(r["url"]).path for r in records) == sorted(
        d["path"] for d in manifest.documents()
    )
