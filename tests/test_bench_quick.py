"""`make bench-quick` never rots: the quick benchmark runs end to end and produces a figure per scenario.

It asserts that figures were produced, not how fast they are: timing belongs in the benchmark.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _figure(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@pytest.mark.timeout(240)
def test_quick_bench_produces_a_figure_for_every_scenario(tmp_path: Path) -> None:
    out = tmp_path / "quick.json"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--out", str(out)],
                          capture_output=True, text=True, timeout=220, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["machine"]["cores"] >= 1 and report["machine"]["python"]
    assert report["date"]
    scenarios = report["scenarios"]
    assert sorted(scenarios) == list("ABCDEF"), proc.stdout
    # `make test` installs bench/node's packages, so both baselines always run.
    assert report["skipped"] == {}, report["skipped"]
    baselines = ["aiohttp", "node_ws"]
    for name in "ABCDE":
        entry = scenarios[name]
        assert entry["unit"], name
        for target in ["causerie", *baselines]:
            assert _figure(entry.get(target)), (name, target, entry["details"].get(target))
        assert set(entry["ratio"]) == set(baselines), (name, entry["ratio"])
    for name in "AB":
        assert all(_figure(v) for v in scenarios[name]["p99_ms"].values()), scenarios[name]["p99_ms"]
    assert scenarios["E"]["details"]["causerie"]["clients_with_gap"] == 0
    f = scenarios["F"]
    # The screening pipeline is measured when it can be imported, and says so plainly when it cannot.
    assert _figure(f["causerie"]) or f["details"]["causerie"]["error"].startswith("not available"), f
    assert "| A |" in proc.stdout and "| F |" in proc.stdout, proc.stdout
