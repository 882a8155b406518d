"""Check a hand-written screening file: format, labels, contexts, duplicates; print the counts.

    python3 data/screening/written/check.py FILE.jsonl
"""

import json
import re
import sys
import unicodedata
from collections import Counter

CATEGORIES = ["sexual_minor", "solicitation", "drugs", "hate", "harassment", "threat", "scam", "contact",
              "sexual_explicit"]


def key(text: str) -> str:
    t = unicodedata.normalize("NFKD", text.lower())
    return re.sub(r"[^a-z0-9]+", " ", "".join(c for c in t if not unicodedata.combining(c))).strip()


def main(path: str) -> int:
    counts: Counter[str] = Counter()
    seen: dict[str, str] = {}
    ids: set[str] = set()
    problems = 0
    benign = multi = lines = 0
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip():
            continue
        lines += 1
        try:
            row = json.loads(line)
            assert set(row) >= {"id", "text", "labels", "context"}, "missing field"
            assert isinstance(row["text"], str) and row["text"].strip(), "empty text"
            assert row["id"] not in ids, "duplicate id"
            ids.add(row["id"])
            labels = row["labels"]
            assert all(c in CATEGORIES for c in labels), f"unknown label {labels}"
            assert labels == sorted(set(labels), key=CATEGORIES.index), "labels not in canonical order"
            ctx = row["context"]
            assert ctx["where"] in ("room", "pm"), "where"
            assert isinstance(ctx["sender_age"], int), "sender_age"
            if ctx["where"] == "pm":
                assert isinstance(ctx["recipient_age"], int) and ctx.get("room") is None, "pm context"
            else:
                assert ctx.get("recipient_age") is None and isinstance(ctx["room"], str), "room context"
            k = key(row["text"])
            if k in seen:
                raise AssertionError(f"same text as {seen[k]}")
            seen[k] = row["id"]
        except (AssertionError, KeyError, TypeError, ValueError) as e:
            problems += 1
            print(f"line {n}: {e}")
            continue
        counts.update(labels)
        benign += not labels
        multi += len(labels) > 1
    print(f"{lines} lines, {problems} problems, benign {benign}, multi-label {multi}")
    for c in CATEGORIES:
        print(f"  {c:16} {counts[c]}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
