"""The content checker: its speed on a 2,000-character draft (target: under 5 ms), its evaluation on
the labelled posts, and the swearing word lists compared (issue 15).

Run:
    .venv/bin/python bench/content_check.py              # speed
    .venv/bin/python bench/content_check.py --evaluate   # precision and recall, held-out part
    .venv/bin/python bench/content_check.py --compare    # swearing: ours and two libraries

It needs no database: the checker is a pure module. ``--compare`` needs the two libraries installed
(``pip install better-profanity==0.7.0 alt-profanity-check==1.9.1``); they are not dependencies.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from operations import content_check  # noqa: E402
from operations.content_check import Context, Draft, Rules, check_post  # noqa: E402
from tests.operations import content_evaluation as evaluation  # noqa: E402

PARAGRAPH = (
    "Bin collections change over Christmas. Your collection on Thursday 25 December will be on Saturday "
    "27 December instead. Garden waste costs £45 for 2026/27, planning application CH/25/0123 is open "
    "until 12/06/2026, call 0300 123 4567 or email housing@cannockchasedc.gov.uk. Cllr Adamson and "
    "stakeholders going forward at 27 Mill Street, Cannock WS11 0DL. #binitright 🎉 FREE PARKING sh1t "
)
COUNCILLORS = tuple(f"Councillor Name{i} Surname{i}" for i in range(60))
JARGON = tuple((f"jargonterm{i}", "plain") for i in range(100))
DECIDED = tuple(f"Decided Campaign {i}" for i in range(30))


def speed(runs: int = 2000) -> None:
    text = (PARAGRAPH * 10)[:2000]
    rules = Rules(
        councillors=COUNCILLORS,
        jargon=JARGON,
        decided_campaigns=DECIDED,
        council_phone_numbers=("01543 462621",),
    )
    context = Context(purdah=True, emergency=True, posts_today=3, posting_guideline=(1, 1))
    draft = Draft(text=text, platform="x", announcement_for_x=True, shows_children=True, has_image=True)
    check_post(draft, rules, context)  # compile once, as the running service does
    timings = []
    cpu_start = time.process_time()
    for _ in range(runs):
        start = time.perf_counter()
        check_post(draft, rules, context)
        timings.append((time.perf_counter() - start) * 1000)
    cpu = (time.process_time() - cpu_start) * 1000 / runs
    timings.sort()
    print(
        f"{len(text)}-character draft, {runs} runs, 60 councillors, 100 extra jargon terms, "
        "30 decided campaigns, purdah and an emergency in force"
    )
    print(
        f"median {statistics.median(timings):.3f} ms, p95 {timings[int(runs * 0.95)]:.3f} ms, "
        f"max {timings[-1]:.3f} ms; processor time {cpu:.3f} ms a check"
    )
    content_check._compiled.cache_clear()
    content_check._words_pattern.cache_clear()
    start = time.perf_counter()
    check_post(draft, rules, context)
    print(f"first check after the lists change: {(time.perf_counter() - start) * 1000:.3f} ms")


def evaluate() -> None:
    posts = evaluation.load_posts()
    held_out = [post for post in posts if post.held_out]
    development = [post for post in posts if not post.held_out]
    print(f"{len(posts)} posts: {len(development)} development, {len(held_out)} held out\n")
    for name, part in (("Held out", held_out), ("Development", development)):
        scores, _ = evaluation.evaluate(part)
        print(f"{name}:\n{evaluation.table(scores)}\n")


def compare() -> None:
    """Swearing only: our rules against two maintained libraries, on both parts of the set."""
    from better_profanity import profanity
    from profanity_check import predict

    profanity.load_censor_words()
    posts = evaluation.load_posts()
    detectors = {
        "ours (operations.content_check.swear_words)": lambda text: bool(content_check.swear_words(text)),
        "better-profanity 0.7.0": profanity.contains_profanity,
        "alt-profanity-check 1.9.1": lambda text: bool(predict([text])[0]),
    }
    print("| detector | part | labelled | flagged | right | precision | recall | ms a post |")
    print("|---|---|---|---|---|---|---|---|")
    for name, detect in detectors.items():
        for part_name, held in (("development", False), ("held out", True)):
            part = [post for post in posts if post.held_out is held]
            score = evaluation.Score()
            start = time.perf_counter()
            for post in part:
                flagged, labelled = detect(post.text), "swearing" in post.labels
                score.true_positive += flagged and labelled
                score.false_positive += flagged and not labelled
                score.false_negative += labelled and not flagged
            elapsed = (time.perf_counter() - start) * 1000 / len(part)
            print(
                f"| {name} | {part_name} | {score.true_positive + score.false_negative} | "
                f"{score.true_positive + score.false_positive} | {score.true_positive} | "
                f"{score.precision:.2f} | {score.recall:.2f} | {elapsed:.3f} |"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluate", action="store_true")
    parser.add_argument("--compare", action="store_true")
    arguments = parser.parse_args()
    if arguments.evaluate:
        evaluate()
    elif arguments.compare:
        compare()
    else:
        speed()
