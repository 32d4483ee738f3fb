import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from departments.models import Department
from reports.selectors import Scope
from reports.selectors import previous_quarter_end
from reports.selectors import quarter_bounds
from suggestions.models import Kind
from suggestions.models import Source


def _quarter_choices(today: dt.date) -> list[tuple[str, str]]:
    choices = [("", "（按截至日期）")]
    for year in range(today.year, today.year - 6, -1):
        for quarter in (4, 3, 2, 1):
            as_of, _ = quarter_bounds(f"{year}Q{quarter}")
            if as_of <= today:
                choices.append((f"{year}Q{quarter}", f"{year}年第{quarter}季度末"))
    return choices


class ReportScopeForm(forms.Form):
    """Scope and date of a report. A quarter compares with the previous quarter end."""

    quarter = forms.ChoiceField(label="季度", required=False)
    as_of = forms.DateField(
        label="截至日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    year = forms.IntegerField(
        label="建议年度",
        required=False,
        min_value=2000,
        max_value=2100,
        help_text="留空则取截至日期所在年度",
    )
    kind = forms.ChoiceField(label="类别", choices=Kind.choices, initial=Kind.SUGGESTION)
    source = forms.ChoiceField(
        label="提出时间", choices=[("", "（全部）"), *Source.choices], required=False
    )
    department = forms.ModelChoiceField(
        label="主办单位",
        queryset=Department.objects.all(),
        required=False,
        empty_label="（全部单位）",
    )

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["quarter"].choices = _quarter_choices(self.today)

    def clean(self):
        cleaned = super().clean()
        quarter, as_of = cleaned.get("quarter"), cleaned.get("as_of")
        if quarter:
            as_of, previous = quarter_bounds(quarter)
        else:
            as_of = as_of or self.today
            if as_of.year < 2000:
                self.add_error("as_of", "截至日期应在2000年以后。")
                return cleaned
            previous = previous_quarter_end(as_of)
        if as_of > self.today:
            self.add_error("as_of", "截至日期不能晚于今天。")
        cleaned["as_of_date"], cleaned["previous_as_of"] = as_of, previous
        department = cleaned.get("department")
        cleaned["scope"] = Scope(
            year=cleaned.get("year") or as_of.year,
            kind=cleaned.get("kind") or Kind.SUGGESTION,
            source=cleaned.get("source") or None,
            department=department.pk if department else None,
        )
        return cleaned

    def report_args(self) -> dict[str, Any]:
        """The scope and dates of the valid form, as report_get and report_issue take them."""
        data = self.cleaned_data
        return {
            "scope": data["scope"],
            "as_of": data["as_of_date"],
            "previous_as_of": data["previous_as_of"],
        }
