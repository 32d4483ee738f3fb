"""Deployment settings. Files in an S3-compatible store (django-storages), as a second server needs
them: the import file between preview and confirmation and the export made in the queue
go to the bucket of a real local S3 server (moto's, on 127.0.0.1) and come back."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from django.urls import reverse

from downloads import services as downloads
from downloads.models import Download
from suggestions.models import Suggestion
from tests.factories import SuggestionFactory
from tests.suggestions import test_import_rows
from tests.suggestions.test_import_rows import good_row
from tests.suggestions.test_import_rows import xlsx
from tests.suggestions.test_import_views import upload

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "suggestions-test"
people = test_import_rows.people


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as missing:  # pragma: no cover - the dev group installs it
        pytest.fail(f"moto[server] is missing ({missing}): run `uv sync` (make test does)")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings):
    credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **credentials)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "access_key": "test",
                "secret_key": "test",
                "default_acl": "private",
                "file_overwrite": False,
            },
        },
    }
    yield client
    for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_an_import_waits_in_the_bucket_between_preview_and_confirmation(
    client, office, people, bucket
):
    client.force_login(office)
    preview = upload(client, xlsx([good_row(1), good_row(2)]))
    token = preview.context["token"]
    assert keys(bucket) == [f"import-previews/{token}.xlsx"]
    done = client.post(reverse("excel:import_confirm"), {"token": token}, follow=True)
    assert "新增2件" in done.text
    assert Suggestion.objects.count() == 2
    assert keys(bucket) == []


def test_an_export_made_in_the_queue_is_stored_in_the_bucket(
    client, office, bucket, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(downloads, "INLINE_MAX", 1)
    SuggestionFactory.create_batch(3)
    client.force_login(office)
    with django_capture_on_commit_callbacks(execute=False):
        client.get(reverse("excel:export"))
    download = downloads.download_build(download_id=Download.objects.get().pk)
    assert download.status == "done"
    assert keys(bucket) == [download.file.name]
    assert download.file.name.startswith("downloads/")
    response = client.get(reverse("downloads:file", args=[download.pk]))
    assert b"".join(response.streaming_content)[:2] == b"PK"  # an .xlsx (a zip)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"FILE_STORAGE": "s3"}, "FILE_STORAGE=s3 needs S3_BUCKET"),
        ({"FILE_STORAGE": "ftp"}, "FILE_STORAGE must be local or s3, got 'ftp'"),
    ],
)
def test_a_bad_storage_setting_fails_at_start_up(tmp_path, env, message):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "true",
            "SQLITE_PATH": str(tmp_path / "x.sqlite3"),
            **env,
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_postgresql_connections_run_without_jit(tmp_path):
    """The settings ask PostgreSQL for jit=off, keeping options the URL already gives."""
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "true",
            "DATABASE_URL": "postgresql://u:p@127.0.0.1:5999/db?options=-c%20statement_timeout%3D5000",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "'options': '-c statement_timeout=5000 -c jit=off'" in result.stdout
