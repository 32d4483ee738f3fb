"""The deputy portal's cast: a lead deputy (with an account) of a replied item with a PDF
letter, a co-signer (with an account) of it, and an item of someone else."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from departments.models import Deputy
from departments.models import User
from suggestions.models import Suggestion
from tests.factories import DeputyFactory
from tests.factories import SuggestionFactory
from tests.factories import deputy_user


@dataclass
class Portal:
    lead: User
    cosigner: User
    lead_deputy: Deputy
    cosigner_deputy: Deputy
    replied: Suggestion  # led by `lead`, co-signed by `cosigner`, replied with a letter
    led_draft: Suggestion  # led by `lead`, not assigned yet
    cosigned: Suggestion  # led by another deputy, co-signed by `lead`
    others: Suggestion  # neither's


@pytest.fixture
def portal(stages):
    lead_deputy = DeputyFactory(name="李代表")
    cosigner_deputy = DeputyFactory(name="周代表")
    replied = stages.replied(lead_deputy=lead_deputy, title="加装电梯")
    replied.co_signers.add(cosigner_deputy)
    led_draft = SuggestionFactory(lead_deputy=lead_deputy, title="增设非机动车停车点")
    cosigned = stages.in_progress(title="改善菜场环境")
    cosigned.co_signers.add(lead_deputy)
    others = stages.replied(title="别人的建议")
    return Portal(
        lead=deputy_user(lead_deputy, username="daibiao1"),
        cosigner=deputy_user(cosigner_deputy, username="daibiao2"),
        lead_deputy=lead_deputy,
        cosigner_deputy=cosigner_deputy,
        replied=replied,
        led_draft=led_draft,
        cosigned=cosigned,
        others=others,
    )
