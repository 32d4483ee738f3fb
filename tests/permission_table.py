"""The one permission table: which lifecycle actions each role may take at each stage.

The browser matrix (tests/suggestions/test_views_permissions.py) and the API matrix
(tests/api/test_permissions.py) both read it, so the two can never disagree about a rule.
"""

ALL_ACTIONS = [
    "update",
    "assign",
    "reassign",
    "acknowledge",
    "co_opinion",
    "reply",
    # DESIGN §11, never offered with both switches off (their default, and these stages'):
    "reply_draft",
    "countersign",
    "countersigned_submit",
    "reply_review",
    "return_request",
    "return_decide",
    "extension_request",
    "extension_decide",
    "feedback",
    "follow_up",
    "key_supervision",
    "close",
    "void",
    # DESIGN §11: 并案 and 分办 before assignment; 撤销并案 only on a merged item.
    "merge",
    "split",
    "unmerge",
]

# Which actions each role may open (200) at each stage; every other action of an item the
# role sees is refused with 403; an item the role does not see is 404 for every action.
ALLOWED = {
    "draft": {
        "office": {"update", "assign", "void", "merge", "split"},
        "supervisor": set(),
    },
    "in_progress": {
        "office": {"update", "reassign", "follow_up", "key_supervision", "void"},
        "supervisor": {"follow_up", "key_supervision"},
        "lead": {"return_request", "extension_request", "follow_up"},
        "co": {"acknowledge", "co_opinion", "follow_up"},
    },
    "replied": {
        "office": {"update", "feedback", "follow_up", "key_supervision", "close", "void"},
        "supervisor": {"follow_up", "key_supervision"},
        "lead": {"follow_up"},
        "co": {"follow_up"},
    },
    "pending": {
        "office": {
            "update",
            "reassign",
            "return_decide",
            "extension_decide",
            "follow_up",
            "key_supervision",
            "void",
        },
        "supervisor": {"follow_up", "key_supervision"},
        "lead": {"follow_up"},
        "co": {"acknowledge", "co_opinion", "follow_up"},
    },
}
STAGES = list(ALLOWED)

# The supervisor's refusals on an in-progress item, word for word.
SUPERVISOR_REASONS = {
    "update": "只有区政府办公室工作人员可以修改建议。",
    "assign": "只有区政府办公室工作人员可以交办建议。",
    "reassign": "只有区政府办公室工作人员可以重新交办。",
    "acknowledge": "只有承办单位经办人可以签收。",
    "co_opinion": "只有承办单位经办人可以提交会办意见。",
    "reply": "只有承办单位经办人可以答复代表。",
    "return_request": "只有承办单位经办人可以申请退办。",
    "return_decide": "只有区政府办公室工作人员可以审批退办申请。",
    "extension_request": "只有承办单位经办人可以申请延期。",
    "extension_decide": "只有区政府办公室工作人员可以审批延期申请。",
    "feedback": "只有区政府办公室工作人员可以登记代表反馈意见。",
    "close": "只有区政府办公室工作人员可以办结建议。",
    "void": "只有区政府办公室工作人员可以作废建议。",
    "merge": "只有区政府办公室工作人员可以并案。",
    "split": "只有区政府办公室工作人员可以分办。",
    "unmerge": "只有区政府办公室工作人员可以撤销并案。",
}
