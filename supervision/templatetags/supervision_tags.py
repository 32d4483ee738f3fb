"""我的待办's 复查任务: the workspace template (suggestions) loads this tag, as it loads the
documents' buttons, so suggestions never imports supervision."""

from django import template
from django.utils import timezone

from supervision.selectors import recheck_tasks_for

register = template.Library()


@register.inclusion_tag("supervision/_tasks.html", takes_context=True)
def recheck_tasks(context):
    user = context["request"].user
    return {"tasks": recheck_tasks_for(user, today=timezone.localdate())}
