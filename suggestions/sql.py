"""SQL expressions that more than one reader needs (the list's search, 我的待办)."""

from django.db.models import BooleanField
from django.db.models import Func


class InIds(Func):
    """`column IN (subquery)`, written `column = ANY(ARRAY(subquery))` on PostgreSQL.

    There the subquery runs once, before the scan, and its ids become an index condition
    that a bitmap OR combines with other conditions (the trigram scans of the title and
    content, another part's ids). An `IN` or `EXISTS` subquery inside an `OR` cannot be an
    index condition: PostgreSQL would read every item (bench/README.md, "关键词 search at
    1M items")."""

    output_field = BooleanField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        column, subquery = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{column[0]} IN {subquery[0]}", (*column[1], *subquery[1])

    def as_postgresql(self, compiler, connection, **extra_context):
        column, subquery = (compiler.compile(e) for e in self.get_source_expressions())
        return f"{column[0]} = ANY(ARRAY{subquery[0]})", (*column[1], *subquery[1])
