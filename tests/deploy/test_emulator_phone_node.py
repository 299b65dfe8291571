"""The WhatsApp emulator's phone number node: GET /{version}/{phone_number_id}."""

from __future__ import annotations

import httpx

from tests.deploy.conftest import WA
from tests.emulators import WhatsAppEmulator

AUTH = {"Authorization": f"Bearer {WA['WHATSAPP_ACCESS_TOKEN']}"}


async def test_phone_number_node_default_and_chosen_fields(wa: WhatsAppEmulator) -> None:
    url = f"{wa.base_url}/v21.0/{WA['WHATSAPP_PHONE_NUMBER_ID']}"
    async with httpx.AsyncClient() as http:
        full = (await http.get(url, headers=AUTH)).json()
        some = (await http.get(url, headers=AUTH, params={"fields": "verified_name"})).json()
        wrong = await http.get(url, headers={"Authorization": "Bearer nope"})
        none = await http.get(url)
    assert full["display_phone_number"] == "+1 555-000-1234"
    assert {"verified_name", "quality_rating", "code_verification_status", "platform_type",
            "throughput", "id"} <= set(full)
    assert some == {"verified_name": "Ghimar Youth Association", "id": wa.phone_number_id}
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == 190
    assert none.status_code == 401 and none.json()["error"]["error_subcode"] == 2500
