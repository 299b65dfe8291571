"""Sign-in: one-time Telegram links, argon2 passwords with lockout, sessions with idle timeout."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from bot.db import transaction
from bot.repo import staff as repo
from models import StaffLoginLink, StaffSession, StaffUser
from web.deps import ConsoleDeps
from web.roles import ROLES

HASHER = PasswordHasher()
# A hash to verify against when the user name is unknown, so timing does not tell.
_DUMMY = HASHER.hash("not-a-real-password")


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: a session and its cookie token, or why not."""

    session: StaffSession | None
    token: str | None
    reason: str  # ok, bad, locked, expired


def token_hash(deps: ConsoleDeps, token: str) -> str:
    """The keyed hash under which a token is stored (the token itself never is)."""
    return deps.services.vault.lookup_hash(f"staff-console:{token}")


def hash_password(password: str) -> str:
    """An argon2 hash of a password."""
    return HASHER.hash(password)


async def set_password(deps: ConsoleDeps, *, username: str, password: str, role: str,
                       name: str | None = None) -> bool:
    """Create or update a password account; True when created."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 10:
        raise ValueError("the password must have at least 10 characters")
    now = deps.services.clock.now()
    async with transaction(deps.sessions) as session:
        user = await repo.user_by_name(session, username=username)
        created = user is None
        user = user or StaffUser(username=username, password_hash="", role=role, created_at=now)
        user.password_hash, user.role, user.name = hash_password(password), role, name or user.name
        user.failed_logins, user.locked_until = 0, None
        await repo.save_user(session, user=user)
        await repo.audit(session, staff_key="cli", role="admin", now=now,
                         action="staff_user_add" if created else "staff_user_password",
                         detail=f"pw:{username} ({role})")
    return created


async def _open(deps: ConsoleDeps, session: object, *, staff_key: str, role: str,
                name: str | None, now: dt.datetime) -> tuple[StaffSession, str]:
    await repo.prune_stale(session, now=now,  # type: ignore[arg-type]
                           idle_before=now - dt.timedelta(minutes=deps.idle_minutes))
    token = secrets.token_urlsafe(32)
    row = StaffSession(token_hash=token_hash(deps, token), staff_key=staff_key, role=role,
                       name=name, csrf=secrets.token_urlsafe(24), created_at=now, last_seen=now)
    await repo.add_session(session, staff_session=row)  # type: ignore[arg-type]
    return row, token


async def password_sign_in(deps: ConsoleDeps, *, username: str, password: str) -> SignIn:
    """Check a password; lock the account after repeated failures; audit every attempt."""
    now = deps.services.clock.now()
    async with transaction(deps.sessions) as session:
        user = await repo.user_by_name(session, username=username)
        key = f"pw:{username}"[:40]
        if user is not None and user.locked_until is not None and user.locked_until > now:
            await repo.audit(session, staff_key=key, role=user.role, action="sign_in_locked",
                             now=now, allowed=False)
            return SignIn(None, None, "locked")
        try:
            HASHER.verify(user.password_hash if user else _DUMMY, password)
            ok = user is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or user is None:
            if user is not None:
                user.failed_logins += 1
                if user.failed_logins >= deps.max_failures:
                    user.locked_until = now + dt.timedelta(minutes=deps.lockout_minutes)
                    user.failed_logins = 0
                await repo.save_user(session, user=user)
            await repo.audit(session, staff_key=key, role=user.role if user else None,
                             action="sign_in_failed", now=now, allowed=False,
                             detail="password")
            return SignIn(None, None, "bad")
        user.failed_logins, user.locked_until = 0, None
        await repo.save_user(session, user=user)
        row, token = await _open(deps, session, staff_key=key, role=user.role, name=user.name,
                                 now=now)
        await repo.audit(session, staff_key=key, role=user.role, action="sign_in", now=now,
                         detail="password")
    return SignIn(row, token, "ok")


async def issue_login_link(deps: ConsoleDeps, *, telegram_id: int, base_url: str) -> str | None:
    """A one-time sign-in link for a rostered staff member (None for anyone else)."""
    member = deps.roster.get(telegram_id)
    if member is None:
        return None
    now = deps.services.clock.now()
    token = secrets.token_urlsafe(32)
    async with transaction(deps.sessions) as session:
        await repo.add_link(session, link=StaffLoginLink(
            token_hash=token_hash(deps, token), staff_key=f"tg:{telegram_id}", role=member.role,
            expires_at=now + dt.timedelta(minutes=deps.link_minutes)))
        await repo.audit(session, staff_key=f"tg:{telegram_id}", role=member.role,
                         action="sign_in_link_sent", now=now)
    return f"{base_url.rstrip('/')}/staff/login/{token}"


async def link_sign_in(deps: ConsoleDeps, *, token: str) -> SignIn:
    """Open a session from a one-time link: unknown, used or expired links are refused."""
    now = deps.services.clock.now()
    async with transaction(deps.sessions) as session:
        link = await repo.link_by_hash(session, token_hash=token_hash(deps, token))
        if link is None or link.used_at is not None or link.expires_at <= now:
            await repo.audit(session, staff_key=link.staff_key if link else "unknown",
                             role=link.role if link else None, action="sign_in_failed",
                             now=now, allowed=False, detail="link")
            return SignIn(None, None, "expired")
        link.used_at = now
        session.add(link)
        member_id = int(link.staff_key.removeprefix("tg:"))
        member = deps.roster.get(member_id)
        if member is None:  # removed from the roster since the link was sent
            return SignIn(None, None, "expired")
        row, cookie = await _open(deps, session, staff_key=link.staff_key, role=member.role,
                                  name=member.name, now=now)
        await repo.audit(session, staff_key=link.staff_key, role=member.role, action="sign_in",
                         now=now, detail="telegram link")
    return SignIn(row, cookie, "ok")


async def current_session(deps: ConsoleDeps, token: str | None) -> StaffSession | None:
    """The live session of a cookie (refreshing its idle timer), or None."""
    if not token:
        return None
    now = deps.services.clock.now()
    async with transaction(deps.sessions) as session:
        row = await repo.session_by_hash(session, token_hash=token_hash(deps, token))
        if row is None:
            return None
        member = (deps.roster.get(int(row.staff_key[3:]))
                  if row.staff_key.startswith("tg:") else None)
        if row.staff_key.startswith("tg:") and (member is None or member.role != row.role):
            await repo.end_session(session, session_id=row.id or 0)  # left the roster
            return None
        if row.last_seen + dt.timedelta(minutes=deps.idle_minutes) <= now:
            await repo.end_session(session, session_id=row.id or 0)
            return None
        row.last_seen = now
        session.add(row)
        await session.flush()
        session.expunge(row)
    return row


async def sign_out(deps: ConsoleDeps, row: StaffSession) -> None:
    """End a session and audit it."""
    now = deps.services.clock.now()
    async with transaction(deps.sessions) as session:
        await repo.end_session(session, session_id=row.id or 0)
        await repo.audit(session, staff_key=row.staff_key, role=row.role, action="sign_out",
                         now=now)
