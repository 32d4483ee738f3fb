"""The import: check the file, then register its rows through the services, all in one
transaction or nothing.

The check reads and writes nothing that the write depends on being unchanged: a number
registered meanwhile by someone else breaks the unique constraint, and a draft edited
meanwhile fails `suggestion_update`'s version check, and either rolls the whole write
back. So the check runs before the write's transaction, where a queued import's progress
(rows checked) can be seen by the page that polls it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db import transaction
from django.utils import timezone

from departments.models import User
from suggestions import services
from suggestions.imports.rows import CREATE
from suggestions.imports.rows import UPDATE
from suggestions.imports.rows import ImportReport
from suggestions.imports.rows import ParsedRow
from suggestions.imports.rows import Progress
from suggestions.imports.rows import RowError
from suggestions.imports.rows import validate_file

VIA = "Excel导入"  # the history's change reason, and the end of each 登记 note
NUMBER_TAKEN_MEANWHILE = (
    "导入时发现编号已被他人同时登记，未导入任何数据。请重新上传文件预览后再确认。"
)


class RowRefused(Exception):
    def __init__(self, row: int, message: str):
        super().__init__(message)
        self.row = row
        self.message = message


def import_file(
    data: bytes,
    *,
    actor: User | None,
    filename: str = "",
    update: bool = False,
    dry_run: bool = False,
    when: dt.datetime | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate, then (unless `dry_run` or anything is wrong) import, in one transaction.

    Raises ImportFileError for an unreadable file, and the services' ValidationError for
    an actor who may not import; row problems come back in the report, with nothing
    written. `progress` hears how many rows are checked (see `validate_rows`).
    """
    today = timezone.localdate(when) if when else None
    report = validate_file(data, filename=filename, update=update, today=today, progress=progress)
    if report.errors or dry_run:
        return report
    if actor is None:
        raise ValueError("import_file() needs an actor unless dry_run")
    try:
        with transaction.atomic():
            _register(report.rows, actor=actor, when=when or timezone.now())
            report.imported = True
            return report
    except RowRefused as refused:
        report.errors.append(RowError(refused.row, "", refused.message))
    except IntegrityError:
        report.errors.append(RowError(0, "", NUMBER_TAKEN_MEANWHILE))
    report.imported = False
    for r in report.rows:
        if r.action == CREATE:
            r.existing = None
    return report


def _register(rows: Sequence[ParsedRow], *, actor: User, when: dt.datetime) -> None:
    """The new rows in bulk, as `suggestion_create` would register them one by one; the
    drafts marked for update one by one through `suggestion_update`. The caller's
    transaction makes it all rows or none."""
    try:
        services.suggestions_bulk_create(
            actor=actor, items=[r for r in rows if r.action == CREATE], when=when, via=VIA
        )
    except ValidationError as refusal:
        if getattr(refusal, "code", None) != "number":
            raise
        # Registered by someone else since the rows were checked.
        raise RowRefused(0, NUMBER_TAKEN_MEANWHILE) from refusal
    for r in rows:
        if r.action != UPDATE:
            continue
        try:
            services.suggestion_update(
                suggestion=r.existing,
                actor=actor,
                expected_version=r.existing.version,
                co_signers=r.co_signers,
                when=when,
                **r.fields(),
            )
        except ValidationError as refusal:
            raise RowRefused(r.row, refusal.messages[0]) from refusal
