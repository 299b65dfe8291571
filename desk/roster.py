"""Who is staff, and in which role: config.yaml plus TELEGRAM_STAFF_IDS ("id:role,...")."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import AppConfig, ConfigError

ROLES = ("officer", "researcher", "admin")


@dataclass(frozen=True)
class Staff:
    """A member of staff: a Telegram user id, or "pw:<username>" for a console password account."""

    user_id: int | str
    role: str
    name: str | None = None


def parse_staff_ids(value: str) -> list[Staff]:
    """Parse TELEGRAM_STAFF_IDS; ConfigError naming the variable when malformed."""
    staff = []
    for item in filter(None, (part.strip() for part in value.split(","))):
        user, _, role = item.partition(":")
        if not user.strip().lstrip("-").isdigit() or role.strip() not in ROLES:
            raise ConfigError(f"TELEGRAM_STAFF_IDS: {item!r} must be user_id:role with role one "
                              f"of {', '.join(ROLES)}")
        staff.append(Staff(int(user), role.strip()))
    return staff


def load_roster(config: AppConfig, env_value: str | None) -> dict[int, Staff]:
    """Staff by Telegram user id (the environment adds to and overrides config.yaml)."""
    roster = {m.telegram_id: Staff(m.telegram_id, m.role, m.name) for m in config.staff.members}
    for member in parse_staff_ids(env_value or ""):
        roster[member.user_id] = member
    return roster
