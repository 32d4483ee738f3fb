from __future__ import annotations

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from departments.models import Department
from publication.masking import contains_personal_data
from publication.models import Disclosure
from suggestions.bounds import FORBIDDEN
from suggestions.models import Outcome

MAX_WORDS = 5


class PublicSearchForm(forms.Form):
    """The public list's search (GET). A bad value is reported in Chinese and ignored; the
    other filters still apply."""

    year = forms.IntegerField(
        label="年度",
        required=False,
        min_value=2000,
        max_value=2100,
        # Text, not type=number: a browser blanks a number box holding "abc", and the
        # value the error speaks of must stay in view to be corrected.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
        error_messages={
            "invalid": "年度须为四位数字，如 2023。",
            "min_value": "年度须在2000至2100之间。",
            "max_value": "年度须在2000至2100之间。",
        },
    )
    department = forms.ModelChoiceField(
        label="承办单位",
        queryset=Department.objects.order_by("sort_order", "name"),
        required=False,
        empty_label="全部单位",
        error_messages={"invalid_choice": "所选承办单位不存在。"},
    )
    outcome = forms.ChoiceField(
        label="办理结果",
        choices=[("", "全部结果"), *Outcome.choices],
        required=False,
        error_messages={"invalid_choice": "所选办理结果不存在。"},
    )
    q = forms.CharField(
        label="关键词",
        required=False,
        max_length=100,
        error_messages={"max_length": "关键词不能超过%(limit_value)d个字符。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # NUL is refused by clean_q with the other control characters, in one wording.
        q = self.fields["q"]
        q.validators = [
            v for v in q.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]

    def clean_q(self) -> list[str]:
        text = self.cleaned_data["q"]
        if FORBIDDEN.search(text):
            raise forms.ValidationError("关键词含有不可见的控制字符，请删除后重新输入。")
        words = text.split()
        if len(words) > MAX_WORDS:
            raise forms.ValidationError(f"关键词最多{MAX_WORDS}个，请以空格分隔。")
        if any(contains_personal_data(w) for w in words):
            raise forms.ValidationError("不能按电话号码、身份证号码或电子邮箱检索。")
        return words

    def filters(self) -> dict:
        """The valid filters (an invalid field is left out)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        department = data.get("department")
        return {
            "year": data.get("year"),
            "department_id": department.pk if department else None,
            "outcome": data.get("outcome") or "",
            "words": data.get("q") or [],
        }


class DisclosureForm(forms.Form):
    decision = forms.ChoiceField(
        label="公开属性", choices=Disclosure.Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(
        label="不公开理由",
        choices=[("", "（公开时不填）"), *Disclosure.Reason.choices],
        required=False,
    )
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class OfficeFilterForm(forms.Form):
    STATES = [("", "全部"), ("none", "未设置"), *Disclosure.Decision.choices]

    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    state = forms.ChoiceField(label="公开属性", choices=STATES, required=False)
