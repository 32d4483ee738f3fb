import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from suggestions.models import Outcome
from supervision import services
from supervision.models import RecheckCampaign
from supervision.models import RecheckItem
from supervision.models import SpotCheckCampaign
from supervision.models import SpotCheckItem
from tests.factories import DepartmentFactory
from tests.factories import SuggestionFactory
from tests.factories import handler_user
from tests.supervision.conftest import JAN
from tests.supervision.conftest import recheck_campaign

pytestmark = pytest.mark.django_db

ASSESSMENT = reverse("supervision:assessment")


def refused_then_saved(client, url: str, form: dict, shown: str, fix: dict) -> None:
    """The form refused (the page again, showing `shown`), then saved once fixed."""
    refused = client.post(url, form)
    assert refused.status_code == 200 and shown in refused.text
    assert client.post(url, form | fix).status_code == 302


@pytest.fixture
def campaign(desks, supervisor):
    desks["A"].replied(Outcome.IN_PROGRESS, dt.date(2024, 3, 1), JAN)
    desks["B"].replied(Outcome.PLANNED, dt.date(2024, 3, 1), JAN)
    return recheck_campaign(supervisor)


def test_a_handler_sees_only_its_departments_campaign_items(
    client, campaign, lead_handler, other_handler
):
    mine = campaign.items.get(department=lead_handler.department)
    theirs = campaign.items.exclude(department=lead_handler.department).get()
    client.force_login(lead_handler)
    page = client.get(reverse("supervision:recheck_detail", args=[campaign.pk]))
    assert page.status_code == 200
    assert mine.suggestion.title in page.text
    assert theirs.suggestion.title not in page.text
    assert "登记复查" not in page.text
    # Its 我的待办 lists its task, not the other department's.
    work = client.get(reverse("suggestions:workspace")).text
    assert "复查任务" in work and mine.suggestion.title in work
    assert theirs.suggestion.title not in work
    # Recording, another department's item and the campaign lists are not for it.
    assert client.get(reverse("supervision:recheck_record", args=[mine.pk])).status_code == 403
    assert client.get(reverse("supervision:recheck_list")).status_code == 403
    assert client.get(ASSESSMENT).status_code == 403
    client.force_login(other_handler)
    assert client.get(reverse("supervision:recheck_detail", args=[campaign.pk])).status_code == 404


def test_the_supervisor_records_a_recheck_through_the_page(client, campaign, supervisor):
    item = campaign.items.first()
    client.force_login(supervisor)
    url = reverse("supervision:recheck_record", args=[item.pk])
    bad = client.post(
        url, {"new_outcome": "resolved", "checked_on": "2024-13-01", "findings": "已完成"}
    )
    assert bad.status_code == 200 and "已完成" in bad.text  # what was typed is kept
    response = client.post(
        url, {"new_outcome": Outcome.RESOLVED, "checked_on": "2024-10-08", "findings": "已完成。"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.new_outcome == Outcome.RESOLVED
    page = client.get(reverse("supervision:recheck_detail", args=[campaign.pk])).text
    assert "已经解决" in page


def test_assessment_page_download_and_issue(client, scenario, supervisor, office):
    client.force_login(supervisor)
    page = client.get(ASSESSMENT, {"year": 2024, "as_of": "2024-12-31", "sort": "-score"})
    assert page.status_code == 200
    text = page.text
    assert text.index("区建设管理委") < text.index("区房管局")
    assert "样本不足" in text and "<svg" in text
    for query in ({"year": "abc"}, {"year": 2024, "as_of": "x"}, {"year": 2024, "sort": "zz"}):
        assert client.get(ASSESSMENT, query).status_code == 200
    download = client.get(reverse("supervision:assessment_download"), {"year": 2024})
    ws = openpyxl.load_workbook(io.BytesIO(download.content)).active
    assert ws.cell(4, 2).value == "区建设管理委"
    response = client.post(
        reverse("supervision:assessment_issue"), {"year": 2024, "as_of": "2024-12-31"}
    )
    assert response.status_code == 302
    assert "已于" in client.get(ASSESSMENT, {"year": 2024, "as_of": "2024-12-31"}).text
    client.force_login(office)
    weights = reverse("supervision:weights", args=[2025])
    assert client.get(weights).status_code == 200
    form = {
        "on_time": "40",
        "resolution": "30",
        "satisfaction": "20",
        "follow_up": "10",
        "unsatisfied_deduction": "2",
        "overdue_deduction": "abc",
        "minimum_items": "3",
    }
    refused_then_saved(client, weights, form, 'value="40"', {"overdue_deduction": "1"})


# ---------------------------------------------------------------------------------------
# Query counts: the same for 1 and 50 rows


def _items(n: int, department):
    return [
        SuggestionFactory(title=f"关于第{i}号的建议", status="replied", outcome=Outcome.PLANNED)
        for i in range(n)
    ]


@pytest.fixture
def many(supervisor, lead_department):
    def make(n: int):
        spot = SpotCheckCampaign.objects.create(
            name="抽查",
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2024, 6, 30),
            percentage=10,
            seed=1,
            created_by=supervisor,
        )
        recheck = RecheckCampaign.objects.create(
            name="复查",
            period_start=dt.date(2024, 1, 1),
            period_end=dt.date(2024, 6, 30),
            due_on=dt.date(2024, 7, 31),
            created_by=supervisor,
        )
        for s in _items(n, lead_department):
            SpotCheckItem.objects.create(campaign=spot, suggestion=s, department=lead_department)
            RecheckItem.objects.create(
                campaign=recheck,
                suggestion=s,
                department=lead_department,
                outcome_before=Outcome.PLANNED,
            )
        for i in range(n - 1):
            SpotCheckCampaign.objects.create(
                name=f"抽查{i}",
                period_start=dt.date(2024, 1, 1),
                period_end=dt.date(2024, 6, 30),
                percentage=10,
                seed=i,
                created_by=supervisor,
            )
            RecheckCampaign.objects.create(
                name=f"复查{i}",
                period_start=dt.date(2024, 1, 1),
                period_end=dt.date(2024, 6, 30),
                due_on=dt.date(2024, 7, 31),
                created_by=supervisor,
            )
        return spot, recheck

    return make


# session, user, groups, the campaigns, their progress, the navigation's two counts, the
# form's departments
LIST_QUERIES = 8
# session, user, groups, the campaign, its items (with item and department), their
# evidence, the navigation's two counts
DETAIL_QUERIES = 8


@pytest.mark.parametrize("n", [1, 50])
def test_campaign_pages_run_a_fixed_number_of_queries(
    client, supervisor, many, n, django_assert_num_queries
):
    spot, recheck = many(n)
    client.force_login(supervisor)
    # (the re-check campaign's form has no departments to read)
    for url, count in (
        (reverse("supervision:spot_list"), LIST_QUERIES),
        (reverse("supervision:recheck_list"), LIST_QUERIES - 1),
    ):
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200
    for url in (
        reverse("supervision:spot_detail", args=[spot.pk]),
        reverse("supervision:recheck_detail", args=[recheck.pk]),
    ):
        with django_assert_num_queries(DETAIL_QUERIES):
            page = client.get(url)
        assert page.status_code == 200
        assert page.text.count("关于第") == n


@pytest.mark.parametrize("n", [1, 50])
def test_assessment_page_runs_a_fixed_number_of_queries(
    client, supervisor, desks, n, django_assert_num_queries
):
    items = desks["A"]
    for i in range(n):
        items.department = DepartmentFactory(name=f"街道办事处{i}")
        items.handler = handler_user(items.department, username=f"street{i}")
        items.replied(Outcome.PLANNED, dt.date(2024, 3, 1), JAN)
    client.force_login(supervisor)
    # session, user, groups; the issued assessment, the year's weights; the grouped
    # figures, the 不满意 list and its follow-ups, the follow-up list's rounds and their
    # follow-up records; the navigation's two counts
    with django_assert_num_queries(12):
        page = client.get(ASSESSMENT, {"year": 2024, "as_of": "2024-12-31"})
    assert page.status_code == 200
    assert page.text.count("街道办事处") >= n


def test_the_spot_check_page_records_a_finding_with_evidence(
    client, desks, supervisor, lead_handler, lead_department, co_department, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    mine = desks["A"].replied(Outcome.RESOLVED, dt.date(2024, 3, 1), JAN)
    theirs = desks["B"].replied(Outcome.RESOLVED, dt.date(2024, 3, 1), JAN)
    campaign = services.spot_campaign_create(
        name="上半年抽查",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 6, 30),
        percentage=100,
        departments=[lead_department, co_department],
        actor=supervisor,
        seed=5,
    )
    item = campaign.items.get(suggestion=mine)
    client.force_login(supervisor)
    url = reverse("supervision:spot_record", args=[item.pk])
    form = {
        "method": "visit",
        "finding": "untrue",
        "reopen_to": "planned",
        "checked_on": "2024-07-15",
        "notes": "",
    }
    fix = {"notes": "整改未完成。", "files": [SimpleUploadedFile("照片.jpg", b"jpg")]}
    refused_then_saved(client, url, form, "请填写情况说明", fix)
    item.refresh_from_db()
    assert item.finding == "untrue"
    evidence = item.evidence.get()
    download = client.get(reverse("supervision:evidence", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"jpg"
    sheet = client.get(reverse("supervision:spot_download", args=[campaign.pk]))
    ws = openpyxl.load_workbook(io.BytesIO(sheet.content)).active
    assert {ws.cell(r, 6).value for r in range(4, ws.max_row + 1)} == {"不属实", "未抽查"}
    # The handler of 区房管局 sees its item and its evidence, not 区建设管理委's item.
    client.force_login(lead_handler)
    page = client.get(reverse("supervision:spot_detail", args=[campaign.pk])).text
    assert mine.title in page and theirs.title not in page
    assert client.get(reverse("supervision:evidence", args=[evidence.pk])).status_code == 200
    other = campaign.items.get(suggestion=theirs)
    assert client.get(reverse("supervision:spot_record", args=[other.pk])).status_code == 403
