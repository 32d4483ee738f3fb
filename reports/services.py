"""Issuing a report freezes its figures (who, when, what was sent)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from config.gongwen import cn_date
from departments import roles
from departments.models import User
from reports.models import IssuedReport
from reports.models import IssuedReportFile
from reports.narrative import narrative_sections
from reports.renderers import RENDERERS
from reports.renderers import report_to_dict
from reports.selectors import Scope
from reports.selectors import issued_report_for
from reports.selectors import report_get
from suggestions.models import Kind


@transaction.atomic
def report_issue(
    *, scope: Scope, as_of: dt.date, previous_as_of: dt.date | None, actor: User, today: dt.date
) -> IssuedReport:
    if not roles.may_issue_reports(actor):
        raise ValidationError(roles.ISSUE_REFUSED, code="permission")
    if as_of > today:
        raise ValidationError("截至日期还未到，不能印发该期报告。", code="date")
    if issued_report_for(scope, as_of) is not None:
        raise ValidationError(
            f"截至{cn_date(as_of)}的该范围报告已印发，已印发的报告不能重复印发或修改。",
            code="duplicate",
        )
    report = report_get(scope=scope, as_of=as_of, previous_as_of=previous_as_of)
    figures = report_to_dict(report)
    figures["counts"] = {
        "resolved": report.outcomes.resolved.count,
        "replied": report.replied,
    }
    # The sections, each a heading line and its paragraph; the first (总体情况) is the
    # overall paragraph of the JSON's "narrative", so it is not written twice.
    text = "\n\n".join(f"{heading}\n{body}" for heading, body in narrative_sections(report))
    title = (
        f"{settings.ORGANISATION_NAME}{Kind(scope.kind).label}办理情况报告（截至{cn_date(as_of)}）"
    )
    issued = IssuedReport.objects.create(
        title=title,
        year=scope.year,
        kind=scope.kind,
        source=scope.source or "",
        department_id=scope.department,
        as_of=as_of,
        previous_as_of=previous_as_of,
        figures=figures,
        narrative=text,
        issued_by=actor,
    )
    IssuedReportFile.objects.bulk_create(
        IssuedReportFile(report=issued, fmt=fmt, content=renderer.render(report))
        for fmt, renderer in RENDERERS.items()
    )
    return issued
