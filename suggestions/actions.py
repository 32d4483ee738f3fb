"""The lifecycle actions as users take them: one entry per action, shared by the HTML pages
(with the entry's form) and the API (with its serializer). Each `perform` calls one service
with the validated input; the service decides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms as django_forms

from suggestions import forms, services


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    form: type[django_forms.Form]
    perform: Callable[..., Any]
    success: str
    date_field: str = ""
    multipart: bool = False
    style: str = ""


def _pending(state, kind):
    items = state.pending_returns if kind == "return" else state.pending_extensions
    return items[0]


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
            lambda *, suggestion, actor, data, state: services.suggestion_assign(
                suggestion=suggestion,
                actor=actor,
                lead=data["lead"],
                co_departments=data["co_departments"],
                assigned_on=data["assigned_on"],
                expected_version=data["version"],
            ),
            "已交办。",
            "assigned_on",
            style="primary",
        ),
        Action(
            "reassign",
            "重新交办",
            forms.ReassignForm,
            lambda *, suggestion, actor, data, state: services.suggestion_reassign(
                suggestion=suggestion,
                actor=actor,
                lead=data["lead"],
                co_departments=data["co_departments"],
                assigned_on=data["assigned_on"],
                reason=data["reason"],
                expected_version=data["version"],
            ),
            "已重新交办。",
            "assigned_on",
        ),
        Action(
            "acknowledge",
            "签收",
            forms.AcknowledgeForm,
            lambda *, suggestion, actor, data, state: services.assignment_acknowledge(
                suggestion=suggestion, actor=actor, expected_version=data["version"]
            ),
            "已签收。",
            style="primary",
        ),
        Action(
            "co_opinion",
            "提交会办意见",
            forms.CoOpinionForm,
            lambda *, suggestion, actor, data, state: services.co_opinion_submit(
                suggestion=suggestion,
                actor=actor,
                opinion=data["opinion"],
                expected_version=data["version"],
            ),
            "会办意见已提交主办单位。",
            style="primary",
        ),
        Action(
            "reply",
            "答复代表",
            forms.ReplyForm,
            lambda *, suggestion, actor, data, state: services.reply_submit(
                suggestion=suggestion,
                actor=actor,
                outcome=data["outcome"],
                text=data["text"],
                replied_on=data["replied_on"],
                letter=data["letter"],
                letter_name=data["letter"].name if data["letter"] else "",
                contact_person=data["contact_person"],
                contact_phone=data["contact_phone"],
                expected_version=data["version"],
            ),
            "已答复代表。",
            "replied_on",
            multipart=True,
            style="primary",
        ),
        Action(
            "return_request",
            "申请退办",
            forms.ReturnRequestForm,
            lambda *, suggestion, actor, data, state: services.return_request(
                suggestion=suggestion,
                actor=actor,
                reason=data["reason"],
                suggested_department=data["suggested_department"],
                expected_version=data["version"],
            ),
            "退办申请已提交，请等待区政府办公室审批。",
        ),
        Action(
            "return_decide",
            "审批退办申请",
            forms.ReturnDecideForm,
            lambda *, suggestion, actor, data, state: services.return_decide(
                request=_pending(state, "return"),
                actor=actor,
                approve=data["decision"] == "approve",
                note=data["note"],
                lead=data["lead"],
                co_departments=data["co_departments"],
                expected_version=data["version"],
            ),
            "退办申请已审批。",
            style="primary",
        ),
        Action(
            "extension_request",
            "申请延期",
            forms.ExtensionRequestForm,
            lambda *, suggestion, actor, data, state: services.extension_request(
                suggestion=suggestion,
                actor=actor,
                requested_due_on=data["requested_due_on"],
                reason=data["reason"],
                expected_version=data["version"],
            ),
            "延期申请已提交，请等待区政府办公室审批。",
            "requested_due_on",
        ),
        Action(
            "extension_decide",
            "审批延期申请",
            forms.ExtensionDecideForm,
            lambda *, suggestion, actor, data, state: services.extension_decide(
                request=_pending(state, "extension"),
                actor=actor,
                approve=data["decision"] == "approve",
                note=data["note"],
                expected_version=data["version"],
            ),
            "延期申请已审批。",
            style="primary",
        ),
        Action(
            "feedback",
            "登记代表意见",
            forms.FeedbackForm,
            lambda *, suggestion, actor, data, state: services.feedback_record(
                suggestion=suggestion,
                actor=actor,
                satisfaction=data["satisfaction"],
                received_on=data["received_on"],
                comment=data["comment"],
                expected_version=data["version"],
            ),
            "已登记代表意见。",
            "received_on",
            style="primary",
        ),
        Action(
            "follow_up",
            "登记跟踪记录",
            forms.FollowUpForm,
            lambda *, suggestion, actor, data, state: services.follow_up_record(
                suggestion=suggestion,
                actor=actor,
                kind=data["kind"],
                happened_on=data["happened_on"],
                participants=data["participants"],
                findings=data["findings"],
                consistent_with_reply=data["consistent_with_reply"],
                new_outcome=data["new_outcome"],
                expected_version=data["version"],
            ),
            "跟踪记录已保存。",
            "happened_on",
        ),
        Action(
            "key_supervision",
            "重点督办",
            forms.KeySupervisionForm,
            lambda *, suggestion, actor, data, state: services.suggestion_set_key_supervision(
                suggestion=suggestion,
                actor=actor,
                key_supervision=data["key_supervision"],
                note=data["note"],
                expected_version=data["version"],
            ),
            "重点督办设置已保存。",
        ),
        Action(
            "close",
            "办结",
            forms.CloseForm,
            lambda *, suggestion, actor, data, state: services.suggestion_close(
                suggestion=suggestion,
                actor=actor,
                note=data["note"],
                expected_version=data["version"],
            ),
            "已办结。",
        ),
        Action(
            "void",
            "作废",
            forms.VoidForm,
            lambda *, suggestion, actor, data, state: services.suggestion_void(
                suggestion=suggestion,
                actor=actor,
                reason=data["reason"],
                expected_version=data["version"],
            ),
            "已作废。该建议自今日起不计入统计。",
            style="danger",
        ),
    ]
}
ACTION_ORDER = [
    "acknowledge",
    "co_opinion",
    "reply",
    "assign",
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
    "void",
]
