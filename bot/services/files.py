"""Uploaded files that nothing refers to any more are deleted (no orphans on disk).

Flows name the document keys their answers hold (`Flow.files`); when answers are dropped
without becoming a request (a cancelled draft, a restarted form, a replaced document) the
runner or the flow emits `files_dropped`, and after the commit `on_events` deletes those of
the keys that no row refers to (a submitted request's documents are kept).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.repo import requests
from bot.storage import DocumentStore

log = logging.getLogger(__name__)
FILES_DROPPED = "files_dropped"


async def referenced(session: AsyncSession, keys: Iterable[str]) -> set[str]:
    """Those of the keys that a request document or a feedback attachment refers to."""
    wanted = sorted(set(keys))
    if not wanted:
        return set()
    return await requests.referenced_file_keys(session, wanted)


async def delete_unreferenced(sessions: async_sessionmaker[AsyncSession],
                              store: DocumentStore, keys: Iterable[str]) -> int:
    """Delete the files of these keys that no row refers to; how many were deleted."""
    keys = {k for k in keys if isinstance(k, str) and k.isalnum()}
    async with sessions() as session:
        keep = await referenced(session, keys)
    return sum(store.delete(key) for key in sorted(keys - keep))


def on_events(sessions: async_sessionmaker[AsyncSession], store: DocumentStore
              ) -> Callable[[list[tuple[str, dict[str, Any]]]], Awaitable[None]]:
    """The engine listener that deletes dropped files after the turn is committed."""
    async def listener(events: list[tuple[str, dict[str, Any]]]) -> None:
        keys = [k for name, data in events if name == FILES_DROPPED for k in data["keys"]]
        if keys:
            deleted = await delete_unreferenced(sessions, store, keys)
            log.info("%d dropped upload(s) deleted", deleted)
    return listener


async def delete_request_files(session: AsyncSession, store: DocumentStore,
                               request_id: int) -> int:
    """Delete a request's stored documents and forget their keys (when a request is deleted)."""
    deleted = 0
    for row in await requests.documents_of(session, request_id=request_id):
        if row.storage_key:
            deleted += store.delete(row.storage_key)
            row.storage_key = None
            session.add(row)
    return deleted
