import datetime as dt

from django import forms
from django.utils import timezone

from departments.models import Department
from suggestions.models import FOLLOW_UP_OUTCOMES
from suggestions.models import Outcome
from supervision.assessment import DEFAULT_WEIGHTS
from supervision.models import Finding
from supervision.models import Method

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, **kwargs)


class AssessmentForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    as_of = _date("截至日期", required=False, help_text="留空则取该年12月31日（不晚于今天）")

    def clean(self):
        cleaned = super().clean()
        year = cleaned.get("year")
        if year is None:
            return cleaned
        today = timezone.localdate()
        as_of = cleaned.get("as_of") or min(dt.date(year, 12, 31), today)
        if as_of > today:
            self.add_error("as_of", "截至日期不能晚于今天。")
        elif as_of.year < year:
            self.add_error("as_of", "截至日期不能早于考核年度。")
        cleaned["as_of"] = as_of
        return cleaned


def _points(label: str) -> forms.DecimalField:
    return forms.DecimalField(label=label, min_value=0, max_value=100, decimal_places=1)


class WeightsForm(forms.Form):
    on_time = _points("按时办复率（分）")
    resolution = _points("办理解决率（分）")
    satisfaction = _points("代表满意率（分）")
    follow_up = _points("三个月内跟踪落实（分）")
    unsatisfied_deduction = _points("每件不满意扣分")
    overdue_deduction = _points("每件超期扣分")
    minimum_items = forms.IntegerField(
        label="最少件数（不足为样本不足）", min_value=0, max_value=100
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(weights) -> dict:
        if weights is None:
            return dict(DEFAULT_WEIGHTS)
        return {name: getattr(weights, name) for name in DEFAULT_WEIGHTS} | {
            "version": weights.version
        }


class _Period(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    period_start = _date("期间起")
    period_end = _date("期间止")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", "期间止不能早于期间起。")
        return cleaned


class SpotCampaignForm(_Period):
    percentage = forms.IntegerField(label="抽查比例（%）", min_value=1, max_value=100, initial=10)
    departments = forms.ModelMultipleChoiceField(
        label="抽查单位",
        queryset=Department.objects.filter(is_active=True).order_by("sort_order", "name"),
        widget=forms.CheckboxSelectMultiple,
    )
    seed = forms.IntegerField(
        label="随机种子",
        required=False,
        min_value=0,
        max_value=2**62,
        help_text="留空则随机生成；填写以前的种子可重现同一样本",
    )


class RecheckCampaignForm(_Period):
    due_on = _date("复查期限")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class SpotCheckForm(forms.Form):
    method = forms.ChoiceField(label="抽查方式", choices=Method.choices, widget=forms.RadioSelect)
    finding = forms.ChoiceField(label="结论", choices=Finding.choices, widget=forms.RadioSelect)
    reopen_to = forms.ChoiceField(
        label="不属实时办理结果改为",
        choices=[(o.value, o.label) for o in FOLLOW_UP_OUTCOMES],
        initial=Outcome.IN_PROGRESS,
    )
    checked_on = _date("抽查日期")
    notes = forms.CharField(
        label="情况说明", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    files = EvidenceField(label="佐证材料", required=False)


class RecheckForm(forms.Form):
    new_outcome = forms.ChoiceField(label="复查后的办理结果", choices=Outcome.choices)
    checked_on = _date("复查日期")
    findings = forms.CharField(label="复查情况", widget=forms.Textarea(attrs={"rows": 4}))
    files = EvidenceField(label="佐证材料", required=False)
