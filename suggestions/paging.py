"""Pages of a long list at any size (issue 17): seek pages and a total only as exact as is
cheap.

- **The total** is counted up to `EXACT_UP_TO` rows, a bounded count whatever the size of
  the list. Past that, the list shows "约 N 件" from PostgreSQL's planner estimate, and
  the exact figure on request (`exact=1`). SQLite (the demo) has no estimate; there the
  count is exact.
- **Next and previous pages** seek from the row at the page's edge (keyset pagination):
  `cursor` carries that row's sort values, so page 20,000 costs what page 2 does. A page
  number (`page=N`) still works for a jump, at OFFSET's price. The cursor also carries the
  page number it leads to, shown as "第 k / M 页" and read by nothing else.

A cursor is read, never trusted: anything that does not decode is the first page.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import F
from django.db.models import Field
from django.db.models import Func
from django.db.models import Q
from django.db.models import QuerySet
from django.db.models import Value
from django.db.models.expressions import Combinable
from django.db.models.lookups import Exact
from django.db.models.lookups import GreaterThan
from django.db.models.lookups import GreaterThanOrEqual
from django.db.models.lookups import IsNull
from django.db.models.lookups import LessThan
from django.db.models.lookups import LessThanOrEqual

# Up to this many rows a list's total is counted exactly (a bounded count: a few
# milliseconds whatever the size of the table). Past it, the planner's estimate is shown.
EXACT_UP_TO = 10_000


@dataclass(frozen=True)
class Total:
    value: int
    exact: bool
    # More than `value`, by the bounded count, where the planner guessed no more than it:
    # "超过 N 件", and the pages have no numbers past the first.
    at_least: bool = False


def list_total(qs: QuerySet, *, exact: bool = False) -> Total:
    """How many rows `qs` has: exact up to `EXACT_UP_TO` (or on request, or on a
    database without estimates), otherwise the planner's estimate."""
    rows = qs.order_by()
    if exact:
        return Total(rows.count(), True)
    bounded = rows[: EXACT_UP_TO + 1].count()
    if bounded <= EXACT_UP_TO:
        return Total(bounded, True)
    estimate = planner_rows(rows)
    if estimate is None:
        return Total(rows.count(), True)
    if estimate <= EXACT_UP_TO:
        # The planner guessed low; the bounded count has already seen more than this.
        return Total(EXACT_UP_TO, False, at_least=True)
    return Total(estimate, False)


def planner_rows(qs: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows `qs` returns, or None where there is none."""
    connection = connections[qs.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = qs.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


# ---------------------------------------------------------------------------------------
# Keys of an order


@dataclass(frozen=True)
class Key:
    """One column of a list's order. `compare` is what both the order and the seek
    conditions read: the field, or an expression of it (the searched order's `year + 0`,
    which keeps the planner off the field's own index; the list's `-year`). NULLs sort
    last both ways."""

    name: str
    descending: bool = False
    nullable: bool = False
    compare: Combinable | None = None
    backwards: bool = False  # read from the end of the list: NULLs first
    # `compare` is the field negated (a number read descending as `-year` ascending, so
    # that the whole order runs one way and seeks by one row comparison).
    negated: bool = False

    @property
    def expression(self) -> Combinable:
        return self.compare if self.compare is not None else F(self.name)

    def order_by(self):
        expression = self.expression
        if not self.nullable:
            return expression.desc() if self.descending else expression.asc()
        nulls = {"nulls_first": True} if self.backwards else {"nulls_last": True}
        return expression.desc(**nulls) if self.descending else expression.asc(**nulls)


class _Row(Func):
    """A row value, `(a, b, c)`: compared as a whole by PostgreSQL and SQLite alike."""

    template = "(%(expressions)s)"
    output_field = Field()


def order_keys(model, names: Sequence[str | Key]) -> tuple[Key, ...]:
    """Keys for an order of `model` given Django-style (`"-due_on"`) or as `Key`s. The
    primary key ends every order unless the order is already unique."""
    keys = []
    for name in names:
        if isinstance(name, Key):
            keys.append(name)
            continue
        column = name.lstrip("-")
        keys.append(Key(column, name.startswith("-"), model._meta.get_field(column).null))
    if not _unique(model, keys):
        keys.append(Key("pk"))
    return tuple(keys)


def _unique(model, keys: list[Key]) -> bool:
    names = {key.name for key in keys}
    if "pk" in names or "id" in names:
        return True
    constraints = [tuple(c.fields) for c in model._meta.total_unique_constraints]
    return any(set(fields) <= names for fields in constraints)


# ---------------------------------------------------------------------------------------
# Cursors


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (or before) the row whose sort values are `values`,
    or the end of the list (`values` empty, backwards). `page` is the page's number."""

    values: tuple = ()
    backwards: bool = False
    page: int = 1

    def encode(self) -> str:
        raw = json.dumps(
            {"v": [_plain(v) for v in self.values], "b": self.backwards, "p": self.page},
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _plain(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def cursor_read(token: str | None, model, keys: Sequence[Key]) -> Cursor | None:
    """The cursor in `token`, its values converted back to the fields' types; None for
    anything that is not a cursor of this order."""
    if not token or len(token) > 2000:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        values, backwards, page = raw["v"], raw["b"], raw["p"]
    except (binascii.Error, ValueError, TypeError, KeyError):
        return None
    if not isinstance(values, list) or not isinstance(page, int) or not 0 <= page < 10**9:
        return None
    if values and len(values) != len(keys) or not values and not backwards:
        return None
    try:
        values = tuple(
            _typed(model, key, value)
            for key, value in zip(keys[: len(values)], values, strict=True)
        )
    except (ValidationError, TypeError, ValueError):
        return None
    return Cursor(values, bool(backwards), page)


def _typed(model, key: Key, value):
    if value is None:
        if not key.nullable:
            raise ValueError(key.name)
        return None
    if isinstance(value, (dict, list)):
        raise TypeError(key.name)
    model_field = model._meta.pk if key.name == "pk" else model._meta.get_field(key.name)
    return model_field.to_python(value)


def _seek(keys: Sequence[Key], values: tuple, *, backwards: bool) -> Q:
    """The rows strictly after (or before) the row with these sort values, in the order
    the keys give. Where every key runs one way and has no NULLs, one row comparison
    `(a, b, c) > (x, y, z)`, which a B-tree index on (a, b, c) answers by a single range
    scan; otherwise a lexicographic comparison, one OR branch per key, led by a bound on
    the first key that an index can start from."""
    values = tuple(
        -v if key.negated and v is not None else v for key, v in zip(keys, values, strict=True)
    )
    if not any(key.nullable for key in keys) and len({key.descending for key in keys}) == 1:
        later = keys[0].descending == backwards
        mine = _Row(*[key.expression for key in keys])
        theirs = _Row(*[Value(v) for v in values])
        return Q(GreaterThan(mine, theirs) if later else LessThan(mine, theirs))
    branches = []
    equal: list = []
    for key, value in zip(keys, values, strict=True):
        beyond = _beyond(key, value, backwards=backwards)
        if beyond is not None:
            branches.append(Q(*equal, beyond))
        equal.append(
            IsNull(key.expression, True) if value is None else Exact(key.expression, value)
        )
    condition = Q(pk__in=[])
    for branch in branches:
        condition |= branch
    lead = _bound(keys[0], values[0], backwards=backwards)
    return condition if lead is None else Q(lead) & condition


def _beyond(key: Key, value, *, backwards: bool):
    """The rows that sort strictly past `value` on this key (NULLs last both ways)."""
    later = key.descending == backwards  # the direction is "greater than"
    if value is None:
        # Past a NULL going forwards there is nothing; going backwards, every value.
        return IsNull(key.expression, False) if backwards else None
    past = GreaterThan(key.expression, value) if later else LessThan(key.expression, value)
    if key.nullable and not backwards:
        return Q(past) | Q(IsNull(key.expression, True))
    return past


def _bound(key: Key, value, *, backwards: bool):
    """The first key's inclusive bound: not needed for the answer, but the database can
    start reading its index there instead of at the list's beginning."""
    if value is None or key.nullable:
        return None
    later = key.descending == backwards
    return (
        GreaterThanOrEqual(key.expression, value)
        if later
        else LessThanOrEqual(key.expression, value)
    )


# ---------------------------------------------------------------------------------------
# A page


@dataclass
class SeekPage:
    """One page of a list, read like Django's `Page` by the templates: iterable, with its
    number, the total and the cursors of its neighbours."""

    object_list: list
    number: int
    total: Total
    per_page: int
    has_next: bool
    has_previous: bool
    keys: tuple[Key, ...] = field(repr=False, default=())

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total.value / self.per_page))

    def _values(self, row) -> tuple:
        return tuple(_value(row, key) for key in self.keys)

    # A page's number is 0 where it is not known (seeking back from the end of a list
    # whose total is only a lower bound).

    def next_cursor(self) -> str | None:
        if not self.has_next:
            return None
        number = self.number + 1 if self.number else 0
        return Cursor(self._values(self.object_list[-1]), False, number).encode()

    def previous_cursor(self) -> str | None:
        if not self.has_previous or self.number == 2:
            return None  # page 1 is the list without a cursor
        number = self.number - 1 if self.number else 0
        return Cursor(self._values(self.object_list[0]), True, number).encode()

    def last_cursor(self) -> str | None:
        if not self.has_next:
            return None
        return Cursor((), True, 0 if self.total.at_least else self.num_pages).encode()


def _value(row, key: Key):
    return row.pk if key.name == "pk" else getattr(row, key.name)


def seek_page(
    qs: QuerySet,
    keys: Sequence[Key],
    *,
    cursor: Cursor | None,
    page: int,
    per_page: int,
    total: Total,
) -> SeekPage:
    """The page that `cursor` (or, without one, the page number `page`) names, reading
    `per_page + 1` rows to know whether another page follows."""
    keys = tuple(keys)
    forward = [key.order_by() for key in keys]
    if cursor is None:
        page = max(1, min(page, math.ceil(total.value / per_page) or 1))
        offset = (page - 1) * per_page
        rows = list(qs.order_by(*forward)[offset : offset + per_page + 1])
        return SeekPage(
            rows[:per_page], page, total, per_page, len(rows) > per_page, page > 1, keys
        )
    if not cursor.backwards:
        rows = list(
            qs.filter(_seek(keys, cursor.values, backwards=False)).order_by(*forward)[
                : per_page + 1
            ]
        )
        return SeekPage(
            rows[:per_page], cursor.page, total, per_page, len(rows) > per_page, True, keys
        )
    backward = [_reversed(key).order_by() for key in keys]
    size = per_page
    if not cursor.values and total.exact:
        # The last page holds what is left after the full pages, as page numbers promise.
        size = total.value - (math.ceil(total.value / per_page) - 1) * per_page or per_page
    scoped = qs.filter(_seek(keys, cursor.values, backwards=True)) if cursor.values else qs
    rows = list(scoped.order_by(*backward)[: size + 1])
    rows_here = rows[:size][::-1]
    if len(rows) <= size and len(rows_here) < per_page:
        # Read back to the start with a short page left over (the pages from an estimated
        # end are not those from the start): the start is the first page, full.
        return seek_page(qs, keys, cursor=None, page=1, per_page=per_page, total=total)
    return SeekPage(
        rows_here, cursor.page, total, per_page, bool(cursor.values), len(rows) > size, keys
    )


def _reversed(key: Key) -> Key:
    """The key read backwards: the order flips and NULLs come first."""
    return replace(key, descending=not key.descending, backwards=True)


# The query parameters that name a page (the links to other pages replace them).
PAGE_PARAMS = ("page", "cursor")


def list_page(params, qs: QuerySet, keys: Sequence[Key], *, per_page: int) -> SeekPage:
    """The page of `qs` that the request's `cursor` or `page` names, with the total
    (exact if `exact=1`)."""
    total = list_total(qs, exact=params.get("exact") == "1")
    cursor = cursor_read(params.get("cursor"), qs.model, keys)
    number = params.get("page") or "1"
    page = int(number) if number.isascii() and number.isdigit() and len(number) < 10 else 1
    return seek_page(qs, keys, cursor=cursor, page=page, per_page=per_page, total=total)
