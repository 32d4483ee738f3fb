"""The lifecycle actions as users take them: one entry per action, shared by the HTML pages
(with the entry's form) and the API (with its serializer). Each `perform` calls one service
with the validated input; the service decides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms

from suggestions import forms
from suggestions import grouping_forms
from suggestions import services


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    form: type[django_forms.Form]
    perform: Callable[..., Any]
    success: str
    date_field: str = ""
    multipart: bool = False
    upload: str = ""  # the form's file field, for a multipart form
    style: str = ""


def _calls(service: Callable[..., Any], *fields: str, **extra: Callable[[dict, Any], Any]):
    """A `perform` that passes the item, the actor, the version read and the named form
    fields to `service`; `extra` computes the arguments that are not plain fields."""

    def perform(*, suggestion, actor, data, state):
        return service(
            suggestion=suggestion,
            actor=actor,
            expected_version=data["version"],
            **{f: data[f] for f in fields},
            **{name: compute(data, state) for name, compute in extra.items()},
        )

    return perform


def _decides(service: Callable[..., Any], kind: str, *fields: str):
    """A `perform` deciding the item's pending return or extension request."""

    def perform(*, suggestion, actor, data, state):
        pending = state.pending_returns if kind == "return" else state.pending_extensions
        return service(
            request=pending[0],
            actor=actor,
            approve=data["decision"] == "approve",
            expected_version=data["version"],
            **{f: data[f] for f in fields},
        )

    return perform


def _perform_update(*, suggestion, actor, data, state):
    return services.suggestion_update(
        suggestion=suggestion,
        actor=actor,
        expected_version=data["version"],
        co_signers=data["co_signers"],
        **{f: data[f] for f in services.EDITABLE_FIELDS if f not in ("year", "number")},
        **({"year": data["year"]} if data.get("year") else {}),
        **({"number": data["number"]} if data.get("number") else {}),
    )


def _letter_name(data, state) -> str:
    return data["letter"].name if data["letter"] else ""


REPLY_FIELDS = (
    "outcome",
    "text",
    "replied_on",
    "promised_on",
    "letter",
    "contact_person",
    "contact_phone",
)


def _agrees(data, state) -> bool:
    return data["decision"] == "agree"


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action(
            "update",
            "修改",
            forms.SuggestionEditForm,
            _perform_update,
            "已保存修改。",
            "received_on",
        ),
        Action(
            "assign",
            "交办",
            forms.AssignForm,
            _calls(services.suggestion_assign, "lead", "co_departments", "assigned_on"),
            "已交办。",
            "assigned_on",
            style="primary",
        ),
        Action(
            "merge",
            "并案",
            grouping_forms.MergeForm,
            _calls(services.suggestions_merge, "members", "note"),
            "已并案：所选建议由本件统一办理。",
        ),
        Action(
            "split",
            "分办",
            grouping_forms.SplitForm,
            _calls(services.suggestion_split, "parts", "assigned_on"),
            "已分办，各部分已交办各自的主办单位。",
            "assigned_on",
        ),
        Action(
            "unmerge",
            "撤销并案",
            grouping_forms.UnmergeForm,
            _calls(services.suggestion_unmerge, "reason"),
            "已撤销并案，本件单独办理。",
        ),
        Action(
            "reassign",
            "重新交办",
            forms.ReassignForm,
            _calls(services.suggestion_reassign, "lead", "co_departments", "assigned_on", "reason"),
            "已重新交办。",
            "assigned_on",
        ),
        Action(
            "acknowledge",
            "签收",
            forms.AcknowledgeForm,
            _calls(services.assignment_acknowledge),
            "已签收。",
            style="primary",
        ),
        Action(
            "co_opinion",
            "提交会办意见",
            forms.CoOpinionForm,
            _calls(services.co_opinion_submit, "opinion"),
            "会办意见已提交主办单位。",
            style="primary",
        ),
        Action(
            "reply",
            "答复代表",
            forms.ReplyForm,
            _calls(services.reply_submit, *REPLY_FIELDS, letter_name=_letter_name),
            "已答复代表。",
            "replied_on",
            multipart=True,
            upload="letter",
            style="primary",
        ),
        Action(
            "reply_draft",
            "提交答复稿",
            forms.ReplyForm,
            _calls(services.reply_draft_submit, *REPLY_FIELDS, letter_name=_letter_name),
            "答复稿已提交。",
            "replied_on",
            multipart=True,
            style="primary",
        ),
        Action(
            "countersign",
            "会签答复稿",
            forms.CountersignForm,
            _calls(services.reply_countersign, "opinion", agree=_agrees),
            "会签意见已送主办单位。",
            style="primary",
        ),
        Action(
            "countersigned_submit",
            "提交会签后的答复",
            forms.AcknowledgeForm,
            _calls(services.reply_countersigned_submit),
            "答复已提交。",
            style="primary",
        ),
        Action(
            "reply_review",
            "审核答复",
            forms.ReplyReviewForm,
            _calls(services.reply_review, "decision", "note", "promised_on", "outcome"),
            "审核意见已保存。",
            style="primary",
        ),
        Action(
            "return_request",
            "申请退办",
            forms.ReturnRequestForm,
            _calls(services.return_request, "reason", "suggested_department"),
            "退办申请已提交，请等待区政府办公室审批。",
        ),
        Action(
            "return_decide",
            "审批退办申请",
            forms.ReturnDecideForm,
            _decides(services.return_decide, "return", "note", "lead", "co_departments"),
            "退办申请已审批。",
            style="primary",
        ),
        Action(
            "extension_request",
            "申请延期",
            forms.ExtensionRequestForm,
            _calls(services.extension_request, "requested_due_on", "reason"),
            "延期申请已提交，请等待区政府办公室审批。",
            "requested_due_on",
        ),
        Action(
            "extension_decide",
            "审批延期申请",
            forms.ExtensionDecideForm,
            _decides(services.extension_decide, "extension", "note"),
            "延期申请已审批。",
            style="primary",
        ),
        Action(
            "feedback",
            "登记代表意见",
            forms.FeedbackForm,
            _calls(services.feedback_record, "satisfaction", "received_on", "comment"),
            "已登记代表意见。",
            "received_on",
            style="primary",
        ),
        Action(
            "follow_up",
            "登记跟踪记录",
            forms.FollowUpForm,
            _calls(
                services.follow_up_record,
                "kind",
                "happened_on",
                "participants",
                "findings",
                "consistent_with_reply",
                "new_outcome",
                # The API's serializer takes no files: an empty list.
                evidence=lambda data, state: data.get("evidence") or [],
            ),
            "跟踪记录已保存。",
            "happened_on",
            multipart=True,
            upload="evidence",
        ),
        Action(
            "key_supervision",
            "重点督办",
            forms.KeySupervisionForm,
            _calls(services.suggestion_set_key_supervision, "key_supervision", "note"),
            "重点督办设置已保存。",
        ),
        Action(
            "close",
            "办结",
            forms.CloseForm,
            _calls(services.suggestion_close, "reason", "note"),
            "已办结。",
        ),
        Action(
            "void",
            "作废",
            forms.VoidForm,
            _calls(services.suggestion_void, "reason"),
            "已作废。该建议自今日起不计入统计。",
            style="danger",
        ),
    ]
}
ACTION_ORDER = [
    "acknowledge",
    "co_opinion",
    "reply",
    "reply_draft",
    "countersign",
    "countersigned_submit",
    "reply_review",
    "assign",
    "split",
    "merge",
    "return_decide",
    "extension_decide",
    "feedback",
    "close",
    "reassign",
    "return_request",
    "extension_request",
    "follow_up",
    "key_supervision",
    "update",
    "unmerge",
    "void",
]
