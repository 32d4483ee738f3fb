"""The office's forms for 并案 and 分办 (DESIGN §11); the services decide, these only read
what was typed and keep it across a refusal."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from suggestions.forms import DATE
from suggestions.forms import TEXTAREA
from suggestions.forms import VersionedForm
from suggestions.forms import active_departments
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.pickers import DepartmentSelect
from suggestions.pickers import DepartmentSelectMultiple
from suggestions.services import SplitPart
from suggestions.services.grouping import MAX_PARTS


def merge_candidates(suggestion: Suggestion):
    """Items that may be merged into `suggestion`: the same year and kind, not yet
    assigned, neither merged nor split (the service checks again, under lock)."""
    return (
        Suggestion.objects.filter(
            year=suggestion.year,
            kind=suggestion.kind,
            status=Status.DRAFT,
            merged_into__isnull=True,
            part_of__isnull=True,
            split_on__isnull=True,
            merged_members__isnull=True,
        )
        .exclude(pk=suggestion.pk)
        .select_related("lead_deputy")
        .order_by("number")
    )


class _ItemChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} {obj.title}（{obj.lead_deputy.name}）"


class MergeForm(VersionedForm):
    members = _ItemChoice(
        label="并入本件的建议",
        queryset=Suggestion.objects.none(),
        widget=forms.SelectMultiple(attrs={"data-typeahead": ""}),
        help_text="可输入编号、标题或代表姓名查找；仅列出同年度、同类别、尚未交办的建议。"
        "并案后由本件统一交办、答复，各件领衔代表分别评价。",
        error_messages={
            "required": "请选择要并入本件的建议。",
            "invalid_choice": "所选建议已不能并入本件（可能已交办、已并案或已分办），请重新选择。",
        },
    )
    note = forms.CharField(label="并案说明", widget=TEXTAREA, required=False, max_length=2000)

    def __init__(self, *args, suggestion: Suggestion, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = merge_candidates(suggestion)


class UnmergeForm(VersionedForm):
    reason = forms.CharField(label="撤销并案理由", widget=TEXTAREA, max_length=2000)


class SplitForm(VersionedForm):
    """分办: up to MAX_PARTS rows of 办理事项 / 主办单位 / 会办单位; empty rows are ignored."""

    assigned_on = forms.DateField(label="交办日期", widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_PARTS + 1):
            self.fields[f"matter_{n}"] = forms.CharField(
                label="办理事项", required=False, max_length=60
            )
            self.fields[f"lead_{n}"] = forms.ModelChoiceField(
                label="主办单位",
                queryset=active_departments(),
                required=False,
                empty_label="（请选择）",
                widget=DepartmentSelect,
            )
            self.fields[f"co_{n}"] = forms.ModelMultipleChoiceField(
                label="会办单位",
                queryset=active_departments(),
                required=False,
                widget=DepartmentSelectMultiple,
            )

    def part_rows(self):
        """The bound fields part by part: the page groups each under 第n部分 (the fields'
        own labels stay short)."""
        return [
            (n, self[f"matter_{n}"], self[f"lead_{n}"], self[f"co_{n}"])
            for n in range(1, MAX_PARTS + 1)
        ]

    def clean(self):
        cleaned = super().clean()
        parts = []
        for n in range(1, MAX_PARTS + 1):
            matter = (cleaned.get(f"matter_{n}") or "").strip()
            lead, co = cleaned.get(f"lead_{n}"), list(cleaned.get(f"co_{n}") or [])
            if not (matter or lead or co):
                continue
            if not matter:
                self.add_error(f"matter_{n}", f"请填写第{n}部分的办理事项。")
            if not lead:
                self.add_error(f"lead_{n}", f"请选择第{n}部分的主办单位。")
            if lead and lead in co:
                self.add_error(f"co_{n}", f"{lead}已是第{n}部分的主办单位，不能同时会办。")
            if matter and lead:
                parts.append(SplitPart(matter=matter, lead=lead, co_departments=co))
        if len(parts) < 2 and not self.errors:
            raise forms.ValidationError("分办须至少填写两个部分（办理事项和主办单位）。")
        cleaned["parts"] = parts
        return cleaned
