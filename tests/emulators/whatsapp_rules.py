"""WhatsApp Cloud API request validation and the Graph API error objects it answers with."""

from __future__ import annotations

import re
from typing import Any

from .common import random_id

HREF = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"
# code -> (http status, title, message, details). Shapes follow the fixtures
# (pywa_test_errors_graph_error_objects.json, restfb_issue1344_failed_status_131026.json).
ERRORS: dict[int, tuple[int, str, str, str | None]] = {
    100: (400, "Invalid parameter", "(#100) Invalid parameter", None),
    190: (
        401,
        "Invalid OAuth access token",
        "Invalid OAuth access token - Cannot parse access token",
        None,
    ),
    130429: (
        400,
        "Rate limit hit",
        "(#130429) Rate limit hit",
        "Cloud API message throughput has been reached.",
    ),
    131000: (
        500,
        "Something went wrong",
        "Something went wrong",
        "Message failed to send due to an unknown error.",
    ),
    131008: (
        400,
        "Required parameter is missing",
        "(#131008) Required parameter is missing",
        None,
    ),
    131009: (400, "Parameter value is not valid", "(#131009) Parameter value is not valid", None),
    131026: (
        400,
        "Receiver is incapable of receiving this message",
        "Receiver is incapable of receiving this message",
        "Message Undeliverable.",
    ),
    131047: (
        400,
        "Re-engagement message",
        "Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer "
        "last replied to this number.",
    ),
    131051: (
        400,
        "Message type unknown",
        "Message type unknown",
        "Message type is currently not supported.",
    ),
    131053: (400, "Media upload error", "Media upload error", None),
    131056: (
        400,
        "(Business Account, Consumer Account) pair rate limit hit",
        "(#131056) (Business Account, Consumer Account) pair rate limit hit",
        "Message failed to send because there were too many messages sent from this phone "
        "number to the same phone number in a short period of time.",
    ),
    132000: (
        400,
        "Number of parameters does not match the expected number of params",
        "(#132000) Number of parameters does not match the expected number of params",
        None,
    ),
    132001: (
        400,
        "Template name does not exist in the translation",
        "(#132001) Template name does not exist in the translation",
        None,
    ),
}


class GraphError(Exception):
    """A Graph API error answer."""

    def __init__(
        self,
        code: int,
        details: str | None = None,
        status: int | None = None,
        message: str | None = None,
        subcode: int | None = None,
    ) -> None:
        """Build from the catalog, overriding details/status/message when given."""
        default_status, title, default_message, default_details = ERRORS.get(
            code, (400, "Error", f"(#{code}) Error", None)
        )
        super().__init__(message or default_message)
        self.code = code
        self.status = status or default_status
        self.title = title
        self.message = message or default_message
        self.details = details if details is not None else default_details
        self.subcode = subcode

    def error_object(self) -> dict[str, Any]:
        """The inner Graph error object (as in a failed status's `errors` list, plus type)."""
        obj: dict[str, Any] = {
            "message": self.message,
            "type": "OAuthException",
            "code": self.code,
        }
        if self.subcode:
            obj["error_subcode"] = self.subcode
        if self.code != 190 and self.code != 100:
            obj["title"] = self.title
        if self.details:
            obj["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        if self.code >= 130000:
            obj["href"] = HREF
        obj["fbtrace_id"] = random_id("A", 15)
        return obj

    def payload(self) -> dict[str, Any]:
        """The wire body: {"error": {...}}."""
        return {"error": self.error_object()}

    def status_error(self) -> dict[str, Any]:
        """The entry of a `failed` status webhook's errors list."""
        err: dict[str, Any] = {"code": self.code, "title": self.title, "message": self.title}
        if self.details:
            err["error_data"] = {"details": self.details}
        err["href"] = HREF
        return err


def missing_object(verb: str, object_id: str) -> GraphError:
    """Graph's answer for an id that does not exist (code 100, subcode 33)."""
    return GraphError(
        100,
        status=400,
        subcode=33,
        message=(
            f"Unsupported {verb} request. Object with ID '{object_id}' does not exist, cannot be "
            "loaded due to missing permissions, or does not support this operation."
        ),
    )


MEDIA_TYPES = ("image", "document", "audio", "video", "sticker")
MESSAGE_TYPES = frozenset(
    {"text", "interactive", "template", "location", "contacts", "reaction", *MEDIA_TYPES}
)


def normalize_wa_id(number: str) -> str:
    """Digits only, as WhatsApp reports wa_id."""
    return re.sub(r"\D", "", str(number))


def _invalid(details: str) -> GraphError:
    """131009 with the given details."""
    return GraphError(131009, details)


def _check_len(value: Any, limit: int, what: str, minimum: int = 1) -> None:
    """Length check with the Cloud API's wording."""
    text = "" if value is None else str(value)
    if not minimum <= len(text) <= limit:
        raise _invalid(f"{what} length invalid. Min length: {minimum}, Max length: {limit}")


def validate_interactive(inter: Any) -> None:
    """Reply-button and list limits (3 buttons / 20 chars, 10 rows / 24 chars, body 1024)."""
    if not isinstance(inter, dict):
        raise GraphError(100, "Param interactive must be a JSON object")
    kind = inter.get("type")
    action = inter.get("action") if isinstance(inter.get("action"), dict) else {}
    if kind in ("button", "list") and not isinstance(inter.get("body"), dict):
        raise GraphError(131008, "The parameter interactive['body'] is required.")
    body = (inter.get("body") or {}).get("text") if isinstance(inter.get("body"), dict) else None
    if body is not None:
        _check_len(body, 1024, "Body text")
    header = inter.get("header")
    if isinstance(header, dict) and header.get("type") == "text":
        _check_len(header.get("text"), 60, "Header text")
    footer = inter.get("footer")
    if isinstance(footer, dict):
        _check_len(footer.get("text"), 60, "Footer text")
    if kind == "button":
        buttons = action.get("buttons") or []
        if not 1 <= len(buttons) <= 3:
            raise _invalid("Buttons count invalid. Min: 1, Max: 3")
        ids, titles = set(), set()
        for button in buttons:
            reply = button.get("reply") or {}
            _check_len(reply.get("title"), 20, "Button title")
            _check_len(reply.get("id"), 256, "Button id")
            if reply["id"] in ids or reply["title"] in titles:
                raise _invalid("Button title and id must be unique")
            ids.add(reply["id"])
            titles.add(reply["title"])
    elif kind == "list":
        _check_len(action.get("button"), 20, "Button label")
        sections = action.get("sections") or []
        if not 1 <= len(sections) <= 10:
            raise _invalid("Sections count invalid. Min: 1, Max: 10")
        rows = [row for section in sections for row in section.get("rows") or []]
        if not 1 <= len(rows) <= 10:
            raise _invalid("Total row count exceed max allowed count: 10")
        for section in sections:
            if len(sections) > 1 or section.get("title") is not None:
                _check_len(section.get("title"), 24, "Section title")
        row_ids = set()
        for row in rows:
            _check_len(row.get("title"), 24, "Row title")
            _check_len(row.get("id"), 200, "Row id")
            if row.get("description") is not None:
                _check_len(row.get("description"), 72, "Row description", minimum=0)
            if row["id"] in row_ids:
                raise _invalid("Row ids must be unique")
            row_ids.add(row["id"])
    elif kind not in (
        "cta_url",
        "flow",
        "product",
        "product_list",
        "location_request_message",
        "address_message",
        "call_permission_request",
    ):
        raise GraphError(100, f"Param interactive['type'] is not a valid interactive type: {kind}")


def validate_buttons(components: list[Any], quick_replies: int | None) -> None:
    """Button components: quick_reply with a string index, one payload parameter each.

    With `quick_replies` known (a registered template), the index must name one of them.
    """
    seen: set[str] = set()
    for component in components:
        if not isinstance(component, dict) or component.get("type") != "button":
            continue
        if component.get("sub_type") != "quick_reply":
            raise GraphError(100, f"Param sub_type {component.get('sub_type')!r} not supported")
        index = component.get("index")
        if not isinstance(index, str | int) or not str(index).isdigit():
            raise GraphError(131008, "The parameter template['components'][n]['index'] is "
                             "required.")
        index = str(int(index))
        if index in seen:
            raise _invalid(f"button index {index} is given twice")
        seen.add(index)
        if quick_replies is not None and int(index) >= quick_replies:
            raise _invalid(f"buttons: the template has no button at index {index}")
        params = component.get("parameters")
        if not isinstance(params, list) or len(params) != 1 or not isinstance(params[0], dict):
            raise GraphError(132000, "buttons: one parameter expected per quick-reply button")
        param = params[0]
        if param.get("type") != "payload":
            raise _invalid("a quick-reply button takes a parameter of type payload")
        _check_len(param.get("payload"), 1000, "Button payload")


def validate_template(
    template: Any,
    registered: dict[tuple[str, str], int] | None,
    buttons: dict[tuple[str, str], int] | None = None,
) -> None:
    """name + language.code required; with registered templates, existence and param count.

    `buttons` gives the quick-reply buttons of each registered template (0 when absent).
    """
    if not isinstance(template, dict) or not template.get("name"):
        raise GraphError(131008, "The parameter template['name'] is required.")
    language = template.get("language")
    if not isinstance(language, dict) or not language.get("code"):
        raise GraphError(131008, "The parameter template['language']['code'] is required.")
    components = template.get("components") or []
    if not isinstance(components, list):
        raise GraphError(100, "Param template['components'] must be an array")
    key = (template["name"], language["code"])
    known = None if registered is None else (buttons or {}).get(key, 0)
    validate_buttons(components, known)
    if registered is None:
        return
    if key not in registered:
        raise GraphError(132001, f"template name ({key[0]}) does not exist in {key[1]}")
    params = sum(
        len(c.get("parameters") or [])
        for c in template.get("components") or []
        if isinstance(c, dict) and c.get("type") == "body"
    )
    if params != registered[key]:
        raise GraphError(
            132000,
            f"body: number of localizable_params ({params}) does not match "
            f"the expected number of params ({registered[key]})",
        )


def validate_message(
    body: Any,
    media_ids: set[str] | dict,
    templates: dict[tuple[str, str], int] | None,
    template_buttons: dict[tuple[str, str], int] | None = None,
) -> str:
    """Validate a /messages payload; returns its type ('read' for read receipts)."""
    if not isinstance(body, dict):
        raise GraphError(100, "Request body must be a JSON object")
    if body.get("messaging_product") != "whatsapp":
        raise GraphError(100, message="(#100) The parameter messaging_product is required.")
    if body.get("status") == "read":
        if not body.get("message_id"):
            raise GraphError(100, message="(#100) The parameter message_id is required.")
        return "read"
    if not body.get("to"):
        raise GraphError(100, message="(#100) The parameter to is required.")
    kind = body.get("type", "text")
    if kind not in MESSAGE_TYPES:
        raise GraphError(100, message=f"(#100) Param type must be one of {sorted(MESSAGE_TYPES)}")
    content = body.get(kind)
    if kind == "text":
        text = content.get("body") if isinstance(content, dict) else None
        if not text:
            raise GraphError(100, message="(#100) The parameter text['body'] is required.")
        if len(text) > 4096:
            raise GraphError(100, "Param text['body'] must be at most 4096 characters long.")
    elif kind == "interactive":
        validate_interactive(content)
    elif kind == "template":
        validate_template(content, templates, template_buttons)
    elif kind in MEDIA_TYPES:
        if not isinstance(content, dict) or bool(content.get("id")) == bool(content.get("link")):
            raise GraphError(100, f"Param {kind} must contain exactly one of id or link")
        if content.get("id") and str(content["id"]) not in media_ids:
            raise GraphError(131053, f"Unknown media id {content['id']}")
        if content.get("caption") is not None:
            _check_len(content["caption"], 1024, "Caption", minimum=0)
    return str(kind)
