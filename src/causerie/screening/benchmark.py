"""Speed of the whole screening pipeline on one core.

    python -m causerie.screening.benchmark [--messages 20000]

Builds ~200-character French chat messages from the training corpus (benign and harmful mixed),
screens each once, and prints messages per second and latency percentiles. Not a test: numbers depend
on the machine (see docs/screening.md for the reference figures).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import time

from causerie.screening import corpus
from causerie.screening.engine import Screener
from causerie.screening.types import ScreenContext


def messages(count: int, length: int = 200, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    lines = [str(r["text"]) for r in corpus.generate()]
    out = []
    for _ in range(count):
        text = ""
        while len(text) < length:
            text += rng.choice(lines) + " "
        out.append(text[:length])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m causerie.screening.benchmark")
    parser.add_argument("--messages", type=int, default=20000)
    args = parser.parse_args(argv)
    screener = Screener()
    texts = messages(args.messages)
    gc.collect()  # as the server does once started (web/server.py): long-lived objects out of the scans
    gc.freeze()
    contexts = [ScreenContext(where="room", band="adult", sender_age=30, room="Général"),
                ScreenContext(where="pm", band="teen", sender_age=34, recipient_age=15)]
    for text in texts[:500]:
        screener.screen(text, contexts[0])
    latencies = []
    start = time.perf_counter()
    cpu_start = time.process_time()
    for i, text in enumerate(texts):
        t0 = time.thread_time()
        screener.screen(text, contexts[i & 1])
        latencies.append(time.thread_time() - t0)
    total = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    latencies.sort()

    def pct(q: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 3)

    # Latencies are CPU time of the screening thread (wall clock on a shared machine adds scheduling noise).
    print(json.dumps({"messages": len(texts), "chars": 200, "messages_per_second_wall": round(len(texts) / total),
                      "messages_per_second_cpu": round(len(texts) / cpu),
                      "p50_ms": pct(0.5), "p99_ms": pct(0.99), "max_ms": round(latencies[-1] * 1000, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
