"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from models.beneficiary import Beneficiary, ChannelIdentity
from models.conversation import Conversation, InboundReceipt, TranscriptLine
from models.escalation import Escalation, StaffAction
from models.feedback import Feedback, KnowledgeGap, VolunteerApplication
from models.outbox import OutboxMessage, OutboxStatus
from models.request import (
    Declaration,
    DocumentStatus,
    RequestDocument,
    RequestStatus,
    RequestStatusChange,
    SupportRequest,
)
from models.rights import RightsKind, RightsRequest
from models.schedule import SatisfactionSurvey, ScheduledMessage, ScheduledStatus

__all__ = [
    "Beneficiary",
    "ChannelIdentity",
    "Conversation",
    "Declaration",
    "DocumentStatus",
    "Escalation",
    "Feedback",
    "InboundReceipt",
    "KnowledgeGap",
    "OutboxMessage",
    "OutboxStatus",
    "RequestDocument",
    "RequestStatus",
    "RequestStatusChange",
    "RightsKind",
    "RightsRequest",
    "SatisfactionSurvey",
    "ScheduledMessage",
    "ScheduledStatus",
    "StaffAction",
    "SupportRequest",
    "TranscriptLine",
    "VolunteerApplication",
]
