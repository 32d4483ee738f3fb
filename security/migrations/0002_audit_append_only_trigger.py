"""On PostgreSQL the audit log refuses UPDATE and DELETE in the database itself, whoever
connects (DESIGN §13). The one exception is `prune`, which declares itself with
`SET LOCAL suggestions.audit_prune = 'on'` and may then delete only rows older than the
180-day minimum. TRUNCATE is left to the table's owner (the test runner empties tables
with it); the application's database role should not own the tables in production."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION security_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND current_setting('suggestions.audit_prune', true) = 'on'
       AND OLD.occurred_at < now() - interval '180 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '安全审计日志只能追加，不能修改或删除（%）', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER security_audit_append_only
    BEFORE UPDATE OR DELETE ON security_auditevent
    FOR EACH ROW EXECUTE FUNCTION security_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS security_audit_append_only ON security_auditevent;
DROP FUNCTION IF EXISTS security_audit_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("security", "0001_add_audit_and_lockout")]

    operations = [migrations.RunPython(create, drop)]
