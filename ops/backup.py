"""Backup and restore of the database and the uploaded files (等保 level 3).

A backup is a directory:

    manifest.json       format version, when, database vendor, migration state, and the
                        relative path, size and SHA-256 of every other file
    database.sqlite3    SQLite's online backup of the database (SQLite), or
    database.pgdump     `pg_dump --format=custom --no-owner` (PostgreSQL)
    media/…             everything under MEDIA_ROOT, relative paths kept

It is written into a hidden temporary directory beside the target and renamed at the end,
so a half-written backup never looks complete.

A restore checks every file against the manifest first and changes nothing when any file
is missing, extra, or differs in size or hash. It restores only into an *empty* database:
no rows in the tables of the project's apps (departments, which holds the users,
suggestions and reports), apart from the reference data the migrations fill
(`SEEDED_BY_MIGRATIONS`: the working-day calendar and the deadline policy). A freshly
migrated database, or one with no tables at all, is empty. On SQLite the backup API copies
the backup over the configured database; on PostgreSQL `pg_restore --clean --if-exists
--single-transaction` replaces whatever tables exist, all or nothing. Then the files are
copied into MEDIA_ROOT, which must hold no files.

Errors are `BackupError`, a `CommandError`, with a message in Chinese.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from pathlib import PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# The apps whose tables hold what people entered; the restore refuses when any has rows.
USER_DATA_APPS = ("departments", "suggestions", "reports")
# Filled by data migrations, so present in a freshly migrated (empty) database.
SEEDED_BY_MIGRATIONS = frozenset(
    {
        "suggestions.calendarday",
        "suggestions.deadlinepolicy",
        "suggestions.historicaldeadlinepolicy",
    }
)
PG_SEARCH_PATH = "/usr/lib/postgresql/*/bin"
CHUNK = 1024 * 1024


class BackupError(CommandError):
    """A backup or restore refused or failed; the message is for the operator."""


# Files and hashes ----------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def files_under(root: Path) -> list[str]:
    """Relative POSIX paths of the regular files under `root`, sorted."""
    if not root.is_dir():
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def describe_files(root: Path) -> list[dict[str, Any]]:
    """Path, size and SHA-256 of every file of a backup except the manifest."""
    return [
        {"path": rel, "size": (root / rel).stat().st_size, "sha256": sha256_of(root / rel)}
        for rel in files_under(root)
        if rel != MANIFEST
    ]


def copy_tree_files(source: Path, target: Path) -> int:
    """Copy every file under `source` to the same relative path under `target`."""
    names = files_under(source)
    for rel in names:
        destination = target / rel
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / rel, destination)
    return len(names)


# PostgreSQL tools ----------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """The path of pg_dump or pg_restore: on PATH, else the newest under PG_SEARCH_PATH."""
    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(os.path.join(PG_SEARCH_PATH, name))
    if candidates:
        return max(candidates, key=_version_key)
    raise BackupError(
        f"找不到 {name}：请安装 PostgreSQL 客户端（Debian/Ubuntu：apt-get install "
        "postgresql-client，版本不低于数据库服务器），或把它所在目录加入 PATH。"
    )


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parent.parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def pg_env() -> dict[str, str]:
    """The environment for pg_dump/pg_restore: the connection settings, the password in
    PGPASSWORD (never on the command line)."""
    db = connection.settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def run_tool(args: list[str], what: str) -> None:
    result = subprocess.run(args, env=pg_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        raise BackupError(f"{what}失败（退出码 {result.returncode}）：{detail}")


# Writing a backup ----------------------------------------------------------------------


def check_output_dir(output: Path) -> None:
    media = Path(settings.MEDIA_ROOT).resolve()
    if output.resolve().is_relative_to(media):
        raise BackupError(f"输出目录 {output} 位于 MEDIA_ROOT（{media}）之内，拒绝备份。")
    if output.exists() and not output.is_dir():
        raise BackupError(f"输出位置 {output} 已存在且不是目录，拒绝备份。")
    if output.is_dir() and any(output.iterdir()):
        raise BackupError(f"输出目录 {output} 已存在且不为空，拒绝覆盖；请指定新的或空的目录。")


def dump_database(target: Path) -> str:
    """Write the database into `target`; the file's name."""
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"不支持备份 {vendor} 数据库（只支持 SQLite 和 PostgreSQL）。")
    name = DATABASE_FILES[vendor]
    if vendor == "sqlite":
        dump_sqlite(target / name)
    else:
        dump_postgresql(target / name)
    return name


def dump_sqlite(path: Path) -> None:
    """SQLite's online backup API, from the configured database to a new file; the copy
    is switched out of WAL so it is one self-contained file."""
    connection.ensure_connection()
    destination = sqlite3.connect(path)
    try:
        connection.connection.backup(destination)
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()


def dump_postgresql(path: Path) -> None:
    name = str(connection.settings_dict["NAME"])
    args = [pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={path}"]
    run_tool([*args, f"--dbname={name}"], "pg_dump 导出数据库")


def migration_state() -> dict[str, str]:
    """The latest applied migration of each app."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, name), name)
    return dict(sorted(latest.items()))


def build_manifest(root: Path, database_file: str) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "created_at": timezone.localtime().isoformat(timespec="seconds"),
        "database": {"vendor": connection.vendor, "file": database_file},
        "migrations": migration_state(),
        "files": describe_files(root),
    }


def create_backup(output: Path) -> dict[str, Any]:
    """Back up the database and MEDIA_ROOT into `output` (absent or empty); the manifest."""
    output = output.absolute()
    check_output_dir(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{output.name}.partial-", dir=output.parent))
    try:
        database_file = dump_database(work)
        copy_tree_files(Path(settings.MEDIA_ROOT), work / MEDIA_DIR)
        manifest = build_manifest(work, database_file)
        text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        (work / MANIFEST).write_text(text, encoding="utf-8")
        check_output_dir(output)
        if output.is_dir():
            output.rmdir()
        work.rename(output)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


# Checking a backup ---------------------------------------------------------------------


def media_file_count(manifest: dict[str, Any]) -> int:
    """How many uploaded files the backup holds."""
    return sum(1 for f in manifest["files"] if f["path"].startswith(f"{MEDIA_DIR}/"))


def read_manifest(root: Path) -> dict[str, Any]:
    path = root / MANIFEST
    if not path.is_file():
        raise BackupError(f"{root} 中没有 {MANIFEST}：不是完整的备份，拒绝恢复。")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{MANIFEST} 已损坏（{exc}），拒绝恢复。") from exc
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{MANIFEST} 的格式版本不是 {FORMAT_VERSION}，拒绝恢复。")
    return manifest


def manifest_entries(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The manifest's files by path; a path that could leave the backup is refused."""
    entries: dict[str, dict[str, Any]] = {}
    files = manifest.get("files")
    if not isinstance(files, list) or not all(isinstance(e, dict) for e in files):
        raise BackupError(f"{MANIFEST} 中没有合法的文件清单，拒绝恢复。")
    for entry in files:
        rel = str(entry.get("path", ""))
        pure = PurePosixPath(rel)
        if not rel or pure.is_absolute() or ".." in pure.parts or rel == MANIFEST:
            raise BackupError(f"{MANIFEST} 中的文件路径不合法：{rel!r}，拒绝恢复。")
        entries[rel] = entry
    return entries


def file_problem(root: Path, rel: str, entry: dict[str, Any]) -> str | None:
    path = root / rel
    if not path.is_file():
        return f"备份已损坏：缺少文件 {rel}，拒绝恢复。"
    if path.stat().st_size != entry.get("size"):
        return f"备份已损坏：文件 {rel} 的大小与清单不符，拒绝恢复。"
    if sha256_of(path) != entry.get("sha256"):
        return f"备份已损坏：文件 {rel} 的 SHA-256 校验值与清单不符，拒绝恢复。"
    return None


def verify_backup(root: Path) -> dict[str, Any]:
    """The manifest, once every file matches it: none missing, none extra, none changed."""
    if not root.is_dir():
        raise BackupError(f"备份目录 {root} 不存在。")
    manifest = read_manifest(root)
    entries = manifest_entries(manifest)
    extra = sorted(set(files_under(root)) - set(entries) - {MANIFEST})
    if extra:
        raise BackupError(f"备份中有清单之外的文件 {extra[0]}，拒绝恢复。")
    for rel, entry in entries.items():
        problem = file_problem(root, rel, entry)
        if problem:
            raise BackupError(problem)
    database = manifest.get("database")
    if not isinstance(database, dict) or database.get("file") not in entries:
        raise BackupError(f"{MANIFEST} 未列出数据库文件，拒绝恢复。")
    return manifest


# Checking the target -------------------------------------------------------------------


def check_vendor(manifest: dict[str, Any]) -> None:
    vendor = manifest["database"].get("vendor")
    if vendor != connection.vendor:
        raise BackupError(f"备份来自 {vendor} 数据库，当前配置的是 {connection.vendor}，拒绝恢复。")
    if DATABASE_FILES.get(vendor) != manifest["database"]["file"]:
        raise BackupError(f"{MANIFEST} 中的数据库文件名与数据库类型不符，拒绝恢复。")


def check_migrations_known(manifest: dict[str, Any]) -> None:
    """Refuse a backup made by newer code: a migration it applied that this code lacks."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    for app, name in (manifest.get("migrations") or {}).items():
        if (app, name) not in graph.nodes:
            raise BackupError(
                f"备份中的迁移 {app}.{name} 在当前代码中不存在：备份来自更新的版本，"
                "请用相同或更新版本的系统恢复。"
            )


def user_data_tables() -> list[str]:
    """Tables of the project's apps that hold what people entered."""
    tables = []
    for app in USER_DATA_APPS:
        for model in apps.get_app_config(app).get_models(include_auto_created=True):
            if model._meta.label_lower not in SEEDED_BY_MIGRATIONS:
                tables.append(model._meta.db_table)
    return sorted(set(tables))


def tables_with_rows() -> list[str]:
    existing = set(connection.introspection.table_names())
    found = []
    with connection.cursor() as cursor:
        for table in user_data_tables():
            if table in existing:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                if cursor.fetchone():
                    found.append(table)
    return found


def check_database_empty() -> None:
    found = tables_with_rows()
    if found:
        shown = "、".join(found[:5]) + ("等" if len(found) > 5 else "")
        raise BackupError(
            f"目标数据库不是空的（{shown} 中有数据），拒绝恢复：恢复只能进行到空数据库"
            "（新建或刚执行过 migrate 的数据库）。"
        )


def check_media_empty() -> None:
    media = Path(settings.MEDIA_ROOT)
    if files_under(media):
        raise BackupError(f"MEDIA_ROOT（{media}）中已有文件，拒绝恢复上传文件；请指定空目录。")


# Restoring -----------------------------------------------------------------------------


def restore_sqlite(path: Path) -> None:
    """Copy the backup over the configured database with the online backup API. The
    backup is opened read-only and immutable, so no journal appears beside it."""
    source = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


def restore_postgresql(path: Path) -> None:
    """pg_restore into the configured database, all or nothing; existing (empty) tables
    of a migrated database are dropped and recreated from the dump."""
    name = str(connection.settings_dict["NAME"])
    connection.close()
    args = [pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction"]
    args += ["--clean", "--if-exists", f"--dbname={name}", str(path)]
    run_tool(args, "pg_restore 恢复数据库")


def restore_backup(root: Path) -> dict[str, Any]:
    """Check the backup and the target, then restore; the manifest."""
    root = root.absolute()
    manifest = verify_backup(root)
    check_vendor(manifest)
    check_migrations_known(manifest)
    if connection.vendor == "postgresql":
        pg_tool("pg_restore")
    check_database_empty()
    check_media_empty()
    database_file = root / manifest["database"]["file"]
    if connection.vendor == "sqlite":
        restore_sqlite(database_file)
    else:
        restore_postgresql(database_file)
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    copy_tree_files(root / MEDIA_DIR, media)
    return manifest


def pending_migrations() -> list[str]:
    """Migrations the code has and the restored database has not applied."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    return sorted(f"{a}.{n}" for a, n in loader.graph.nodes if (a, n) not in applied)
