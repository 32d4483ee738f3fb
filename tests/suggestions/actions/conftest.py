"""Fixtures of the HTML action tests: reply letters land in a per-test folder; items at
each stage, built through the services dated today (no `when=`), so that the forms' default
dates (today) are valid and the return window is open."""

from __future__ import annotations

import pytest

from suggestions import services
from suggestions.models import Outcome, Suggestion
from tests.factories import SuggestionFactory
from tests.suggestions.actions.helpers import fresh


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


class Stages:
    def __init__(self, office, lead_handler, co_handler, lead_department, co_department):
        self.office = office
        self.lead_handler = lead_handler
        self.co_handler = co_handler
        self.lead_department = lead_department
        self.co_department = co_department

    def draft(self, **kwargs) -> Suggestion:
        return SuggestionFactory(**kwargs)

    def assigned(self) -> Suggestion:
        s = services.suggestion_assign(
            suggestion=self.draft(),
            lead=self.lead_department,
            co_departments=[self.co_department],
            actor=self.office,
        )
        return fresh(s)

    def in_progress(self) -> Suggestion:
        s = self.assigned()
        services.assignment_acknowledge(suggestion=s, actor=self.lead_handler)
        return fresh(s)

    def ready(self) -> Suggestion:
        """In progress with the co opinion in: the lead may reply."""
        s = self.in_progress()
        services.co_opinion_submit(suggestion=s, actor=self.co_handler, opinion="同意主办意见。")
        return fresh(s)

    def replied(self) -> Suggestion:
        s = self.ready()
        services.reply_submit(
            suggestion=s, actor=self.lead_handler, outcome=Outcome.PLANNED, text="已列入计划。"
        )
        return fresh(s)


@pytest.fixture
def stages(office, lead_handler, co_handler, lead_department, co_department):
    return Stages(office, lead_handler, co_handler, lead_department, co_department)
