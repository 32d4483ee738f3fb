from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from suggestions.models import Kind, Outcome, Status
from suggestions.selectors import filter_due_soon, filter_overdue, suggestions_visible_to


def home(request):
    """The year's counts by status and outcome, over what the user may see."""
    year = request.GET.get("year", "")
    today = timezone.localdate()
    visible = suggestions_visible_to(request.user)
    years = sorted(set(visible.values_list("year", flat=True)), reverse=True)
    year = int(year) if year.isdigit() else (years[0] if years else today.year)
    scope = visible.filter(year=year)
    # One grouped query per breakdown, whatever the number of items.
    by_status = dict(scope.values_list("status").annotate(n=Count("id")).order_by())
    by_outcome = dict(
        scope.exclude(outcome="").values_list("outcome").annotate(n=Count("id")).order_by()
    )
    by_kind = dict(scope.values_list("kind").annotate(n=Count("id")).order_by())
    context = {
        "year": year,
        "years": years,
        "total": sum(by_status.values()),
        "statuses": [(s.label, by_status.get(s.value, 0)) for s in Status],
        "outcomes": [(o.label, by_outcome.get(o.value, 0)) for o in Outcome],
        "kinds": [(k.label, by_kind.get(k.value, 0)) for k in Kind],
        "overdue": filter_overdue(scope, today).count(),
        "due_soon": filter_due_soon(scope, today).count(),
    }
    return render(request, "suggestions/home.html", context)
