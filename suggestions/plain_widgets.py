"""A form renderer that writes the common widgets' HTML in Python (issue 17).

Django renders every widget through its template engine, and every option of a select or
every box of a checkbox list through two more templates (the option and its attributes):
on the suggestion list that was half of the page's rendering time. `PlainRenderer` writes
the same HTML, byte for byte, for the `<input>` widgets, `<select>` and the checkbox and
radio lists, from the context the widget builds as usual (`Widget.get_context`: names,
ids, values, the chosen options, `required`, `aria-*`, the type-ahead attributes), and
hands every other template to Django (tests/suggestions/test_plain_widgets.py compares
both). Forms opt in with `PlainForm` or their own `default_renderer`."""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"
# Templates that are `{% include "django/forms/widgets/input.html" %}` and nothing else.
INPUTS = frozenset(
    WIDGETS + name
    for name in (
        "input.html",
        "text.html",
        "number.html",
        "email.html",
        "url.html",
        "password.html",
        "hidden.html",
        "date.html",
        "datetime.html",
        "time.html",
        "search.html",
        "tel.html",
        "color.html",
        "checkbox.html",
    )
)
SELECT_OPTION = WIDGETS + "select_option.html"
INPUT_OPTION = WIDGETS + "input_option.html"
INPUT_OPTIONS = frozenset(
    (INPUT_OPTION, WIDGETS + "checkbox_option.html", WIDGETS + "radio_option.html")
)
MULTIPLE_INPUTS = frozenset(
    WIDGETS + name for name in ("multiple_input.html", "checkbox_select.html", "radio.html")
)


def _text(value) -> str:
    """`{{ value }}`: localized, escaped unless marked safe."""
    return conditional_escape(localize(value))


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`."""
    text = f"{value}"
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        ""
        if value is False
        else f" {_text(name)}"
        if value is True
        else f' {_text(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
    )


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html."""
    value = widget["value"]
    shown = "" if value is None else f' value="{_formatted(value)}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _input_option(option: dict) -> str:
    """checkbox_option.html or radio_option.html, which include input_option.html (a box
    with its label), which includes input.html: each file ends with a line break."""
    box = _input(option) + "\n"
    if option["wrap_label"]:
        option_id = option["attrs"].get("id")
        target = f' for="{_text(option_id)}"' if option_id else ""
        box = f"<label{target}>{box} {_text(option['label'])}</label>"
    return box + ("\n" if option["template_name"] == INPUT_OPTION else "\n\n")


def _options_are(optgroups, templates) -> bool:
    return all(
        option["template_name"] in templates for _, options, _ in optgroups for option in options
    )


def _select(widget: dict) -> str:
    """django/forms/widgets/select.html with select_option.html for each option."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group, options, _ in widget["optgroups"]:
        if group:
            parts.append(f'\n  <optgroup label="{_text(group)}">')
        parts.extend(
            f'\n  <option value="{_formatted(o["value"])}"{_attrs(o["attrs"])}>'
            f"{_text(o['label'])}</option>\n"
            for o in options
        )
        if group:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _multiple_input(widget: dict) -> str:
    """django/forms/widgets/multiple_input.html: checkbox or radio lists."""
    widget_id = widget["attrs"].get("id")
    css = widget["attrs"].get("class")
    parts = [
        "<div",
        f' id="{_text(widget_id)}"' if widget_id else "",
        f' class="{_text(css)}"' if css else "",
        ">",
    ]
    for group, options, _ in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_text(group)}</label>")
        parts.extend(f"<div>\n    {_input_option(option)}</div>" for option in options)
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def plain_html(template_name: str, widget: dict) -> str | None:
    """The widget's HTML as its Django template writes it, or None for a template that is
    not written here (Django renders it)."""
    if template_name in INPUTS:
        return _input(widget)
    if template_name == WIDGETS + "select.html":
        if _options_are(widget["optgroups"], {SELECT_OPTION}):
            return _select(widget)
    elif template_name in MULTIPLE_INPUTS and _options_are(widget["optgroups"], INPUT_OPTIONS):
        return _multiple_input(widget)
    return None


class PlainRenderer(DjangoTemplates):
    """Django's default renderer, with the common widgets written in Python."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if isinstance(widget, dict):
            html = plain_html(template_name, widget)
            if html is not None:
                return mark_safe(html.strip())
        return super().render(template_name, context, request=request)


PLAIN_RENDERER = PlainRenderer()


class PlainForm(forms.Form):
    """A form whose widgets render through `PlainRenderer`."""

    default_renderer = PLAIN_RENDERER
