"""``make demo``: serve the bundled sample site on 127.0.0.1 and crawl it into ./archive/.

Runs the real command a user would run, ``scrapy crawl disclosure -a start_urls=…``, in a
subprocess against the loopback site, then prints where the archive is and what it holds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sample_site.server import start_server

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Loopback answers in microseconds: a polite start delay for real sites would only make the
# demo slow. Everything else (robots.txt, AutoThrottle, retries, limits) stays as configured.
DEMO_SETTINGS = {
    "AUTOTHROTTLE_START_DELAY": "0.05",
    "AUTOTHROTTLE_MAX_DELAY": "1",
}


def crawl_command(base_url: str, archive_dir: Path, log_level: str) -> list[str]:
    command = [
        sys.executable, "-m", "scrapy", "crawl", "disclosure",
        "-a", f"start_urls={base_url}",
        "-s", f"ARCHIVE_DIR={archive_dir}",
        "-s", f"LOG_LEVEL={log_level}",
    ]  # fmt: skip
    for name, value in DEMO_SETTINGS.items():
        command += ["-s", f"{name}={value}"]
    return command


def summarize(path: Path) -> dict[str, object]:
    """Counts of an archive file: documents, annual reports (by year), records with errors."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    reports = [r for r in records if r.get("is_annual_report")]
    return {
        "documents": len(records),
        "annual_reports": len(reports),
        "report_years": sorted(Counter(r.get("report_year") for r in reports).items(), key=str),
        "errors": sum(1 for r in records if r.get("error")),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive-dir", default="archive", type=Path)
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    archive_dir: Path = args.archive_dir.resolve()
    archive_dir.mkdir(parents=True, exist_ok=True)
    before = set(archive_dir.glob("*.jsonl"))
    server, base_url = start_server(0)
    try:
        print(f"Serving the sample disclosure site at {base_url}", flush=True)
        command = crawl_command(base_url, archive_dir, args.log_level)
        print("Running:", " ".join(command[1:]), flush=True)
        returncode = subprocess.run(command, cwd=PROJECT_ROOT, check=False).returncode
    finally:
        server.stop()
    if returncode != 0:
        print(f"The crawl failed (exit {returncode}); see the log above.", file=sys.stderr)
        return returncode
    new_files = sorted(set(archive_dir.glob("*.jsonl")) - before)
    if not new_files:
        print(f"The crawl wrote no archive file under {archive_dir}.", file=sys.stderr)
        return 1
    path = new_files[-1]
    summary = summarize(path)
    years = ", ".join(f"{year}: {n}" for year, n in summary["report_years"])  # type: ignore[attr-defined]
    print()
    print(f"Archive: {path}")
    print(f"Documents: {summary['documents']}")
    print(f"Annual reports: {summary['annual_reports']} ({years})")
    if summary["errors"]:
        print(f"Records with extraction errors: {summary['errors']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
