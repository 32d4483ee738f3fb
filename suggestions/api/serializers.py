"""API shapes. Input serializers only parse; the services (through suggestions.actions)
decide, exactly as the HTML forms do."""

from __future__ import annotations

from django import forms as django_forms
from django.urls import reverse
from rest_framework import serializers

from departments.models import CongressSession
from departments.models import Department
from departments.models import Deputy
from suggestions import forms
from suggestions.models import Assignment
from suggestions.models import CloseReason
from suggestions.models import Event
from suggestions.models import Feedback
from suggestions.models import FollowUp
from suggestions.models import FollowUpEvidence
from suggestions.models import Kind
from suggestions.models import Outcome
from suggestions.models import Reply
from suggestions.models import Satisfaction
from suggestions.models import Source
from suggestions.models import Suggestion
from suggestions.models import Topic
from suggestions.services import SplitPart


class DepartmentRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name"]


class DeputyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deputy
        fields = ["id", "name", "level"]


class AssignmentSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "department",
            "role",
            "assigned_on",
            "reply_due_on",
            "extended_due_on",
            "opinion_due_on",
            "return_window_ends_on",
            "acknowledged_at",
            "opinion",
            "opinion_on",
            "is_active",
            "ended_on",
        ]


class ReplySerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    has_letter = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = [
            "id",
            "round",
            "department",
            "outcome",
            "text",
            "replied_on",
            "promised_on",
            "contact_person",
            "contact_phone",
            "has_letter",
            "letter_name",
        ]

    def get_has_letter(self, reply: Reply) -> bool:
        return bool(reply.letter)


class FeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Feedback
        fields = ["id", "reply", "satisfaction", "comment", "received_on", "entered_by_deputy"]


class FollowUpEvidenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = FollowUpEvidence
        fields = ["id", "name", "content_type", "size", "uploaded_at", "url"]

    def get_url(self, item: FollowUpEvidence) -> str:
        """The download behind the read gate (the browser's session)."""
        return reverse("suggestions:evidence", args=[item.follow_up.suggestion_id, item.pk])


class FollowUpSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True, allow_null=True)
    evidence = FollowUpEvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "kind",
            "happened_on",
            "department",
            "participants",
            "findings",
            "consistent_with_reply",
            "evidence",
        ]


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()
    department = serializers.CharField(source="department.name", allow_null=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "action",
            "actor",
            "department",
            "occurred_at",
            "from_status",
            "to_status",
            "note",
            "close_reason",
        ]


class SuggestionListSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)
    outcome = serializers.ChoiceField(Outcome.choices, allow_blank=True, read_only=True)
    satisfaction = serializers.ChoiceField(Satisfaction.choices, allow_blank=True, read_only=True)
    lead_deputy = DeputyRefSerializer(read_only=True)
    lead_department = serializers.SerializerMethodField()
    deadline_state = serializers.CharField(read_only=True)

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "code",
            "year",
            "kind",
            "source",
            "number",
            "title",
            "topic",
            "lead_deputy",
            "lead_department",
            "status",
            "outcome",
            "satisfaction",
            "key_supervision",
            "received_on",
            "assigned_on",
            "reply_due_on",
            "due_on",
            "first_replied_on",
            "promised_on",
            "voided_on",
            "deadline_state",
            "version",
        ]

    def get_lead_department(self, suggestion: Suggestion) -> str | None:
        for assignment in getattr(suggestion, "active_assignments", []):
            if assignment.role == Assignment.Role.LEAD:
                return assignment.department.name
        return None


class ItemRefSerializer(serializers.ModelSerializer):
    """Another item named by this one: its primary, its merged items, its parts."""

    code = serializers.CharField(read_only=True)

    class Meta:
        model = Suggestion
        fields = ["id", "code", "title", "status"]


class SuggestionDetailSerializer(SuggestionListSerializer):
    co_signers = DeputyRefSerializer(many=True, read_only=True)
    merged_into = ItemRefSerializer(
        read_only=True, allow_null=True, help_text="并案：本件并入的主件"
    )
    merged_members = ItemRefSerializer(many=True, read_only=True, help_text="并案：并入本件的建议")
    part_of = ItemRefSerializer(read_only=True, allow_null=True, help_text="分办：本件所属的原件")
    parts = ItemRefSerializer(many=True, read_only=True, help_text="分办：本件的各部分")
    session = serializers.CharField(source="session.name", allow_null=True, read_only=True)
    assignments = AssignmentSerializer(many=True, read_only=True)
    replies = ReplySerializer(many=True, read_only=True)
    feedbacks = FeedbackSerializer(many=True, read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)
    events = EventSerializer(many=True, read_only=True)

    class Meta(SuggestionListSerializer.Meta):
        fields = [
            *SuggestionListSerializer.Meta.fields,
            "content",
            "void_reason",
            "session",
            "co_signers",
            "assignments",
            "replies",
            "feedbacks",
            "follow_ups",
            "events",
            "merged_into",
            "merged_on",
            "merged_members",
            "part_of",
            "part_no",
            "split_on",
            "parts",
        ]

    def get_lead_department(self, suggestion: Suggestion) -> str | None:
        for assignment in suggestion.assignments.all():
            if assignment.is_active and assignment.role == Assignment.Role.LEAD:
                return assignment.department.name
        return None


# ---------------------------------------------------------------------------------------
# Input


# Numbers are stored in a 32-bit column on every database.
MAX_NUMBER = 2_147_483_647


def _departments():
    return Department.objects.filter(is_active=True)


class SuggestionWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(Kind.choices, default=Kind.SUGGESTION)
    source = serializers.ChoiceField(Source.choices, default=Source.SESSION)
    session = serializers.PrimaryKeyRelatedField(
        queryset=CongressSession.objects.all(), allow_null=True, required=False, default=None
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100, required=False, allow_null=True)
    number = serializers.IntegerField(
        min_value=1, max_value=MAX_NUMBER, required=False, allow_null=True
    )
    title = serializers.CharField(max_length=200)
    content = serializers.CharField(allow_blank=True, required=False, default="")
    topic = serializers.ChoiceField(Topic.choices, default=Topic.OTHER)
    lead_deputy = serializers.PrimaryKeyRelatedField(queryset=Deputy.objects.filter(is_active=True))
    co_signers = serializers.PrimaryKeyRelatedField(
        queryset=Deputy.objects.filter(is_active=True), many=True, required=False, default=list
    )
    received_on = serializers.DateField()


class SuggestionUpdateSerializer(SuggestionWriteSerializer):
    version = serializers.IntegerField(min_value=1)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text="客户端读取到的版本号，用于防止覆盖他人修改"
    )


class AssignSerializer(VersionSerializer):
    lead = serializers.PrimaryKeyRelatedField(queryset=_departments())
    co_departments = serializers.PrimaryKeyRelatedField(
        queryset=_departments(), many=True, required=False, default=list
    )
    assigned_on = serializers.DateField(required=False, allow_null=True, default=None)


class ReassignSerializer(AssignSerializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class ReturnRequestSerializer(VersionSerializer):
    reason = serializers.CharField()
    suggested_department = serializers.PrimaryKeyRelatedField(
        queryset=_departments(), required=False, allow_null=True, default=None
    )


DECISIONS = [("approve", "同意"), ("reject", "不同意")]


class ReturnDecideSerializer(VersionSerializer):
    decision = serializers.ChoiceField(DECISIONS)
    note = serializers.CharField(allow_blank=True, required=False, default="")
    lead = serializers.PrimaryKeyRelatedField(
        queryset=_departments(), required=False, allow_null=True, default=None
    )
    co_departments = serializers.PrimaryKeyRelatedField(
        queryset=_departments(), many=True, required=False, default=list
    )


class CoOpinionSerializer(VersionSerializer):
    opinion = serializers.CharField()


class ReplySubmitSerializer(VersionSerializer):
    outcome = serializers.ChoiceField(Outcome.choices)
    text = serializers.CharField()
    replied_on = serializers.DateField(required=False, allow_null=True, default=None)
    promised_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="计划完成时间：办理结果为正在解决、计划解决时必填",
    )
    letter = serializers.FileField(required=False, allow_null=True, default=None)
    contact_person = serializers.CharField(
        max_length=50, allow_blank=True, required=False, default=""
    )
    contact_phone = serializers.CharField(
        max_length=30, allow_blank=True, required=False, default=""
    )

    def validate_letter(self, upload):
        if upload is None:
            return None
        try:
            forms.validate_letter(upload)
        except django_forms.ValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return upload


class FeedbackRecordSerializer(VersionSerializer):
    satisfaction = serializers.ChoiceField(Satisfaction.choices)
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    comment = serializers.CharField(allow_blank=True, required=False, default="")


class ExtensionRequestSerializer(VersionSerializer):
    requested_due_on = serializers.DateField()
    reason = serializers.CharField()


class ExtensionDecideSerializer(VersionSerializer):
    decision = serializers.ChoiceField(DECISIONS)
    note = serializers.CharField(allow_blank=True, required=False, default="")


class FollowUpRecordSerializer(VersionSerializer):
    kind = serializers.ChoiceField(FollowUp.Kind.choices)
    happened_on = serializers.DateField(required=False, allow_null=True, default=None)
    participants = serializers.CharField(
        max_length=200, allow_blank=True, required=False, default=""
    )
    findings = serializers.CharField()
    consistent_with_reply = serializers.BooleanField(required=False, allow_null=True, default=None)
    new_outcome = serializers.ChoiceField(
        [("", "（不变更）"), *Outcome.choices], required=False, default="", allow_blank=True
    )


COUNTERSIGN_DECISIONS = [("agree", "同意"), ("disagree", "不同意")]
REVIEW_DECISIONS = [
    ("send", "送达代表"),
    ("return", "退回修改"),
    ("reclassify", "调整办理结果后送达"),
]


class CountersignSerializer(VersionSerializer):
    decision = serializers.ChoiceField(COUNTERSIGN_DECISIONS)
    opinion = serializers.CharField(allow_blank=True, required=False, default="")


class ReplyReviewSerializer(VersionSerializer):
    decision = serializers.ChoiceField(REVIEW_DECISIONS)
    note = serializers.CharField(
        allow_blank=True, required=False, default="", help_text="退回或调整办理结果时必填"
    )
    outcome = serializers.ChoiceField(
        [("", "（不调整）"), *Outcome.choices], required=False, default="", allow_blank=True
    )
    promised_on = serializers.DateField(required=False, allow_null=True, default=None)


class KeySupervisionSerializer(VersionSerializer):
    key_supervision = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True, required=False, default="")


class CloseSerializer(VersionSerializer):
    reason = serializers.ChoiceField(choices=CloseReason.choices)
    note = serializers.CharField(allow_blank=True, required=False, default="")


class VoidSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=2000)


class MergeSerializer(VersionSerializer):
    members = serializers.PrimaryKeyRelatedField(
        queryset=Suggestion.objects.all(), many=True, help_text="并入本件的建议 id"
    )
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class UnmergeSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=2000)


class SplitPartSerializer(serializers.Serializer):
    matter = serializers.CharField(max_length=60, help_text="本部分的办理事项")
    lead = serializers.PrimaryKeyRelatedField(queryset=_departments())
    co_departments = serializers.PrimaryKeyRelatedField(
        queryset=_departments(), many=True, required=False, default=list
    )


class SplitSerializer(VersionSerializer):
    parts = SplitPartSerializer(many=True, help_text="2至6个部分")
    assigned_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate_parts(self, parts):
        return [SplitPart(**part) for part in parts]


ACTION_SERIALIZERS = {
    "assign": AssignSerializer,
    "reassign": ReassignSerializer,
    "acknowledge": VersionSerializer,
    "return_request": ReturnRequestSerializer,
    "return_decide": ReturnDecideSerializer,
    "co_opinion": CoOpinionSerializer,
    "reply": ReplySubmitSerializer,
    "reply_draft": ReplySubmitSerializer,
    "countersign": CountersignSerializer,
    "countersigned_submit": VersionSerializer,
    "reply_review": ReplyReviewSerializer,
    "feedback": FeedbackRecordSerializer,
    "extension_request": ExtensionRequestSerializer,
    "extension_decide": ExtensionDecideSerializer,
    "follow_up": FollowUpRecordSerializer,
    "key_supervision": KeySupervisionSerializer,
    "close": CloseSerializer,
    "void": VoidSerializer,
    "merge": MergeSerializer,
    "unmerge": UnmergeSerializer,
    "split": SplitSerializer,
}
