"""Corpus quality gate: extraction over every page of ../shared/corpus against its gold.

Pages are ``pages/*.html`` (listings excepted: the crawler's link tests score those) and the
document files of ``attachments/`` (the real PDF annual report), read as ``scrapy extract``
reads a saved file.

Each page goes through exactly what ``scrapy extract`` runs (crawler.offline: the configured
item pipelines on a response built from the page bytes and their Content-Type). Scores:

- must_include: share of gold body snippets found in ``text``;
- must_exclude: share of gold chrome snippets that leaked into ``text`` (lower is better);
- title, published_at, publisher, index_no, doc_no, is_annual_report, report_year: share of
  exact matches over the pages whose gold has the field (non-null).

Snippets are compared with whitespace runs squashed to one space on both sides (the gold's
convention) and full-width letters/digits folded as the normaliser folds them.

The floors live in tests/corpus_floors.json together with a fingerprint of the corpus they
were measured on. They may only go up: ``python -m tests.corpus_gate --update`` re-pins them
from a run and refuses to lower one without ``--allow-regression``. If the corpus differs
from the pinned fingerprint, the gate falls back to the acceptance thresholds of the
foundation issue (``MINIMUMS``) and says so.

    python -m tests.corpus_gate            # print the table, exit 1 below the floors
    python -m tests.corpus_gate --update   # raise the floors to this run's scores
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.offline import OfflinePipelines, document_from_file
from extraction.textnorm import squash_spaces
from tests.helpers import CORPUS, CorpusPage, corpus_attachments, corpus_pages

FLOORS_PATH = Path(__file__).with_name("corpus_floors.json")
FIELDS = (
    "title", "published_at", "publisher", "index_no", "doc_no", "is_annual_report", "report_year",
)  # fmt: skip
# Annual reports: gold figures, and gold table totals → their path in record["report"].
REPORT_FIGURES = ("requests_new", "reconsiderations", "lawsuits", "proactive_new")
REPORT_TABLES = {
    "t3_new_received_total": ("requests", "new_received", "total"),
    "t3_carried_over_total": ("requests", "carried_over", "total"),
    "t3_total_processed_total": ("requests", "total_processed", "total"),
    "t3_carried_forward_total": ("requests", "carried_forward", "total"),
    "t4_reconsideration_total": ("reviews", "reconsideration", "total"),
    "t4_litigation_direct_total": ("reviews", "litigation_direct", "total"),
    "t4_litigation_after_total": ("reviews", "litigation_after_reconsideration", "total"),
}
# Acceptance thresholds of the foundation issue (snippets, fields) and of the annual-report
# issue (gold figures and table values ≥ 95% exact); floors never go below these, and on a
# corpus other than the pinned one these are what the gate enforces.
MINIMUMS: dict[str, float] = {
    "must_include": 0.98,
    "must_exclude": 0.01,
    **dict.fromkeys(FIELDS, 0.95),
    "report_figures": 0.95,
    "report_tables": 0.95,
}
LOWER_IS_BETTER = frozenset({"must_exclude"})


@dataclass
class PageResult:
    slug: str
    missed: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)
    wrong: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field -> (got, gold)
    extra: dict[str, Any] = field(default_factory=dict)  # value where gold is null
    error: str | None = None


@dataclass
class GateResult:
    pages: list[PageResult]
    counts: dict[str, list[int]]  # metric -> [hits, total]

    def score(self, metric: str) -> float | None:
        hits, total = self.counts[metric]
        return hits / total if total else None

    def table(self) -> str:
        rows = [f"{'metric':<18}{'score':>8}{'hits':>8}{'of':>6}"]
        for metric, (hits, total) in self.counts.items():
            score = self.score(metric)
            shown = "   n/a" if score is None else f"{score:8.3f}"
            rows.append(f"{metric:<18}{shown:>8}{hits:>8}{total:>6}")
        extras = sum(len(p.extra) for p in self.pages)
        rows.append(f"(values given where the gold is null: {extras}; pages: {len(self.pages)})")
        for page in self.pages:
            problems = []
            if page.error:
                problems.append(f"error={page.error}")
            problems += [f"missed {s!r}" for s in page.missed]
            problems += [f"leaked {s!r}" for s in page.leaked]
            problems += [f"{k}: got {g!r}, gold {w!r}" for k, (g, w) in page.wrong.items()]
            problems += [f"{k}: got {g!r}, gold null" for k, g in page.extra.items()]
            if problems:
                rows.append(f"  {page.slug}: " + "; ".join(problems))
        return "\n".join(rows)

    def below(self, floors: dict[str, float]) -> list[str]:
        failures = []
        for metric, floor in floors.items():
            score = self.score(metric)
            if score is None:
                continue
            if metric in LOWER_IS_BETTER and score > floor:
                failures.append(f"{metric} {score:.4f} > ceiling {floor:.4f}")
            elif metric not in LOWER_IS_BETTER and score < floor:
                failures.append(f"{metric} {score:.4f} < floor {floor:.4f}")
        return failures


def _snippet(text: str) -> str:
    return squash_spaces(text)


def evaluate_page(
    page: CorpusPage, pipelines: OfflinePipelines
) -> tuple[PageResult, dict[str, Any]]:
    result = PageResult(page.slug)
    url = page.url or f"http://corpus.invalid/{page.path.name}"
    try:
        record = pipelines.process(document_from_file(page.path, url, page.content_type))
    except Exception as exc:  # noqa: BLE001 - the gate reports a broken page, it does not crash
        result.error = f"{type(exc).__name__}: {exc}"
        return result, {}
    result.error = record.get("error")
    text = _snippet(record.get("text") or "")
    gold = page.gold
    result.missed = [s for s in gold.get("must_include", []) if _snippet(s) not in text]
    result.leaked = [s for s in gold.get("must_exclude", []) if _snippet(s) in text]
    for name in FIELDS:
        got, want = record.get(name), gold.get(name)
        if want is None:
            if got not in (None, False):
                result.extra[name] = got
        elif got != want:
            result.wrong[name] = (got, want)
    report = record.get("report") or {}
    for name, want in (gold.get("figures") or {}).items():
        got = (report.get("figures") or {}).get(name)
        if got != want:
            result.wrong[f"figures.{name}"] = (got, want)
    for name, want in (gold.get("tables") or {}).items():
        got = _path(report, REPORT_TABLES[name])
        if got != want:
            result.wrong[f"tables.{name}"] = (got, want)
    return result, record


def _path(node: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def evaluate(corpus: Path = CORPUS) -> GateResult:
    pipelines = OfflinePipelines()
    counts: dict[str, list[int]] = {"must_include": [0, 0], "must_exclude": [0, 0]}
    counts.update({name: [0, 0] for name in FIELDS})
    counts.update({"report_figures": [0, 0], "report_tables": [0, 0]})
    results = []
    for page in (*corpus_pages(), *corpus_attachments()):
        if page.page_type == "listing":
            continue  # listing pages are scored by the crawler's link tests
        result, _ = evaluate_page(page, pipelines)
        results.append(result)
        gold = page.gold
        included = gold.get("must_include", [])
        excluded = gold.get("must_exclude", [])
        counts["must_include"][0] += len(included) - len(result.missed)
        counts["must_include"][1] += len(included)
        counts["must_exclude"][0] += len(result.leaked)
        counts["must_exclude"][1] += len(excluded)
        for name in FIELDS:
            if gold.get(name) is None:
                continue
            counts[name][1] += 1
            counts[name][0] += name not in result.wrong and result.error is None
        for group in ("figures", "tables"):
            for name in gold.get(group) or {}:
                counts[f"report_{group}"][1] += 1
                counts[f"report_{group}"][0] += f"{group}.{name}" not in result.wrong
    return GateResult(results, counts)


def corpus_fingerprint(corpus: Path = CORPUS) -> str:
    """SHA-256 over the gold index and every page's bytes: edits to the corpus change it."""
    digest = hashlib.sha256()
    files = [*sorted((corpus / "pages").glob("*")), *sorted((corpus / "attachments").glob("*"))]
    for path in [*files, corpus / "index.jsonl"]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_floors() -> tuple[dict[str, float], str | None]:
    if not FLOORS_PATH.is_file():
        return dict(MINIMUMS), None
    data = json.loads(FLOORS_PATH.read_text(encoding="utf-8"))
    return data["floors"], data.get("corpus_sha256")


def floors_for(corpus: Path = CORPUS) -> tuple[dict[str, float], str]:
    """The floors to enforce on this corpus, and a note on where they come from."""
    floors, pinned = load_floors()
    if pinned and pinned == corpus_fingerprint(corpus):
        return floors, "pinned floors (tests/corpus_floors.json)"
    return dict(MINIMUMS), "corpus differs from the pinned one: using the issue's minimums"


def save_floors(result: GateResult, allow_regression: bool = False) -> list[str]:
    """Raise the floors to this run's scores; refuse to lower any unless allowed."""
    current, _ = load_floors()
    new: dict[str, float] = {}
    refused = []
    for metric in current.keys() | result.counts.keys():
        score = result.score(metric)
        old = current.get(metric, MINIMUMS.get(metric, 0.0))
        if score is None:
            new[metric] = old
            continue
        worse = score > old if metric in LOWER_IS_BETTER else score < old
        if worse and not allow_regression:
            refused.append(f"{metric}: {score:.4f} would lower the floor {old:.4f}")
            new[metric] = old
        else:
            new[metric] = round(score, 4)
        # Never looser than the acceptance thresholds.
        limit = MINIMUMS.get(metric)
        if limit is not None:
            new[metric] = (
                min(new[metric], limit) if metric in LOWER_IS_BETTER else max(new[metric], limit)
            )
    payload = {"corpus_sha256": corpus_fingerprint(), "floors": dict(sorted(new.items()))}
    tmp = FLOORS_PATH.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, FLOORS_PATH)  # atomic: an interrupted update cannot truncate the pins
    return refused


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Corpus quality gate")
    parser.add_argument("--update", action="store_true", help="raise the pinned floors")
    parser.add_argument("--allow-regression", action="store_true")
    args = parser.parse_args(argv)
    if not (CORPUS / "index.jsonl").is_file():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    result = evaluate()
    print(result.table())
    if args.update:
        refused = save_floors(result, args.allow_regression)
        for line in refused:
            print("refused:", line, file=sys.stderr)
        return 1 if refused else 0
    floors, source = floors_for()
    failures = result.below(floors)
    print(f"checked against {source}")
    for failure in failures:
        print("FAIL", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
