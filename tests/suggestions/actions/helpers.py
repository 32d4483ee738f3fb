"""Posting an action's HTML form as a browser does, and reading the page that comes back."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from suggestions.models import Suggestion

# Django's (or DRF's) Chinese "This field is required." (这个字段/该字段是必填项。)
REQUIRED = "字段是必填项。"


def today() -> dt.date:
    return timezone.localdate()


def iso(day: dt.date) -> str:
    return day.isoformat()


def action_url(s: Suggestion, name: str) -> str:
    return reverse("suggestions:action", args=[s.pk, name])


def detail_url(s: Suggestion) -> str:
    return reverse("suggestions:detail", args=[s.pk])


def fresh(s: Suggestion) -> Suggestion:
    return Suggestion.objects.get(pk=s.pk)


def field_error(page: str, field: str) -> str:
    """The text of the error paragraph rendered beside `field` (see includes/field.html)."""
    match = re.search(rf'<p class="error" id="id_{field}_error" role="alert">(.*?)</p>', page)
    return match.group(1) if match else ""


def radio_checked(page: str, name: str, value: str) -> bool:
    for tag in re.findall(r"<input[^>]*>", page):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return " checked" in tag
    raise AssertionError(f"no radio {name}={value}")


def hidden_version(page: str) -> int:
    match = re.search(r'<input type="hidden" name="version" value="(\d+)"', page)
    assert match, "no hidden version field"
    return int(match.group(1))


class _FormParser(HTMLParser):
    """What a browser submits for a form as rendered: inputs, checked radios and boxes,
    selected options, textareas (without the newline Django puts after the tag)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select = None
        self._multiple = False
        self._options: list[tuple[str, bool]] = []
        self._textarea = None
        self._text: list[str] = []

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self._add(name, a.get("value") or "")
        elif tag == "select":
            self._select, self._multiple, self._options = name, "multiple" in a, []
        elif tag == "option" and self._select:
            self._options.append((a.get("value") or "", "selected" in a))
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not self._multiple and self._options:
                chosen = [self._options[0][0]]  # a single select submits its first option
            for value in chosen:
                self._add(self._select, value)
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self._add(self._textarea, text[1:] if text.startswith("\n") else text)
            self._textarea = None


def browser_data(page: str) -> dict[str, list[str]]:
    """The fields of the page's action form, as a browser would post them unchanged."""
    start = page.index('<form method="post" novalidate')
    parser = _FormParser()
    parser.feed(page[start : page.index("</form>", start)])
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def submit(client, user, s: Suggestion, name: str, data: dict, message: str):
    """Open the form, post it with the version it carries; expect the redirect to the
    detail page with the success message."""
    client.force_login(user)
    form = client.get(action_url(s, name))
    assert form.status_code == 200
    assert hidden_version(form.content.decode()) == s.version
    response = client.post(action_url(s, name), {"version": s.version, **data})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == detail_url(s)
    page = client.get(response["Location"])
    assert message in page.content.decode()
    after = fresh(s)
    assert after.version == s.version + 1
    return after
