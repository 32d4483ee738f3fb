"""The import pages through the Django test client: the template, upload → preview with
errors → fix → confirm, and who may use them."""

from __future__ import annotations

import html
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from security.models import AuditEvent
from suggestions import imports
from suggestions.models import Event
from suggestions.models import Suggestion
from tests.factories import SuggestionFactory
from tests.suggestions import test_import_rows
from tests.suggestions.test_import_rows import good_row
from tests.suggestions.test_import_rows import xlsx

people = test_import_rows.people


@pytest.fixture(autouse=True)
def upload_dir(tmp_path, settings):
    """Where an upload waits for its confirmation: Django's storage, here a fresh folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "import-previews"


def upload(client, data: bytes, name: str = "建议.xlsx", **extra):
    return client.post(
        reverse("excel:import"),
        {"file": SimpleUploadedFile(name, data), **extra},
    )


# ---------------------------------------------------------------------------------------
# Permissions


@pytest.mark.parametrize("role", ["lead_handler", "supervisor"])
def test_handlers_and_supervisors_may_not_import(client, people, request, role, upload_dir):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("excel:import")).status_code == 403
    assert client.get(reverse("excel:import_template")).status_code == 403
    assert upload(client, xlsx([good_row(1)])).status_code == 403
    response = client.post(reverse("excel:import_confirm"), {"token": "x" * 32})
    assert response.status_code == 403
    assert not Suggestion.objects.exists()
    assert not upload_dir.exists()


def test_anonymous_users_are_sent_to_log_in(client, db):
    for url in ("excel:import", "excel:import_template", "excel:import_confirm"):
        response = client.get(reverse(url))
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_confirm_takes_only_post(client, office):
    client.force_login(office)
    assert client.get(reverse("excel:import_confirm")).status_code == 405


# ---------------------------------------------------------------------------------------
# The template


def test_the_template_has_lists_instructions_and_an_example(client, office, people):
    client.force_login(office)
    response = client.get(reverse("excel:import_template"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["建议", "填写说明", "选项", "名单"]
    assert wb["选项"].sheet_state == "hidden"
    ws = wb["建议"]
    assert [c.value for c in ws[1]] == [c.header for c in imports.COLUMNS]
    assert ws["A2"].value == "示例"
    lists = {
        str(v.sqref).split(":")[0]: v.formula1
        for v in ws.data_validations.dataValidation
        if v.type == "list"
    }
    # 类别 C, 提出时间 D, 会议 E, 主题分类 H, 领衔代表 I.
    assert set(lists) == {"C2", "D2", "E2", "H2", "I2"}
    options = wb["选项"]
    values = {
        options.cell(1, col).value: [
            options.cell(r, col).value for r in range(2, options.max_row + 1)
        ]
        for col in range(1, 5)
    }
    assert values["类别"][:2] == ["代表建议", "代表集中联系社区意见建议"]
    assert values["提出时间"][:2] == ["大会期间", "闭会期间"]
    assert "住房保障与旧区改造" in values["主题分类"]
    assert values["会议"][0] == test_import_rows.SESSION
    guide = [row[0] for row in wb["填写说明"].iter_rows(values_only=True) if row[0]]
    assert any("合并单元格" in line for line in guide)
    # Left as it is, the template imports nothing.
    report = imports.validate_file(data)
    assert report.example_rows == [2] and not report.ok


# ---------------------------------------------------------------------------------------
# The flow


def test_upload_preview_errors_fix_and_confirm(client, office, people, upload_dir):
    client.force_login(office)
    page = client.get(reverse("excel:import"))
    assert page.status_code == 200 and "下载导入模板" in page.text

    wrong = [good_row(1), good_row(2, 领衔代表="张建化"), good_row(3, 收到日期="2024-02-30")]
    preview = upload(client, xlsx(wrong))
    assert preview.status_code == 200
    assert "发现<strong>2</strong>处错误，未导入任何数据" in preview.text
    assert "第3行" in preview.text and "第4行" in preview.text
    assert "未找到领衔代表“张建化”，是否为“张建华”？" in preview.text
    assert "确认导入" not in preview.text
    assert not Suggestion.objects.exists() and not upload_dir.exists()

    fixed = [good_row(1), good_row(2), good_row(3, 收到日期="2024-02-28")]
    preview = upload(client, xlsx(fixed))
    assert preview.status_code == 200
    assert "检查通过：将新增<strong>3</strong>件" in preview.text
    token = preview.context["token"]
    assert token and (upload_dir / f"{token}.xlsx").exists()
    assert not Suggestion.objects.exists()

    done = client.post(reverse("excel:import_confirm"), {"token": token}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("suggestions:list") + "?status=draft"
    assert "已导入“建议.xlsx”：新增3件。" in done.text
    assert Suggestion.objects.count() == 3
    assert set(Event.objects.values_list("actor", flat=True)) == {office.pk}
    assert not (upload_dir / f"{token}.xlsx").exists()
    imported = AuditEvent.objects.get(kind="import")  # the security audit log (DESIGN §13)
    assert (imported.username, imported.object_repr) == (office.username, "建议.xlsx")

    # The same confirmation again does nothing.
    again = client.post(reverse("excel:import_confirm"), {"token": token}, follow=True)
    assert "导入预览已失效" in again.text
    assert Suggestion.objects.count() == 3

    # Nor does uploading the same file again.
    preview = upload(client, xlsx(fixed))
    assert "已登记且内容相同、跳过<strong>3</strong>件" in preview.text
    assert "没有需要导入的内容" in preview.text and "确认导入" not in preview.text


def test_a_bad_file_is_explained_on_the_form(client, office, db):
    client.force_login(office)
    response = upload(client, imports.OLE_MAGIC + bytes(2048), name="建议.xls")
    assert response.status_code == 200
    assert "这是旧版Excel 97-2003格式（.xls）的文件" in response.text
    assert response.context["form"].errors["file"]


def test_an_empty_file_is_explained_on_the_form(client, office, db):
    client.force_login(office)
    response = upload(client, b"")
    assert "文件是空的（0字节），请选择填写好的Excel文件（.xlsx）。" in response.text


def test_a_file_over_10_mb_is_refused_before_reading(client, office, db):
    client.force_login(office)
    response = upload(client, imports.ZIP_MAGIC + bytes(imports.MAX_FILE_BYTES + 10))
    assert "超过10 MB的上限" in response.text
    assert not Suggestion.objects.exists()


def test_the_confirmation_checks_the_file_again(client, office, people):
    client.force_login(office)
    preview = upload(client, xlsx([good_row(1), good_row(2)]))
    token = preview.context["token"]
    # Meanwhile someone registers number 2 with other content.
    SuggestionFactory(year=2024, number=2, title="别人登记的建议")
    response = client.post(reverse("excel:import_confirm"), {"token": token})
    assert response.status_code == 409
    assert "已登记为“别人登记的建议”" in response.text
    assert list(Suggestion.objects.values_list("number", flat=True)) == [2]


def test_update_is_chosen_on_upload(client, office, people):
    client.force_login(office)
    SuggestionFactory(year=2024, number=1, title="旧标题")
    preview = upload(client, xlsx([good_row(1)]))
    assert "请勾选“更新已登记的待交办建议”" in preview.text
    preview = upload(client, xlsx([good_row(1)]), update="on")
    assert "更新<strong>1</strong>件待交办建议" in preview.text
    client.post(reverse("excel:import_confirm"), {"token": preview.context["token"]})
    assert Suggestion.objects.get().title == good_row(1)["标题"]


def test_an_expired_upload(client, office, people, upload_dir):
    client.force_login(office)
    token = upload(client, xlsx([good_row(1)])).context["token"]
    (upload_dir / f"{token}.xlsx").unlink()
    response = client.post(reverse("excel:import_confirm"), {"token": token}, follow=True)
    assert "上传的文件已过期，请重新上传。" in response.text
    assert not Suggestion.objects.exists()


def test_a_new_upload_replaces_the_pending_one(client, office, people, upload_dir):
    client.force_login(office)
    first = upload(client, xlsx([good_row(1)])).context["token"]
    second = upload(client, xlsx([good_row(2)])).context["token"]
    assert not (upload_dir / f"{first}.xlsx").exists()
    response = client.post(reverse("excel:import_confirm"), {"token": first}, follow=True)
    assert "导入预览已失效" in response.text
    client.post(reverse("excel:import_confirm"), {"token": second})
    assert list(Suggestion.objects.values_list("number", flat=True)) == [2]


def test_each_preview_row_shows_its_similar_past_suggestions(client, office, people, upload_dir):
    """DESIGN §11: similar suggestions at import too — each row's button asks the panel."""
    from similar import index as similar_index

    past = SuggestionFactory(year=2023, title="关于老旧小区加装电梯的建议")
    similar_index.rebuild()
    client.force_login(office)
    preview = upload(client, xlsx([good_row(1)]))
    assert "查看相似建议" in preview.text
    url = re.search(r'hx-get="([^"]+)"[^>]*>查看相似建议', preview.text)[1]
    panel = client.get(html.unescape(url))
    assert panel.status_code == 200
    assert past.code in panel.text and "相似的建议" in panel.text
