"""The knowledge base: load and validate the folder, answer questions, reload on change."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path

from faq.index import Candidate, SearchIndex
from faq.loader import knowledge_files, read_folder
from faq.model import FaqEntry, FaqMatch, FaqResult, KnowledgeError
from faq.normalize import normalize_arabic

log = logging.getLogger(__name__)

DEFAULT_FOLDER = Path(__file__).resolve().parents[1] / "knowledge"
# Thresholds, chosen on tests/faq/eval_set.tsv (see the report in bench/results/faq.json).
ANSWER_AT = 0.60  # confidence from which the bot answers on its own
SUGGEST_COVER = 0.25  # share of the question an entry must cover to be offered as a suggestion
BM25_SHARE = 0.5  # ranking = this share of relative BM25 + the rest from coverage
LEAD_BASE, LEAD_SLOPE = 0.3, 3.0  # confidence factor min(1, base + slope * lead over the next)
POOL = 10  # BM25 candidates re-ranked

_STARTS = """ليش ليه لماذا وش ايش شو اش شنو ماذا ماهي ماهو كيف شلون متي كم وين اين مين منو هل
    ممكن اقدر يمكن ابي ابغي ودي ابغا بغيت عندي why how what when where who whom which whose
    can could do does did is are am should will would may might shall any"""
_QUESTION_START = frozenset(_STARTS.split())
_WANTS = frozenset({"عندي", "ابي", "ابغي", "ودي", "ابغا", "بغيت"})
_ASKING = re.compile(
    r"(?:^|\s)(?:ما (?:هو|هي|هم)|(?:ابي|ابغي|ودي|اريد) اعرف|سؤال|استفسار|i want to know)"
)


def looks_like_question(text: str) -> bool:
    """Heuristic: does free text typed inside a form step look like a question?"""
    norm = normalize_arabic(text)
    if not norm or not any(ch.isalpha() for ch in norm):
        return False
    if "?" in norm:
        return True
    first = norm.split(" ", 1)[0].strip(".,!:;")
    if first in _QUESTION_START:
        return first not in _WANTS or bool(_ASKING.search(norm))
    return bool(_ASKING.search(norm))


def rank(cands: list[Candidate]) -> list[tuple[Candidate, float]]:
    """Candidates re-ranked by a blend of relative BM25 and query coverage, with confidence.

    Confidence = coverage x min(1, base + slope x lead), where lead is the candidate's ranking
    score minus the best other one's: a clear winner keeps its coverage, a near tie is damped.
    """
    if not cands:
        return []
    top = max(c.bm25 for c in cands)
    scored = sorted(
        ((c, BM25_SHARE * c.bm25 / top + (1 - BM25_SHARE) * c.coverage) for c in cands),
        key=lambda cs: -cs[1],
    )
    out = []
    for i, (cand, score) in enumerate(scored):
        other = max((s for j, (_, s) in enumerate(scored) if j != i), default=0.0)
        factor = min(1.0, max(0.1, LEAD_BASE + LEAD_SLOPE * (score - other)))
        out.append((cand, round(cand.coverage * factor, 4)))
    return out


@dataclass(frozen=True)
class _State:
    """An immutable snapshot: entries, their index and the files' signature."""

    entries: dict[str, FaqEntry]
    index: SearchIndex
    signature: tuple[tuple[str, int, int], ...]


def _signature(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, modification time and size of every knowledge file."""
    out = []
    for path in knowledge_files(folder):
        try:
            st = path.stat()
        except OSError:
            continue
        out.append((str(path), st.st_mtime_ns, st.st_size))
    return tuple(out)


class KnowledgeBase:
    """FAQ entries from a folder of YAML files, searchable in Arabic and English."""

    def __init__(self, folder: Path, state: _State, check_every: float = 2.0) -> None:
        """Use load(); this wraps an already validated snapshot."""
        self.folder = folder
        self._state = state
        self._check_every = check_every
        self._checked_at = time.monotonic()

    @classmethod
    def load(cls, folder: Path = DEFAULT_FOLDER) -> KnowledgeBase:
        """Read and validate the folder; raise KnowledgeError listing every problem."""
        return cls(folder, cls._read(folder))

    @staticmethod
    def _read(folder: Path) -> _State:
        """Build a snapshot of the folder or raise KnowledgeError."""
        signature = _signature(folder)
        entries, problems = read_folder(folder)
        if problems:
            raise KnowledgeError("invalid knowledge content:\n" + "\n".join(problems))
        return _State(entries, SearchIndex(list(entries.values())), signature)

    @classmethod
    def from_entries(cls, entries: list[FaqEntry], folder: Path = DEFAULT_FOLDER) -> KnowledgeBase:
        """A knowledge base over in-memory entries (tests, benchmarks); reload re-reads folder."""
        by_id = {e.id: e for e in entries}
        return cls(folder, _State(by_id, SearchIndex(list(by_id.values())), ()))

    @staticmethod
    def check(folder: Path = DEFAULT_FOLDER) -> list[str]:
        """Every problem in the folder ('file: id: problem'); empty when it is valid."""
        return read_folder(folder)[1]

    @property
    def entries(self) -> dict[str, FaqEntry]:
        """The current entries by id."""
        return self._state.entries

    @property
    def index(self) -> SearchIndex:
        """The current search index (for tools and benchmarks)."""
        return self._state.index

    def reload(self) -> None:
        """Re-read the folder; on invalid content keep the current entries and raise."""
        try:
            state = self._read(self.folder)
        except KnowledgeError:
            log.exception("knowledge reload refused; keeping %d entries", len(self.entries))
            self._state = _State(self._state.entries, self._state.index, _signature(self.folder))
            raise
        self._state = state
        log.info("knowledge reloaded: %d entries", len(state.entries))

    def maybe_reload(self, force: bool = False) -> bool:
        """Reload when a file changed (checked at most every few seconds); True if reloaded."""
        now = time.monotonic()
        if not force and now - self._checked_at < self._check_every:
            return False
        self._checked_at = now
        if _signature(self.folder) == self._state.signature:
            return False
        try:
            self.reload()
        except KnowledgeError:
            return False
        return True

    def ask(self, text: str, lang: str = "ar") -> FaqResult:
        """Answer, suggest up to three entries, or say unknown, for a free-text question."""
        del lang  # both languages are searched; the caller shows the entry in its language
        index = self._state.index
        ranked = rank(index.search(text, POOL))
        if not ranked:
            return FaqResult("unknown", (), text)
        best, confidence = ranked[0]
        if confidence >= ANSWER_AT:
            return FaqResult("answer", (FaqMatch(index.entries[best.entry], confidence),), text)
        kept = tuple(
            FaqMatch(index.entries[c.entry], conf)
            for c, conf in ranked[:3]
            if c.coverage >= SUGGEST_COVER
        )
        return FaqResult("suggest", kept, text) if kept else FaqResult("unknown", (), text)

    def looks_like_question(self, text: str) -> bool:
        """Heuristic: does free text typed inside a form step look like a question?"""
        return looks_like_question(text)
