"""Type-ahead pickers (issue 14): deputies and departments chosen by typing part of a name.

The browser side is the vendored Tom Select (static/vendor/tom-select-*), started by
static/js/app.js on every `<select data-typeahead>`. Departments (a few dozen) are filtered
in the browser from the rendered options. Deputies can run to many hundreds, so their
`<select data-typeahead="<url>">` renders only the chosen deputies and Tom Select asks
`picker_options` for matches as the user types: the page no longer builds hundreds of
options, and the form still validates the posted id against its whole queryset."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.http import Http404
from django.http import JsonResponse
from django.urls import reverse_lazy
from django.views.decorators.http import require_GET

from departments import roles
from departments.models import Department
from departments.models import Deputy
from suggestions.bounds import search_words

MAX_MATCHES = 20
MAX_QUERY = 30


def deputy_label(deputy: Deputy) -> str:
    """A name with where the deputy comes from: two deputies may share a name."""
    where = deputy.delegation or deputy.get_level_display()
    return f"{deputy.name}（{where}）"


class _ChosenOnly:
    """Render only the options already chosen; the rest come from the server as typed."""

    def optgroups(self, name, value, attrs=None):
        everything = self.choices
        chosen = forms.models.ModelChoiceIterator(everything.field)
        chosen.queryset = everything.queryset.filter(pk__in=[v for v in value if v.isdigit()])
        self.choices = chosen
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = everything


DEPUTIES_URL = reverse_lazy("suggestions:picker", args=["deputies"])


class DeputySelect(_ChosenOnly, forms.Select):
    def __init__(self, attrs=None):
        super().__init__({"data-typeahead": DEPUTIES_URL, **(attrs or {})})


class DeputySelectMultiple(_ChosenOnly, forms.SelectMultiple):
    def __init__(self, attrs=None):
        super().__init__({"data-typeahead": DEPUTIES_URL, **(attrs or {})})


class DepartmentSelect(forms.Select):
    """All options rendered (a few dozen); Tom Select filters them as typed."""

    def __init__(self, attrs=None):
        super().__init__({"data-typeahead": "", **(attrs or {})})


class DepartmentSelectMultiple(forms.SelectMultiple):
    def __init__(self, attrs=None):
        super().__init__({"data-typeahead": "", **(attrs or {})})


def _deputies(query: str):
    words = query.split()
    found = Deputy.objects.filter(is_active=True)
    for word in words:
        found = found.filter(
            Q(name__icontains=word) | Q(delegation__icontains=word) | Q(workplace__icontains=word)
        )
    return [
        {"value": d.pk, "text": deputy_label(d)} for d in found.order_by("name", "id")[:MAX_MATCHES]
    ]


def _departments(query: str):
    found = Department.objects.filter(is_active=True).filter(
        Q(name__icontains=query) | Q(short_name__icontains=query)
    )
    return [{"value": d.pk, "text": d.name} for d in found.order_by("name")[:MAX_MATCHES]]


SOURCES = {"deputies": _deputies, "departments": _departments}


@require_GET
def picker_options(request, source: str):
    """`{"results": [{"value", "text"}]}`: the matches of `q`, at most 20, by name."""
    if source not in SOURCES or not roles.has_role(request.user):
        raise Http404("页面不存在。")
    query = search_words(request.GET.get("q"), MAX_QUERY)
    results = SOURCES[source](query) if query else []
    return JsonResponse({"results": results})  # no-store, as every logged-in answer
