from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import Group
from simple_history.admin import SimpleHistoryAdmin

from departments.models import ApiToken
from departments.models import CongressSession
from departments.models import Department
from departments.models import Deputy
from departments.models import Role
from departments.models import User
from security import audit


@admin.register(Department)
class DepartmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "contact_person", "is_active", "sort_order"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    ordering = ["sort_order", "name"]


@admin.register(Deputy)
class DeputyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "level", "delegation", "masked_phone", "is_active"]
    list_filter = ["level", "is_active", "delegation"]
    search_fields = ["name", "delegation", "workplace"]
    autocomplete_fields = ["user"]

    @admin.display(description="联系电话")
    def masked_phone(self, obj):
        return obj.masked_phone

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The edit form shows the number in full so it can be corrected: a reveal, audited.
        deputy = self.get_object(request, object_id)
        if request.method == "GET" and deputy is not None and deputy.phone:
            audit.record(
                audit.Kind.PHONE_REVEAL, request=request, obj=deputy, detail="管理后台编辑"
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(CongressSession)
class CongressSessionAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "starts_on", "ends_on"]
    list_filter = ["year"]
    search_fields = ["name"]


class RoleFieldMixin(forms.Form):
    """Role and department are edited together so a handler never lacks a department."""

    role = forms.ChoiceField(label="角色", choices=[("", "（无）"), *Role.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            names = set(self.instance.groups.values_list("name", flat=True))
            self.fields["role"].initial = next((r for r in Role.values if r in names), "")

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if role == Role.HANDLER and not cleaned.get("department"):
            self.add_error("department", "承办单位经办人必须选择所属承办单位。")
        if role in (Role.OFFICE, Role.SUPERVISOR) and cleaned.get("department"):
            self.add_error("department", "区政府办公室和督查室人员不属于承办单位，请留空。")
        return cleaned


class UserRoleForm(RoleFieldMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class UserCreateRoleForm(RoleFieldMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "department")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserRoleForm
    add_form = UserCreateRoleForm
    list_display = ["username", "display_name", "role_label", "department", "is_active"]
    list_filter = ["groups", "department", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "department__name"]
    list_select_related = ["department"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("last_name", "first_name", "email", "phone")}),
        ("角色与单位", {"fields": ("role", "department")}),
        (
            "系统权限",
            {"fields": ("is_active", "is_staff", "is_superuser"), "classes": ("collapse",)},
        ),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        ("角色与单位", {"fields": ("role", "department")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_fieldsets(self, request, obj=None):
        """三员分立: the 系统管理员 keeps accounts, the 安全管理员 (security pages) their
        roles; only the break-glass superuser sees role and system-permission fields here."""
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        hidden = {"role", "is_staff", "is_superuser"}
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in fieldsets
            if [f for f in options["fields"] if f not in hidden]
        ]

    def save_model(self, request, obj, form, change):
        if not change and not request.user.is_superuser:
            # An account made by the 系统管理员 starts with a one-time password.
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    @admin.display(description="姓名")
    def display_name(self, obj):
        return f"{obj.last_name}{obj.first_name}"

    @admin.display(description="角色")
    def role_label(self, obj):
        names = {g.name for g in obj.groups.all()}
        return "、".join(label for value, label in Role.choices if value in names) or "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not request.user.is_superuser:
            return
        role = form.cleaned_data.get("role")
        user = form.instance
        before = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        if before == ({role} if role else set()):
            return
        user.groups.remove(*Group.objects.filter(name__in=Role.values))
        if role:
            user.groups.add(Group.objects.get(name=role))
        audit.record(
            audit.Kind.ROLE_CHANGE,
            request=request,
            obj=user,
            detail=f"（超级管理员）{'、'.join(sorted(before)) or '无'} → {role or '无'}",
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued through the API; here they are seen and revoked (deleted)."""

    list_display = ["user", "created_at", "expires_at", "last_used_at"]
    list_filter = ["expires_at"]
    search_fields = ["user__username"]
    list_select_related = ["user"]
    readonly_fields = ["user", "created_at", "expires_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
