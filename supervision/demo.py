"""The demo's supervision (DESIGN §12): the 2023 weights and the assessment as of
2023-12-31, issued; a finished spot check of the third quarter's resolved items; and the
fourth quarter's re-check campaign, half done.

Called by `suggestions.demo.scenario.load_demo` after the items (and before the notices).
Every record is made through the services, dated after 2023-09-30 so the reference
figures of DESIGN §6 stay exactly as they are; the spot checks all agree with the replies.
"""

from __future__ import annotations

import datetime as dt

from suggestions.models import Outcome
from suggestions.models import Status
from supervision import services
from supervision.assessment import DEFAULT_WEIGHTS
from supervision.models import Finding
from supervision.models import Method

YEAR = 2023
SPOT_SEED = 20231008
SPOT_DEPARTMENTS = (
    "区房管局",
    "区绿化市容局",
    "区建设管理委",
    "区卫生健康委",
    "区民政局",
    "区教育局",
)
SPOT_NOTES = {
    Finding.TRUE: "现场查看与代表回访，落实情况与答复一致。",
    Finding.MOSTLY_TRUE: "主要事项已落实，个别配套工作仍在推进，与答复基本一致。",
}


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    from suggestions.demo.build import at

    return at(day, hour)


def build_supervision(demo) -> None:
    services.weights_save(year=YEAR, values=dict(DEFAULT_WEIGHTS), actor=demo.office)
    _spot_campaign(demo)
    _recheck_campaign(demo)
    services.assessment_issue(year=YEAR, as_of=dt.date(YEAR, 12, 31), actor=demo.supervisor)


def _spot_campaign(demo) -> None:
    departments = [demo.departments[n] for n in SPOT_DEPARTMENTS if n in demo.departments]
    campaign = services.spot_campaign_create(
        name="2023年第三季度办复件抽查",
        period_start=dt.date(YEAR, 7, 1),
        period_end=dt.date(YEAR, 9, 30),
        percentage=10,
        departments=departments,
        actor=demo.supervisor,
        seed=SPOT_SEED,
    )
    day = dt.date(YEAR, 10, 16)
    for index, item in enumerate(campaign.items.order_by("pk")):
        finding = Finding.MOSTLY_TRUE if index % 4 == 3 else Finding.TRUE
        on = day + dt.timedelta(days=index % 10)
        services.spot_check_record(
            item=item,
            method=Method.VISIT if index % 2 == 0 else Method.CALLBACK,
            finding=finding,
            notes=SPOT_NOTES[finding],
            checked_on=on,
            actor=demo.supervisor,
            when=_at(on, 16),
        )


def _recheck_campaign(demo) -> None:
    campaign = services.recheck_campaign_create(
        name="2023年第四季度跟踪复查",
        period_start=dt.date(YEAR, 10, 1),
        period_end=dt.date(YEAR, 12, 31),
        due_on=dt.date(YEAR + 1, 1, 31),
        actor=demo.supervisor,
    )
    items = list(
        campaign.items.filter(suggestion__status__in=[Status.REPLIED, Status.CLOSED])
        .select_related("suggestion")
        .order_by("pk")
    )
    on = dt.date(YEAR + 1, 1, 15)
    # Half re-checked: every other one resolved, the rest found still under way.
    for index, item in enumerate(items[: len(items) // 2]):
        resolved = index % 2 == 0
        services.recheck_record(
            item=item,
            new_outcome=Outcome.RESOLVED if resolved else item.outcome_before,
            findings="现场复查，已按计划完成并经代表确认。"
            if resolved
            else "现场复查，工作仍在推进，计划完成时间不变。",
            checked_on=on,
            actor=demo.supervisor,
            when=_at(on, 15),
        )
