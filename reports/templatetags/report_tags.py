from django import template
from django.http import QueryDict
from django.utils.html import format_html

from reports.narrative import pct as narrative_pct

register = template.Library()


@register.filter
def pct(value):
    """A percentage with one decimal, or "—" when it has no denominator."""
    return narrative_pct(value)


@register.simple_tag
def dept_sort(label, field, current, query):
    params = QueryDict(query, mutable=True)
    params["sort"] = field if current == f"-{field}" else f"-{field}"
    arrow = "▼" if current == f"-{field}" else "▲" if current == field else ""
    return format_html('<a href="?{}#departments">{}{}</a>', params.urlencode(), label, arrow)


@register.filter
def satisfaction_label(value):
    from suggestions.models import Satisfaction

    return Satisfaction(value).label if value in Satisfaction.values else "—"


@register.filter
def kind_label(value):
    from suggestions.models import Kind

    return Kind(value).label if value in Kind.values else ""


@register.filter
def source_label(value):
    from suggestions.models import Source

    return Source(value).label if value in Source.values else ""
