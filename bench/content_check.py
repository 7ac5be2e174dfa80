"""Time the content checker on a 2,000-character draft (target: under 5 ms each).

Run: .venv/bin/python bench/content_check.py
It needs no database: the checker is a pure module.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitoring.content_check import Draft, Rules, check_post  # noqa: E402

PARAGRAPH = (
    "Bin collections change over Christmas. Your collection on Thursday 25 December will be on Saturday "
    "27 December instead. Garden waste costs £45 for 2026/27, planning application CH/25/0123 is open "
    "until 12/06/2026, call 0300 123 4567 or email housing@cannockchasedc.gov.uk. Cllr Adamson and "
    "stakeholders going forward at 27 Mill Street, Cannock WS11 0DL. "
)
COUNCILLORS = tuple(f"Councillor Name{i} Surname{i}" for i in range(60))
JARGON = tuple((f"jargonterm{i}", "plain") for i in range(100))


def main(runs: int = 2000) -> None:
    text = (PARAGRAPH * 10)[:2000]
    rules = Rules(
        purdah=True, councillors=COUNCILLORS, jargon=JARGON, council_phone_numbers=("01543 462621",)
    )
    draft = Draft(text=text, platform="x", announcement_for_x=True, shows_children=True)
    check_post(draft, rules)  # compile once, as the running service does
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        check_post(draft, rules)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    print(f"{len(text)}-character draft, {runs} runs, 60 councillors, 100 extra jargon terms, purdah on")
    print(
        f"median {statistics.median(timings):.3f} ms, "
        f"p95 {timings[int(runs * 0.95)]:.3f} ms, max {timings[-1]:.3f} ms"
    )
    # A cold check (the lists just changed, so the patterns are compiled again).
    from monitoring.content_check import _compiled

    _compiled.cache_clear()
    start = time.perf_counter()
    check_post(draft, rules)
    print(f"first check after the lists change: {(time.perf_counter() - start) * 1000:.3f} ms")


if __name__ == "__main__":
    main()
