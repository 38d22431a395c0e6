"""The `bot` command: classify and evaluate text with the trained model, check the data, and
hand conversations to a human (`bot handoff`)."""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import audit_cli, handoff_cli
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.resources import Directory

# Rasa and TensorFlow are loud on import; the CLI prints only results.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


class Classifier:
    """Loads the trained model once and parses many texts with it."""

    def __init__(self, model_path: Path) -> None:
        import structlog
        from rasa.core.agent import Agent

        # Unconfigured, structlog prints Rasa's debug events, which include the raw message
        # text; transcripts must never reach logs, so only warnings and errors get through.
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
        logging.getLogger("rasa").setLevel(logging.ERROR)
        self._agent = Agent.load(str(model_path))
        self._loop = asyncio.new_event_loop()

    def parse(self, text: str) -> dict[str, Any]:
        """The model's full parse of one text (intent, entities, signals)."""
        return self._loop.run_until_complete(self._agent.parse_message(text))

    def classify(self, text: str) -> dict[str, Any]:
        """One row of `bot classify` output."""
        parsed = self.parse(text)
        intent = parsed.get("intent") or {}
        signals = parsed.get("signals") or {}
        return {
            "text": text,
            "intent": intent.get("name"),
            "confidence": round(float(intent.get("confidence") or 0.0), 4),
            "signals": {
                "self_critical": bool(signals.get("self_critical")),
                "phrase": signals.get("phrase"),
                "risk_category": signals.get("risk_category"),
                "risk_level": signals.get("risk_level"),
            },
        }


def latest_model(model_dir: Path) -> Path:
    """The newest trained model in model_dir; exits with advice when there is none."""
    models = sorted(model_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        sys.exit(f"No trained model in {model_dir}. Run `make train` first.")
    return models[-1]


def read_rows(path: Path, columns: Iterable[str]) -> Iterator[dict[str, str]]:
    """Rows of a CSV file, checking that the named columns exist."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = set(columns) - set(reader.fieldnames or [])
        if missing:
            sys.exit(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        yield from reader


def scores(pairs: list[tuple[str, str]]) -> dict[str, dict[str, float]]:
    """Precision, recall, F1 and support per gold label from (gold, predicted) pairs."""
    labels = sorted({gold for gold, _ in pairs} | {pred for _, pred in pairs})
    table: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(1 for g, p in pairs if g == label and p == label)
        fp = sum(1 for g, p in pairs if g != label and p == label)
        fn = sum(1 for g, p in pairs if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        table[label] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": float(tp + fn),
        }
    return table


def _cmd_classify(args: argparse.Namespace) -> int:
    classifier = Classifier(args.model or latest_model(Settings.load().model_dir))
    for row in read_rows(Path(args.file), ["text"]):
        print(json.dumps(classifier.classify(row["text"]), ensure_ascii=False), flush=False)
    sys.stdout.flush()
    return 0


def crisis_report(rows: list[dict[str, str]], predictions: list[dict[str, Any]]) -> dict[str, Any]:
    """Recall per risk category and explicitness, and the false-flag rate on benign rows."""
    report: dict[str, Any] = {"recall": {}, "recall_by_explicitness": {}, "category_match": {}}
    # Both routes lead to crisis support: straight there, or after one caring question.
    flagged = [p["intent"] in ("crisis", "crisis_check") for p in predictions]
    crisis_rows = [
        (r, f, p)
        for r, f, p in zip(rows, flagged, predictions, strict=False)
        if r["category"] != "none"
    ]
    for key, field in (("recall", "category"), ("recall_by_explicitness", "explicitness")):
        for value in sorted({r[field] for r, _, _ in crisis_rows}):
            hits = [f for r, f, _ in crisis_rows if r[field] == value]
            report[key][value] = {"recall": sum(hits) / len(hits), "n": len(hits)}
    for value in sorted({r["category"] for r, _, _ in crisis_rows}):
        named = [p["signals"]["risk_category"] == value for r, _, p in crisis_rows
                 if r["category"] == value]  # fmt: skip
        report["category_match"][value] = sum(named) / len(named)
    benign = [f for r, f in zip(rows, flagged, strict=False) if r["category"] == "none"]
    report["false_flag_rate"] = {"rate": sum(benign) / len(benign) if benign else 0.0,
                                 "n": len(benign)}  # fmt: skip
    # A `level` column (a clinician's rating, or the kind of everyday text) is reported too:
    # the share caught of each crisis level, the share flagged of each everyday one.
    for level in sorted({r.get("level") or "" for r in rows} - {"", "-"}):
        at_level = [(r, f) for r, f in zip(rows, flagged, strict=False) if r.get("level") == level]
        report.setdefault("by_level", {})[level] = {
            "kind": "everyday" if all(r["category"] == "none" for r, _ in at_level) else "crisis",
            "rate": sum(f for _, f in at_level) / len(at_level),
            "n": len(at_level),
        }
    report["misses"] = [r["text"] for r, f, _ in crisis_rows if not f]
    report["false_flags"] = [
        r["text"] for r, f in zip(rows, flagged, strict=False) if r["category"] == "none" and f
    ]
    return report


def _print_crisis(report: dict[str, Any], show_errors: bool) -> None:
    print(f"{'risk category':<28}{'recall':>8}{'named':>8}{'n':>6}")
    for category, row in report["recall"].items():
        named = report["category_match"][category]
        print(f"{category:<28}{row['recall']:>8.3f}{named:>8.3f}{row['n']:>6}")
    for kind, row in report["recall_by_explicitness"].items():
        print(f"{kind + ' (all categories)':<28}{row['recall']:>8.3f}{'':>8}{row['n']:>6}")
    ff = report["false_flag_rate"]
    print(f"\nfalse flags on benign rows: {ff['rate']:.3f} of {ff['n']}")
    if report.get("by_level"):
        print(f"\n{'level (crisis: caught, everyday: flagged)':<44}{'rate':>8}{'n':>6}")
        for level, row in report["by_level"].items():
            print(f"{level + ' (' + row['kind'] + ')':<44}{row['rate']:>8.3f}{row['n']:>6}")
    if show_errors:
        for text in report["misses"]:
            print(f"  missed: {text[:110]!r}")
        for text in report["false_flags"]:
            print(f"  false flag: {text[:110]!r}")


def _cmd_eval(args: argparse.Namespace) -> int:
    classifier = Classifier(args.model or latest_model(Settings.load().model_dir))
    with Path(args.file).open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle), [])
    if {"category", "explicitness"} <= set(header):
        rows = list(read_rows(Path(args.file), ["text", "category", "explicitness"]))
        report = crisis_report(rows, [classifier.classify(r["text"]) for r in rows])
        if args.json:
            print(json.dumps(report, indent=2))
        else:
            _print_crisis(report, args.errors)
        return 0
    pairs = []
    errors = []
    for row in read_rows(Path(args.file), ["text", "label"]):
        predicted = classifier.classify(row["text"])["intent"] or "none"
        pairs.append((row["label"], predicted))
        if predicted != row["label"]:
            errors.append((row["label"], predicted, row["text"]))
    table = scores(pairs)
    if args.json:
        print(json.dumps(table, indent=2))
    else:
        print(f"{'label':<24}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>9}")
        for label, s in table.items():
            if s["support"] or s["precision"]:
                print(
                    f"{label:<24}{s['precision']:>10.3f}{s['recall']:>10.3f}"
                    f"{s['f1']:>10.3f}{int(s['support']):>9}"
                )
        accuracy = sum(1 for g, p in pairs if g == p) / len(pairs) if pairs else 0.0
        print(f"\naccuracy {accuracy:.3f} over {len(pairs)} rows")
        if args.errors:
            for gold, predicted, text in errors:
                print(f"  {gold} -> {predicted}: {text[:100]}")
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from bot.validate import validate_project

    problems = validate_project(Path(args.root))
    for problem in problems:
        print(problem)
    print("data is valid" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


def _load_resources() -> Directory | None:
    """The checked crisis-line directory, or None after printing every problem in it."""
    import datetime as dt

    from bot.resources import ResourceError, load_directory

    try:
        return load_directory(today=dt.date.today())
    except ResourceError as error:
        for problem in error.problems:
            print(problem)
        print(f"{len(error.problems)} problem(s) in data/resources/")
        return None


def _cmd_resources_render(args: argparse.Namespace) -> int:
    from bot.crisis_lines import OUTPUT, render

    directory = _load_resources()
    if directory is None:
        return 1
    text = render(directory)
    current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else None
    if args.check:
        if current != text:
            print(f"{OUTPUT} is out of date: run `bot resources render`")
            return 1
        print(f"{OUTPUT} is up to date")
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


def _cmd_resources_check(args: argparse.Namespace) -> int:
    import datetime as dt

    from bot.resources import MAX_AGE_DAYS

    directory = _load_resources()
    if directory is None:
        return 1
    stale = directory.stale(dt.date.today())
    for entry in stale:
        print(f"stale: {entry.label}: verified {entry.last_verified}, over {MAX_AGE_DAYS} days ago")
    unverified = directory.unverified()
    if args.deploy:
        for entry in unverified:
            print(f"not verified at its source: {entry.label} ({entry.source})")
    elif unverified:
        print(
            f"{len(unverified)} of {len(directory.entries())} entries are not yet verified at "
            "their source; `bot resources check --deploy` fails until they are"
        )
    failed = bool(stale) or (args.deploy and bool(unverified))
    print("directory is NOT ready" if failed else "directory is valid")
    return 1 if failed else 0


def _cmd_lint(args: argparse.Namespace) -> int:
    from bot.lint import lint

    problems = lint()
    for problem in problems:
        print(problem)
    print("every response is fine" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


def _cmd_web(args: argparse.Namespace) -> int:
    from bot.web import serve

    serve(args.port, args.host)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Command-line interface of the `bot` command."""
    parser = argparse.ArgumentParser(prog="bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    classify = sub.add_parser("classify", help="print one JSON object per row of a CSV (text)")
    classify.add_argument("file")
    classify.add_argument("--model", type=Path, help="model archive (default: newest)")
    classify.set_defaults(func=_cmd_classify)

    evaluate = sub.add_parser(
        "eval",
        help="precision/recall/F1 per label for a CSV (text,label); crisis recall and false "
        "flags for a CSV (text,category,explicitness)",
    )
    evaluate.add_argument("file")
    evaluate.add_argument("--model", type=Path, help="model archive (default: newest)")
    evaluate.add_argument("--json", action="store_true", help="print the table as JSON")
    evaluate.add_argument("--errors", action="store_true", help="list misclassified rows")
    evaluate.set_defaults(func=_cmd_eval)

    validate = sub.add_parser("validate", help="rasa data validation, warnings are failures")
    validate.add_argument("--root", default=".", help="project root")
    validate.set_defaults(func=_cmd_validate)

    handoff_cli.add_parser(sub)
    audit_cli.add_parser(sub)

    resources = sub.add_parser("resources", help="the crisis-line directory in data/resources/")
    resources_sub = resources.add_subparsers(dest="resources_command", required=True)
    render = resources_sub.add_parser("render", help="write domain/crisis_lines.yml from it")
    render.add_argument("--check", action="store_true", help="exit 1 if the file is out of date")
    render.set_defaults(func=_cmd_resources_render)
    check = resources_sub.add_parser("check", help="validate it; exit 1 on stale entries")
    check.add_argument(
        "--deploy", action="store_true", help="also exit 1 on entries not verified at the source"
    )
    check.set_defaults(func=_cmd_resources_check)

    lint = sub.add_parser("lint", help="unsafe wording and unknown numbers in every response")
    lint.set_defaults(func=_cmd_lint)

    web = sub.add_parser("web", help="serve the chat page (WEB_PORT, default 8080)")
    web.add_argument("--port", type=int, help="port (default: WEB_PORT or 8080)")
    web.add_argument("--host", default="127.0.0.1", help="address to listen on")
    web.set_defaults(func=_cmd_web)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `bot` console script."""
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
