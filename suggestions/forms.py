"""Forms parse and label input; the services decide. Every action form carries the version
the user saw, so a concurrent change is refused instead of overwritten."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from departments.models import CongressSession
from departments.models import Department
from departments.models import Deputy
from suggestions.models import CloseReason
from suggestions.models import FollowUp
from suggestions.models import FollowUpEvidence
from suggestions.models import Kind
from suggestions.models import Outcome
from suggestions.models import Satisfaction
from suggestions.models import Source
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.models import Topic
from suggestions.pickers import DepartmentSelect
from suggestions.pickers import DepartmentSelectMultiple
from suggestions.pickers import DeputySelect
from suggestions.pickers import DeputySelectMultiple
from suggestions.plain_widgets import PlainForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 5})


def active_departments():
    return Department.objects.filter(is_active=True)


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


def offer_session(form: forms.Form, session: CongressSession | None) -> None:
    """A new item's 提出时间 and 所属会议 start as `session` (大会期间, that session), or as
    闭会期间 when there is none, so that the defaults pass the intake check (大会期间 needs
    a session) and are changed only when they differ. An edit keeps the item's values."""
    if form.is_bound or "source" in form.initial:
        return
    form.fields["source"].initial = Source.SESSION if session else Source.RECESS
    form.fields["session"].initial = session.pk if session else None


class SuggestionForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Kind.choices, initial=Kind.SUGGESTION)
    source = forms.ChoiceField(label="提出时间", choices=Source.choices, initial=Source.SESSION)
    session = forms.ModelChoiceField(
        label="所属会议",
        queryset=CongressSession.objects.all(),
        required=False,
        empty_label="（不属于会议）",
        help_text="大会期间提出的代表建议必须选择会议",
    )
    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        required=False,
        help_text="留空则取收到日期的年份",
    )
    number = forms.IntegerField(
        label="编号", min_value=1, required=False, help_text="留空则自动取本年度同类别的下一个编号"
    )
    title = forms.CharField(label="标题", max_length=200)
    content = forms.CharField(
        label="内容", widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    topic = forms.ChoiceField(label="主题分类", choices=Topic.choices, initial=Topic.OTHER)
    lead_deputy = forms.ModelChoiceField(
        label="领衔代表",
        queryset=Deputy.objects.filter(is_active=True),
        empty_label="（请选择）",
        widget=DeputySelect,
        help_text="输入姓名或代表团查找",
    )
    co_signers = forms.ModelMultipleChoiceField(
        label="联名代表",
        queryset=Deputy.objects.filter(is_active=True),
        required=False,
        widget=DeputySelectMultiple,
        help_text="输入姓名查找，可选多位",
    )
    received_on = forms.DateField(label="收到日期", widget=DATE, initial=timezone.localdate)

    field_order = [
        "title",
        "content",
        "kind",
        "source",
        "session",
        "year",
        "number",
        "topic",
        "lead_deputy",
        "co_signers",
        "received_on",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_session(self, CongressSession.latest_opened(timezone.localdate()))

    def clean_title(self):
        return self.cleaned_data["title"].strip()


class SuggestionEditForm(VersionedForm, SuggestionForm):
    def __init__(self, *args, suggestion: Suggestion | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if suggestion is not None:
            # Deputies who have since left office stay selectable on the items they raised.
            on_item = Q(pk=suggestion.lead_deputy_id) | Q(cosigned_suggestions=suggestion)
            deputies = Deputy.objects.filter(Q(is_active=True) | on_item).distinct()
            self.fields["lead_deputy"].queryset = deputies
            self.fields["co_signers"].queryset = deputies
            if suggestion.status != Status.DRAFT:
                # Numbering is fixed once assigned; show it, but do not offer to change it.
                for name in ("year", "kind", "number"):
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "已交办，不能修改"


class AssignFields(forms.Form):
    """主办单位, 会办单位 and 交办日期: one item's 交办 and the list's 批量交办 ask the same."""

    lead = forms.ModelChoiceField(
        label="主办单位",
        queryset=active_departments(),
        empty_label="（请选择）",
        widget=DepartmentSelect,
    )
    co_departments = forms.ModelMultipleChoiceField(
        label="会办单位",
        queryset=active_departments(),
        required=False,
        widget=DepartmentSelectMultiple,
    )
    assigned_on = forms.DateField(label="交办日期", widget=DATE, initial=timezone.localdate)

    def clean(self):
        cleaned = super().clean()
        lead, co = cleaned.get("lead"), cleaned.get("co_departments") or []
        if lead and lead in co:
            self.add_error("co_departments", f"{lead}已是主办单位，不能同时作为会办单位。")
        return cleaned


class AssignForm(AssignFields, VersionedForm):
    field_order = ["version", "lead", "co_departments", "assigned_on"]


class ReassignForm(AssignForm):
    reason = forms.CharField(label="重新交办原因", widget=TEXTAREA, required=False)


class BulkAssignForm(AssignFields, PlainForm):
    ids = forms.ModelMultipleChoiceField(
        queryset=Suggestion.objects.none(), error_messages={"required": "请先勾选要交办的建议。"}
    )
    field_order = ["ids", "lead", "co_departments", "assigned_on"]

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if queryset is not None:
            self.fields["ids"].queryset = queryset


class AcknowledgeForm(VersionedForm):
    pass


class ReturnRequestForm(VersionedForm):
    reason = forms.CharField(label="退办理由", widget=TEXTAREA)
    suggested_department = forms.ModelChoiceField(
        label="建议改交单位",
        queryset=active_departments(),
        required=False,
        empty_label="（不指定）",
    )


DECISIONS = [("approve", "同意"), ("reject", "不同意")]


class ReturnDecideForm(VersionedForm):
    decision = forms.ChoiceField(label="审批意见", choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(label="说明", widget=TEXTAREA, required=False)
    lead = forms.ModelChoiceField(
        label="新的主办单位",
        queryset=active_departments(),
        required=False,
        empty_label="（请选择）",
        help_text="同意退办时必填",
        widget=DepartmentSelect,
    )
    co_departments = forms.ModelMultipleChoiceField(
        label="会办单位",
        queryset=active_departments(),
        required=False,
        widget=DepartmentSelectMultiple,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "approve" and not cleaned.get("lead"):
            self.add_error("lead", "同意退办时须指定新的主办单位。")
        return cleaned


class CoOpinionForm(VersionedForm):
    opinion = forms.CharField(label="会办意见", widget=TEXTAREA)


LETTER_TYPES = {
    # extension: (accepted content types, magic bytes at the start of the file)
    ".pdf": ({"application/pdf"}, (b"%PDF-",)),
    ".doc": ({"application/msword"}, (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    ".docx": (
        {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        (b"PK\x03\x04",),
    ),
    ".ofd": ({"application/ofd", "application/octet-stream", "application/zip"}, (b"PK\x03\x04",)),
}
LETTER_MAX_BYTES = getattr(settings, "LETTER_MAX_BYTES", 20 * 1024 * 1024)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f}MB" if n >= 1024 * 1024 else f"{max(n // 1024, 1)}KB"


def _check_upload(upload, types: dict, what: str, formats: str, *, named: bool) -> None:
    """A file of one of `types` under the size limit, checked by its name, its declared
    type and its first bytes (a renamed file is refused). `named`: the messages name the
    file (several files are chosen at once)."""
    name = upload.name or ""
    extension = Path(name).suffix.lower()
    the_file = f"“{name}”" if named else ""
    if extension not in types:
        raise forms.ValidationError(f"{what}只能上传{formats}文件，“{name}”的格式不支持。")
    if upload.size > LETTER_MAX_BYTES:
        raise forms.ValidationError(
            f"{what}不能超过{_size(LETTER_MAX_BYTES)}，{the_file or '当前文件'}"
            f"{'有' if named else ''}{_size(upload.size)}。"
        )
    if upload.size == 0:
        raise forms.ValidationError(f"{what}{the_file}是空文件，请重新选择。")
    accepted, magics = types[extension]
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip()
    if content_type and content_type not in accepted | {"application/octet-stream"}:
        raise forms.ValidationError(
            f"{the_file}{'的' if named else ''}文件类型（{content_type}）与扩展名{extension}不符。"
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise forms.ValidationError(
            f"{the_file + '的' if named else '文件'}内容不是有效的{extension[1:].upper()}文件，"
            "请检查后重新上传。"
        )


def validate_letter(upload) -> None:
    """A reply letter is a PDF, Word or OFD file under the size limit."""
    _check_upload(upload, LETTER_TYPES, "答复函", " PDF、Word（.doc/.docx）或 OFD ", named=False)


JPEG = ({"image/jpeg", "image/pjpeg"}, (b"\xff\xd8\xff",))
EVIDENCE_TYPES = {
    **LETTER_TYPES,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".png": ({"image/png"}, (b"\x89PNG\r\n\x1a\n",)),
}
EVIDENCE_FORMATS = " PDF、Word、OFD 或 JPEG/PNG 图片"


def validate_evidence(upload) -> None:
    """A follow-up's evidence file: a letter's types and checks, and photographs."""
    _check_upload(upload, EVIDENCE_TYPES, "证明材料", EVIDENCE_FORMATS, named=True)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files in one input; each checked, every problem named with its file."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > FollowUpEvidence.MAX_PER_RECORD:
            raise forms.ValidationError(
                f"每条跟踪记录最多上传{FollowUpEvidence.MAX_PER_RECORD}个证明材料，"
                f"您选择了{len(files)}个。"
            )
        problems = []
        for upload in files:
            try:
                validate_evidence(upload)
            except forms.ValidationError as problem:
                problems.extend(problem.messages)
        if problems:
            raise forms.ValidationError(problems)
        return files


class FilesForm(VersionedForm):
    """A form with a file field `upload_field` and its hidden `<upload_field>_chosen`, set
    when the form comes back after an error with files chosen: browsers do not keep a
    chosen file, so the files must be chosen again before the form is saved."""

    upload_field = ""

    def clean(self):
        cleaned = super().clean()
        field = self.upload_field
        if cleaned.get(f"{field}_chosen") and not cleaned.get(field) and field not in self.errors:
            self.add_error(field, CHOOSE_AGAIN[field][0])
        return cleaned


class ReplyForm(FilesForm):
    outcome = forms.ChoiceField(label="办理结果", choices=Outcome.choices, widget=forms.RadioSelect)
    text = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 8}))
    replied_on = forms.DateField(label="答复日期", widget=DATE, initial=timezone.localdate)
    promised_on = forms.DateField(
        label="计划完成时间",
        widget=DATE,
        required=False,
        help_text="办理结果为“正在解决”“计划解决”时必填：承诺办结的日期",
    )
    letter = forms.FileField(
        label="答复函",
        required=False,
        validators=[validate_letter],
        help_text=f"PDF、Word 或 OFD 文件，不超过{_size(LETTER_MAX_BYTES)}",
    )
    contact_person = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    letter_chosen = forms.BooleanField(required=False, widget=forms.HiddenInput)
    upload_field = "letter"


LETTER_AGAIN = (
    "您上次选择的答复函没有保存（页面有错误时浏览器不保留已选择的文件），请重新选择答复函。"
)


class CountersignForm(VersionedForm):
    decision = forms.ChoiceField(
        label="会签意见",
        choices=[("agree", "同意"), ("disagree", "不同意")],
        widget=forms.RadioSelect,
    )
    opinion = forms.CharField(
        label="意见", widget=TEXTAREA, required=False, help_text="不同意时必填"
    )


class ReplyReviewForm(VersionedForm):
    decision = forms.ChoiceField(
        label="审核意见",
        choices=[
            ("send", "送达代表"),
            ("return", "退回修改"),
            ("reclassify", "调整办理结果后送达"),
        ],
        widget=forms.RadioSelect,
    )
    outcome = forms.ChoiceField(
        label="调整后的办理结果",
        choices=[("", "（不调整）"), *Outcome.choices],
        required=False,
    )
    promised_on = forms.DateField(
        label="计划完成时间",
        widget=DATE,
        required=False,
        help_text="调整为“正在解决”“计划解决”时必填",
    )
    note = forms.CharField(
        label="理由", widget=TEXTAREA, required=False, help_text="退回或调整办理结果时必填"
    )


EVIDENCE_AGAIN = (
    "您上次选择的证明材料没有保存（页面有错误时浏览器不保留已选择的文件），"
    "请重新选择证明材料；其他内容已保留。"
)
# The file field of a multipart action form → what to say when its files must be chosen
# again, and the noun for the conflict message.
CHOOSE_AGAIN = {"letter": (LETTER_AGAIN, "答复函"), "evidence": (EVIDENCE_AGAIN, "证明材料")}


class FeedbackForm(VersionedForm):
    satisfaction = forms.ChoiceField(
        label="代表满意度", choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    received_on = forms.DateField(label="反馈日期", widget=DATE, initial=timezone.localdate)
    comment = forms.CharField(
        label="代表意见", widget=TEXTAREA, required=False, help_text="不满意时必填"
    )


class ExtensionRequestForm(VersionedForm):
    requested_due_on = forms.DateField(label="申请延期至", widget=DATE)
    reason = forms.CharField(label="延期理由", widget=TEXTAREA)


class ExtensionDecideForm(VersionedForm):
    decision = forms.ChoiceField(label="审批意见", choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(label="说明", widget=TEXTAREA, required=False)


class FollowUpForm(FilesForm):
    kind = forms.ChoiceField(label="方式", choices=FollowUp.Kind.choices)
    happened_on = forms.DateField(label="日期", widget=DATE, initial=timezone.localdate)
    participants = forms.CharField(label="参加人员", max_length=200, required=False)
    findings = forms.CharField(label="情况与结论", widget=TEXTAREA)
    consistent_with_reply = forms.NullBooleanField(
        label="与办理结果相符",
        required=False,
        widget=forms.Select(
            choices=[("unknown", "（不适用）"), ("true", "相符"), ("false", "不相符")]
        ),
    )
    new_outcome = forms.ChoiceField(
        label="复查后办理结果",
        choices=[("", "（不变更）"), *Outcome.choices],
        required=False,
        help_text="仅跟踪复查可变更办理结果，须在“情况与结论”中写明依据",
    )
    evidence = EvidenceField(
        label="证明材料",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ",".join(EVIDENCE_TYPES)}),
        help_text=(
            f"可多选，最多{FollowUpEvidence.MAX_PER_RECORD}个：{EVIDENCE_FORMATS.strip()}，"
            f"每个不超过{_size(LETTER_MAX_BYTES)}"
        ),
    )
    evidence_chosen = forms.BooleanField(required=False, widget=forms.HiddenInput)
    upload_field = "evidence"

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(k, FollowUp.Kind(k).label) for k in kinds]


class KeySupervisionForm(VersionedForm):
    key_supervision = forms.TypedChoiceField(
        label="重点督办",
        choices=[("true", "列为重点督办"), ("false", "取消重点督办")],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="说明", widget=TEXTAREA, required=False)


class CloseForm(VersionedForm):
    reason = forms.ChoiceField(
        label="未经代表评价办结的原因",
        choices=CloseReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "代表尚未评价，请选择办结原因。"},
    )
    note = forms.CharField(
        label="办结说明", widget=TEXTAREA, required=False, help_text="原因为“其他”时必填"
    )


class VoidForm(VersionedForm):
    reason = forms.CharField(
        label="作废理由",
        widget=TEXTAREA,
        max_length=2000,
        help_text="如：重复登记、并非代表建议。作废后不可恢复，建议保留全部记录，自今日起不计入统计。",
    )
