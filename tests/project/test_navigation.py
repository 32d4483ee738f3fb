"""The main navigation marks the page the user is on, and only that one: pages of other
apps whose URL names repeat (every app has a "list") mark nothing of the suggestions."""

import re

import pytest
from django.urls import reverse

CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">([^<]+)')


def marked(client, url: str) -> list[tuple[str, str]]:
    page = client.get(url).content.decode()
    nav = page[page.index('<nav class="mainnav"') : page.index("</nav>")]
    return CURRENT.findall(nav)


@pytest.mark.parametrize(
    ("view", "label"),
    [
        ("suggestions:home", "首页"),
        ("suggestions:workspace", "我的待办"),
        ("suggestions:list", "建议列表"),
        ("reports:dashboard", "督查看板"),
        ("reports:report", "统计报告"),
        ("suggestions:create", "登记建议"),
    ],
)
def test_the_page_in_view_is_marked(client, office, view, label):
    client.force_login(office)
    assert [text.strip() for _, text in marked(client, reverse(view))] == [label]


@pytest.mark.parametrize("view", ["notices:list", "downloads:list"])
def test_pages_outside_the_navigation_mark_nothing(client, office, view):
    client.force_login(office)
    assert marked(client, reverse(view)) == []
