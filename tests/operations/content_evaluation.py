"""The content checker's evaluation on the labelled posts in ``tests/fixtures/content_posts.txt``.

The posts are split by their text alone (the first byte of the SHA-256 of the UTF-8 text below 102
is held out, about 40 %), a rule fixed before the checker was tuned: the checker is tuned on the
development part and the held-out part is only run to report. ``bench/content_check.py --evaluate``
prints the table; ``test_content_evaluation.py`` fails below the targets.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from operations.content_check import CODE_KINDS, Context, Draft, Rules, check_post

POSTS_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "content_posts.txt"
HELD_OUT_BELOW = 102  # first byte of the SHA-256 of the text: 102/256, about 40 % held out

# Issue 15's targets on posts written by someone else, for the four kinds that have them.
TARGETS = {
    "swearing": (0.9, 0.85),
    "personal_data": (0.9, 0.85),
    "political": (0.9, 0.85),
    "campaign": (0.9, 0.85),
}
KINDS = (
    "swearing",
    "personal_data",
    "political",
    "campaign",
    "hashtag_case",
    "emoji",
    "styled_letters",
    "long_sentence",
    "capitals",
    "link_text",
)

# The lists the evaluation runs with: what a council's Communications team would keep.
COUNCILLORS = ("Tony Johnson", "Olivia Lyons", "Adamson")
DECIDED_CAMPAIGNS = ("Love Cannock Chase", "Fostering Friendly Chase")
COUNCIL_PHONE_NUMBERS = ("01543 462621",)
COUNCIL_EMAIL_DOMAINS = ("cannockchasedc.gov.uk",)


@dataclass(frozen=True)
class LabelledPost:
    text: str
    labels: frozenset[str]
    purdah: bool
    line: int

    @property
    def held_out(self) -> bool:
        return hashlib.sha256(self.text.encode()).digest()[0] < HELD_OUT_BELOW


def load_posts(path: Path = POSTS_FILE) -> list[LabelledPost]:
    posts = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        labels, context, text = (part.strip() for part in raw.split(" | ", 2))
        unknown = set(labels.split(",")) - set(KINDS) - {"-"}
        if unknown or context not in ("-", "purdah"):
            raise ValueError(f"{path.name} line {number}: unknown label or context")
        posts.append(
            LabelledPost(
                text=text.replace("\\n", "\n"),
                labels=frozenset() if labels == "-" else frozenset(labels.split(",")),
                purdah=context == "purdah",
                line=number,
            )
        )
    return posts


RULES = Rules(
    councillors=COUNCILLORS,
    decided_campaigns=DECIDED_CAMPAIGNS,
    council_phone_numbers=COUNCIL_PHONE_NUMBERS,
    council_email_domains=COUNCIL_EMAIL_DOMAINS,
)


def kinds_found(post: LabelledPost) -> set[str]:
    findings = check_post(Draft(text=post.text), RULES, Context(purdah=post.purdah))
    return {CODE_KINDS[f.code] for f in findings if f.code in CODE_KINDS}


@dataclass
class Score:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    @property
    def precision(self) -> float:
        flagged = self.true_positive + self.false_positive
        return self.true_positive / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        labelled = self.true_positive + self.false_negative
        return self.true_positive / labelled if labelled else 1.0


def evaluate(posts: list[LabelledPost]) -> tuple[dict[str, Score], list[tuple[LabelledPost, set[str]]]]:
    """Per kind: a post counts once for each kind it is labelled with or flagged for. Also the mistakes."""
    scores = {kind: Score() for kind in KINDS}
    mistakes = []
    for post in posts:
        found = kinds_found(post)
        for kind in KINDS:
            if kind in found and kind in post.labels:
                scores[kind].true_positive += 1
            elif kind in found:
                scores[kind].false_positive += 1
            elif kind in post.labels:
                scores[kind].false_negative += 1
        if found != set(post.labels):
            mistakes.append((post, found))
    return scores, mistakes


def table(scores: dict[str, Score]) -> str:
    lines = ["| kind | labelled | flagged | right | precision | recall |", "|---|---|---|---|---|---|"]
    for kind, score in scores.items():
        lines.append(
            f"| {kind} | {score.true_positive + score.false_negative} | "
            f"{score.true_positive + score.false_positive} | {score.true_positive} | "
            f"{score.precision:.2f} | {score.recall:.2f} |"
        )
    return "\n".join(lines)
