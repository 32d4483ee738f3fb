import datetime as dt

import pytest

from supervision.models import IssuedAssessment
from supervision.models import RecheckCampaign
from supervision.models import SpotCheckCampaign
from supervision.selectors import assessment_compute_for
from tests.reports.conftest import demo  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_issued_assessment_and_two_campaigns(demo):  # noqa: F811
    issued = IssuedAssessment.objects.get(year=2023, as_of=dt.date(2023, 12, 31))
    rows = issued.data["departments"]
    ranked = [r for r in rows if r["rank"]]
    assert len(ranked) >= 5
    assert [r["rank"] for r in ranked] == sorted(r["rank"] for r in ranked)
    assert len({r["score"] for r in ranked}) > 1  # a ranking, not a tie of all
    # Issued is what computing now gives: nothing after it changed 2023's figures.
    assert assessment_compute_for(2023, dt.date(2023, 12, 31)) == issued.data

    spot = SpotCheckCampaign.objects.get()
    assert spot.items.count() > 0
    assert not spot.items.filter(finding="").exists()  # finished

    recheck = RecheckCampaign.objects.get()
    done = recheck.items.filter(checked_on__isnull=False).count()
    assert 0 < done < recheck.items.count()  # in progress
