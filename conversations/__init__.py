"""The flows, written once for every channel. `build_flows` wires them in a visible order."""

from __future__ import annotations

from bot.engine.flow import Flow
from conversations import (
    correct_answer,
    documents_upload,
    escalate,
    feedback,
    intake,
    language,
    menu,
    my_data,
    status,
    survey,
    volunteer,
    welcome,
)


def build_flows() -> dict[str, Flow]:
    """Every flow by id."""
    flows = [
        welcome.build(),
        menu.build(),
        language.build(),
        intake.build(),
        status.build(),
        volunteer.build(),
        feedback.build(),
        escalate.build(),
        survey.build(),
        documents_upload.build(),
        correct_answer.build(),
        my_data.build(),
    ]
    return {flow.id: flow for flow in flows}
