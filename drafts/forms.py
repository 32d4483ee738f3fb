"""Forms parse and label input; the drafting services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from departments.models import CongressSession
from departments.models import Deputy
from suggestions.bounds import LIMITS
from suggestions.forms import offer_session
from suggestions.models import Source
from suggestions.models import Topic


class DraftForm(forms.Form):
    title = forms.CharField(label="建议标题", max_length=LIMITS["title"][1])
    content = forms.CharField(
        label="建议内容",
        required=False,
        max_length=LIMITS["content"][1],
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="可分段写明问题、原因和具体建议。提交前必须填写。",
    )
    topic = forms.ChoiceField(label="主题分类", choices=Topic.choices, initial=Topic.OTHER)
    source = forms.ChoiceField(
        label="提出时间", choices=Source.choices, initial=Source.SESSION, widget=forms.RadioSelect
    )
    session = forms.ModelChoiceField(
        label="所属会议",
        queryset=CongressSession.objects.order_by("-starts_on"),
        required=False,
        empty_label="（闭会期间不选）",
        help_text="大会期间提出的建议须选择会议，联名须在该会议的联名截止时间前完成。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_session(self, CongressSession.next_open(timezone.localdate()))

    def clean_title(self):
        return self.cleaned_data["title"].strip()


class InviteForm(forms.Form):
    """The searchable picker: the deputies found by the search, checked to invite."""

    deputies = forms.ModelMultipleChoiceField(
        label="选择联名代表",
        queryset=Deputy.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一位代表。"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = queryset


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="不予受理理由",
        max_length=LIMITS["reason"][1],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="代表将看到该理由。",
        error_messages={"required": "请填写不予受理的理由，代表将看到该理由。"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class DeadlineForm(forms.Form):
    session = forms.ModelChoiceField(
        label="会议",
        queryset=CongressSession.objects.order_by("-starts_on"),
        empty_label="（请选择）",
    )
    closes_at = forms.DateTimeField(
        label="联名截止时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
