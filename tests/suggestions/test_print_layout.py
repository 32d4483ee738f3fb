"""The printed layout of the list export and the import template (A4 landscape, one page
wide, header row on each page, page numbers), and the template's deputy drop-down: its
hidden 名单 sheet, the validation, and a round trip through the import."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.urls import reverse

from departments.models import Deputy
from suggestions import imports
from tests.factories import DeputyFactory
from tests.factories import SuggestionFactory
from tests.suggestions import test_import_rows

people = test_import_rows.people


def download(client, user, url: str) -> bytes:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def assert_a4_landscape_one_page_wide(ws, *, title_rows: bool = True) -> None:
    setup = ws.page_setup
    assert setup.orientation == "landscape"
    assert int(setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    # An absent fitToWidth is the file format's default, 1; fitToHeight 0 is "any number".
    assert int(setup.fitToWidth or 1) == 1 and int(setup.fitToHeight) == 0
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    if title_rows:
        assert ws.print_title_rows == "$1:$1"


def test_the_list_export_prints_a4_landscape_one_page_wide(client, office, db):
    SuggestionFactory()
    data = download(client, office, reverse("excel:export"))
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert_a4_landscape_one_page_wide(ws)
    assert ws.column_dimensions["G"].width > 20  # 标题 stays readable


def test_the_template_prints_a4_landscape_one_page_wide(client, office, people):
    data = download(client, office, reverse("excel:import_template"))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert_a4_landscape_one_page_wide(wb["建议"])
    assert_a4_landscape_one_page_wide(wb["填写说明"], title_rows=False)


def _validations(ws) -> dict[str, object]:
    return {str(v.sqref).split(":")[0]: v for v in ws.data_validations.dataValidation}


def test_the_template_offers_the_deputies_in_office_from_a_hidden_sheet(client, office, people):
    DeputyFactory(name="离任代表", is_active=False)
    # Two deputies of one name: the list tells them apart by level, as the import reads it.
    DeputyFactory(name="同名", level=Deputy.Level.CITY)
    DeputyFactory(name="同名", level=Deputy.Level.DISTRICT)
    data = download(client, office, reverse("excel:import_template"))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["建议", "填写说明", "选项", "名单"]
    roll = wb["名单"]
    assert roll.sheet_state == "hidden"
    names = [c.value for c in roll["A"][1:]]
    assert len(names) == len(set(names))
    assert set(names) == {"张建华", "李明", "王芳", "同名（市人大代表）", "同名（区人大代表）"}

    validations = _validations(wb["建议"])
    lead = validations["I2"]  # 领衔代表
    assert lead.type == "list"
    assert lead.formula1 == f"=名单!$A$2:$A${len(names) + 1}"
    assert lead.showErrorMessage and lead.errorStyle in (None, "stop")
    assert "领衔代表" in lead.error and "下拉列表" in lead.error
    co_signers = validations["J2"]  # 联名代表: several names a cell, a prompt only
    assert co_signers.type is None and "顿号" in co_signers.prompt


def test_a_filled_template_imports_and_an_unlisted_name_is_refused(client, office, people):
    data = download(client, office, reverse("excel:import_template"))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws, roll = wb["建议"], wb["名单"]
    listed = [c.value for c in roll["A"][1:]]
    headers = [c.value for c in ws[1]]
    row = test_import_rows.good_row(
        5, 领衔代表=listed[0], 联名代表="、".join(listed[1:]), 收到日期=dt.date(2024, 1, 15)
    )
    for col, header in enumerate(headers, 1):
        ws.cell(row=3, column=col, value=row[header])
    out = io.BytesIO()
    wb.save(out)
    report = imports.validate_file(out.getvalue(), filename="模板.xlsx")
    assert report.ok, [str(e) for e in report.errors]
    assert [r.number for r in report.rows] == [5]
    assert report.rows[0].lead_deputy.name == listed[0]

    ws.cell(row=4, column=headers.index("领衔代表") + 1, value="不在名单")
    for col, header in enumerate(headers, 1):
        if header != "领衔代表":
            ws.cell(row=4, column=col, value=test_import_rows.good_row(6)[header])
    out = io.BytesIO()
    wb.save(out)
    report = imports.validate_file(out.getvalue(), filename="模板.xlsx")
    assert not report.ok
    assert [str(e) for e in report.errors] == [
        "第4行“领衔代表”列：未找到领衔代表“不在名单”，请核对姓名，或先在系统管理中添加该代表。"
    ]
