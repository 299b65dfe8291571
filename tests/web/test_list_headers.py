"""The lists of volunteers, suggestions and complaints head their number column as a
reference, not as a support request's number (in Arabic «رقم الطلب» read as a support request)."""

from __future__ import annotations

import re

import pytest

from tests.support.convo import Convo
from tests.web.conftest import OFFICER, signed_in
from tests.web.test_lists import _get, file_everything
from web.deps import ConsoleDeps


@pytest.fixture
async def submitted(submitted: Convo) -> Convo:
    """conftest's beneficiary with a volunteer application, a suggestion and a complaint."""
    return await file_everything(submitted)


@pytest.mark.parametrize("page", ["/staff/volunteers", "/staff/suggestions", "/staff/complaints"])
async def test_a_list_heads_its_numbers_as_references(
    base: str, deps: ConsoleDeps, submitted: Convo, page: str
) -> None:
    http = await signed_in(deps, base, OFFICER)
    async with http:
        _, arabic = await _get(http, f"{base}{page}?lang=ar")
        _, english = await _get(http, f"{base}{page}?lang=en")
    assert re.search(r"<th>\s*الرقم المرجعي\s*</th>", arabic), arabic
    assert "رقم الطلب" not in arabic
    assert re.search(r"<th>\s*Reference\s*</th>", english)
