"""Every write of supervision (DESIGN §12): the year's weights, issuing an assessment, and
the campaigns. Keyword-only and atomic; the records on the items (spot checks, re-checks,
the outcome they change) are written through the suggestion services' follow_up_record,
so the timeline, the outcome ledger and the report read them as any other."""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
import uuid
from collections.abc import Iterable
from decimal import Decimal
from decimal import InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from departments import roles
from departments.models import Department
from departments.models import User
from notices import services as notices
from suggestions import services as item_services
from suggestions.bounds import check_text
from suggestions.models import FollowUp
from suggestions.models import Outcome
from suggestions.models import Suggestion
from supervision import selectors
from supervision.assessment import DEFAULT_WEIGHTS
from supervision.assessment import WEIGHT_FIELDS
from supervision.models import AssessmentWeights
from supervision.models import Evidence
from supervision.models import Finding
from supervision.models import IssuedAssessment
from supervision.models import Method
from supervision.models import RecheckCampaign
from supervision.models import RecheckItem
from supervision.models import SpotCheckCampaign
from supervision.models import SpotCheckItem

MAX_EVIDENCE_FILES = 10
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
EVIDENCE_NAME_MAX = 200
NAME_MAX = 100  # the campaigns' name


def _refuse(message: str, code: str = "invalid") -> None:
    raise ValidationError(message, code=code)


def _require_supervisor(actor: User) -> None:
    if not roles.may_supervise(actor):
        _refuse(roles.SUPERVISION_REFUSED, code="permission")


def _check_period(start: dt.date, end: dt.date, today: dt.date) -> None:
    if start > end:
        _refuse("期间的开始日期不能晚于结束日期。", code="period")
    if end > today:
        _refuse("期间的结束日期不能晚于今天。", code="period")


def _check_name(name: str) -> str:
    check_text(title=name)
    if not name.strip():
        _refuse("请填写名称。", code="name")
    if len(name.strip()) > NAME_MAX:
        _refuse(f"名称不能超过{NAME_MAX}个字符。", code="name")
    return name.strip()


# ---------------------------------------------------------------------------------------
# The assessment


def _weight(values: dict[str, Any], name: str) -> Decimal | int:
    raw = values.get(name, DEFAULT_WEIGHTS[name])
    label = AssessmentWeights._meta.get_field(name).verbose_name
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        _refuse(f"“{label}”应为数字。", code=name)
    if not value.is_finite() or value < 0 or value > 100:
        _refuse(f"“{label}”应在0至100之间。", code=name)
    if name == "minimum_items":
        if value != value.to_integral_value():
            _refuse(f"“{label}”应为整数。", code=name)
        return int(value)
    if value != value.quantize(Decimal("0.1")):
        _refuse(f"“{label}”最多保留一位小数。", code=name)
    return value


@transaction.atomic
def weights_save(
    *, year: int, values: dict[str, Any], actor: User, expected_version: int | None = None
) -> AssessmentWeights:
    """The office sets a year's weights and deductions; the history keeps every version."""
    if not roles.may_edit_assessment_weights(actor):
        _refuse("只有区政府办公室可以修改考核权重。", code="permission")
    if not 2000 <= year <= 2100:
        _refuse("年度不正确。", code="year")
    cleaned = {name: _weight(values, name) for name in WEIGHT_FIELDS}
    weights = AssessmentWeights.objects.select_for_update().filter(year=year).first()
    if weights is None:
        weights = AssessmentWeights(year=year, version=0)
    elif expected_version is not None and weights.version != expected_version:
        _refuse("考核权重已被他人修改，请刷新后重试。", code="conflict")
    for name, value in cleaned.items():
        setattr(weights, name, value)
    weights.version += 1
    weights.updated_by = actor
    weights._history_user = actor
    weights.save()
    return weights


@transaction.atomic
def assessment_issue(*, year: int, as_of: dt.date, actor: User) -> IssuedAssessment:
    """Freeze the assessment as computed now: later weights or records never change it."""
    _require_supervisor(actor)
    if as_of > timezone.localdate():
        _refuse("截至日期不能晚于今天。", code="as_of")
    data = selectors.assessment_compute_for(year, as_of)
    return IssuedAssessment.objects.create(year=year, as_of=as_of, data=data, issued_by=actor)


# ---------------------------------------------------------------------------------------
# Evidence files


def _short_name(name: str) -> str:
    name = Path(name or "佐证材料").name.strip() or "佐证材料"
    suffix = Path(name).suffix if len(Path(name).suffix) <= 10 else ""
    return name[: EVIDENCE_NAME_MAX - len(suffix)].removesuffix(suffix) + suffix


def _check_files(files: Iterable[File]) -> list[File]:
    files = list(files)
    if len(files) > MAX_EVIDENCE_FILES:
        _refuse(f"佐证材料最多{MAX_EVIDENCE_FILES}个文件。", code="files")
    for f in files:
        if f.size > MAX_EVIDENCE_BYTES:
            _refuse("单个佐证材料不能超过20MB。", code="files")
    return files


def _attach(files: list[File], actor: User, **owner) -> None:
    """Each file stored under a random name (as the reply letters are), its given name kept
    for display. Called last in the service: a failure deletes what was already stored."""
    stored: list[Evidence] = []
    try:
        for f in files:
            evidence = Evidence(
                name=_short_name(getattr(f, "name", "")), uploaded_by=actor, **owner
            )
            suffix = Path(evidence.name).suffix.lower()
            evidence.file.save(f"{uuid.uuid4().hex}{suffix}", f, save=False)
            stored.append(evidence)
            evidence.save()
    except BaseException:
        for evidence in stored:
            evidence.file.storage.delete(evidence.file.name)
        raise


# ---------------------------------------------------------------------------------------
# Spot-check campaigns


def draw_sample(population: dict[int, list[int]], percentage: int, seed: int) -> list[int]:
    """N % of each department's items (rounded up, at least one of a non-empty list), drawn
    with `seed`: the same population and seed always give the same sample."""
    rng = random.Random(seed)
    sample: list[int] = []
    for department_id in sorted(population):
        items = sorted(population[department_id])
        size = min(len(items), math.ceil(len(items) * percentage / 100))
        sample += sorted(rng.sample(items, size))
    return sample


@transaction.atomic
def spot_campaign_create(
    *,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    percentage: int,
    departments: Iterable[Department],
    actor: User,
    seed: int | None = None,
) -> SpotCheckCampaign:
    """Draw the sample of the period's resolved items and record it with its seed."""
    _require_supervisor(actor)
    name = _check_name(name)
    _check_period(period_start, period_end, timezone.localdate())
    if not 1 <= percentage <= 100:
        _refuse("抽查比例应在1%至100%之间。", code="percentage")
    departments = list(departments)
    if not departments:
        _refuse("请选择至少一个抽查单位。", code="departments")
    seed = secrets.randbelow(2**31) if seed is None else seed
    population = selectors.spot_population(
        actor, start=period_start, end=period_end, department_ids=[d.pk for d in departments]
    )
    sample = draw_sample(population, percentage, seed)
    if not sample:
        _refuse("所选期间和单位没有“已经解决”的建议，无法抽查。", code="empty")
    campaign = SpotCheckCampaign.objects.create(
        name=name,
        period_start=period_start,
        period_end=period_end,
        percentage=percentage,
        seed=seed,
        created_by=actor,
    )
    campaign.departments.set(departments)
    lead = {pk: department_id for department_id, pks in population.items() for pk in pks}
    SpotCheckItem.objects.bulk_create(
        SpotCheckItem(campaign=campaign, suggestion_id=pk, department_id=lead[pk]) for pk in sample
    )
    return campaign


def _spot_text(method: str, finding: str, notes: str) -> str:
    text = f"{Method(method).label}抽查，结论：{Finding(finding).label}。"
    return f"{text}{notes.strip()}" if notes.strip() else text


@transaction.atomic
def spot_check_record(
    *,
    item: SpotCheckItem,
    method: str,
    finding: str,
    notes: str,
    checked_on: dt.date,
    actor: User,
    files: Iterable[File] = (),
    reopen_to: str = Outcome.IN_PROGRESS,
    when: dt.datetime | None = None,
) -> SpotCheckItem:
    """One sampled item's spot check, recorded on the item; 不属实 reopens its outcome
    (to 正在解决 unless told) by a re-check dated the same day."""
    _require_supervisor(actor)
    check_text(findings=notes)
    item = SpotCheckItem.objects.select_for_update().get(pk=item.pk)
    if item.finding:
        _refuse("该件已登记抽查结论。", code="state")
    if method not in Method.values:
        _refuse("请选择抽查方式（实地走访或电话回访）。", code="method")
    if finding not in Finding.values:
        _refuse("请选择抽查结论（属实、基本属实或不属实）。", code="finding")
    if finding == Finding.UNTRUE and not notes.strip():
        _refuse("结论为不属实时，请填写情况说明。", code="notes")
    if reopen_to not in (Outcome.IN_PROGRESS, Outcome.PLANNED):
        _refuse("不属实的件只能改为“正在解决”或“计划解决”。", code="outcome")
    files = _check_files(files)
    suggestion = Suggestion.objects.get(pk=item.suggestion_id)
    item.follow_up = item_services.follow_up_record(
        suggestion=suggestion,
        actor=actor,
        kind=FollowUp.Kind.SPOT_CHECK,
        findings=_spot_text(method, finding, notes),
        happened_on=checked_on,
        consistent_with_reply=finding != Finding.UNTRUE,
        when=when,
    )
    suggestion.refresh_from_db()
    if finding == Finding.UNTRUE and suggestion.outcome != reopen_to:
        item.recheck = item_services.follow_up_record(
            suggestion=suggestion,
            actor=actor,
            kind=FollowUp.Kind.RECHECK,
            findings=f"抽查不属实，办理结果重新认定。{notes.strip()}",
            happened_on=checked_on,
            consistent_with_reply=False,
            new_outcome=reopen_to,
            when=when,
        )
    item.method, item.finding, item.notes = method, finding, notes.strip()
    item.checked_on, item.checked_by = checked_on, actor
    item.save(
        update_fields=[
            "method",
            "finding",
            "notes",
            "checked_on",
            "checked_by",
            "follow_up",
            "recheck",
        ]
    )
    _attach(files, actor, spot_item=item)
    return item


# ---------------------------------------------------------------------------------------
# Re-check campaigns


@transaction.atomic
def recheck_campaign_create(
    *,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    due_on: dt.date,
    actor: User,
) -> RecheckCampaign:
    """Every 正在解决 / 计划解决 item on the period's last day, per lead department, to be
    re-checked by `due_on`; each department is told of its items (复查任务)."""
    _require_supervisor(actor)
    name = _check_name(name)
    _check_period(period_start, period_end, timezone.localdate())
    if due_on < period_end:
        _refuse("复查期限不能早于期间的结束日期。", code="due_on")
    population = selectors.recheck_population(actor, end=period_end)
    if not population:
        _refuse("所选期间没有“正在解决”或“计划解决”的建议。", code="empty")
    campaign = RecheckCampaign.objects.create(
        name=name,
        period_start=period_start,
        period_end=period_end,
        due_on=due_on,
        created_by=actor,
    )
    RecheckItem.objects.bulk_create(
        RecheckItem(
            campaign=campaign,
            suggestion_id=row["pk"],
            department_id=row["lead_end"],
            outcome_before=row["outcome_end"],
            promised_on=row["promised_on"],
        )
        for row in population
    )
    items = Suggestion.objects.in_bulk([row["pk"] for row in population])
    notices.notify_recheck_task(
        tasks=[(items[row["pk"]], row["lead_end"]) for row in population],
        campaign=campaign.name,
        due_on=due_on,
    )
    return campaign


@transaction.atomic
def recheck_record(
    *,
    item: RecheckItem,
    new_outcome: str,
    findings: str,
    checked_on: dt.date,
    actor: User,
    files: Iterable[File] = (),
    when: dt.datetime | None = None,
) -> RecheckItem:
    """One campaign item's re-check, recorded on the item (跟踪复查): the outcome found,
    changed in the outcome ledger from `checked_on` when it differs."""
    _require_supervisor(actor)
    item = RecheckItem.objects.select_for_update().get(pk=item.pk)
    if item.checked_on:
        _refuse("该件已登记复查结果。", code="state")
    if new_outcome not in Outcome.values:
        _refuse("请选择复查后的办理结果。", code="outcome")
    files = _check_files(files)
    suggestion = Suggestion.objects.get(pk=item.suggestion_id)
    item.follow_up = item_services.follow_up_record(
        suggestion=suggestion,
        actor=actor,
        kind=FollowUp.Kind.RECHECK,
        findings=findings,
        happened_on=checked_on,
        consistent_with_reply=None,
        new_outcome=new_outcome if new_outcome != suggestion.outcome else "",
        when=when,
    )
    item.new_outcome, item.checked_on, item.checked_by = new_outcome, checked_on, actor
    item.save(update_fields=["new_outcome", "checked_on", "checked_by", "follow_up"])
    _attach(files, actor, recheck_item=item)
    return item
