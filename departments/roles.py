"""Who may do what (DESIGN §1): every role question is answered here.

Pages, the Excel views, the API, the reports, the import and the commands ask these
functions; the DRF permission classes beside them ask the same ones. The lifecycle rules of
one item (who may reply to this item now) stay with the services' rule table
(`suggestions/services/rules.py`), which asks these for the role part.

A user's role is its Django group (`departments.models.Role`); a handler also has one
department. Inactive and anonymous users have no role.
"""

from __future__ import annotations

from rest_framework import permissions

# ---------------------------------------------------------------------------------------
# The questions


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_office(user) -> bool:
    """区政府办公室 staff: register, assign, decide requests, record feedback, report."""
    return _active(user) and user.is_office


def is_supervisor(user) -> bool:
    """督查室: reads everything, writes supervision records."""
    return _active(user) and user.is_supervisor


def is_handler(user) -> bool:
    """承办单位经办人 of one department."""
    return _active(user) and user.is_handler


def is_deputy(user) -> bool:
    """人大代表 with an account: reads the items it leads or co-signed, nothing else."""
    return _active(user) and user.is_deputy


def is_handler_of(user, department_id: int | None) -> bool:
    return is_handler(user) and department_id is not None and user.department_id == department_id


def sees_everything(user) -> bool:
    """Office staff, supervisors and admins read every item; a handler only its
    department's (suggestions.selectors.suggestions_visible_to applies it)."""
    return _active(user) and (user.is_superuser or user.is_office or user.is_supervisor)


def has_role(user) -> bool:
    """Logged in with a role (office, supervisor, handler) or an admin: may use the API."""
    return _active(user) and (
        user.is_office or user.is_supervisor or user.is_handler or user.is_staff
    )


def may_export(user) -> bool:
    """Export a list to Excel (each sees only what the read gate lets it see)."""
    return _active(user) and (
        user.is_superuser or user.is_office or user.is_supervisor or user.is_handler
    )


def may_read_reports(user) -> bool:
    """Reports cover every department: office staff, supervisors and admins read them."""
    return sees_everything(user)


def may_issue_reports(user) -> bool:
    return is_office(user)


def may_supervise(user) -> bool:
    """督查 (DESIGN §12): the assessment and the spot-check and re-check campaigns are run
    by the 督查室 and the office."""
    return is_supervisor(user) or is_office(user)


def may_edit_assessment_weights(user) -> bool:
    """The assessment's weights and deductions of a year are the office's."""
    return is_office(user)


def may_read_campaign(user, department_ids) -> bool:
    """A campaign's page: those who run it, and a handler whose department has items in it
    (it then sees only its own department's)."""
    return may_supervise(user) or (is_handler(user) and user.department_id in department_ids)


SUPERVISION_REFUSED = "只有督查室或区政府办公室可以进行考核、抽查和复查。"


def may_import(user) -> bool:
    return is_office(user)


def may_register(user) -> bool:
    """Register suggestions (form, API, import) and assign them."""
    return is_office(user)


def may_edit_reference_data(user) -> bool:
    """Departments, deputies and sessions: the administrators."""
    return _active(user) and user.is_staff


def may_reveal_phone_numbers(user) -> bool:
    """A deputy's full number, asked of an item the user already reads (the read gate): the
    office, and a handler, who reads only the items its department handles (DESIGN §13)."""
    return is_office(user) or is_handler(user)


def may_print_documents(user) -> bool:
    """交办通知单, 催办通知 and reply covers of the items the user reads (the read gate): the
    office and supervisors for every item, a handler for its department's."""
    return sees_everything(user) or is_handler(user)


def may_publish(user) -> bool:
    """办理结果公开: the office marks replies 公开 or 不公开 (DESIGN §10)."""
    return is_office(user)


def may_manage_security(user) -> bool:
    """安全管理员: role membership, lockouts, second-factor and password resets (the
    break-glass superuser too, audited)."""
    return _active(user) and (user.is_secadmin or user.is_superuser)


def may_read_audit(user) -> bool:
    """审计管理员 alone reads and exports the security audit log (三员分立)."""
    return _active(user) and user.is_auditor


def may_create_deputy_accounts(user) -> bool:
    """Deputies' accounts are made in bulk by the office (DESIGN §10)."""
    return is_office(user)


def start_page(user) -> str:
    """Where a user lands from / (a URL name): each administrator in its area, a deputy in
    its portal; '' for the office, handlers and supervisors (the home page)."""
    if is_deputy(user):
        return "deputies:home"
    return administrator_home(user)


def administrator_home(user) -> str:
    """Where each of the three administrators starts (a URL name), '' for everyone else."""
    if not _active(user) or user.is_superuser:
        return ""
    if user.is_auditor:
        return "security:audit"
    if user.is_secadmin:
        return "security:users"
    if user.is_sysadmin:
        return "admin:index"
    return ""


# The refusals users read, one wording each.
IMPORT_REFUSED = "只有区政府办公室工作人员可以导入建议。"
EXPORT_REFUSED = "您没有导出建议的权限。"
REPORTS_REFUSED = "统计报告仅供区政府办公室和督查室使用。"
ISSUE_REFUSED = "只有区政府办公室工作人员可以印发报告。"


def may_review_drafts(user) -> bool:
    """Accept, convert or decline the suggestions deputies submit online (DESIGN §10)."""
    return is_office(user)


REGISTER_REFUSED = "只有区政府办公室工作人员可以登记建议。"
ASSIGN_REFUSED = "只有区政府办公室工作人员可以交办建议。"
PRINT_REFUSED = "打印公文仅供区政府办公室、督查室和承办单位使用。"


# ---------------------------------------------------------------------------------------
# The API's permission classes, asking the same questions


class DenyAll(permissions.BasePermission):
    """The default: a view that does not say who may use it serves nobody."""

    def has_permission(self, request, view):
        return False


class IsRoleUser(permissions.BasePermission):
    """Logged in with a role (office, supervisor, handler) or an admin."""

    message = "您的账号没有分配角色，不能使用接口。"

    def has_permission(self, request, view):
        return has_role(request.user)


class IsRoleUserOrDeputy(IsRoleUser):
    """The suggestions API: the role users and deputies, each reading through the read gate
    (a deputy its own items) and acting as the rule table allows."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) or is_deputy(request.user)


class ReadAllWriteAdmin(IsRoleUser):
    """Reference data: every role reads, only admins write."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            self.message = IsRoleUser.message
            return False
        self.message = "只有系统管理员可以修改基础数据。"
        return request.method in permissions.SAFE_METHODS or may_edit_reference_data(request.user)


class CanReadReports(permissions.BasePermission):
    message = REPORTS_REFUSED

    def has_permission(self, request, view):
        return may_read_reports(request.user)


# ---------------------------------------------------------------------------------------
# Templates ask the same questions


class _TemplateAnswers:
    """`{% if may.import %}` in a template: each answer computed when first asked."""

    QUESTIONS = {
        "register": may_register,
        "import": may_import,
        "export": may_export,
        "read_reports": may_read_reports,
        "issue_reports": may_issue_reports,
        "supervise": may_supervise,
        "administer": may_edit_reference_data,
        "publish": may_publish,
        "manage_security": may_manage_security,
        "read_audit": may_read_audit,
        "print_documents": may_print_documents,
        "deputy": is_deputy,
        "create_deputy_accounts": may_create_deputy_accounts,
        "review_drafts": may_review_drafts,
        # The three administrators (三员) handle no items: no 首页, 我的待办 or 建议列表.
        "work_on_items": lambda user: not administrator_home(user),
    }

    def __init__(self, user):
        self._user = user

    def __getitem__(self, name: str) -> bool:
        return self.QUESTIONS[name](self._user)


def template_roles(request) -> dict:
    """Context processor: `may` answers the role questions for the logged-in user."""
    return {"may": _TemplateAnswers(getattr(request, "user", None))}
