"""`make bench`: Causerie side by side with bare broadcast servers, on the same machine, in the same run.

    python bench/run.py [--quick] [--only A,B] [--targets causerie,aiohttp,node_ws] [--out FILE]

Each server runs pinned to core 0 and the load generator (bench/loadgen.py, its own process) to core 1;
everything talks over 127.0.0.1. Prints a table and writes bench/results/latest.json (quick mode:
bench/results/quick.tmp). docs/performance.md explains the scenarios and the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
VENV_BIN = Path(sys.executable).parent
TARGETS = ["causerie", "aiohttp", "node_ws"]
SCENARIOS = {
    "A": {"title": "1 room x 500, 20 senders", "unit": "deliveries/s", "better": "higher"},
    "B": {"title": "200 rooms x 10, all send", "unit": "deliveries/s", "better": "higher"},
    "C": {"title": "5,000 idle connections", "unit": "KiB/connection", "better": "lower"},
    "D": {"title": "1,000 entries", "unit": "entries/s", "better": "higher"},
    "E": {"title": "2,000 drop + resume", "unit": "s until all resumed", "better": "lower"},
    "F": {"title": "screening alone, 1 core", "unit": "messages/s", "better": "higher"},
}
QUICK_TITLES = {"A": "1 room x 40, 4 senders", "B": "6 rooms x 4, all send", "C": "60 idle connections",
                "D": "30 entries", "E": "30 drop + resume", "F": "screening alone, 1 core"}


def log(*args: Any) -> None:
    print("[bench]", *args, file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": model, "cores": os.cpu_count(), "python": platform.python_version(),
            "node": _node_version(), "kernel": platform.release(), "loadavg_at_start": os.getloadavg()}


def _node_version() -> str | None:
    node = shutil.which("node")
    if node is None:
        return None
    return subprocess.run([node, "--version"], capture_output=True, text=True, timeout=10).stdout.strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pinned(core: int, cmd: list[str]) -> list[str]:
    """taskset -c CORE cmd, where the machine has two cores or more and taskset exists."""
    if (os.cpu_count() or 1) >= 2 and shutil.which("taskset"):
        return ["taskset", "-c", str(core), *cmd]
    return cmd


class Server:
    """One server under test, started fresh, on core 0."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.port = free_port()
        self.tmp = tempfile.mkdtemp(prefix=f"bench-{target}-")
        self.log_path = Path(self.tmp) / "server.log"
        if target == "causerie":
            cmd = [str(VENV_BIN / "causerie"), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                   "--db", f"sqlite+aiosqlite:///{self.tmp}/bench.db"]
            self.health = "/api/health"
        elif target == "aiohttp":
            cmd = [sys.executable, str(BENCH / "baseline_aiohttp.py"), str(self.port)]
            self.health = "/health"
        else:
            cmd = [shutil.which("node") or "node", str(BENCH / "node" / "server.js"), str(self.port)]
            self.health = "/health"
        self.log_file = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        # Every generator client comes from 127.0.0.1: rate limits and the network age rule would
        # measure the policy, not the server's capacity. Screening stays on.
        env = dict(os.environ, CAUSERIE_LIMITS="off", CAUSERIE_NETWORK_AGE_RULE="off")
        self.proc = subprocess.Popen(pinned(0, cmd), stdout=self.log_file, stderr=subprocess.STDOUT,
                                     cwd=self.tmp, start_new_session=True, env=env)

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.target} exited: {self.log_path.read_text()[-800:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{self.health}", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.target} not ready after {timeout} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log_file.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


# Leaves where a thread waits rather than works, which py-spy does not always see as idle.
IDLE_LEAVES = ("_connection_worker_thread (aiosqlite/core.py:59)", "EpollSelector.select")


def summarise_profile(raw: Path, out: Path, title: str) -> None:
    """Fold py-spy's raw stacks into the functions that hold the time: self and inclusive shares."""
    own: Counter[str] = Counter()
    incl: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        if frames[-1].startswith(IDLE_LEAVES):
            continue
        total += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            incl[frame] += int(count)
    lines = [f"# {title}: {total} samples (py-spy, 100 Hz, all threads, waits excluded)", "", "## self"]
    lines += [f"{n / total:6.1%}  {f}" for f, n in own.most_common(25)] if total else []
    lines += ["", "## inclusive (frames of causerie, sqlalchemy, aiosqlite, aiohttp, msgspec)"]
    interesting = ("causerie", "sqlalchemy", "aiosqlite", "aiohttp", "msgspec", "json")
    lines += [f"{n / total:6.1%}  {f}" for f, n in incl.most_common(400) if any(w in f for w in interesting)][:60]
    out.write_text("\n".join(lines) + "\n")


def run_loadgen(scenario: str, target: str, server: Server, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, str(BENCH / "loadgen.py"), "--scenario", scenario,
           "--target", "causerie" if target == "causerie" else "bare", "--port", str(server.port),
           "--server-pid", str(server.proc.pid), "--client", args.client, "--timeout", str(args.timeout)]
    if args.quick:
        cmd.append("--quick")
    spy = None
    if args.profile and target == "causerie" and (VENV_BIN / "py-spy").exists():
        raw = Path(server.tmp) / "profile.raw"
        spy = subprocess.Popen([str(VENV_BIN / "py-spy"), "record", "--pid", str(server.proc.pid), "-r", "100",
                                "-f", "raw", "-o", str(raw)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        out = subprocess.run(pinned(1, cmd), capture_output=True, text=True, timeout=args.timeout + 30)
    except subprocess.TimeoutExpired:
        return {"value": None, "error": "load generator timed out"}
    finally:
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=30)
            if raw.exists():
                summarise_profile(raw, BENCH / "results" / f"profile-{scenario}.txt",
                                  f"Causerie under scenario {scenario}")
    if out.returncode != 0 or not out.stdout.strip():
        return {"value": None, "error": f"load generator failed: {out.stderr[-600:]}"}
    if args.verbose:
        sys.stderr.write(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_screening(args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, str(BENCH / "screening_bench.py")] + (["--quick"] if args.quick else [])
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    try:
        out = subprocess.run(pinned(1, cmd), capture_output=True, text=True, timeout=120, env=env)
        return json.loads(out.stdout.strip().splitlines()[-1])
    except (subprocess.TimeoutExpired, ValueError, IndexError) as exc:
        return {"value": None, "error": f"screening bench failed: {exc}"}


def available_targets(wanted: list[str]) -> tuple[list[str], dict[str, str]]:
    skipped: dict[str, str] = {}
    targets = []
    for t in wanted:
        if t == "node_ws" and not (BENCH / "node" / "node_modules" / "ws").is_dir():
            skipped[t] = "bench/node/node_modules missing: run `npm ci --prefix bench/node`"
        elif t == "node_ws" and not shutil.which("node"):
            skipped[t] = "node not installed"
        else:
            targets.append(t)
    return targets, skipped


def meets_target(s: str, entry: dict[str, Any]) -> bool | None:
    c = entry.get("causerie")
    if c is None:
        return None
    ratio = entry.get("ratio", {})
    if s == "A":
        return ratio.get("aiohttp", 0) >= 0.8 and ratio.get("node_ws", 0) >= 0.7
    if s == "B":
        return ratio.get("aiohttp", 0) >= 0.6
    if s == "C":
        return c <= 16
    if s == "D":
        return c >= 500
    if s == "E":
        return c <= 5 and entry["details"]["causerie"].get("clients_with_gap", 1) == 0
    if s == "F":
        return c >= 5000 and entry["p99_ms"]["causerie"] <= 2
    return None


TARGET_TEXT = {"A": ">= 0.8x aiohttp, >= 0.7x node", "B": ">= 0.6x aiohttp", "C": "<= 16 KiB",
               "D": ">= 500/s", "E": "<= 5 s, no gap", "F": ">= 5,000/s, p99 <= 2 ms"}


def summarise(s: str, results: dict[str, dict[str, Any]], quick: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"unit": SCENARIOS[s]["unit"], "better": SCENARIOS[s]["better"],
                             "title": (QUICK_TITLES if quick else SCENARIOS)[s] if quick
                             else SCENARIOS[s]["title"]}
    for t, r in results.items():
        entry[t] = r.get("value")
    c = entry.get("causerie")
    ratio = {t: round(c / entry[t], 3) for t in results if t != "causerie" and c is not None and entry.get(t)}
    if ratio:
        entry["ratio"] = ratio  # always causerie / baseline
    p99 = {t: r["p99_ms"] for t, r in results.items() if isinstance(r.get("p99_ms"), int | float)}
    if p99:
        entry["p99_ms"] = p99
    entry["target"] = TARGET_TEXT[s]
    entry["details"] = results
    entry["met"] = meets_target(s, entry)
    return entry


def fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float) and v < 100:
        return f"{v:,.2f}"
    return f"{v:,.0f}"


def table(report: dict[str, Any]) -> str:
    head = ["", "scenario", "unit", "causerie", "aiohttp", "node_ws", "ratio a/n", "p99 ms c/a/n", "target",
            "met"]
    rows = [head]
    for s, e in report["scenarios"].items():
        r, p = e.get("ratio", {}), e.get("p99_ms", {})
        rows.append([s, e["title"], e["unit"], fmt(e.get("causerie")), fmt(e.get("aiohttp")),
                     fmt(e.get("node_ws")),
                     "/".join(f"{r[t]:.2f}" if t in r else "-" for t in ("aiohttp", "node_ws")),
                     "/".join(fmt(p.get(t)) for t in TARGETS), e["target"],
                     {True: "yes", False: "NO", None: "n/a"}[e["met"]]])
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="Causerie benchmarks")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, under a minute")
    parser.add_argument("--only", default="ABCDEF", help="scenarios to run, e.g. AB")
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--client", choices=["raw", "aiohttp"], default="raw",
                        help="generator's WebSocket client (raw: lean asyncio protocol)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--timeout", type=float, default=240, help="seconds per scenario and target")
    parser.add_argument("--verbose", action="store_true", help="show the generator's step log")
    parser.add_argument("--profile", action="store_true",
                        help="record Causerie with py-spy (pip install py-spy) into bench/results/profile-S.txt")
    args = parser.parse_args()
    name = "quick.tmp" if args.quick else "profiled.tmp" if args.profile else "latest.json"
    out = args.out or BENCH / "results" / name
    targets, skipped = available_targets([t for t in args.targets.split(",") if t])
    started = time.monotonic()
    report: dict[str, Any] = {"machine": machine(), "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                              "mode": "quick" if args.quick else "full",
                              "generator": {"process": "bench/loadgen.py", "client": args.client,
                                            "pinning": "server core 0, generator core 1"},
                              "skipped": skipped, "scenarios": {}}
    shared: dict[str, Server] = {}
    try:
        for s in [s for s in "ABCDEF" if s in args.only.upper()]:
            if s == "F":
                log("F: screening pipeline")
                report["scenarios"]["F"] = summarise("F", {"causerie": run_screening(args)}, args.quick)
                continue
            results: dict[str, dict[str, Any]] = {}
            for t in targets:
                log(f"{s}: {t}")
                # Quick mode shares one server per target; the full run starts a fresh one per scenario.
                server = shared.get(t) if args.quick else None
                try:
                    if server is None:
                        server = Server(t)
                        server.wait_ready()
                        if args.quick:
                            shared[t] = server
                    results[t] = run_loadgen(s, t, server, args)
                except RuntimeError as exc:
                    results[t] = {"value": None, "error": str(exc)}
                finally:
                    if server is not None and not args.quick:
                        server.stop()
                log(f"{s}: {t}: {results[t].get('value')} {results[t].get('error', '')}")
            report["scenarios"][s] = summarise(s, results, args.quick)
    finally:
        for server in shared.values():
            server.stop()
    report["elapsed_s"] = round(time.monotonic() - started, 1)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    print(table(report))
    for name, why in skipped.items():
        print(f"skipped {name}: {why}")
    for s, e in report["scenarios"].items():
        for t, r in e["details"].items():
            if r.get("error"):
                print(f"{s} {t}: {r['error']}")
            if r.get("errors"):
                print(f"{s} {t}: server errors {r['errors']}")
    print(f"{report['mode']} run in {report['elapsed_s']} s; written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
