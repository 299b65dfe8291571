"""What each staff role may do in the console (checked on the server for every action)."""

from __future__ import annotations

ROLES = ("officer", "researcher", "admin")
PERMISSIONS: dict[str, set[str]] = {
    "view": {"officer", "researcher", "admin"},
    "reveal_id": {"researcher", "admin"},  # the social researcher verifies the data
    "decide": {"researcher", "admin"},  # as the desk's /decide
    "deliver": {"officer", "admin"},  # steps 6-7: registration completed, service delivered
    "assign": {"officer", "admin"},  # step 3: refer to the social-research officer
    "converse": {"officer", "researcher", "admin"},  # the desk's cases, as in the staff group
    "edit_knowledge": {"officer", "admin"},  # the FAQ: the officer answers every question
    "follow_up": {"officer", "admin"},  # volunteers, suggestions, complaints: status, reply
    "rights": {"officer", "admin"},  # mark a PDPL rights request answered
    "audit": {"admin"},  # read and export the audit log
    "verify": {"officer", "researcher", "admin"},  # step 2: check the data and documents
    "correct_decision": {"admin"},  # change a recorded committee decision, with history
}


def may(role: str | None, action: str) -> bool:
    """True if a role may perform an action."""
    return role in PERMISSIONS.get(action, set())
