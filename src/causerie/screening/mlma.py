"""Convert the French MLMA tweets (data/mlma-fr/fr_dataset.csv, MIT) to the evaluation format.

    python -m causerie.screening.mlma [CSV] [OUT]

Mapping (see data/mlma-fr/README.md): `normal` only → benign; hostile and aimed at a protected group
→ `hate`; hostile and aimed at an individual → `harassment`; other hostile tweets and tweets mixing
`normal` with a hostile label are dropped. Evaluation only.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

PROTECTED_GROUPS = frozenset({"african_descent", "arabs", "asians", "christian", "gay", "hispanics", "immigrants",
                              "indian/hindu", "jews", "muslims", "refugees", "special_needs", "women"})


def map_row(row: dict[str, str]) -> list[str] | None:
    """Gold labels for one MLMA row, or None when the row is out of scope."""
    sentiments = set(row["sentiment"].split("_"))
    if sentiments == {"normal"}:
        return []
    if "normal" in sentiments:
        return None
    if row["group"] in PROTECTED_GROUPS:
        return ["hate"]
    if row["group"] == "individual":
        return ["harassment"]
    return None


def convert(csv_path: Path, out_path: Path) -> dict[str, int]:
    counts = {"benign": 0, "hate": 0, "harassment": 0, "dropped": 0}
    with open(csv_path, encoding="utf-8", newline="") as src, open(out_path, "w", encoding="utf-8") as out:
        for row in csv.DictReader(src):
            labels = map_row(row)
            if labels is None:
                counts["dropped"] += 1
                continue
            counts[labels[0] if labels else "benign"] += 1
            out.write(json.dumps({"id": f"mlma-{row['HITId']}", "text": row["tweet"], "labels": labels,
                                  "context": {"where": "room", "sender_age": 25, "recipient_age": None,
                                              "room": "Général"}}, ensure_ascii=False) + "\n")
    return counts


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path.cwd()
    csv_path = Path(args[0]) if args else root / "data" / "mlma-fr" / "fr_dataset.csv"
    out_path = Path(args[1]) if len(args) > 1 else root / "data" / "mlma-fr" / "mlma.jsonl"
    print(json.dumps(convert(csv_path, out_path)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
