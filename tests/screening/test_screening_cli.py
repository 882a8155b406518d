"""`causerie screen` through the real entry point, as a moderator or CI would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "data" / "screening" / "dev.jsonl"
HOLDOUT = ROOT / "data" / "screening" / "holdout" / "holdout.jsonl"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "causerie", "screen", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("path", [DEV, HOLDOUT], ids=["dev", "holdout"])
def test_eval_prints_its_table(path: Path) -> None:
    result = run("--eval", str(path))
    print(result.stdout)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["category", "precision", "recall", "f1", "support"]
    for category in ("sexual_minor", "drugs", "contact", "sexual_explicit", "macro"):
        row = next(line for line in lines if line.startswith(category + " "))
        figures = [float(x) for x in row.split()[1:4]]
        assert all(0.0 <= f <= 1.0 for f in figures)
    assert any(line.startswith("benign lines: ") and "false-positive rate" in line for line in lines)


def test_eval_json() -> None:
    result = run("--eval", "--json", str(DEV))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["lines"] == 265
    assert set(report["categories"]) >= {"hate", "threat", "scam"}
    assert 0.0 <= report["benign"]["fpr"] <= 1.0 and "f1" in report["macro"]


def test_screen_stdin_one_line_per_input() -> None:
    lines = [{"id": 1, "text": "qui a de la beuh ? livraison possible"},
             {"id": "b", "text": "bonne nuit", "context": {"where": "room", "sender_age": 16,
                                                           "recipient_age": None, "room": "Ados 15-17"}}]
    result = run("-", stdin="".join(json.dumps(x) + "\n" for x in lines))
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == [1, "b"]
    assert set(out[0]) == {"id", "labels", "scores", "action"}
    assert out[0]["labels"] == ["drugs"] and out[0]["action"] == "block"
    assert out[1]["action"] == "allow"


def test_missing_file_is_a_clean_error() -> None:
    result = run("no-such-file.jsonl")
    assert result.returncode == 2 and "no such file" in result.stderr
