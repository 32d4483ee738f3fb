"""Indexes of 我的待办 at a million items (issue 17): each section's first items read in
the section's order (bench/README.md, "我的待办 at 1M items").

- sugg_open_order: the open items by due date, year, number and id (the office's and the
  supervisor's 已超期 and 临期);
- sugg_open_worked_order: the same for the open items a department works on, with their
  status (a handler's items it leads, probed in assign_dept_lead as they are walked);
- assign_dept_co_opinion, assign_dept_co_unsigned: a co department's assignments without
  its opinion, or not acknowledged, by the opinion's due date.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('departments', '0004_add_password_policy_fields'),
        ('suggestions', '0017_list_seek_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(condition=models.Q(('is_active', True), ('opinion', ''), ('role', 'co')), fields=['department', 'opinion_due_on', 'suggestion'], name='assign_dept_co_opinion'),
        ),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(condition=models.Q(('acknowledged_at__isnull', True), ('is_active', True), ('role', 'co')), fields=['department', 'opinion_due_on', 'suggestion'], name='assign_dept_co_unsigned'),
        ),
        migrations.AddIndex(
            model_name='suggestion',
            index=models.Index(condition=models.Q(('status__in', ('assigned', 'in_progress', 'rework'))), fields=['due_on', 'year', 'number', 'id'], name='sugg_open_order'),
        ),
        migrations.AddIndex(
            model_name='suggestion',
            index=models.Index(condition=models.Q(('status__in', ('assigned', 'in_progress', 'rework')), ('merged_into__isnull', True), ('split_on__isnull', True)), fields=['due_on', 'year', 'number', 'id', 'status'], name='sugg_open_worked_order'),
        ),
    ]
