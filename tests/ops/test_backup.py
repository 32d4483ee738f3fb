"""backup and restore (ops/): a round trip keeps every row and the letter's bytes; a
damaged backup, a non-empty target and a used output directory are refused.

The same tests run on SQLite and on PostgreSQL (DATABASE_URL); the vendor comes from the
connection. They commit for real (transaction=True), since pg_dump reads through its own
session; each writes again the rows the migrations fill (role groups, calendar), which the
flush after an earlier such test removes. (Not serialized_rollback: the flush after a
transactional test without it runs post_migrate, which makes the role groups again, and
the serialized rows would then collide with them.)"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from ops import backup
from suggestions.models import Reply
from tests.factories import DepartmentFactory
from tests.reference import write_reference_data


@pytest.fixture
def reference_data(transactional_db):
    write_reference_data()


def committed(test):
    """A test that commits for real, on the reference rows the migrations fill."""
    return pytest.mark.django_db(transaction=True)(pytest.mark.usefixtures("reference_data")(test))


LETTER = "letters/2024/03/dafuhan.pdf"


@pytest.fixture(autouse=True)
def pg_tools_present():
    """On PostgreSQL the tests need pg_dump and pg_restore: fail, never skip."""
    if connection.vendor == "postgresql":
        try:
            backup.pg_tool("pg_dump")
            backup.pg_tool("pg_restore")
        except CommandError as exc:
            pytest.fail(f"pg_dump/pg_restore missing: install postgresql-client ({exc})")


@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    (root / "letters/2024/03").mkdir(parents=True)
    (root / LETTER).write_bytes(b"%PDF-1.4 letter\n")
    settings.MEDIA_ROOT = root
    return root


def row_counts() -> dict[str, int]:
    """Rows of every table of every installed model."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        counts[model._meta.db_table] = model._base_manager.count()
    return counts


def make_backup(path: Path) -> Path:
    call_command("backup", output=str(path))
    return path


def empty_the_database() -> None:
    call_command("flush", interactive=False, verbosity=0)
    assert backup.tables_with_rows() == []


def refused(directory: Path, *fragments: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(directory))
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message
    return message


@committed
def test_a_round_trip_keeps_every_row_and_the_letter(stages, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    stages.replied()
    stages.pending()
    DepartmentFactory(name="区民政局")
    reply = Reply.objects.get()
    letter_path = Path(reply.letter.path)
    letter = letter_path.read_bytes()
    counts = row_counts()
    assert counts["suggestions_suggestion"] == 2 and counts["departments_user"] == 3

    target = make_backup(tmp_path / "backup")
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["database"]["vendor"] == connection.vendor
    leaves = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()
    assert manifest["migrations"]["suggestions"] == dict(leaves)["suggestions"]
    rel = "media/" + reply.letter.name
    assert {f["path"] for f in manifest["files"]} == {manifest["database"]["file"], rel}
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]

    empty_the_database()
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    call_command("restore", str(target))

    assert row_counts() == counts
    restored = Reply.objects.get()
    assert restored.letter.name == reply.letter.name
    assert Path(restored.letter.path).read_bytes() == letter
    assert Path(restored.letter.path).parent != letter_path.parent


@committed
@pytest.mark.parametrize("damaged", ["letter", "database"])
def test_a_changed_byte_is_refused_and_nothing_changes(damaged, media, settings, tmp_path):
    target = make_backup(tmp_path / "backup")
    name = "media/" + LETTER if damaged == "letter" else backup.DATABASE_FILES[connection.vendor]
    data = bytearray((target / name).read_bytes())
    data[len(data) // 2] ^= 0x01
    (target / name).write_bytes(bytes(data))
    empty_the_database()
    settings.MEDIA_ROOT = tmp_path / "restored-media"

    refused(target, name, "SHA-256")

    assert backup.tables_with_rows() == []
    assert not (tmp_path / "restored-media").exists()


@committed
def test_a_missing_file_is_refused(media, settings, tmp_path):
    target = make_backup(tmp_path / "backup")
    (target / "media" / LETTER).unlink()
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    refused(target, "缺少文件 media/" + LETTER)


@committed
def test_an_extra_or_resized_file_is_refused(media, settings, tmp_path):
    target = make_backup(tmp_path / "backup")
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    (target / "media" / "planted.pdf").write_bytes(b"x")
    refused(target, "清单之外的文件 media/planted.pdf")
    (target / "media" / "planted.pdf").unlink()
    with (target / "media" / LETTER).open("ab") as f:
        f.write(b"more")
    refused(target, f"media/{LETTER} 的大小与清单不符")


@committed
def test_a_non_empty_target_is_refused(media, settings, tmp_path):
    DepartmentFactory(name="区房管局")
    target = make_backup(tmp_path / "backup")
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    refused(target, "目标数据库不是空的", "departments_department")
    assert not (tmp_path / "restored-media").exists()


@committed
def test_a_media_root_holding_files_is_refused(media, tmp_path):
    target = make_backup(tmp_path / "backup")
    empty_the_database()
    refused(target, "MEDIA_ROOT", "已有文件")
    assert backup.tables_with_rows() == []


@committed
def test_a_backup_of_another_vendor_or_newer_code_is_refused(media, settings, tmp_path):
    target = make_backup(tmp_path / "backup")
    empty_the_database()
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    path = target / "manifest.json"
    original = json.loads(path.read_text(encoding="utf-8"))
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    path.write_text(json.dumps({**original, "database": {**original["database"], "vendor": other}}))
    refused(target, f"备份来自 {other} 数据库")
    future = {**original["migrations"], "suggestions": "9999_from_the_future"}
    path.write_text(json.dumps({**original, "migrations": future}))
    refused(target, "suggestions.9999_from_the_future")
    path.write_text("{not json")
    refused(target, "manifest.json 已损坏")


@committed
def test_an_existing_non_empty_output_dir_is_refused(media, tmp_path):
    output = tmp_path / "backup"
    output.mkdir()
    (output / "keep.txt").write_text("mine")
    with pytest.raises(CommandError, match="不为空"):
        make_backup(output)
    assert [p.name for p in output.iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backup", "media"]


@committed
def test_an_empty_output_dir_is_used_and_a_failed_backup_leaves_nothing(
    media, tmp_path, monkeypatch
):
    make_backup(tmp_path / "empty")
    assert (tmp_path / "empty" / "manifest.json").is_file()

    def broken(target: Path) -> str:
        (target / "database.half").write_bytes(b"half")
        raise backup.BackupError("磁盘已满")

    monkeypatch.setattr(backup, "dump_database", broken)
    with pytest.raises(CommandError, match="磁盘已满"):
        make_backup(tmp_path / "failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "media"]


@committed
def test_the_output_may_not_lie_inside_media_root(media):
    with pytest.raises(CommandError, match="MEDIA_ROOT"):
        make_backup(media / "backup")


def test_a_missing_pg_dump_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(backup, "PG_SEARCH_PATH", str(tmp_path / "*" / "bin"))
    with pytest.raises(CommandError, match="postgresql-client"):
        backup.pg_tool("pg_dump")
    for version in ("9.6", "15", "16"):
        (tmp_path / version / "bin").mkdir(parents=True)
        (tmp_path / version / "bin" / "pg_dump").touch()
    assert backup.pg_tool("pg_dump") == str(tmp_path / "16" / "bin" / "pg_dump")


def test_the_password_goes_to_pg_dump_in_the_environment_only(monkeypatch, tmp_path):
    for key, value in {"HOST": "db.local", "PORT": 5433, "USER": "app", "NAME": "prod"}.items():
        monkeypatch.setitem(connection.settings_dict, key, value)
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "s3cret-pw")
    monkeypatch.setattr(backup, "pg_tool", lambda name: f"/usr/bin/{name}")
    calls = []

    def run(args, env, **kwargs):
        calls.append((args, env))
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(subprocess, "run", run)
    backup.dump_postgresql(tmp_path / "database.pgdump")
    args, env = calls[0]
    assert args[:3] == ["/usr/bin/pg_dump", "--format=custom", "--no-owner"]
    assert "--dbname=prod" in args and not any("s3cret" in a for a in args)
    assert env["PGPASSWORD"] == "s3cret-pw"
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"]) == ("db.local", "5433", "app")
