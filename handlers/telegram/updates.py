"""Handling one Telegram update, and the long-polling loop; the same for both drivers.

An update is checked by the driver's library, routed (private chat, staff chat, other groups),
its button press answered, its file downloaded, and then handed to the engine, which commits
the turn (de-duplicated by update_id) and queues the replies in the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, TypeVar

from bot.db import is_unavailable
from bot.engine.engine import ConversationEngine
from bot.messages import Inbound
from bot.metrics import inbound_ignored
from handlers.telegram import normalize
from handlers.telegram.driver import ApiError, Driver, ErrorKind, InvalidUpdate
from handlers.telegram.render import answered_text, pressed_label

log = logging.getLogger(__name__)
T = TypeVar("T")
StaffHook = Callable[[dict[str, Any], Driver], Awaitable[None]]  # the staff group's updates
LoginHook = Callable[[int], Awaitable[str | None]]  # private /login: the reply, None if not staff


def _is_login(text: str | None) -> bool:
    """True for the staff console's /login command (also /login@botname)."""
    return bool(text) and (text or "").strip().split("@")[0].lower() == "/login"


class Outcome(Enum):
    """What became of an update."""

    HANDLED = "handled"  # a conversation turn (its receipt marked handled)
    ROUTED = "routed"  # the staff desk or the console's sign-in, not the engine
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    INVALID = "invalid"


class UpdateHandler:
    """Turns one raw update into an engine turn (or hands it to the staff desk)."""

    def __init__(self, engine: ConversationEngine, driver: Driver, max_upload_bytes: int,
                 staff_chat_id: int | None = None, staff: StaffHook | None = None,
                 login: LoginHook | None = None) -> None:
        self.engine = engine
        self.driver = driver
        self.max_upload_bytes = max_upload_bytes
        self.staff_chat_id = staff_chat_id
        self.staff = staff  # the staff desk's handler, when the staff group is served
        self.login = login  # the staff console's sign-in links, when the console is served

    async def handle(self, update: dict[str, Any]) -> Outcome:
        """Process one update; raises only when the engine could not commit the turn."""
        early = await self.triage(update)
        return early if early is not None else await self.route(update)

    async def triage(self, update: dict[str, Any]) -> Outcome | None:
        """What needs no database, done at once: a malformed update, a group we do not serve
        (its button answered). None: the update is for a conversation or the staff desk."""
        uid = normalize.update_id(update)
        try:
            self.driver.validate(update)
        except InvalidUpdate as exc:
            log.warning("telegram update %s ignored: %s", uid, exc)
            return Outcome.INVALID
        chat = normalize.chat_of(update) or {}
        if chat.get("type") != "private" and not self._is_staff_chat(chat):
            return await self._not_private(update, chat)
        if (chat.get("type") == "private" and normalize.callback_of(update) is None
                and normalize.to_inbound(update) is None):
            log.info("telegram update %s ignored: no beneficiary message in it", uid)
            return Outcome.IGNORED  # a member status change, an edit...
        return None

    def _is_staff_chat(self, chat: dict[str, Any]) -> bool:
        return (self.staff_chat_id is not None and chat.get("id") == self.staff_chat_id
                and self.staff is not None)

    async def route(self, update: dict[str, Any]) -> Outcome:
        """Hand a triaged update to the staff desk or to the engine (a turn)."""
        chat = normalize.chat_of(update) or {}
        if chat.get("type") != "private" and self.staff is not None:
            await self.staff(update, self.driver)  # the staff chat (triage let it through)
            return Outcome.ROUTED
        query = normalize.callback_of(update)
        if query is None:
            return await self._turn(update, None)
        # the press is answered (the client's spinner stops) while the turn runs
        answering = asyncio.create_task(
            self._quietly(self.driver.answer_callback(str(query.get("id"))), "answer"))
        try:
            return await self._turn(update, query)
        finally:
            await answering

    async def _turn(self, update: dict[str, Any], query: dict[str, Any] | None) -> Outcome:
        inbound = normalize.to_inbound(update)
        if inbound is None:
            log.info("telegram update %s ignored: no beneficiary message in it",
                     normalize.update_id(update))
            return Outcome.IGNORED
        if self.login is not None and query is None and _is_login(inbound.text):
            chat_id = (normalize.chat_of(update) or {}).get("id")
            reply = await self.login(int(chat_id)) if isinstance(chat_id, int) else None
            if reply is not None and isinstance(chat_id, int):  # staff: never seen by the engine
                await self.driver.send_text(chat_id, reply, None, None)
                return Outcome.ROUTED
        if inbound.attachment is not None:
            inbound = await self._with_content(inbound)
        result = await self.engine.handle(inbound)
        if result.duplicate:
            return Outcome.DUPLICATE
        if query is not None:
            await self._retire_buttons(query)
        return Outcome.HANDLED

    async def _not_private(self, update: dict[str, Any], chat: dict[str, Any]) -> Outcome:
        query = normalize.callback_of(update)
        if query is not None:  # never leave a button spinning, even where we do not serve
            await self._quietly(self.driver.answer_callback(str(query.get("id"))), "answer")
        log.info("telegram update %s from a %s chat ignored", normalize.update_id(update),
                 chat.get("type") or "chat-less")
        return Outcome.IGNORED

    async def _with_content(self, inbound: Inbound) -> Inbound:
        """Download the file unless Telegram says it is over the limit (the engine refuses it)."""
        attachment = inbound.attachment
        assert attachment is not None
        limit = self.max_upload_bytes
        if attachment.size is not None and attachment.size > limit:
            return inbound
        try:
            content = await self.driver.download(attachment.file_id)
        except ApiError as exc:
            log.warning("telegram file of %s not downloaded: %s", inbound.message_id, exc)
            return inbound  # no content: the engine asks to send it again
        fetched = dataclasses.replace(attachment, content=content, size=len(content))
        return dataclasses.replace(inbound, attachment=fetched)

    async def _retire_buttons(self, query: dict[str, Any]) -> None:
        """Show the chosen answer under the question and remove its buttons."""
        message = query.get("message")
        if not isinstance(message, dict) or not message.get("date"):
            return  # inaccessible (too old): nothing to edit
        chat = message.get("chat")
        chat_id = chat.get("id") if isinstance(chat, dict) else None
        message_id = message.get("message_id")
        if not isinstance(chat_id, int) or not isinstance(message_id, int):
            return
        label = pressed_label(message.get("reply_markup"), str(query.get("data") or ""))
        text = message.get("text")
        new_text = answered_text(text, label) if isinstance(text, str) and label else None
        if new_text is not None:
            call = self.driver.edit_text(chat_id, message_id, new_text)
        elif message.get("reply_markup"):
            call = self.driver.remove_keyboard(chat_id, message_id)
        else:
            return
        await self._quietly(call, "edit")

    async def _quietly(self, call: Awaitable[T], what: str) -> T | None:
        try:
            return await call
        except ApiError as exc:  # an old query, a message already edited: nothing to repair
            log.info("telegram %s failed: %s", what, exc.description)
            return None


class Poller:
    """getUpdates long polling until stopped; updates of one chat in order, chats in parallel."""

    def __init__(self, handler: UpdateHandler, driver: Driver, timeout: int = 25) -> None:
        self.handler = handler
        self.driver = driver
        self.timeout = timeout
        self.offset: int | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Poll, handle, confirm; back off on errors; return when `stop` is set."""
        failures = 0
        while not stop.is_set():
            try:
                batch = await until_stopped(self.driver.get_updates(self.offset, self.timeout),
                                            stop)
            except ApiError as exc:
                if exc.kind is ErrorKind.UNAUTHORIZED:
                    log.critical("Telegram refused TELEGRAM_BOT_TOKEN; polling stopped")
                    return
                failures += 1
                delay = exc.retry_after or min(30.0, 0.5 * 2 ** min(failures, 6))
                log.warning("telegram getUpdates failed (%s); again in %.1fs", exc, delay)
                await until_stopped(asyncio.sleep(delay), stop)
                continue
            if batch is None:
                break
            failures = 0
            await self.process(batch, stop)
        await self.confirm()

    async def process(self, batch: list[Any], stop: asyncio.Event | None = None) -> None:
        """Handle a batch: chats in parallel, each chat's updates in order.

        The offset (which the next getUpdates confirms to Telegram) moves past an update only
        once its turn is committed or it was deliberately dropped; while the database is away
        the batch waits (no new updates are fetched), and a stop leaves the unfinished ones
        unconfirmed, so Telegram gives them again after a restart.
        """
        per_chat: dict[Any, list[dict[str, Any]]] = defaultdict(list)
        newest = self.offset or 0
        for update in batch:
            uid = normalize.update_id(update) if isinstance(update, dict) else None
            if uid is None:
                log.warning("telegram update without a valid update_id ignored")
                continue
            newest = max(newest, uid + 1)
            per_chat[(normalize.chat_of(update) or {}).get("id")].append(update)
        unfinished = {normalize.update_id(u) for updates in per_chat.values() for u in updates}
        await asyncio.gather(*(self._in_order(updates, unfinished, stop or asyncio.Event())
                               for updates in per_chat.values()))
        left = {uid for uid in unfinished if uid is not None}
        self.offset = min(left) if left else newest

    async def _in_order(self, updates: list[dict[str, Any]], unfinished: set[int | None],
                        stop: asyncio.Event) -> None:
        for update in updates:
            if await handle_until_stored(self.handler, update, stop) is KEPT:
                return  # stopping: this one and the chat's later ones stay unconfirmed
            unfinished.discard(normalize.update_id(update))

    async def confirm(self) -> None:
        """Tell Telegram the last batch is done, so a restart does not fetch it again."""
        if self.offset is None:
            return
        try:
            await asyncio.wait_for(self.driver.get_updates(self.offset, 0), timeout=5)
        except (ApiError, TimeoutError) as exc:
            log.info("telegram offset not confirmed on stop: %s", exc)


KEPT = object()  # handle_until_stored: stopped while the database was away; not handled


async def handle_until_stored(handler: UpdateHandler, update: dict[str, Any],
                              stop: asyncio.Event, attempts: int = 3) -> Outcome | object | None:
    """Handle an update; a failed turn commits nothing, so it is tried again.

    While the database is unavailable the same update is tried again and again, with back-off
    up to 30 s (the poller fetches nothing meanwhile): an outage pauses intake, it does not
    drop updates. Any other error is tried `attempts` times, then the update is given up
    (None) so that one bad update cannot stop the bot. KEPT when `stop` came first.
    """
    errors = outage = 0
    uid = normalize.update_id(update)
    while True:
        try:
            return await handler.handle(update)
        except Exception as exc:
            if is_unavailable(exc):
                outage += 1
                delay = min(30.0, 0.1 * 2 ** min(outage, 9))
                logger = log.error if outage == 1 else log.warning
                logger("telegram update %s waits: the database is unavailable (%s: %s); "
                       "intake paused, again in %.1fs", uid, type(exc).__name__, exc, delay)
            else:
                errors += 1
                log.exception("telegram update %s failed (attempt %s of %s)", uid, errors,
                              attempts)
                if errors >= attempts:
                    log.error("telegram update %s given up after %s attempts", uid, attempts)
                    inbound_ignored("telegram", "given_up")
                    return None
                delay = 0.5 * 2 ** errors
        await until_stopped(asyncio.sleep(delay), stop)
        if stop.is_set():
            log.warning("telegram update %s not handled before stopping; Telegram will give it "
                        "again", uid)
            return KEPT


async def until_stopped(call: Awaitable[T], stop: asyncio.Event) -> T | None:
    """Await `call` unless `stop` is set first (then cancel it and return None)."""
    task = asyncio.ensure_future(call)
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopper}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        task.cancel()
        raise
    finally:
        stopper.cancel()
    if task.done():
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, ApiError):
        await task
    return None
