from django import template
from django.utils import timezone

from documents import content
from documents.views import BATCH_LIMIT

register = template.Library()


@register.inclusion_tag("documents/_buttons.html")
def document_buttons(suggestion):
    """下载Word / 下载PDF for each document the item has today (the rule of content.py)."""
    return {
        "suggestion": suggestion,
        "documents": content.available(suggestion, timezone.localdate()),
    }


@register.simple_tag
def batch_limit() -> int:
    """How many documents one file may hold (the list's print buttons say it)."""
    return BATCH_LIMIT
