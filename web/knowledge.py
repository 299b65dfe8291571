"""The FAQ in the browser: entries to read, edit and add, the knowledge gaps, "try a question".

`knowledge/*.yaml` stays the single source of truth: a saved form is checked with the whole
folder and written atomically (`faq.editing`), then the running bot reloads at once.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from bot.db import transaction
from bot.repo import feedback
from bot.repo import staff as repo
from faq import KnowledgeBase
from faq.editing import raw_entries, save_entry, version
from faq.gaps import group_gaps
from faq.kb import ANSWER_AT, POOL, SUGGEST_COVER, rank
from faq.model import GUIDES, LANGS, KnowledgeError
from web.deps import STAFF, ConsoleDeps, deps_of
from web.render import SECURITY_HEADERS, page
from web.roles import may

SAVING = asyncio.Lock()  # one save at a time in this process
MAX_GAPS = 100


def _kb(deps: ConsoleDeps) -> KnowledgeBase:
    kb = deps.services.faq
    if kb is None:
        raise web.HTTPServiceUnavailable(text="the knowledge base is not loaded",
                                         headers=SECURITY_HEADERS)
    return kb  # type: ignore[no-any-return]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]


def _block(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r", "").strip().split("\n"))


def form_to_raw(form: MultiDictProxy[Any]) -> dict[str, Any]:
    """The entry's YAML mapping from the form's fields (empty optional parts left out)."""
    def get(name: str) -> str:
        return str(form.get(name, ""))

    raw: dict[str, Any] = {
        "id": get("id").strip(),
        "question": {lang: get(f"question_{lang}").strip() for lang in LANGS},
    }
    paraphrases = {lang: _lines(get(f"paraphrases_{lang}")) for lang in LANGS}
    if any(paraphrases.values()):
        raw["paraphrases"] = {k: v for k, v in paraphrases.items() if v}
    raw["answer"] = {lang: _block(get(f"answer_{lang}")) for lang in LANGS}
    raw["source"] = {"guide": get("guide").strip(),
                     "section": {lang: get(f"section_{lang}").strip() for lang in LANGS}}
    related = [r.strip() for r in get("related").replace("،", ",").split(",") if r.strip()]
    if related:
        raw["related"] = related
    return raw


def raw_to_fields(raw: dict[str, Any]) -> dict[str, str]:
    """The form's fields from an entry's YAML mapping."""
    def part(key: str, lang: str) -> str:
        value = raw.get(key)
        return str(value.get(lang, "")) if isinstance(value, dict) else ""

    source = raw.get("source") if isinstance(raw.get("source"), dict) else {}
    section = source.get("section") if isinstance(source.get("section"), dict) else {}
    paraphrases = raw.get("paraphrases") if isinstance(raw.get("paraphrases"), dict) else {}
    fields = {"id": str(raw.get("id", "")), "guide": str(source.get("guide", "")),
              "related": ", ".join(str(r) for r in raw.get("related") or [])}
    for lang in LANGS:
        fields[f"question_{lang}"] = part("question", lang)
        fields[f"answer_{lang}"] = part("answer", lang).strip()
        fields[f"section_{lang}"] = str(section.get(lang, ""))
        fields[f"paraphrases_{lang}"] = "\n".join(str(p) for p in paraphrases.get(lang) or [])
    return fields


async def entry_list(request: web.Request) -> web.Response:
    """Every entry, searchable by id or question."""
    deps = deps_of(request)
    kb = _kb(deps)
    q = request.query.get("q", "").strip().casefold()
    entries = [e for e in sorted(kb.entries.values(), key=lambda e: e.id)
               if not q or q in e.id or any(q in t.casefold() for t in e.question.values())]
    return page(request, deps, "knowledge.html", entries=entries, query=q,
                may_edit=may(request[STAFF].role, "edit_knowledge"))


def _form(request: web.Request, fields: dict[str, str], *, new: bool, status: int = 200,
          problems: list[str] | None = None, message: str | None = None) -> web.Response:
    deps = deps_of(request)
    return page(request, deps, "knowledge_entry.html", status=status, f=fields, new=new,
                problems=problems or [], guides=GUIDES, langs=LANGS, message=message,
                may_edit=may(request[STAFF].role, "edit_knowledge"))


async def entry_view(request: web.Request) -> web.Response:
    """One entry's form (read-only for roles that may not edit)."""
    deps = deps_of(request)
    found = raw_entries(_kb(deps).folder).get(request.match_info["entry_id"])
    if found is None:
        raise web.HTTPNotFound(text="no such entry", headers=SECURITY_HEADERS)
    fields = {**raw_to_fields(found[1]), "version": version(found[1])}
    return _form(request, fields, new=False,
                 message="live-kb-saved" if request.query.get("saved") else None)


async def entry_new(request: web.Request) -> web.Response:
    """An empty form, or one pre-filled from a knowledge gap's question."""
    question = request.query.get("question", "").strip()[:500]
    arabic = any("\u0600" <= ch <= "\u06ff" for ch in question)
    fields = {"question_ar": question if arabic else "",
              "question_en": "" if arabic else question}
    return _form(request, fields, new=True)


async def _audit(deps: ConsoleDeps, request: web.Request, action: str, detail: str, *,
                 allowed: bool = True) -> None:
    staff = request[STAFF]
    async with transaction(deps.sessions) as session:
        await repo.audit(session, staff_key=staff.staff_key, role=staff.role, action=action,
                         now=deps.services.clock.now(), detail=detail[:1000], allowed=allowed)


async def entry_save(request: web.Request) -> web.Response:
    """Check the entry with the whole folder, write it, reload the bot; audited."""
    deps = deps_of(request)
    kb = _kb(deps)
    form = await request.post()
    new = form.get("new") == "1"
    action = "knowledge_add" if new else "knowledge_edit"
    if not may(request[STAFF].role, "edit_knowledge"):
        await _audit(deps, request, action, str(form.get("id", "")), allowed=False)
        return page(request, deps, "knowledge.html", status=403, error="console-not-allowed",
                    entries=[], query="", may_edit=False)
    raw = form_to_raw(form)
    async with SAVING:
        problems = await asyncio.to_thread(save_entry, kb.folder, raw, new=new,
                                           base_version=str(form.get("version", "")) or None)
        if not problems:
            try:  # on a thread: other chats and pages are served during the refit
                await asyncio.to_thread(kb.reload)
            except KnowledgeError as exc:  # changed on disk meanwhile by someone else
                problems = str(exc).splitlines()[1:]
    fields = {**raw_to_fields(raw), "version": str(form.get("version", ""))}
    if problems:
        return _form(request, fields, new=new, status=400, problems=problems)
    await _audit(deps, request, action, raw["id"])
    raise web.HTTPSeeOther(f"/staff/knowledge/entries/{raw['id']}?saved=1")


async def gaps(request: web.Request) -> web.Response:
    """The most frequent questions the bot could not answer (or that did not help)."""
    deps = deps_of(request)
    async with deps.sessions() as session:
        rows = await feedback.gap_rows(session)
    groups = group_gaps(rows)[:MAX_GAPS]
    shown = [(g, [t for t, _ in g.texts.most_common(3)]) for g in groups]
    return page(request, deps, "knowledge_gaps.html", groups=shown,
                may_edit=may(request[STAFF].role, "edit_knowledge"))


async def try_question(request: web.Request) -> web.Response:
    """What the bot would answer to a question, and why: its candidates and their scores."""
    deps = deps_of(request)
    kb = _kb(deps)
    q = request.query.get("q", "").strip()[:500]
    result = candidates = None
    if q:
        result = await kb.ask_async(q)
        index = kb.index
        candidates = [(index.entries[c.entry], c, confidence)
                      for c, confidence in rank(index.search(q, POOL))]
    return page(request, deps, "knowledge_try.html", q=q, result=result, candidates=candidates,
                answer_at=ANSWER_AT, suggest_cover=SUGGEST_COVER,
                may_edit=may(request[STAFF].role, "edit_knowledge"))


def add_routes(router: web.UrlDispatcher) -> None:
    """The knowledge pages."""
    router.add_get("/knowledge", entry_list)
    router.add_get("/knowledge/new", entry_new)
    router.add_get("/knowledge/gaps", gaps)
    router.add_get("/knowledge/try", try_question)
    router.add_get("/knowledge/entries/{entry_id}", entry_view)
    router.add_post("/knowledge/save", entry_save)
