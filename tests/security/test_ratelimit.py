"""Rate limits counted in the database (security.ratelimit): one upsert a request, a window
opened by a key's first request, and the API's throttles built on it (config.api_throttles).
That two server processes share the count is shown in tests/project/test_two_servers.py."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import UserRateThrottle

from security import ratelimit
from security.models import RateCount
from tests.api.conftest import API
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db


def test_each_request_adds_one_in_a_single_query():
    with CaptureQueriesContext(connection) as queries:
        counts = [ratelimit.hit("k", seconds=60, now=1000.0 + n).count for n in range(3)]
    assert counts == [1, 2, 3]
    assert len(queries) == 3
    assert RateCount.objects.get(key="k").hits == 3


def test_the_window_starts_at_the_first_request_and_restarts_after_it_ends():
    first = ratelimit.hit("k", seconds=60, now=1000.0)
    assert first.retry_after == 60
    later = ratelimit.hit("k", seconds=60, now=1059.0)
    assert (later.count, later.retry_after) == (2, 1)  # the window still ends at 1060
    fresh = ratelimit.hit("k", seconds=60, now=1060.0)
    assert (fresh.count, fresh.retry_after) == (1, 60)


def test_keys_count_apart():
    ratelimit.hit("a", seconds=60, now=1000.0)
    ratelimit.hit("a", seconds=60, now=1000.0)
    assert ratelimit.hit("b", seconds=60, now=1000.0).count == 1


def test_prune_keeps_windows_that_ended_less_than_a_day_ago():
    ratelimit.hit("old", seconds=60, now=1000.0)
    ratelimit.hit("recent", seconds=60, now=1000.0 + ratelimit.KEEP_ENDED_SECONDS)
    assert ratelimit.prune(now=1061.0 + ratelimit.KEEP_ENDED_SECONDS) == 1
    assert list(RateCount.objects.values_list("key", flat=True)) == ["recent"]


def test_the_pruning_job_clears_ended_windows(capsys):
    RateCount.objects.create(key="ended", hits=5, window_ends=1000.0)
    RateCount.objects.create(key="open", hits=1, window_ends=4.0e9)
    call_command("prune_audit")
    assert list(RateCount.objects.values_list("key", flat=True)) == ["open"]
    assert "已清理过期的访问频率计数1条" in capsys.readouterr().out


@pytest.fixture
def user_rate_3_per_minute(monkeypatch):
    rates = {**UserRateThrottle.THROTTLE_RATES, "user": "3/min"}
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", rates)


def test_the_api_refuses_a_users_fourth_request_in_a_minute(office, user_rate_3_per_minute):
    client = token_client(office)
    answers = [client.get(f"{API}/sessions/").status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    refused = client.get(f"{API}/sessions/")
    assert refused.status_code == 429
    assert "请求已被限流" in refused.json()["detail"]
    assert 0 < int(refused["Retry-After"]) <= 60
    assert RateCount.objects.get(key=f"throttle_user_{office.pk}").hits == 4


def test_another_user_is_not_held_by_the_first_ones_count(
    office, lead_handler, user_rate_3_per_minute
):
    busy = token_client(office)
    for _ in range(4):
        busy.get(f"{API}/sessions/")
    assert token_client(lead_handler).get(f"{API}/sessions/").status_code == 200
