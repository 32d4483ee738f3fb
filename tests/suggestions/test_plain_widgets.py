"""`PlainRenderer` writes the same HTML as Django's widget templates, byte for byte: the
list's filter form and the bulk-assign form, unbound, bound, chosen and in error, and
names, labels and attributes that need escaping."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from suggestions.filters import SuggestionFilter
from suggestions.forms import BulkAssignForm
from suggestions.plain_widgets import PLAIN_RENDERER
from suggestions.plain_widgets import plain_html
from tests.factories import CongressSessionFactory
from tests.factories import DepartmentFactory
from tests.factories import DeputyFactory

DJANGO = DjangoTemplates()


def both(form: forms.Form) -> list[tuple[str, str, str]]:
    """Each field rendered by Django's templates and by PlainRenderer."""
    out = []
    for name in form.fields:
        form.renderer = DJANGO
        expected = str(form[name])
        form.renderer = PLAIN_RENDERER
        out.append((name, expected, str(form[name])))
    return out


@pytest.fixture
def choices(db):
    odd = DepartmentFactory(name='区"房管"局<&>')
    DepartmentFactory(name="区建设管理委")
    deputy = DeputyFactory(name="陈<建>华")
    session = CongressSessionFactory()
    return odd, deputy, session


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        "chosen",
        {"year": "abc", "department": "999999", "status": ["nope"], "q": '<a href="x">&'},
    ],
)
def test_the_filter_form_renders_as_django_does(choices, data):
    odd, deputy, session = choices
    if data == "chosen":
        data = {
            "q": "电梯 维保",
            "year": "2024",
            "kind": "suggestion",
            "session": str(session.pk),
            "department": str(odd.pk),
            "department_role": "lead",
            "status": ["assigned", "in_progress"],
            "outcome": ["resolved"],
            "deadline": "overdue",
            "deputy": str(deputy.pk),
            "o": "-due_on",
        }
    form = SuggestionFilter(data).form
    if data:
        form.is_valid()
    for name, expected, plain in both(form):
        assert plain == expected, name


def test_the_bulk_assign_form_renders_as_django_does(choices):
    odd, _, _ = choices
    assert all(p == e for _, e, p in both(BulkAssignForm()))
    bound = BulkAssignForm({"lead": str(odd.pk), "co_departments": [str(odd.pk)], "ids": ["x"]})
    bound.is_valid()
    for name, expected, plain in both(bound):
        assert plain == expected, name


class Everything(forms.Form):
    text = forms.CharField(
        widget=forms.TextInput(attrs={"data-x": '"<>', "autofocus": True, "hidden": False}),
        help_text="帮助",
    )
    number = forms.IntegerField(required=False)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    hidden = forms.CharField(widget=forms.HiddenInput, initial=mark_safe("<b>safe</b>"))
    flag = forms.BooleanField(required=False)
    grouped = forms.ChoiceField(
        choices=[("", "无"), ("甲组", [("a", "A<1>"), ("b", 2)]), ("c", "C")], initial="b"
    )
    many = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B & b")], widget=forms.SelectMultiple, initial=["a", "b"]
    )
    radios = forms.ChoiceField(
        choices=[("x", "X"), ("组", [("y", "Y")])],
        widget=forms.RadioSelect(attrs={"class": "inline"}),
    )
    boxes = forms.MultipleChoiceField(
        choices=[(1, "一"), (2, "二")], widget=forms.CheckboxSelectMultiple, required=False
    )


def test_every_written_widget_renders_as_django_does():
    for form in (Everything(), Everything({"text": "", "flag": "on", "boxes": ["2"]})):
        form.is_valid()
        for name, expected, plain in both(form):
            assert plain == expected, name


def test_other_templates_are_left_to_django():
    assert plain_html("django/forms/widgets/textarea.html", {}) is None
    widget = forms.Textarea().get_context("t", "<x>", {"id": "t"})["widget"]
    assert PLAIN_RENDERER.render(widget["template_name"], {"widget": widget}).startswith(
        '<textarea name="t"'
    )
