"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from models.beneficiary import Beneficiary, ChannelIdentity
from models.casework import RequestCheck, RequestCorrection, RequestNote
from models.chatlog import ChatLogEntry
from models.conversation import Conversation, InboundReceipt, TranscriptLine
from models.escalation import Escalation, StaffAction
from models.feedback import Feedback, KnowledgeGap, ReferenceCounter, VolunteerApplication
from models.keys import KeyRotation
from models.link import IdentityLink, LinkCode
from models.outbox import OutboxMessage, OutboxStatus, RateBucket
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
from models.staff import StaffLoginLink, StaffSession, StaffUser
from models.throttle import InboundThrottle

__all__ = [
    "Beneficiary",
    "ChannelIdentity",
    "ChatLogEntry",
    "Conversation",
    "Declaration",
    "DocumentStatus",
    "Escalation",
    "Feedback",
    "IdentityLink",
    "InboundReceipt",
    "InboundThrottle",
    "KeyRotation",
    "KnowledgeGap",
    "LinkCode",
    "OutboxMessage",
    "OutboxStatus",
    "RateBucket",
    "ReferenceCounter",
    "RequestCheck",
    "RequestCorrection",
    "RequestDocument",
    "RequestNote",
    "RequestStatus",
    "RequestStatusChange",
    "RightsKind",
    "RightsRequest",
    "SatisfactionSurvey",
    "ScheduledMessage",
    "ScheduledStatus",
    "StaffAction",
    "StaffLoginLink",
    "StaffSession",
    "StaffUser",
    "SupportRequest",
    "TranscriptLine",
    "VolunteerApplication",
]
