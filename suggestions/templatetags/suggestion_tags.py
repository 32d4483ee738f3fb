from django import template
from django.http import QueryDict
from django.utils.html import format_html

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.simple_tag
def sort_link(label, field, current, query):
    """A column header that sorts by `field`, toggling the direction, keeping the filters."""
    params = QueryDict(query, mutable=True)
    descending = current == field
    params["o"] = f"-{field}" if descending else field
    arrow = "▲" if current == field else "▼" if current == f"-{field}" else ""
    sort = "ascending" if current == field else "descending" if current == f"-{field}" else "none"
    url = f"?{params.urlencode()}"
    return format_html(
        '<a href="{}" hx-get="{}" hx-target="#results" hx-push-url="true" aria-sort="{}">{}{}</a>',
        url,
        url,
        sort,
        label,
        arrow,
    )
