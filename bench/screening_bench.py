"""Scenario F: the screening pipeline alone, on one core: messages/s and the latency of one message.

    python bench/screening_bench.py [--quick]   -> one JSON object on stdout

The corpus is a mix written for this benchmark, glued into ~200-character messages (the length the
screening target is stated for): ordinary chat lines, and in about one message in five a line carrying
what the detectors look for (numbers, handles, links, spaced or leet spellings), so that both the fast
path and the detectors' work are measured. Until session 6 the messages were single or paired lines
(30-70 characters), which screened about twice as fast.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sys
import time

ORDINARY = [
    "salut tout le monde, ça va ce soir ?", "quelqu'un a vu le match hier ?", "je rentre du boulot, crevé",
    "il pleut encore à Lille, comme d'hab", "vous écoutez quoi comme musique en ce moment ?",
    "bonne soirée à tous, à demain", "mdr t'as raison", "je cherche une série à regarder, des idées ?",
    "on se fait un quiz musique ?", "trop bien ce film, je conseille", "re tout le monde",
    "quelqu'un de Lyon ici ?", "j'ai fait une tarte aux pommes, trop fière", "ok je vois, merci pour l'info",
    "le bus est encore en retard, génial", "bienvenue à toi !", "vous faites quoi ce week-end ?",
]
TRICKY = [
    "ajoute moi sur snap c'est jeanne.du.75", "mon numéro c'est zéro six douze trente quatre cinquante six",
    "appelle moi au 06 12 34 56 78", "va voir www.exemple-site.fr c'est génial", "t'es n u l l franchement",
    "écris moi sur insta @le_vrai_mec", "t'as quel âge toi ? tu habites où ?", "c0nn4rd va",
    "mon mail c'est prenom.nom@exemple.fr", "on se voit en vrai demain ?",
]


def corpus(count: int = 2000, length: int = 200) -> list[str]:
    """`count` messages of `length` characters (fixed seed; the last word may be cut): ordinary lines
    glued together, one in five with a tricky line among them."""
    rng = random.Random(5)
    messages = []
    for i in range(count):
        parts = [rng.choice(TRICKY)] if i % 5 == 0 else []
        while sum(len(p) + 1 for p in parts) <= length:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(ORDINARY))
        messages.append(" ".join(parts)[:length].rstrip())
    return messages


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    try:
        from causerie.screening import ScreenContext, Screener
    except Exception as exc:
        print(json.dumps({"value": None, "error": f"not available: {type(exc).__name__}: {exc}"}))
        return 0
    n, budget = (300, 5.0) if args.quick else (30000, 20.0)
    lines = corpus()
    started = time.perf_counter()
    screener = Screener()
    load_s = time.perf_counter() - started
    # As the server does once started (web/server.py): the engine's lexicons and model live as long as the
    # process, out of the garbage collector's scans (no effect beyond the noise here; measured as served).
    gc.collect()
    gc.freeze()
    ctx = ScreenContext(where="room", band="adult", sender_age=25, room="general")
    for text in lines[:200]:  # warm-up: caches, lazy imports
        screener.screen(text, ctx)
    times: list[int] = []
    verdicts: dict[str, int] = {}
    cpu0, t0 = time.process_time(), time.perf_counter()
    deadline = t0 + budget
    for i in range(n):
        text = lines[i % len(lines)]
        s = time.perf_counter_ns()
        verdict = screener.screen(text, ctx)
        times.append(time.perf_counter_ns() - s)
        action = str(getattr(verdict, "action", "?"))
        verdicts[action] = verdicts.get(action, 0) + 1
        if time.perf_counter() > deadline:
            break
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    times.sort()
    count = len(times)
    print(json.dumps({
        "value": round(count / wall, 1), "messages": count, "cpu_share": round(cpu / wall, 3),
        "p50_ms": round(times[count // 2] / 1e6, 3), "p99_ms": round(times[int(count * 0.99)] / 1e6, 3),
        "max_ms": round(times[-1] / 1e6, 3), "load_s": round(load_s, 2), "verdicts": verdicts,
        "stages_s": {k: round(v, 3) for k, v in getattr(screener, "timings", {}).items()},
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
