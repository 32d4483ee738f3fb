"""Input bounds (DESIGN §13): content at most 20,000 characters, every free-text field
bounded, control and bidirectional-override characters refused; the same Chinese refusal
through the form, the API and the services, and a form keeps what was typed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from suggestions import services
from suggestions.bounds import CONTENT_MAX
from suggestions.models import Status
from suggestions.models import Suggestion
from tests.api.conftest import API
from tests.api.conftest import token_client
from tests.factories import DeputyFactory


def form(deputy, **extra):
    return {
        "kind": "suggestion",
        "source": "recess",
        "title": "关于增设公交站点的建议",
        "topic": "transport",
        "lead_deputy": deputy.pk,
        "received_on": "2024-01-15",
        **extra,
    }


def test_content_of_20000_characters_is_accepted(client, office):
    client.force_login(office)
    response = client.post(
        reverse("suggestions:create"), form(DeputyFactory(), content="字" * CONTENT_MAX)
    )
    assert response.status_code == 302
    assert len(Suggestion.objects.get().content) == CONTENT_MAX


def test_longer_content_is_refused_and_the_form_keeps_it(client, office):
    client.force_login(office)
    typed = "这是一段很长的建议内容。" * 2000  # 24,000 characters
    response = client.post(reverse("suggestions:create"), form(DeputyFactory(), content=typed))
    body = response.content.decode()
    assert response.status_code == 200
    assert "内容不能超过20000个字符（现为24000个）" in body
    assert typed[:200] in body
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\x00", "\x1b", "\u200f", "\x85"])
def test_control_and_bidi_characters_are_refused_through_the_api(office, char):
    response = token_client(office).post(
        f"{API}/suggestions/",
        {
            "kind": "suggestion",
            "source": "recess",
            "title": f"关于{char}增设公交站点的建议",
            "lead_deputy": DeputyFactory().pk,
            "received_on": "2024-01-15",
        },
        format="json",
    )
    assert response.status_code == 400
    # DRF itself refuses a NUL in any field ("不允许是用空字符串"); the rest reach the service.
    assert "控制字符" in str(response.json()) or char == "\x00"
    assert not Suggestion.objects.exists()


def test_tabs_and_new_lines_are_fine(office):
    s = services.suggestion_create(
        actor=office,
        title="关于增设公交站点的建议",
        lead_deputy=DeputyFactory(),
        received_on=dt.date(2024, 1, 15),
        source="recess",
        content="第一段\n\t第二段\r\n第三段",
    )
    assert "\t" in s.content


def test_every_free_text_service_checks_its_text(journey, lead_handler):
    s = journey.to(Status.IN_PROGRESS)
    with pytest.raises(ValidationError, match="答复内容不能超过"):
        services.reply_submit(
            suggestion=s,
            actor=lead_handler,
            outcome="resolved",
            text="办" * (CONTENT_MAX + 1),
        )
    with pytest.raises(ValidationError, match="理由含有不可见的控制字符"):
        services.extension_request(
            suggestion=s,
            actor=lead_handler,
            requested_due_on=s.due_on + dt.timedelta(days=10),
            reason="需要\u202e更多时间",
        )


# ---------------------------------------------------------------------------------------
# Reply letters with long names, and no orphan file


def _letter(name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4 letter", content_type="application/pdf")


def _stored_files(settings) -> list:
    from pathlib import Path

    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_a_234_character_letter_name_is_kept_short_with_its_extension(
    journey, lead_handler, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    s = journey.to(Status.IN_PROGRESS, with_co=False)
    name = "关于" + "长" * 224 + "的答复函.pdf"
    assert len(name) == 234
    services.reply_submit(
        suggestion=s, actor=lead_handler, outcome="resolved", text="已办。", letter=_letter(name)
    )
    reply = s.replies.get()
    assert len(reply.letter_name) == 200 and reply.letter_name.endswith("长.pdf")
    assert reply.letter_name.startswith("关于长长")
    assert len(reply.letter.name) <= 100 and reply.letter.name.endswith(".pdf")
    assert len(_stored_files(settings)) == 1


def test_a_refused_reply_leaves_no_file_behind(journey, lead_handler, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    s = journey.to(Status.IN_PROGRESS, with_co=False)
    with pytest.raises(ValidationError):
        # Refused after the letter was stored: the reply date is before the assignment.
        services.reply_submit(
            suggestion=s,
            actor=lead_handler,
            outcome="resolved",
            text="已办。",
            replied_on=s.assigned_on - dt.timedelta(days=1),
            letter=_letter("答复函.pdf"),
        )
    assert _stored_files(settings) == []


# ---------------------------------------------------------------------------------------
# Concurrent registrations


REGISTER_TEN = """
import datetime as dt, threading
import django
django.setup()
from django.db import connection
from suggestions import services
from tests.factories import DeputyFactory, office_user
office, deputy = office_user(username="busy-office"), DeputyFactory()
barrier, errors = threading.Barrier(10), []
def register(n):
    try:
        barrier.wait(timeout=30)
        services.suggestion_create(actor=office, title=f"关于第{n}个问题的建议",
            lead_deputy=deputy, received_on=dt.date(2024, 1, 15), source="recess")
    except BaseException as error:
        errors.append(repr(error))
    finally:
        connection.close()
threads = [threading.Thread(target=register, args=(n,)) for n in range(10)]
[t.start() for t in threads]
[t.join(timeout=120) for t in threads]
from suggestions.models import Suggestion
print(errors, sorted(Suggestion.objects.values_list("number", flat=True)))
"""


def test_ten_concurrent_registrations_on_a_sqlite_file(tmp_path):
    """SQLite as deployed (a file in WAL mode, IMMEDIATE transactions, a busy timeout): the
    test database is in memory, where writers fail instead of waiting, so this runs in a
    process of its own on a file."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings_test",
        SQLITE_PATH=str(tmp_path / "numbers.sqlite3"),
    )
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v0"]
    subprocess.run(migrate, cwd=root, env=env, check=True, capture_output=True)
    result = subprocess.run(
        [sys.executable, "-c", REGISTER_TEN],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == f"[] {list(range(1, 11))}", result.stderr[-2000:]


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_registrations_all_get_numbers():
    """In this process's database: on PostgreSQL the real race (inserts wait for each
    other's commit); on SQLite's in-memory test database writers cannot wait, so the file
    test above stands for it."""
    import threading

    from django.db import connection as default

    if default.vendor == "sqlite":
        pytest.skip("in-memory SQLite cannot wait for a writer; see the file test above")

    from django.db import connection

    from tests.factories import office_user

    office = office_user(username="busy-office")
    deputy = DeputyFactory()
    barrier = threading.Barrier(10)
    errors: list[BaseException] = []

    def register(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            services.suggestion_create(
                actor=office,
                title=f"关于第{n}个问题的建议",
                lead_deputy=deputy,
                received_on=dt.date(2024, 1, 15),
                source="recess",
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    numbers = sorted(Suggestion.objects.filter(year=2024).values_list("number", flat=True))
    assert numbers == list(range(1, 11))
