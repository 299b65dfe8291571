"""Support requests, their status history, documents and signed declarations."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.encrypted import EncryptedText
from models.types import UTCDateTime, utcnow


class RequestStatus(StrEnum):
    """Lifecycle of a support request."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_STUDY = "under_study"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    REGISTRATION_COMPLETED = "registration_completed"
    SERVICE_DELIVERED = "service_delivered"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"


OPEN_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.UNDER_STUDY)


class SupportRequest(SQLModel, table=True):
    """A beneficiary's request for aid, as submitted through the request form."""

    id: int | None = Field(default=None, primary_key=True)
    reference: str | None = Field(default=None, max_length=20, unique=True)
    beneficiary_id: int = Field(foreign_key="beneficiary.id", index=True)
    identity_id: int = Field(foreign_key="channelidentity.id")
    full_name: str = Field(sa_column=Column(EncryptedText, nullable=False))
    national_id_hash: str = Field(max_length=64, index=True)
    national_id_enc: str
    mobile: str = Field(sa_column=Column(EncryptedText, nullable=False))
    mobile_hash: str | None = Field(default=None, max_length=64, index=True)
    branch: str = Field(max_length=40)
    family_size: int
    monthly_income_enc: str
    support_type: str = Field(max_length=40)
    description: str = Field(sa_column=Column(EncryptedText))
    status: str = Field(default=RequestStatus.SUBMITTED, max_length=30, index=True)
    decision_reason: str | None = Field(default=None, sa_column=Column(EncryptedText))
    decided_service: str | None = Field(default=None, max_length=80)
    decided_amount: int | None = None
    submitted_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    decided_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    assigned_to: str | None = Field(default=None, max_length=80, index=True)  # policy step 3
    created_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))


class RequestStatusChange(SQLModel, table=True):
    """One transition of a request's status: when, by whom, why."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="supportrequest.id", index=True)
    from_status: str | None = Field(default=None, max_length=30)
    to_status: str = Field(max_length=30)
    actor: str = Field(max_length=60)
    reason: str | None = Field(default=None, sa_column=Column(EncryptedText))
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))


class DocumentStatus(StrEnum):
    """Where a required document stands."""

    UPLOADED = "uploaded"
    BRING_TO_BRANCH = "bring_to_branch"
    MISSING = "missing"


class RequestDocument(SQLModel, table=True):
    """A required document of a request: uploaded (encrypted on disk), promised, or missing."""

    __table_args__ = (UniqueConstraint("request_id", "doc_type"),)

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="supportrequest.id", index=True)
    doc_type: str = Field(max_length=40)
    status: str = Field(max_length=20)
    storage_key: str | None = Field(default=None, max_length=80)
    mime_type: str | None = Field(default=None, max_length=80)
    size: int | None = None
    sha256: str | None = Field(default=None, max_length=64)
    uploaded_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Declaration(SQLModel, table=True):
    """The applicant's signed declaration that the data is true (policy step 4)."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="supportrequest.id", unique=True)
    text_version: str = Field(max_length=40)
    signed_name: str = Field(sa_column=Column(EncryptedText, nullable=False))
    channel: str = Field(max_length=20)
    signed_at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime()))
