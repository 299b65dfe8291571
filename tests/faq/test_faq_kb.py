"""Asking the knowledge base, reloading it, and spotting questions inside form steps."""

from __future__ import annotations

import asyncio
import os
import threading
import time

import pytest

from faq import FaqResult, KnowledgeBase, KnowledgeError, looks_like_question


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("كم ياخذ الطلب", "duration"),
        ("ليش تحتاجون الهوية", "why-id"),
        ("وش الأوراق المطلوبة", "documents"),
        ("How long does the committee take?", "duration"),
        ("كيف اتطوع معكم", "volunteer"),
    ],
)
def test_answers_with_source(kb: KnowledgeBase, question: str, entry_id: str) -> None:
    """Clear questions get one confident answer that carries its source."""
    result = kb.ask(question)
    assert result.kind == "answer"
    assert result.best is not None and result.best.entry.id == entry_id
    assert 0.6 <= result.best.score <= 1.0
    assert result.best.entry.source["ar"]
    assert len(result.matches) == 1


def test_suggests_when_ambiguous(kb: KnowledgeBase) -> None:
    """An ambiguous question ("your number?") gets up to three suggestions, best first."""
    result = kb.ask("وش رقمكم")
    assert result.kind == "suggest"
    assert 1 <= len(result.matches) <= 3
    assert "phone" in [m.entry.id for m in result.matches]


@pytest.mark.parametrize(
    "question", ["who won the football match", "احكي لي نكته", "", "؟؟", "😀"]
)
def test_unknown_off_topic(kb: KnowledgeBase, question: str) -> None:
    """Off-topic or empty input: an honest unknown, with no matches, in the question's language."""
    lang = "en" if question.startswith("who") else "ar"
    assert kb.ask(question) == FaqResult("unknown", (), question, lang)


@pytest.mark.parametrize(
    "question", ["كيف الجو اليوم في الرياض", "متى ينزل حساب المواطن", "what time is it"]
)
def test_near_topic_is_never_answered(kb: KnowledgeBase, question: str) -> None:
    """Off-topic questions sharing a word with an entry may get suggestions, never an answer."""
    assert kb.ask(question).kind != "answer"


def test_typos_and_diacritics(kb: KnowledgeBase) -> None:
    """Misspelt and fully vowelled questions still reach their entry."""
    assert kb.ask("المستندت المطلوبه").best.entry.id == "documents"
    assert kb.ask("كَمْ تَسْتَغْرِقُ دِرَاسَةُ الطَّلَبِ؟").best.entry.id == "duration"


def test_policy_wording_is_kept(kb: KnowledgeBase) -> None:
    """Answers keep the policy's own words where it matters."""
    entries = kb.entries
    assert "خلال مدة لا تقل عن أسبوعين" in entries["duration"].answer["ar"]
    assert "not less than two weeks" in entries["duration"].answer["en"]
    assert "لا للعقاب والتشهير" in entries["evaluate"].answer["ar"]
    assert entries["channels"].answer["ar"].count("\n") >= 8
    assert "٧." in entries["steps"].answer["ar"] and "7." in entries["steps"].answer["en"]
    assert "مسؤولاً مسؤولية مباشرة" in entries["declaration"].answer["ar"]


def test_every_entry_is_bilingual_with_paraphrases(kb: KnowledgeBase) -> None:
    """Each entry has Arabic and English paraphrases and links to related entries."""
    assert len(kb.entries) >= 40
    for entry in kb.entries.values():
        assert len(entry.paraphrases.get("ar", [])) >= 3, entry.id
        assert len(entry.paraphrases.get("en", [])) >= 2, entry.id
        assert entry.related, entry.id


def test_reload_keeps_old_content_when_invalid(write_folder, entry) -> None:
    """A broken edit is refused; the bot keeps answering from the last good content."""
    folder = write_folder({"a.yaml": entry("aa")})
    kb = KnowledgeBase.load(folder)
    (folder / "b.yaml").write_text("id: bb\nquestion: {ar: x}\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"b\.yaml: bb"):
        kb.reload()
    assert set(kb.entries) == {"aa"}
    assert kb.maybe_reload(force=True) is False  # same broken files: no retry storm


def test_maybe_reload_picks_up_changes(write_folder, entry) -> None:
    """A new valid file is picked up without restart; no change means no reload."""
    folder = write_folder({"a.yaml": entry("aa")})
    kb = KnowledgeBase.load(folder)
    assert kb.maybe_reload(force=True) is False
    write_folder({"b.yaml": entry("bb", ["aa"])})
    later = time.time() + 5
    os.utime(folder / "b.yaml", (later, later))
    assert kb.maybe_reload() is False  # checked at most every few seconds
    assert kb.maybe_reload(force=True) is True
    assert set(kb.entries) == {"aa", "bb"}


async def test_ask_async_answers_as_ask_does_and_leaves_the_loop_free(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The event loop's way to ask: the same answer as ask(), computed off the loop, so other
    chats are served meanwhile (here a ticker keeps ticking through a slow question)."""
    question = "How long does the committee take?"
    expected = kb.ask(question)
    real_ask = kb.ask

    def slow_ask(text: str, lang: str = "ar") -> FaqResult:
        time.sleep(0.3)  # a long question on a busy machine
        return real_ask(text, lang)

    monkeypatch.setattr(kb, "ask", slow_ask)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        result = await kb.ask_async(question, "ar")
    finally:
        task.cancel()
    assert ticks >= 5  # a blocking call would have let it tick at most once
    assert result.kind == expected.kind == "answer"
    assert result.best is not None and expected.best is not None
    assert result.best.entry.id == expected.best.entry.id == "duration"
    assert result.lang == "en"


def test_reload_in_background_keeps_answering_from_the_current_entries(
    write_folder, entry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A changed folder is re-read on a thread: until it is ready, questions are answered from
    the entries already loaded; one reload at a time; then the new entries answer."""
    folder = write_folder({"a.yaml": entry("aa")})
    kb = KnowledgeBase.load(folder, embedder=None)
    assert kb.reload_in_background(force=True) is None  # nothing changed
    release = threading.Event()
    real_read = KnowledgeBase._read

    def held_read(*args: object):  # the refit, held until the test lets it finish
        assert release.wait(10)
        return real_read(*args)

    monkeypatch.setattr(KnowledgeBase, "_read", staticmethod(held_read))
    write_folder({"b.yaml": entry("bb", ["aa"])})
    later = time.time() + 5
    os.utime(folder / "b.yaml", (later, later))
    thread = kb.reload_in_background(force=True)
    assert thread is not None and thread.is_alive()
    assert set(kb.entries) == {"aa"}  # still answering from what was loaded
    assert kb.ask(entry("aa")["question"]["ar"]).kind == "answer"
    assert kb.reload_in_background(force=True) is None  # one reload at a time
    release.set()
    thread.join(10)
    assert set(kb.entries) == {"aa", "bb"}


def test_a_reload_after_a_save_is_not_undone_by_an_older_background_one(
    write_folder, entry, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console saves and reloads while a background reload that read the folder before the
    save is still refitting: the console's reload waits for it, and its newer content stays."""
    folder = write_folder({"a.yaml": entry("aa")})
    kb = KnowledgeBase.load(folder, embedder=None)
    real_read = KnowledgeBase._read
    refitting, release, reads = threading.Event(), threading.Event(), []

    def slow_first_read(*args: object):  # the first read is slow to refit, after reading
        state = real_read(*args)
        reads.append(set(state.entries))
        if len(reads) == 1:
            refitting.set()
            assert release.wait(10)
        return state

    monkeypatch.setattr(KnowledgeBase, "_read", staticmethod(slow_first_read))
    write_folder({"b.yaml": entry("bb", ["aa"])})
    later = time.time() + 5
    os.utime(folder / "b.yaml", (later, later))
    background = kb.reload_in_background(force=True)
    assert background is not None and refitting.wait(10)
    write_folder({"c.yaml": entry("cc", ["aa"])})  # the save, then its reload
    console = threading.Thread(target=kb.reload)
    console.start()
    console.join(0.2)
    assert console.is_alive()  # waiting for the background reload, not racing it
    release.set()
    background.join(10)
    console.join(10)
    assert reads == [{"aa", "bb"}, {"aa", "bb", "cc"}]
    assert set(kb.entries) == {"aa", "bb", "cc"}


def test_reload_in_background_refuses_a_broken_edit_quietly(write_folder, entry) -> None:
    """A broken file read on the reload thread raises nowhere; the last good entries stay."""
    folder = write_folder({"a.yaml": entry("aa")})
    kb = KnowledgeBase.load(folder, embedder=None)
    (folder / "b.yaml").write_text("id: bb\nquestion: {ar: x}\n", encoding="utf-8")
    later = time.time() + 5
    os.utime(folder / "b.yaml", (later, later))
    thread = kb.reload_in_background(force=True)
    assert thread is not None
    thread.join(10)
    assert set(kb.entries) == {"aa"}
    assert kb.reload_in_background(force=True) is None  # same broken files: no retry storm


@pytest.mark.parametrize(
    "text",
    [
        "ليش تحتاجون الهوية",
        "وش الأوراق المطلوبة",
        "كم ياخذ الطلب؟",
        "متى يطلع القرار",
        "why do you need my ID",
        "هل لازم احضر",
        "ابي اعرف كم ياخذ",
        "ما هي الشروط",
    ],
)
def test_looks_like_question(kb: KnowledgeBase, text: str) -> None:
    """Questions typed inside a form step are recognised."""
    assert kb.looks_like_question(text)


@pytest.mark.parametrize(
    "text",
    ["محمد عبدالله", "1012345678", "٠٥٥١٢٣٤٥٦٧", "عندي ثلاثة اطفال", "الرياض", "نعم", "Ali", ""],
)
def test_form_answers_are_not_questions(text: str) -> None:
    """Ordinary answers to form steps (names, numbers, places) are not questions."""
    assert not looks_like_question(text)


def test_long_paraphrases_are_not_bm25_documents() -> None:
    """A paraphrase over BM25_MAX_WORDS words (a whole message with its context) does not make
    its entry a BM25 match for the everyday words it carries; a short one does."""
    from faq.index import BM25_MAX_WORDS, SearchIndex
    from faq.model import FaqEntry

    def entry(entry_id: str, question: str, paraphrases: list[str]) -> FaqEntry:
        text = {"ar": question, "en": question}
        return FaqEntry(entry_id, text, {"ar": "جواب", "en": "answer"}, text, {"ar": paraphrases})

    long = " ".join(["السلام عليكم انا ارملة وعندي عيال"] * 3) + " كيف اسجل"
    assert len(long.split()) > BM25_MAX_WORDS
    index = SearchIndex(
        [entry("a", "متى الدوام", [long]), entry("b", "كم الرسوم", ["ارملة وعندي عيال"])]
    )
    assert [c.entry for c in index.search("ارملة عيال")] == [1]


def test_a_knowledge_base_from_entries_never_reloads_on_its_own(write_folder, entry) -> None:
    """Benchmarks and tests build from entries that are not the folder's: asking them never
    swaps those entries for the folder's (an explicit reload() still reads the folder)."""
    folder = write_folder({"a.yaml": entry("aa"), "b.yaml": entry("bb")})
    full = KnowledgeBase.load(folder, embedder=None)
    kb = KnowledgeBase.from_entries([full.entries["bb"]], folder, embedder=None)
    assert kb.reload_in_background() is None
    assert kb.maybe_reload() is False
    assert set(kb.entries) == {"bb"}
    kb.reload()
    assert set(kb.entries) == {"aa", "bb"}


def _loop_scores(index, text: str) -> dict[int, float]:
    """The BM25 sums as a plain loop over the postings (the code before numpy): per entry,
    its best question document plus ANSWER_WEIGHT x its answer."""
    from collections import defaultdict

    from faq.index import ANSWER_WEIGHT

    q_scores: dict[int, float] = defaultdict(float)
    a_scores: dict[int, float] = defaultdict(float)
    for importance, slot in index.query_slots(text):
        for term, weight in slot.items():
            for post, sums in ((index._q_post, q_scores), (index._a_post, a_scores)):
                ids, weights = post.get(term, ((), ()))
                for doc, w in zip(ids, weights, strict=True):
                    sums[int(doc)] += float(w) * weight * importance
    scores: dict[int, float] = defaultdict(float)
    for doc, s in q_scores.items():
        owner = index._q_owner[doc]
        scores[owner] = max(scores[owner], s)
    for pos, s in a_scores.items():
        scores[pos] += ANSWER_WEIGHT * s
    return {pos: s for pos, s in scores.items() if s > 0}


def test_search_sums_the_postings_like_a_loop_and_breaks_ties_by_position(
    kb: KnowledgeBase,
) -> None:
    """search() (one numpy bincount per question) gives exactly the scores and order of a
    loop over the postings, for every tuning question, with and without a limit."""
    from pathlib import Path

    from faq.calibrate import TUNING
    from faq.evaluate import read_eval_set
    from faq.kb import searchable

    index = kb.index
    questions = [
        searchable(item.question) for path in TUNING for item in read_eval_set(Path(path))
    ]
    assert len(questions) > 1000
    for text in questions:
        expected = sorted(_loop_scores(index, text).items(), key=lambda kv: (-kv[1], kv[0]))
        got = index.search(text, None)
        assert [(c.entry, c.bm25) for c in got] == expected
        assert [c.entry for c in index.search(text, 3)] == [pos for pos, _ in expected[:3]]
    assert index.search("zzzz qqqq") == []


def test_one_edit_repair_finds_what_a_full_scan_finds(kb: KnowledgeBase) -> None:
    """The deleted-forms lookup returns exactly what scanning every known word would."""
    import random

    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    from faq.evaluate import enlarge
    from faq.index import SearchIndex

    index = SearchIndex(enlarge(list(kb.entries.values()), 120))
    rng = random.Random(5)
    known = [k for k in index._surface if 4 <= len(k) <= 7]
    words = ["المستندت", "الطلبات", "متطوعين", "وثايق"]
    for key in rng.sample(known, 300):  # each known word with one slip of each kind
        i = rng.randrange(len(key) - 1)
        words += [
            key,
            key[:i] + key[i + 1 :],
            key[:i] + "ب" + key[i:],
            key[:i] + "ق" + key[i + 1 :],
        ]
        words.append(key[:i] + key[i + 1] + key[i] + key[i + 2 :])
    found_some = 0
    for word in (w for w in words if 4 <= len(w) <= 7):
        scan = process.extract(
            word, index._window(len(word), 1), scorer=OSA.distance, score_cutoff=1, limit=8
        )
        fast = index._one_edit(word)
        assert [(k, d) for k, d, _ in fast] == [(k, d) for k, d, _ in scan], word
        found_some += bool(fast)
    assert found_some > 1000
