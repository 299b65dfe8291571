"""The staff desk's second door: the cases of the staff group in the browser.

Claim, release, close, notes and replies call the same desk services as the Telegram group
(`desk.service`); what a browser does to a case is also posted into the case's topic, so the
group sees it, and the group's replies show up here through the live feed (`web.live`).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

import filetype  # the content sniffing of the upload check, for the served type
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import transaction
from bot.messages import Attachment, Outbound
from bot.repo import cases as cases_repo
from bot.text import clean
from bot.uploads import UploadRefusal
from desk import service
from desk.cases import post_to_case, staff_text
from desk.deps import DeskDeps
from desk.relay import audit
from desk.roster import Staff
from models import Escalation, StaffSession
from web.deps import STAFF, ConsoleDeps, deps_of
from web.live import Cursor, timeline
from web.render import SECURITY_HEADERS, page
from web.roles import may

MAX_REPLY = 4000


def member_of(staff: StaffSession) -> Staff:
    """The signed-in staff member as the desk knows them (a Telegram id when they have one)."""
    kind, _, rest = staff.staff_key.partition(":")
    user: int | str = int(rest) if kind == "tg" and rest.lstrip("-").isdigit() else staff.staff_key
    return Staff(user, staff.role, staff.name)


def _desk(deps: ConsoleDeps) -> DeskDeps:
    if deps.desk is None:
        raise web.HTTPServiceUnavailable(text="the staff desk is not running",
                                         headers=SECURITY_HEADERS)
    return deps.desk


async def case_list(request: web.Request) -> web.Response:
    """The open cases (or the last closed ones), oldest first, as in the staff group."""
    deps = deps_of(request)
    closed = request.query.get("closed") == "1"
    async with deps.sessions() as session:
        rows = await cases_repo.list_cases(session, closed=closed)
    cases = [(case, identity, person.full_name if person and person.full_name else
              (identity.display_name if identity and identity.display_name else "-"))
             for case, identity, person in rows]
    return page(request, deps, "conversations.html", cases=cases, closed=closed,
                now=deps.services.clock.now())


async def _load(session: AsyncSession, request: web.Request) -> Escalation:
    case = await session.get(Escalation, int(request.match_info["case_id"]))
    if case is None:
        raise web.HTTPNotFound(text="no such case", headers=SECURITY_HEADERS)
    return case


async def case_page(request: web.Request, *, status: int = 200, error: str | None = None,
                    error_args: dict[str, object] | None = None) -> web.Response:
    """A case: who, why, the transcript and what staff did, live; the desk's actions."""
    deps, staff = deps_of(request), request[STAFF]
    done = request.query.get("done", "")
    message = f"live-done-{done}" if done in (*service.ACTIONS, "reply") else None
    async with deps.sessions() as session:
        case = await _load(session, request)
        rows = await cases_repo.list_cases(session, closed=case.status == "closed", limit=1000)
    identity, person = next(((i, p) for c, i, p in rows if c.id == case.id), (None, None))
    items, cursor = await timeline(deps, case, Cursor())
    name = (person.full_name if person and person.full_name else
            identity.display_name if identity and identity.display_name else "-")
    return page(request, deps, "conversation.html", status=status, case=case, items=items,
                cursor=str(cursor), name=name, identity=identity, message=message,
                case_error=error, error_args=error_args or {},
                may_act=may(staff.role, "converse"), group=deps.group is not None)


async def _refused(request: web.Request, action: str) -> web.Response:
    deps, staff = deps_of(request), request[STAFF]
    async with transaction(deps.sessions) as session:
        case = await _load(session, request)
        audit(session, staff.staff_key, staff.role, action, case, "console", allowed=False)
    return await case_page(request, status=403, error="console-not-allowed")


async def _mirror(desk: DeskDeps, deps: ConsoleDeps, session: AsyncSession, case: Escalation,
                  text: str, key: str, file: tuple[str, str] | None = None) -> None:
    """Post what the browser did into the case's topic in the staff group (via the outbox)."""
    if deps.group is None:
        return
    message = Outbound(text, kind="staff_notice", file_key=file[0] if file else None,
                       file_name=file[1] if file else None)
    await post_to_case(desk, session, deps.group, case, message, key)


def _signature(desk: DeskDeps, staff: StaffSession) -> dict[str, str]:
    return {"role": staff_text(desk, f"role-{staff.role}"),
            "name": staff.name or staff.staff_key}


Mirrored = tuple[str, tuple[str, str] | None]  # the topic's text, and the file relayed


async def _on_open_case(request: web.Request, desk: DeskDeps, message_id: str, done: str,
                        work: Callable[[AsyncSession, Escalation],
                                       Awaitable[Mirrored | web.Response]]) -> web.Response:
    """Do `work` on the case unless it is closed (409), mirror what it returns into the case's
    topic, wake the desk and go back to the case (`work` may answer with a page instead)."""
    deps = deps_of(request)
    async with transaction(deps.sessions) as session:
        case = await _load(session, request)
        if case.status == "closed":
            return await case_page(request, status=409, error="live-case-closed")
        outcome = await work(session, case)
        if isinstance(outcome, web.Response):
            return outcome
        await _mirror(desk, deps, session, case, outcome[0], f"console:{message_id}",
                      outcome[1])
    desk.wake()
    raise web.HTTPSeeOther(f"/staff/conversations/{case.id}?done={done}")


async def act(request: web.Request) -> web.Response:
    """Claim, release, close or note, exactly as the group's commands; mirrored to the topic."""
    deps, staff = deps_of(request), request[STAFF]
    action = request.match_info["action"]
    if action not in service.ACTIONS:
        raise web.HTTPNotFound(text="no such action", headers=SECURITY_HEADERS)
    if not may(staff.role, "converse"):
        return await _refused(request, action)
    desk = _desk(deps)
    text = clean(str((await request.post()).get("text", "")))[:MAX_REPLY]
    if action == "note" and not text:
        return await case_page(request, status=400, error="live-note-empty")
    message_id = f"web:{secrets.token_hex(8)}"

    async def work(session: AsyncSession, case: Escalation) -> Mirrored:
        said = await service.act(desk, session, member_of(staff), case, action, text, message_id)
        key = "live-group-note" if action == "note" else "live-group-action"
        return staff_text(desk, key, said=said, text=text, **_signature(desk, staff)), None

    return await _on_open_case(request, desk, message_id, action, work)


async def reply(request: web.Request) -> web.Response:
    """A reply to the beneficiary (text and/or a file), signed by role, also shown in the topic."""
    deps, staff = deps_of(request), request[STAFF]
    if not may(staff.role, "converse"):
        return await _refused(request, "relay")
    desk = _desk(deps)
    form = await request.post()
    text = clean(str(form.get("text", "")))[:MAX_REPLY] or None
    upload = form.get("file")
    attachment = None
    if isinstance(upload, web.FileField):
        content = upload.file.read(deps.config.limits.max_upload_bytes + 1)
        if content:
            attachment = Attachment(file_id=f"console:{secrets.token_hex(8)}",
                                    mime_type=upload.content_type, file_name=upload.filename,
                                    size=len(content), content=content)
    if text is None and attachment is None:
        return await case_page(request, status=400, error="live-reply-empty")
    message_id = f"web:{secrets.token_hex(8)}"

    async def work(session: AsyncSession, case: Escalation) -> Mirrored | web.Response:
        outcome = await service.reply(desk, session, member_of(staff), case, message_id, text,
                                      attachment)
        if isinstance(outcome, UploadRefusal):
            return await case_page(request, status=400, error=outcome.key,
                                   error_args=dict(outcome.args or {}))
        shown = text or (f"[{outcome[1]}]" if outcome else "")
        return (staff_text(desk, "live-group-reply", text=shown, **_signature(desk, staff)),
                outcome)

    return await _on_open_case(request, desk, message_id, "reply", work)


async def case_file(request: web.Request) -> web.StreamResponse:
    """A file relayed in the case, either way; every view is audited."""
    deps, staff = deps_of(request), request[STAFF]
    async with transaction(deps.sessions) as session:
        case = await _load(session, request)
        row = await cases_repo.case_file(session, escalation_id=case.id or 0,
                                         action_id=int(request.match_info["file_id"]))
        if row is None or row.file_key is None:
            raise web.HTTPNotFound(text="no such file", headers=SECURITY_HEADERS)
        audit(session, staff.staff_key, staff.role, "case_file_view", case, row.detail)
    content = deps.services.documents.get(row.file_key)
    kind = filetype.guess(content)
    mime = kind.mime if kind is not None else "application/octet-stream"
    inline = mime in ("application/pdf", "image/jpeg", "image/png", "image/webp")
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": "frame-ancestors 'self'",
               "Content-Disposition": f'{"inline" if inline else "attachment"}; '
                                      f'filename="case-{case.id}-{row.id}.'
                                      f'{kind.extension if kind else "bin"}"'}
    return web.Response(body=content, content_type=mime if inline else
                        "application/octet-stream", headers=headers)


def add_routes(router: web.UrlDispatcher) -> None:
    """The conversations pages and the desk's actions."""
    router.add_get("/conversations", case_list)
    router.add_get("/conversations/{case_id:\\d+}", case_page)
    router.add_post("/conversations/{case_id:\\d+}/reply", reply)
    router.add_post("/conversations/{case_id:\\d+}/{action:[a-z]+}", act)
    router.add_get("/conversations/{case_id:\\d+}/files/{file_id:\\d+}", case_file)
