from django import template

from publication.masking import mask

register = template.Library()


@register.filter
def masked(value) -> str:
    """Every free text on a public page passes through here (autoescaped after)."""
    return mask(str(value) if value is not None else "")
