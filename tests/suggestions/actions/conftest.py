"""Fixtures of the HTML action tests: reply letters land in a per-test folder; the items at
each stage are those of tests/conftest.py (dated today, so that the forms' default dates are
valid and the return window is open), the replied one without a letter."""

from __future__ import annotations

import pytest

from tests.conftest import Stages


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def stages(office, lead_handler, co_handler, lead_department, co_department):
    """The items of tests/conftest.py; the replied one without a letter."""
    return Stages(office, lead_handler, co_handler, lead_department, co_department, letter=False)
