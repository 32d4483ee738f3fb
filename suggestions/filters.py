"""One FilterSet for the suggestion list: the page, the API and the Excel export use it."""

import re
from collections.abc import Sequence

import django_filters
from django import forms
from django.db.models import BooleanField
from django.db.models import Exists
from django.db.models import F
from django.db.models import Func
from django.db.models import OuterRef
from django.db.models import Q
from django.db.models import Subquery
from django.db.models.lookups import IContains
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from departments.models import CongressSession
from departments.models import Department
from departments.models import Deputy
from suggestions.models import Assignment
from suggestions.models import Kind
from suggestions.models import Outcome
from suggestions.models import Satisfaction
from suggestions.models import Source
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.models import Topic
from suggestions.paging import Key
from suggestions.paging import order_keys
from suggestions.pickers import DepartmentSelect
from suggestions.pickers import DeputySelect
from suggestions.plain_widgets import PlainForm
from suggestions.selectors import DeadlineState
from suggestions.selectors import DueSoon
from suggestions.selectors import filter_due_soon
from suggestions.selectors import filter_on_track
from suggestions.selectors import filter_overdue
from suggestions.sql import InIds
from suggestions.workspace import TODO_LABELS
from suggestions.workspace import todo_section

MAX_SEARCH_WORDS = 8


def _code_condition(word: str) -> Q | None:
    """ "2023建012" (建 = 代表建议, 社 = 社区意见建议) or a bare number names an item."""
    code = re.fullmatch(r"(20\d{2})?\s*([建社])?\s*0*(\d{1,9})", word)
    if not code:
        return None
    year, prefix, number = code.groups()
    by_code = Q(number=int(number))
    if year:
        by_code &= Q(year=int(year))
    if prefix:
        by_code &= Q(kind=Kind.SUGGESTION if prefix == "建" else Kind.COMMUNITY_OPINION)
    return by_code


class HasWord(Func):
    """`field` contains `word`, ignoring case: `icontains`, except for a two-character word
    on PostgreSQL, which trigrams cannot find (a trigram needs three characters, and most
    Chinese words and names have two). There it is looked up among the text's character
    pairs, which the bigram indexes of migration 0014 hold; for two characters the two
    conditions are the same."""

    output_field = BooleanField()
    arity = 1

    def __init__(self, field: str, word: str):
        super().__init__(F(field))
        self.word = word

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(IContains(self.get_source_expressions()[0], self.word))

    def as_postgresql(self, compiler, connection, **extra_context):
        if len(self.word) != 2:
            return self.as_sql(compiler, connection, **extra_context)
        column, params = compiler.compile(self.get_source_expressions()[0])
        return (
            f"search_bigrams(UPPER({column}::text)) @> ARRAY[UPPER(%s)]",
            (*params, self.word),
        )


def _word_condition(word: str) -> Q:
    """One word matches the number, title, content, the lead or a co-signing deputy, or a
    department holding an active assignment. Each related table answers with the ids of
    the items it matches (`InIds`), so an item is never repeated, no DISTINCT is needed,
    and on PostgreSQL every branch of the `OR` is an index scan.

    The lead deputy's items come as ids too, rather than as `lead_deputy_id = ANY(…)`:
    PostgreSQL guesses that such a list of deputies holds ten, finds a few thousand items
    per deputy, and would then read the list in page order testing every item, for a word
    that matches a few hundred."""
    # Unordered: the models' default orderings would sort every id list.
    deputies = Deputy.objects.filter(name__icontains=word).order_by().values("pk")
    led = Suggestion.objects.filter(lead_deputy_id__in=Subquery(deputies)).order_by().values("pk")
    cosigned = (
        Suggestion.co_signers.through.objects.filter(deputy_id__in=Subquery(deputies))
        .order_by()
        .values("suggestion_id")
    )
    departments = (
        Department.objects.filter(Q(name__icontains=word) | Q(short_name__icontains=word))
        .order_by()
        .values("pk")
    )
    held = (
        Assignment.objects.filter(department_id__in=Subquery(departments), is_active=True)
        .order_by()
        .values("suggestion_id")
    )
    condition = (
        Q(HasWord("title", word))
        | Q(HasWord("content", word))
        | Q(InIds(F("pk"), Subquery(led)))
        | Q(InIds(F("pk"), Subquery(cosigned)))
        | Q(InIds(F("pk"), Subquery(held)))
    )
    by_code = _code_condition(word)
    return condition | by_code if by_code is not None else condition


def search_text(queryset, value: str):
    """关键词: the words (split on spaces) must each match one of the searched fields."""
    words = (value or "").replace("\u3000", " ").split()[:MAX_SEARCH_WORDS]
    for word in words:
        queryset = queryset.filter(_word_condition(word))
    return queryset


# The list's order: a split item's parts (same number) by their part number, which makes
# the order unique, so seek pages (suggestions/paging.py) need no tie-breaker.
# The year runs backwards as `-year` ascending, so the whole order runs one way: a page
# seeks with one row comparison on the index `sugg_list_seek` (-year, kind, number,
# part_no), a single range scan however deep the page.
LIST_KEYS = (
    Key("year", compare=F("year") * -1, negated=True),
    Key("kind"),
    Key("number"),
    Key("part_no"),
)
# The same order for a 关键词 search, written so that the database sorts the matching items
# (found through the search indexes) instead of reading the whole list in its index's
# order and testing every item against the words: at a million items that took seconds
# for a word that matches a few hundred (bench/README.md, "关键词 search at 1M items").
SEARCHED_KEYS = (Key("year", descending=True, compare=F("year") + 0), *LIST_KEYS[1:])
LIST_ORDER = tuple(key.order_by() for key in LIST_KEYS)
SEARCHED_ORDER = tuple(key.order_by() for key in SEARCHED_KEYS)


def list_order(params) -> tuple:
    """The lists' default order (page and API), given the request's query parameters."""
    return tuple(key.order_by() for key in list_keys(params))


def list_keys(params, sort: Sequence[str] | None = None) -> tuple[Key, ...]:
    """The keys of the list's order: the sort the user chose (validated by the filter's
    `o`), else the default one, which a 关键词 search writes its own way."""
    if sort:
        return order_keys(Suggestion, [*sort])
    return SEARCHED_KEYS if (params.get("q") or "").strip() else LIST_KEYS


DEADLINE_CHOICES = [
    (DeadlineState.ON_TRACK, "正常"),
    (DeadlineState.DUE_SOON, "临期"),  # with its working days when the page passes the window
    (DeadlineState.OVERDUE, "已超期"),
]
ROLE_CHOICES = [("lead", "主办"), ("co", "会办")]
BOOLEAN_CHOICES = [("true", "是"), ("false", "否")]

# The columns a user may sort by; each maps to the indexed fields it orders on.
ORDERING_FIELDS = (
    ("number", "number"),
    ("received_on", "received_on"),
    ("assigned_on", "assigned_on"),
    ("due_on", "due_on"),
    ("first_replied_on", "first_replied_on"),
    ("status", "status"),
    ("title", "title"),
)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.ModelChoiceFilter):
    """Chooses a related row by its id (documented as an integer in the API schema)."""


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Items without the sorted date (not yet assigned, replied…) come last, in both
    directions and on every database."""

    def filter(self, qs, value):
        if value in ([], (), {}, "", None):
            return qs
        # End on the primary key: rows that tie on the sorted column keep one order, so
        # consecutive pages neither overlap nor skip.
        return qs.order_by(*[self.get_ordering_value(param) for param in value], "pk")

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        field = self.param_map[param.lstrip("-")]
        expression = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
        return expression


class SuggestionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="关键词",
        method="filter_text",
        widget=forms.TextInput(
            attrs={
                "placeholder": "编号、标题、内容、代表、单位",
                "title": "多个词用空格分隔，须同时满足",
            }
        ),
    )
    year = django_filters.NumberFilter(label="年度")
    kind = django_filters.ChoiceFilter(label="类别", choices=Kind.choices)
    source = django_filters.ChoiceFilter(label="提出时间", choices=Source.choices)
    session = IdFilter(label="会议", queryset=CongressSession.objects.all())
    department = IdFilter(
        label="承办单位",
        queryset=Department.objects.all(),
        method="filter_department",
        widget=DepartmentSelect,
    )
    department_role = django_filters.ChoiceFilter(
        label="承办方式", choices=ROLE_CHOICES, method="filter_noop"
    )
    # Columns of the item itself: no join can repeat a row, so no DISTINCT (django-filter's
    # default), which at a million items sorted every match on disk (issue 17).
    status = django_filters.MultipleChoiceFilter(
        label="办理状态",
        choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    outcome = django_filters.MultipleChoiceFilter(
        label="办理结果",
        choices=Outcome.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    satisfaction = django_filters.ChoiceFilter(label="满意度", choices=Satisfaction.choices)
    key_supervision = django_filters.ChoiceFilter(
        label="重点督办", choices=BOOLEAN_CHOICES, method="filter_key_supervision"
    )
    deadline = django_filters.ChoiceFilter(
        label="期限", choices=DEADLINE_CHOICES, method="filter_deadline"
    )
    deputy = IdFilter(
        label="代表", queryset=Deputy.objects.all(), method="filter_deputy", widget=DeputySelect
    )
    topic = django_filters.ChoiceFilter(label="主题分类", choices=Topic.choices)
    # 我的待办's 查看全部: every item of one of the user's sections (suggestions/workspace.py).
    todo = django_filters.ChoiceFilter(
        label="我的待办",
        choices=list(TODO_LABELS.items()),
        method="filter_todo",
        widget=forms.HiddenInput,
    )
    o = NullsLastOrderingFilter(
        label="排序",
        fields=ORDERING_FIELDS,
        field_labels={
            "number": "编号",
            "received_on": "收到日期",
            "assigned_on": "交办日期",
            "due_on": "期限",
            "first_replied_on": "办复日期",
            "status": "状态",
            "title": "标题",
        },
    )

    class Meta:
        model = Suggestion
        fields: list[str] = []
        # Its fields written in Python, not through the widget templates (issue 17).
        form = PlainForm

    def __init__(self, *args, today=None, window: DueSoon | None = None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.user = user or getattr(self.request, "user", None)
        if window is not None:
            # The page read the policy already: its working days name the choice.
            deadline = self.form.fields["deadline"]
            deadline.choices = [
                (value, window.label if value == DeadlineState.DUE_SOON else label)
                for value, label in deadline.choices
            ]
        for field in self.form.fields.values():
            # "（全部）" reads better than Django's "---------" for "no condition".
            if hasattr(field, "empty_label") and field.empty_label is not None:
                field.empty_label = "（全部）"
            if isinstance(field, forms.ChoiceField) and not isinstance(
                field, (forms.ModelChoiceField, forms.MultipleChoiceField)
            ):
                choices = list(field.choices)
                if choices and choices[0][0] == "":
                    field.choices = [("", "（全部）"), *choices[1:]]

    def filter_todo(self, queryset, name, value):
        """A section the user's 我的待办 does not have selects nothing."""
        condition = todo_section(self.user, value, today=self.today) if self.user else None
        return queryset.filter(condition) if condition is not None else queryset.none()

    def filter_text(self, queryset, name, value):
        return search_text(queryset, value)

    def filter_noop(self, queryset, name, value):
        # Read together with `department` in filter_department.
        return queryset

    def filter_department(self, queryset, name, value):
        # Driven from the assignment index (department, active, item), like the handler's
        # visibility: a department holds a small share of the items.
        held = Assignment.objects.filter(department=value, is_active=True)
        role = self.form.cleaned_data.get("department_role")
        if role:
            held = held.filter(role=role)
        # As the statistics count a department's items (DESIGN §11): a split item under its
        # first part's lead, never its parts (each part is in the list unfiltered).
        return queryset.filter(pk__in=held.values("suggestion_id"), part_of__isnull=True)

    def filter_key_supervision(self, queryset, name, value):
        return queryset.filter(key_supervision=(value == "true"))

    def filter_deadline(self, queryset, name, value):
        select = {
            DeadlineState.OVERDUE: filter_overdue,
            DeadlineState.DUE_SOON: filter_due_soon,
            DeadlineState.ON_TRACK: filter_on_track,
        }[value]
        return select(queryset, self.today)

    def filter_deputy(self, queryset, name, value):
        cosigned = Suggestion.co_signers.through.objects.filter(
            suggestion_id=OuterRef("pk"), deputy=value
        )
        return queryset.filter(Q(lead_deputy=value) | Exists(cosigned))
