"""/public/: published replies to anyone, nothing else, and never any personal data."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from publication.models import Disclosure
from suggestions.models import Outcome
from suggestions.models import Status
from tests.factories import DepartmentFactory
from tests.factories import DeputyFactory
from tests.public.conftest import EMAIL
from tests.public.conftest import ID_NUMBER
from tests.public.conftest import LANDLINE
from tests.public.conftest import MOBILE
from tests.public.conftest import SEEDED_TEXT

LIST = reverse("public:list")
# The rate limit's count: one INSERT … ON CONFLICT DO UPDATE (security.ratelimit).
RATE_LIMIT_QUERIES = 1
# + the search form's departments, the count, the page's rows (item, deputy, department).
LIST_QUERIES = RATE_LIMIT_QUERIES + 3
# + the reply with its item, deputy and department.
DETAIL_QUERIES = RATE_LIMIT_QUERIES + 1


def detail_url(d: Disclosure) -> str:
    return reverse("public:detail", args=[d.public_id])


def titles(response) -> list[str]:
    return sorted(d.reply.suggestion.title for d in response.context["page_obj"])


# ---------------------------------------------------------------------------------------
# Only published replies


def test_only_published_replies_are_listed_and_shown(client, replies):
    shown = replies.published(title="公开的建议")
    withheld = replies.withhold(replies.make(title="不公开的建议"))
    replies.make(title="未设置的建议")
    withdrawn = replies.published(title="撤回的建议")
    replies.withhold(withdrawn.reply, reason=Disclosure.Reason.OTHER, note="撤回。")
    voided = replies.published(title="作废的建议")
    voided.reply.suggestion.status = Status.VOIDED
    voided.reply.suggestion.save(update_fields=["status"])

    response = client.get(LIST)
    assert response.status_code == 200
    assert titles(response) == ["公开的建议"]
    html = response.content.decode()
    for hidden in ["不公开的建议", "未设置的建议", "撤回的建议", "作废的建议"]:
        assert hidden not in html

    page = client.get(detail_url(shown))
    assert page.status_code == 200
    assert "公开的建议" in page.content.decode()
    assert shown.reply.suggestion.lead_deputy.name in page.content.decode()
    assert "相关问题已经解决。" in page.content.decode()
    for d in (withheld, withdrawn, voided):
        missing = client.get(detail_url(d))
        assert missing.status_code == 404
        assert "未找到该公开答复" in missing.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/public/x/",
        "/public/AAAAAAAAAAAAAAAAAAAAAA/",
        "/public/" + "a" * 200 + "/",
        "/public/a/b/",
        "/public/a/b",
    ],
)
def test_unknown_addresses_are_404(client, replies, path):
    replies.published()
    response = client.get(path)
    assert response.status_code == 404
    assert "未找到该公开答复" in response.content.decode()
    assert "X-CSRFToken" not in response.content.decode()


def test_the_item_code_or_pk_does_not_open_a_reply(client, replies):
    d = replies.published()
    assert client.get(f"/public/{d.reply.suggestion.pk}/").status_code == 404
    assert client.get(f"/public/{d.reply.suggestion.code}/").status_code == 404


# ---------------------------------------------------------------------------------------
# Search


def test_search_by_year_department_outcome_and_words(client, replies):
    other = DepartmentFactory(name="区教育局")
    replies.published(year=2023, title="关于增设社区停车位的建议")
    replies.published(year=2024, title="关于停车收费的建议", outcome=Outcome.PLANNED)
    replies.published(
        year=2024, title="关于学校周边交通的建议", department=other, text="学校门口增设停车泊位。"
    )

    def found(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200
        return titles(response)

    assert found(year=2023) == ["关于增设社区停车位的建议"]
    assert found(department=other.pk) == ["关于学校周边交通的建议"]
    assert found(outcome=Outcome.PLANNED) == ["关于停车收费的建议"]
    # Words: in the title or the reply text; several words must all occur.
    assert found(q="停车") == sorted(
        ["关于增设社区停车位的建议", "关于停车收费的建议", "关于学校周边交通的建议"]
    )
    assert found(q="停车 收费") == ["关于停车收费的建议"]
    assert found(q="学校 泊位") == ["关于学校周边交通的建议"]
    assert found(q="停车 不存在的词") == []
    assert found(year=2024, q="停车", outcome=Outcome.RESOLVED) == ["关于学校周边交通的建议"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "abc"}, "年度须为四位数字"),
        ({"year": "99999999999999999999"}, "年度须在2000至2100之间"),
        ({"year": "1999"}, "年度须在2000至2100之间"),
        ({"department": "999999"}, "所选承办单位不存在"),
        ({"department": "x"}, "所选承办单位不存在"),
        ({"outcome": "nope"}, "所选办理结果不存在"),
        ({"q": "停车\x07"}, "控制字符"),
        ({"q": "停车\x00"}, "控制字符"),
        ({"q": "a b c d e f"}, "关键词最多5个"),
        ({"q": "x" * 101}, "关键词不能超过100个字符"),
        ({"q": MOBILE}, "不能按电话号码"),
        ({"q": EMAIL}, "不能按电话号码"),
        ({"page": "-1"}, ""),
        ({"page": "zzz"}, ""),
    ],
)
def test_bad_search_values_are_explained_never_a_500(client, replies, params, message):
    replies.published(title="关于停车的建议", text=SEEDED_TEXT)
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    # The bad filter is left out; the list still shows the published reply.
    assert titles(response) == ["关于停车的建议"]


# ---------------------------------------------------------------------------------------
# Personal data: scanned on the rendered pages, with patterns written here, not the app's

SCANS = {
    "mobile": re.compile(r"(?<!\d)1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)"),
    "landline": re.compile(r"(?<!\d)0\d{2,3}[\s-]?\d{7,8}(?!\d)"),
    "id number": re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)"),
    "e-mail": re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),
}


def scan(html: str) -> dict[str, list[str]]:
    return {name: p.findall(html) for name, p in SCANS.items() if p.findall(html)}


def test_no_personal_data_on_any_public_page(client, replies, settings):
    deputy = DeputyFactory(name="王五", phone=MOBILE)
    seeded = [
        replies.published(
            title=f"关于联系电话{MOBILE}的建议", text=SEEDED_TEXT, lead_deputy=deputy
        ),
        replies.published(text=f"身份证号：{ID_NUMBER.lower()}。"),
        replies.published(text=f"来信请寄 {EMAIL.upper()} 或致电（021）62581234转8、138 1234 5678"),
    ]
    pages = [LIST, LIST + "?q=建议", LIST + "?page=2", "/public/nothing-here-at-all/"]
    pages += [detail_url(d) for d in seeded]
    for url in pages:
        html = client.get(url).content.decode()
        assert scan(html) == {}, url
        for value in (MOBILE, ID_NUMBER, ID_NUMBER.lower(), EMAIL, LANDLINE, "13700001111"):
            assert value not in html, (url, value)
    # The reply text is there, with the personal data replaced.
    html = client.get(detail_url(seeded[0])).content.decode()
    assert "问题已经解决" in html
    assert "［电话已隐去］" in html and "［证件号已隐去］" in html and "［邮箱已隐去］" in html
    # The 429 page too.
    settings.PUBLIC_RATE_LIMIT = 0
    throttled = client.get(detail_url(seeded[0]))
    assert throttled.status_code == 429
    assert scan(throttled.content.decode()) == {}


@pytest.mark.parametrize("word", ["zhang", "example", "1391234", "581234", "19800101"])
def test_masked_data_cannot_be_found_by_searching_for_part_of_it(client, replies, word):
    replies.published(text=SEEDED_TEXT)
    response = client.get(LIST, {"q": word})
    assert response.status_code == 200
    assert titles(response) == []
    # While a word of the text that is shown finds it.
    assert len(titles(client.get(LIST, {"q": "张科长 已经解决"}))) == 1


def test_the_scan_itself_finds_what_is_seeded():
    """The scan would catch the seeded data if the masking failed."""
    found = scan(SEEDED_TEXT)
    assert set(found) == {"mobile", "landline", "id number", "e-mail"}


# ---------------------------------------------------------------------------------------
# The page's shape: anyone, no staff navigation, no CSRF token, the CSP


def test_public_pages_carry_no_staff_navigation_or_csrf(client, office, replies):
    d = replies.published()
    for c_user in (None, office):
        if c_user:
            client.force_login(c_user)
        for url in (LIST, detail_url(d), "/public/unknown-address-0000/"):
            response = client.get(url)
            html = response.content.decode()
            assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html
            assert "我的待办" not in html and "退出" not in html
            assert "script-src" in response["Content-Security-Policy"]
            assert "<script" not in html
    assert 'method="get"' in client.get(LIST).content.decode()


def test_post_is_refused(client, replies):
    d = replies.published()
    assert client.post(LIST).status_code == 405
    assert client.post(detail_url(d)).status_code == 405


# ---------------------------------------------------------------------------------------
# Fixed query count


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("n", [1, 50])
def test_list_runs_a_fixed_number_of_queries(client, replies, n):
    for _ in range(n):
        replies.published()
    assert count(client, LIST + "?q=建议&year=2024") == LIST_QUERIES


@pytest.mark.parametrize("n", [1, 50])
def test_detail_runs_a_fixed_number_of_queries(client, replies, n):
    published = [replies.published() for _ in range(n)]
    assert count(client, detail_url(published[-1])) == DETAIL_QUERIES


def test_a_bad_year_stays_in_its_box_to_be_corrected(client, replies):
    """The box is text, not type=number (which a browser blanks when it holds "abc")."""
    page = client.get(LIST, {"year": "abc"}).content.decode()
    box = re.search(r'<input[^>]*name="year"[^>]*>', page).group(0)
    assert 'type="text"' in box and 'value="abc"' in box and 'inputmode="numeric"' in box
