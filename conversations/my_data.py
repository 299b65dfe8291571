"""My data: the rights of the data subject (Saudi PDPL, Art. 4), from the menu or «بياناتي».

Seeing the data records an access request; a copy is a UTF-8 text file sent only to the
identity asking (the one its platform authenticated); a correction becomes a staff case;
withdrawing consent or deleting the data leaves the person on the consent screen, where
questions are still answered and nothing they ask is kept.

```mermaid
flowchart TD
    start((menu / «بياناتي» / "my data")) --> show[the data held, masked] --> what{what next?}
    what -- a copy --> copy{send a copy to this chat?} -- yes --> code[one-time code to the
    trusted channel] --> typed{code right?} -- yes --> file[text file on this channel]
    what -- correct --> fix[what is wrong?] --> case((staff case + rights request))
    what -- withdraw consent --> withdraw{confirm: what it means} -- yes --> faq[[questions only]]
    what -- delete my data --> erase{confirm: what is kept, how long, why} -- yes --> faq
    file --> menu[[main menu]]
    case --> menu
```
"""

from __future__ import annotations

import re

from bot.engine.context import Ctx
from bot.engine.flow import Finish, Flow, Goto, Retry, StartFlow, Step, Transition
from bot.engine.matching import match_choice
from bot.messages import Choice, Inbound, Outbound
from bot.services import rights
from bot.text import clean, fold
from bot.validation import Invalid, parse_free_text
from models import RightsKind

ACTIONS = ["copy", "correct", "withdraw", "delete"]
WORDS = {fold(w) for w in ("بياناتي", "بياناتي الشخصية", "my data", "my personal data")}


def _actions(ctx: Ctx) -> list[Choice]:
    return [Choice(f"mydata:{a}", ctx.t(f"mydata-{a}")) for a in ACTIONS] + [
        Choice("nav:menu", ctx.t("menu-back"))]


async def _start(ctx: Ctx) -> Transition | None:
    await rights.record(ctx, RightsKind.ACCESS, done=True)
    return None


async def _show(ctx: Ctx) -> Outbound:
    body = rights.render(await rights.personal_data(ctx, full=False))
    return Outbound(ctx.t("mydata-shown", data=body), choices=_actions(ctx))


async def _choose(ctx: Ctx, inbound: Inbound) -> Transition:
    picked = match_choice(inbound, _actions(ctx))
    if picked is None:
        return Retry(Invalid("err-choose"))
    return Goto(picked.id.split(":", 1)[1])


def confirm_choices(ctx: Ctx) -> list[Choice]:
    return [Choice("yes", ctx.t("mydata-confirm-yes")), Choice("no", ctx.t("mydata-confirm-no"))]


def _confirmed(ctx: Ctx, inbound: Inbound) -> bool | None:
    picked = match_choice(inbound, confirm_choices(ctx))
    return None if picked is None else picked.id == "yes"


async def _copy(ctx: Ctx, inbound: Inbound) -> Transition:
    answer = _confirmed(ctx, inbound)
    if answer is None:
        return Retry(Invalid("err-choose"))
    if not answer:
        return Finish()
    to = await rights.send_copy_code(ctx)
    minutes = ctx.config.linking.code_minutes
    if to.id == ctx.identity.id:
        ctx.say("mydata-copy-code-sent-here", minutes=minutes)
    else:
        ctx.say("mydata-copy-code-sent-other", channel=ctx.t(f"channel-{to.channel}"),
                minutes=minutes)
    return Goto("copy_code")


async def _copy_code(ctx: Ctx, inbound: Inbound) -> Transition:
    typed = clean(inbound.text or "")
    if not re.fullmatch(r"\d{6}", typed):
        return Retry(Invalid("err-copy-code"))
    outcome, left = rights.check_copy_code(ctx, typed)
    if outcome == "wrong":
        return Retry(Invalid("mydata-copy-code-wrong", {"left": left}))
    if outcome != "ok":
        ctx.say("mydata-copy-code-expired")
        return Finish()
    key, name = await rights.make_copy(ctx)
    ctx.reply(Outbound(ctx.t("mydata-copy-sent"), file_key=key, file_name=name))
    return Finish()


async def _correct(ctx: Ctx, inbound: Inbound) -> Transition:
    parsed = parse_free_text(inbound.text or "", min_length=3,
                             max_length=ctx.config.limits.max_text_length)
    if isinstance(parsed, Invalid):
        return Retry(parsed)
    row = await rights.ask_correction(ctx, parsed)
    ctx.say("mydata-correction-sent", number=row.id or 0, days=ctx.config.privacy.reply_days)
    return Finish()


async def _withdraw(ctx: Ctx, inbound: Inbound) -> Transition:
    answer = _confirmed(ctx, inbound)
    if answer is None:
        return Retry(Invalid("err-choose"))
    if not answer:
        return Finish()
    await rights.withdraw_consent(ctx)
    ctx.say("mydata-withdrawn")
    return _questions_only(ctx)


def erase_prompt(ctx: Ctx) -> Outbound:
    kept = "\n".join(ctx.t("mydata-kept-line", what=ctx.t(f"mydata-kept-{kind}"), years=years,
                           reason=reason) for kind, years, reason in rights.retained(ctx))
    text = ctx.t("mydata-delete-confirm", kept=kept or ctx.t("mydata-kept-nothing"))
    return Outbound(text, choices=confirm_choices(ctx))


async def erase(ctx: Ctx, inbound: Inbound) -> Transition:
    answer = _confirmed(ctx, inbound)
    if answer is None:
        return Retry(Invalid("err-choose"))
    if not answer:
        return Finish() if ctx.beneficiary.consent_at else _questions_only(ctx)
    row = await rights.erase(ctx)
    ctx.say("mydata-deleted", number=row.id or 0)
    return _questions_only(ctx)


def _questions_only(ctx: Ctx) -> Transition:
    """Without consent the person stays on the consent screen, where questions are answered."""
    ctx.data["consent_declined"] = True
    return StartFlow("welcome")


def build() -> Flow:
    """The my-data flow."""
    flow = Flow("my_data", start="show", on_start=_start)
    flow.add(Step("show", _show, _choose, choices=_actions))
    flow.add(Step("copy", lambda ctx: Outbound(ctx.t("mydata-copy-confirm"),
                                               choices=confirm_choices(ctx)), _copy,
                  choices=confirm_choices))
    flow.add(Step("copy_code", lambda ctx: Outbound(ctx.t("err-copy-code")), _copy_code,
                  sensitive=True))
    flow.add(Step("correct", lambda ctx: Outbound(ctx.t("mydata-correct-ask")), _correct))
    flow.add(Step("withdraw", lambda ctx: Outbound(ctx.t("mydata-withdraw-confirm"),
                                                   choices=confirm_choices(ctx)), _withdraw,
                  choices=confirm_choices))
    flow.add(Step("delete", erase_prompt, erase, choices=confirm_choices))
    return flow
