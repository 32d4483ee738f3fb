from django import forms

from departments.models import Deputy
from suggestions.bounds import LIMITS
from suggestions.models import Satisfaction


class RatingForm(forms.Form):
    """满意 / 基本满意 / 不满意, with an opinion (required for 不满意, DESIGN §10)."""

    satisfaction = forms.ChoiceField(
        label="您对本轮答复的评价", choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="具体意见",
        required=False,
        max_length=LIMITS["comment"][1],
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="选择“不满意”时必填，承办单位将据此重新办理。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        unsatisfied = data.get("satisfaction") == Satisfaction.UNSATISFIED
        if unsatisfied and not (data.get("comment") or "").strip():
            self.add_error("comment", "选择不满意时，请填写具体意见。")
        return data


class AccountsForm(forms.Form):
    """The deputies (without an account) to give one."""

    deputies = forms.ModelMultipleChoiceField(
        label="代表",
        queryset=Deputy.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一位代表。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].queryset = Deputy.objects.filter(
            is_active=True, user__isnull=True
        ).order_by("level", "name")
