"""Knowledge-gap report: unanswered, unhelpful or only-suggested questions grouped, most frequent
first. "picked" rows are questions answered only after the person chose a "did you mean" button:
the entry chosen is the one that should have answered directly (add the wording to it)."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from faq.normalize import normalize, normalize_arabic

REASONS = ("unknown", "unhelpful", "picked")
GapRow = tuple[str, str] | tuple[str, str, str | None]  # question, reason[, entry id]
SIMILAR_AT = 85.0  # token-set similarity (0-100) from which two questions are the same gap
MAX_EXAMPLES = 3


@dataclass
class GapGroup:
    """Questions that ask the same thing, for one reason."""

    key: str
    reason: str
    texts: Counter[str] = field(default_factory=Counter)
    entries: Counter[str] = field(default_factory=Counter)

    @property
    def count(self) -> int:
        """How many times the gap was hit."""
        return sum(self.texts.values())


def _key(text: str) -> str:
    """Comparison form: sorted index terms, or the normalised text when it has none."""
    terms = sorted(set(normalize(text)))
    return " ".join(terms) if terms else normalize_arabic(text)


def group_gaps(rows: Iterable[GapRow]) -> list[GapGroup]:
    """Group (question, reason[, entry id]) rows by normalised form and similarity, biggest
    first."""
    groups: list[GapGroup] = []
    exact: dict[tuple[str, str], GapGroup] = {}
    for row in rows:
        text, reason = row[0], row[1]
        entry_id = row[2] if len(row) > 2 else None
        text = " ".join(text.split())
        if not text:
            continue
        reason = reason if reason in REASONS else "unknown"
        key = _key(text)
        group = exact.get((key, reason))
        if group is None:
            group = next(
                (
                    g
                    for g in groups
                    if g.reason == reason and fuzz.token_set_ratio(g.key, key) >= SIMILAR_AT
                ),
                None,
            )
        if group is None:
            group = GapGroup(key, reason)
            groups.append(group)
        exact[(key, reason)] = group
        group.texts[text] += 1
        if entry_id:
            group.entries[entry_id] += 1
    return sorted(groups, key=lambda g: (-g.count, g.reason, g.key))


def write_gaps_csv(groups: list[GapGroup], out: Path) -> None:
    """Write the groups as CSV: question, count, reason, examples (' | ' separated), entry.

    `entry` is the entry concerned (the one picked, or judged unhelpful), most frequent first.
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["question", "count", "reason", "examples", "entry"])
        for g in groups:
            common = [t for t, _ in g.texts.most_common()]
            examples = " | ".join(common[:MAX_EXAMPLES])
            entries = " | ".join(e for e, _ in g.entries.most_common())
            writer.writerow([common[0], g.count, g.reason, examples, entries])
