"""The files in deploy/ name commands that exist and limits that fit the application's."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from django.core.management import get_commands

from suggestions.forms import LETTER_MAX_BYTES
from suggestions.imports.files import MAX_FILE_BYTES

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def manage_commands() -> list[str]:
    """Every `manage.py <command>` the units and the cron lines run."""
    text = "\n".join(p.read_text() for p in DEPLOY.iterdir() if p.suffix in {".service", ".cron"})
    return re.findall(r"manage\.py (\w+)", text)


def test_every_unit_and_cron_line_runs_a_command_that_exists():
    named = manage_commands()
    assert {"send_reminders", "db_worker", "prune_audit"} <= set(named)
    missing = [c for c in named if c not in get_commands()]
    assert missing == []


def test_every_timer_starts_a_unit_that_exists():
    for timer in DEPLOY.glob("*.timer"):
        unit = re.search(r"^Unit=(\S+)", timer.read_text(), re.M)
        service = unit.group(1) if unit else timer.with_suffix(".service").name
        assert (DEPLOY / service).exists(), timer.name


def test_reminders_run_at_nine_in_shanghai_by_timer_and_by_cron():
    timer = (DEPLOY / "suggestions-reminders.timer").read_text()
    assert "OnCalendar=*-*-* 09:00:00 Asia/Shanghai" in timer
    cron = (DEPLOY / "suggestions.cron").read_text()
    [line] = [x for x in cron.splitlines() if "send_reminders" in x]
    minute, hour, *_ = shlex.split(line)
    assert (minute, hour) == ("0", "9")


def test_nginx_takes_the_largest_upload_and_waits_as_long_as_gunicorn():
    site = (DEPLOY / "nginx-suggestions.conf").read_text()
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))
    assert megabytes * 1024 * 1024 > max(LETTER_MAX_BYTES, MAX_FILE_BYTES)
    web = (DEPLOY / "suggestions-web.service").read_text()
    gunicorn_timeout = int(re.search(r"--timeout (\d+)", web).group(1))
    read_timeout = int(re.search(r"proxy_read_timeout (\d+)s;", site).group(1))
    assert gunicorn_timeout <= read_timeout
    assert "--no-control-socket" in web


@pytest.mark.parametrize("name", ["suggestions-web.service", "suggestions-worker.service"])
def test_the_long_running_services_restart_and_run_unprivileged(name):
    unit = (DEPLOY / name).read_text()
    assert "User=suggestions" in unit
    assert "Restart=always" in unit
    assert "NoNewPrivileges=true" in unit
