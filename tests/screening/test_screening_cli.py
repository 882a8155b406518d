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


def test_eval_reads_several_files_as_one_set(tmp_path: Path) -> None:
    rows = DEV.read_text(encoding="utf-8").splitlines()
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    first.write_text("\n".join(rows[:100]) + "\n", encoding="utf-8")
    second.write_text("\n".join(rows[100:]) + "\n", encoding="utf-8")
    together = run("--eval", "--json", str(first), str(second))
    whole = run("--eval", "--json", str(DEV))
    assert together.returncode == 0, together.stderr
    a, b = json.loads(together.stdout), json.loads(whole.stdout)
    assert a["lines"] == 265 and a["macro"] == b["macro"] and a["benign"] == b["benign"]
    screened = run(str(first), str(second))
    assert [json.loads(line)["id"] for line in screened.stdout.splitlines()] == [json.loads(r)["id"] for r in rows]


def test_missing_file_is_a_clean_error() -> None:
    result = run("no-such-file.jsonl")
    assert result.returncode == 2 and "no such file" in result.stderr
    result = run("--eval", str(DEV), "no-such-file.jsonl")
    assert result.returncode == 2 and "no-such-file.jsonl: no such file" in result.stderr


def test_eval_padded_reads_each_line_in_small_talk() -> None:
    # --padded puts each line between two benign lines of the same file that go to the same place; it
    # measures how the engine reads a harmful line hidden in small talk (docs/screening.md, "Padding").
    result = run("--eval", "--json", "--padded", str(DEV))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    # Lines whose place has fewer than two other benign lines are left out, every other one is kept.
    assert 150 < report["lines"] < 265
    assert report["benign"]["lines"] >= 50


def test_padded_keeps_labels_and_context_and_pads_with_benign_lines_of_the_same_place() -> None:
    from causerie.screening.evaluation import padded

    room = {"where": "room", "sender_age": 30, "recipient_age": None, "room": "Général"}
    pm_minor = {"where": "pm", "sender_age": 34, "recipient_age": 15, "room": None}
    rows = [{"id": "b1", "text": "salut tout le monde", "labels": [], "context": room},
            {"id": "b2", "text": "bonne soirée à tous", "labels": [], "context": room},
            {"id": "b3", "text": "quelqu'un a vu le match ?", "labels": [], "context": room},
            {"id": "h1", "text": "ligne qui menace", "labels": ["threat"], "context": room},
            {"id": "m1", "text": "ligne à une mineure", "labels": ["sexual_minor"], "context": pm_minor}]
    out = {r["id"]: r for r in padded(rows, seed=1)}
    assert "m1" not in out  # no benign line goes to a minor in a PM here
    line = out["h1"]
    assert line["labels"] == ["threat"] and line["context"] == room
    before, _, after = line["text"].partition(" ligne qui menace ")
    assert {before, after} <= {"salut tout le monde", "bonne soirée à tous", "quelqu'un a vu le match ?"}
    assert before != after
    assert out["b1"]["labels"] == [] and "salut tout le monde" in out["b1"]["text"]
    assert out["b1"]["text"].count("salut tout le monde") == 1  # never padded with itself


def _ctx(where: str, sender: int, recipient: int | None) -> dict[str, object]:
    return {"where": where, "sender_age": sender, "recipient_age": recipient, "room": None}


def test_in_band_keeps_only_the_contexts_causerie_produces() -> None:
    from causerie.screening.evaluation import in_band

    assert in_band({"context": _ctx("room", 16, None)}) and in_band({"context": _ctx("pm", 15, 17)})
    assert in_band({"context": _ctx("pm", 30, 45)}) and in_band({"text": "no context: an adult in a room"})
    assert not in_band({"context": _ctx("pm", 34, 15)})  # PMs across 18 do not exist (product.md)
    assert not in_band({"context": _ctx("pm", 16, 19)})
    assert not in_band({"context": _ctx("pm", 14, 15)}) and not in_band({"context": _ctx("room", 13, None)})


def test_eval_in_band_and_quoted_select_and_wrap_lines() -> None:
    rows = [{"id": 1, "text": "qui a de la beuh ? livraison possible", "labels": ["drugs"],
             "context": _ctx("room", 25, None)},
            {"id": 2, "text": "bonne nuit tout le monde", "labels": [], "context": _ctx("room", 25, None)},
            {"id": 3, "text": "t'as quel âge ? envoie une photo", "labels": ["sexual_minor"],
             "context": _ctx("pm", 34, 15)}]
    stdin = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    band = run("--eval", "--json", "--in-band", "-", stdin=stdin)
    assert band.returncode == 0, band.stderr
    assert json.loads(band.stdout)["lines"] == 2  # the adult-to-minor PM is left out
    quotes = run("--eval", "--json", "--quoted", "-", stdin=stdin)
    assert quotes.returncode == 0, quotes.stderr
    report = json.loads(quotes.stdout)
    assert report["lines"] == 2 and report["benign"]["lines"] == 0  # only the harmful lines
    assert report["categories"]["drugs"]["tp"] == 1  # a quoted offer is still an offer

    from causerie.screening.evaluation import quoted

    out = quoted(rows)
    assert [r["text"] for r in out] == ['"qui a de la beuh ? livraison possible"',
                                        '"t\'as quel âge ? envoie une photo"']
    assert out[1]["labels"] == ["sexual_minor"] and out[1]["context"] == rows[2]["context"]
