"""Indexes for a million items (issue 17): the navigation's 待办计数 (partial indexes) and
the list sorted by its columns (bench/README.md, "待办计数 and list orders at 1M items").

A descending index serves e.g. `ORDER BY due_on DESC NULLS LAST, id`. SQLite cannot write NULLS
LAST in an index: there the same index is made in the plain descending order (SQLite puts
NULLs last in a descending order anyway).
"""

from django.conf import settings
from django.db import migrations, models


class AddIndexPlainOnSQLite(migrations.AddIndex):
    """AddIndex whose ordering modifiers (NULLS LAST) are left out where unsupported."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            plain = [
                models.F(e.expression.name).desc() if isinstance(e, models.OrderBy) else e
                for e in self.index.expressions
            ]
            schema_editor.add_index(model, models.Index(*plain, name=self.index.name))


def sort_indexes(field, name):
    """The list sorted by `field` (nulls last, ending on pk), ascending and descending."""
    return [
        migrations.AddIndex(
            model_name="suggestion",
            index=models.Index(fields=[field, "id"], name=f"sugg_{name}_asc"),
        ),
        AddIndexPlainOnSQLite(
            model_name="suggestion",
            index=models.Index(
                models.F(field).desc(nulls_last=True), models.F("id"), name=f"sugg_{name}_desc"
            ),
        ),
    ]


OPEN = models.Q(status__in=("assigned", "in_progress", "rework"))
WORKED = models.Q(merged_into__isnull=True, split_on__isnull=True)
# 待办计数 (suggestions.selectors.todo_count): partial indexes of its parts.
TODO_INDEXES = [
    models.Index(fields=["due_on"], condition=OPEN, name="sugg_open_due"),
    models.Index(fields=["id", "status"], condition=OPEN & WORKED, name="sugg_open_worked"),
    models.Index(
        fields=["id"],
        condition=models.Q(status="draft", merged_into__isnull=True),
        name="sugg_to_assign",
    ),
    models.Index(
        fields=["id"],
        condition=models.Q(status="replied", part_of__isnull=True),
        name="sugg_to_rate",
    ),
    models.Index(fields=["status"], condition=models.Q(key_supervision=True), name="sugg_key"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0004_add_password_policy_fields"),
        ("suggestions", "0015_search_bigram_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Replaced by sugg_status_due_asc, which also orders ties on pk.
        migrations.RemoveIndex(model_name="suggestion", name="sugg_status_due"),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["department", "suggestion"],
                condition=models.Q(is_active=True, role="lead"),
                name="assign_dept_lead",
            ),
        ),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                fields=["department", "suggestion"],
                condition=models.Q(is_active=True, role="co")
                & (models.Q(acknowledged_at__isnull=True) | models.Q(opinion="")),
                name="assign_dept_co_owing",
            ),
        ),
        migrations.AddIndex(
            model_name="suggestion",
            index=models.Index(fields=["status", "due_on", "id"], name="sugg_status_due_asc"),
        ),
        AddIndexPlainOnSQLite(
            model_name="suggestion",
            index=models.Index(
                models.F("status"),
                models.F("due_on").desc(nulls_last=True),
                models.F("id"),
                name="sugg_status_due_desc",
            ),
        ),
        *sort_indexes("due_on", "due"),
        *sort_indexes("assigned_on", "assigned"),
        *sort_indexes("first_replied_on", "replied"),
        *(
            migrations.AddIndex(
                model_name="suggestion",
                index=models.Index(fields=[field, "id"], name=f"sugg_{name}_asc"),
            )
            for field, name in (("received_on", "received"), ("number", "number"))
        ),
        *(migrations.AddIndex(model_name="suggestion", index=index) for index in TODO_INDEXES),
    ]
