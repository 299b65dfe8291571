"""Hostile, correctly signed bodies at the WhatsApp webhook (hypothesis): never a 5xx."""

from __future__ import annotations

from collections import Counter

from app.runtime import Runtime
from tests.channels.whatsapp.conftest import PHONE_ID, Beneficiary
from tests.emulators import WhatsAppEmulator
from tests.support.fuzz import bodies, examples, whatsapp_templates

BODIES = 700


async def test_fuzzed_signed_bodies_get_no_5xx(
    runtime: Runtime, wa: WhatsAppEmulator, user: Beneficiary
) -> None:
    statuses: Counter[int] = Counter()
    failures = []
    for raw in examples(bodies(whatsapp_templates(PHONE_ID, "966511111111")), BODIES):
        status, _ = await wa.deliver_raw(raw)  # signed with the app secret: past the check
        statuses[status] += 1
        if status >= 500:
            failures.append(raw[:300])
    assert failures == [], failures[:5]
    assert statuses[200] and statuses[400], statuses
    assert await user.say("مرحبا")  # another user is still served after all that
