"""`causerie screen`: screen a JSONL file, or evaluate the engine on labelled lines.

    causerie screen FILE.jsonl              one JSON verdict per input line on stdout
    causerie screen --eval FILE.jsonl       precision, recall, F1 per category, macro, benign FPR
    causerie screen --eval --json FILE      the same as one JSON object
    causerie screen --eval --padded FILE    each line between two benign lines of the file (padding)
    causerie screen --eval --in-band FILE   only the contexts Causerie produces (nobody under 15, no PM
                                            across 18)
    causerie screen --eval --quoted FILE    only the harmful lines, each between double quotation marks
Several files are read one after the other as one set (a batch of writers: `fresh/q[b-g].jsonl`); `-`
reads standard input.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

from causerie.screening.engine import Screener
from causerie.screening.evaluation import context_for, evaluate, in_band, padded, quoted, read_jsonl
from causerie.screening.policy import PolicyError
from causerie.screening.types import CATEGORIES


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="causerie screen", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="JSON Lines files, read as one set (`-` for standard input)")
    parser.add_argument("--eval", action="store_true", help="evaluate against the gold `labels` of each line")
    parser.add_argument("--json", action="store_true", help="with --eval: print one JSON object")
    parser.add_argument("--policy", type=Path, default=None, help="policy file (default: the packaged one)")
    parser.add_argument("--categories", default=None,
                        help="with --eval: comma-separated categories to score (default: all)")
    parser.add_argument("--errors", action="store_true", help="with --eval: list the misclassified ids")
    parser.add_argument("--no-model", action="store_true", help="rules only, without the learned stage")
    parser.add_argument("--padded", action="store_true",
                        help="with --eval: each line between two benign lines of the file that go to the same "
                             "place (a harmful line hidden in small talk)")
    parser.add_argument("--in-band", action="store_true",
                        help="with --eval: only the lines whose context Causerie produces (nobody under 15, "
                             "no PM across 18)")
    parser.add_argument("--quoted", action="store_true",
                        help="with --eval: only the harmful lines, each between double quotation marks")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.no_model:
            from causerie.screening.detectors import default_detectors

            screener = Screener(policy_path=args.policy, detectors=default_detectors(with_model=False))
        else:
            screener = Screener(policy_path=args.policy)
    except PolicyError as exc:
        print(f"causerie screen: invalid policy: {exc}", file=sys.stderr)
        return 2
    try:
        rows = itertools.chain.from_iterable(read_jsonl(f) for f in args.files)
        if args.eval:
            categories = None
            if args.categories:
                categories = [c.strip() for c in args.categories.split(",") if c.strip()]
                unknown = [c for c in categories if c not in CATEGORIES]
                if unknown:
                    print(f"causerie screen: unknown categories: {', '.join(unknown)}", file=sys.stderr)
                    return 2
            if args.in_band:
                rows = (row for row in rows if in_band(row))
            if args.quoted:
                rows = quoted(rows)
            report = evaluate(screener, padded(rows) if args.padded else rows, categories)
            if args.json:
                payload = report.as_dict()
                if args.errors:
                    payload["errors"] = report.errors
                print(json.dumps(payload, ensure_ascii=False))
            else:
                print(report.table())
                if args.errors:
                    for e in report.errors:
                        print(f"{e['id']}: gold={','.join(e['gold']) or '-'} "
                              f"predicted={','.join(e['predicted']) or '-'}")
            return 0
        out = sys.stdout
        for row in rows:
            verdict = screener.screen(str(row.get("text", "")), context_for(row, screener))
            out.write(json.dumps({"id": row.get("id"), "labels": list(verdict.labels),
                                  "scores": verdict.scores, "action": verdict.action},
                                 ensure_ascii=False) + "\n")
        return 0
    except FileNotFoundError as exc:
        print(f"causerie screen: {exc.filename}: no such file", file=sys.stderr)
        return 2
    except json.JSONDecodeError as exc:
        print(f"causerie screen: invalid JSON line: {exc}", file=sys.stderr)
        return 2
