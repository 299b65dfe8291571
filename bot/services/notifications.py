"""Texts of business-initiated messages: decision notices, surveys, reminders."""

from __future__ import annotations

from bot.config import AppConfig
from bot.i18n import Catalog
from bot.messages import Choice, Outbound
from models import RequestDocument, SatisfactionSurvey, SupportRequest

RATINGS = (5, 4, 3, 2, 1)


def _missing(catalog: Catalog, lang: str, docs: list[RequestDocument]) -> str:
    names = [catalog.t(lang, f"document-{d.doc_type}") for d in docs if d.status != "uploaded"]
    return ("، " if lang == "ar" else ", ").join(names)


def decision_notice(
    catalog: Catalog, lang: str, config: AppConfig, request: SupportRequest,
    docs: list[RequestDocument],
) -> Outbound:
    """The committee's decision with next steps, in the beneficiary's language."""
    ref = request.reference or ""
    branch = catalog.t(lang, f"branch-{request.branch}")
    if request.status == "rejected":
        reason = request.decision_reason if config.decisions.share_rejection_reason else None
        text = catalog.t(lang, "decision-rejected", reference=ref)
        if reason:
            reason = config.decisions.reason_templates.in_language(reason, lang)
            text += "\n" + catalog.t(lang, "decision-reason", reason=reason)
        text += "\n\n" + catalog.t(lang, "decision-rejected-next")
        kind = "decision_rejected"
        choices = [Choice("nav:person", catalog.t(lang, "menu-person")),
                   Choice("nav:feedback", catalog.t(lang, "menu-feedback"))]
    else:
        text = catalog.t(lang, "decision-accepted", reference=ref, branch=branch)
        missing = _missing(catalog, lang, docs)
        if missing:
            text += "\n" + catalog.t(lang, "decision-bring", documents=missing)
        kind = "decision_accepted"
        choices = [Choice("nav:menu", catalog.t(lang, "menu-back"))]
    return Outbound(text, choices=choices, kind="notification",
                    template={"kind": kind, "lang": lang, "params": {"reference": ref}})


def document_reminder(
    catalog: Catalog, lang: str, request: SupportRequest, docs: list[RequestDocument],
    *, requested: bool = False,
) -> Outbound:
    """Documents still missing, with a button that opens the upload flow."""
    ref = request.reference or ""
    key = "document-requested" if requested else "document-reminder"
    return Outbound(catalog.t(lang, key, reference=ref, documents=_missing(catalog, lang, docs)),
                    choices=[Choice(f"docs:{request.id}", catalog.t(lang, "upload-now"))],
                    kind="notification",
                    template={"kind": "document_reminder", "lang": lang,
                              "params": {"reference": ref}})


def survey_choices(catalog: Catalog, lang: str, survey_id: int) -> list[Choice]:
    """Rating buttons 5..1 and "not now", each carrying the survey id."""
    choices = [Choice(f"srv:{survey_id}:{r}", catalog.t(lang, f"survey-rating-{r}"))
               for r in RATINGS]
    choices.append(Choice(f"srv:{survey_id}:decline", catalog.t(lang, "survey-decline")))
    return choices


def survey_invitation(
    catalog: Catalog, lang: str, survey: SatisfactionSurvey, reference: str, *, reminder: bool
) -> Outbound:
    """The survey question with native rating buttons."""
    key = "survey-reminder" if reminder else f"survey-invite-{survey.trigger}"
    return Outbound(catalog.t(lang, key, reference=reference),
                    choices=survey_choices(catalog, lang, survey.id or 0), kind="notification",
                    template={"kind": "survey", "lang": lang, "params": {"reference": reference}})
