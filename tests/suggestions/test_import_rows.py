"""The import's row checks, the bulk registration and the `import_suggestions` command.

Files are built here with openpyxl, as a user's Excel would save them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError
from django.core.management import call_command
from django.db import connection
from django.db import transaction
from django.test.utils import CaptureQueriesContext

from departments.models import Deputy
from suggestions import imports
from suggestions import services
from suggestions.models import Event
from suggestions.models import Kind
from suggestions.models import Source
from suggestions.models import Status
from suggestions.models import Suggestion
from suggestions.models import Topic
from tests.factories import CongressSessionFactory
from tests.factories import DeputyFactory
from tests.factories import SuggestionFactory

HEADERS = ["编号", "年度", "类别", "提出时间", "会议", "标题", "内容", "主题分类", "领衔代表"]
HEADERS += ["联名代表", "收到日期"]
SESSION = "区二届人大四次会议"


def good_row(number=1, **changes) -> dict:
    row = {
        "编号": number,
        "年度": 2024,
        "类别": "代表建议",
        "提出时间": "大会期间",
        "会议": SESSION,
        "标题": f"关于第{number}号小区加装电梯的建议",
        "内容": "建议内容。",
        "主题分类": "住房保障与旧区改造",
        "领衔代表": "张建华",
        "联名代表": "李明、王芳",
        "收到日期": dt.date(2024, 1, 15),
    }
    row.update(changes)
    return row


def xlsx(rows: list[dict], headers: list[str] = HEADERS, *, title_rows: int = 0) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "建议"
    for _ in range(title_rows):
        ws.append(["代表建议汇总表"])
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def check(rows, **kwargs) -> imports.ImportReport:
    return imports.validate_file(xlsx(rows), filename="建议.xlsx", **kwargs)


def messages(report) -> list[str]:
    return [str(e) for e in report.errors]


@pytest.fixture
def people(db):
    CongressSessionFactory(
        name=SESSION, year=2024, starts_on=dt.date(2024, 1, 8), ends_on=dt.date(2024, 1, 11)
    )
    return {
        "张建华": DeputyFactory(name="张建华"),
        "李明": DeputyFactory(name="李明"),
        "王芳": DeputyFactory(name="王芳"),
    }


# ---------------------------------------------------------------------------------------
# A good file


def test_a_valid_file_registers_every_row_with_its_history_and_event(people, office):
    rows = [good_row(1), good_row(2, 联名代表="", 内容="")]
    report = imports.import_file(xlsx(rows), actor=office, filename="建议.xlsx")
    assert report.ok and report.imported, messages(report)
    first, second = Suggestion.objects.order_by("number")
    assert (first.year, first.kind, first.number, first.source) == (
        2024,
        "suggestion",
        1,
        "session",
    )
    assert first.session.name == SESSION
    assert first.topic == Topic.HOUSING
    assert first.lead_deputy == people["张建华"]
    assert {d.name for d in first.co_signers.all()} == {"李明", "王芳"}
    assert first.received_on == dt.date(2024, 1, 15)
    assert first.status == Status.DRAFT and first.created_by == office
    assert second.content == "" and not second.co_signers.exists()
    for s in (first, second):
        (event,) = Event.objects.filter(suggestion=s)
        assert (event.action, event.actor, event.to_status) == ("create", office, "draft")
        (history,) = s.history.all()
        assert history.history_user == office and history.history_type == "+"


def written_for(suggestion: Suggestion) -> dict:
    """What registering wrote for one item, but ids and timestamps: its row, co-signers,
    history rows and events."""

    def without(rows, *names):
        return [{k: v for k, v in row.items() if k not in names} for row in rows]

    pk = suggestion.pk
    return {
        "item": without(
            Suggestion.objects.filter(pk=pk).values(), "id", "created_at", "updated_at"
        ),
        "co_signers": sorted(Suggestion.objects.get(pk=pk).co_signers.values_list("pk", flat=True)),
        "history": without(
            Suggestion.history.filter(id=pk).order_by("history_id").values(),
            "history_id",
            "id",
            "history_date",
            "created_at",
        ),
        "events": without(
            Event.objects.filter(suggestion_id=pk).order_by("id").values(), "id", "suggestion_id"
        ),
    }


def test_an_imported_item_is_written_as_suggestion_create_writes_it(people, office):
    """The bulk path writes its rows without the ORM's instances: field by field they are
    what `suggestion_create` writes for the same facts, but the history's change reason,
    which names the import."""
    when = dt.datetime(2024, 3, 20, 10, tzinfo=dt.UTC)
    data = xlsx([good_row(1, 内容="建议内容，\n第二行。", 主题分类="交通出行")])
    (parsed,) = imports.validate_file(data).rows
    facts = {f.name: getattr(parsed, f.name) for f in dataclasses.fields(services.NewSuggestion)}
    with transaction.atomic():
        one = services.suggestion_create(actor=office, when=when, via=imports.flow.VIA, **facts)
        expected = written_for(one)
        transaction.set_rollback(True)
    assert not Suggestion.objects.exists()

    assert imports.import_file(data, actor=office, when=when).imported
    got = written_for(Suggestion.objects.get())
    assert [h.pop("history_change_reason") for h in expected["history"]] == [None]
    assert [h.pop("history_change_reason") for h in got["history"]] == ["Excel导入"]
    assert got == expected
    assert len(got["co_signers"]) == 2
    assert [e["note"] for e in got["events"]] == ["登记为2024建001（Excel导入）"]


def test_columns_are_found_by_header_in_any_order_with_stray_spaces(people, office):
    row = {
        " 标题": "标题一",
        "收到日期 ": dt.date(2024, 1, 15),
        "领\u3000衔 代表": "张建华",
        "编号": 7,
        "备注": "x",
        "类别": "代表建议",
        "提出时间（大会/闭会）": "大会期间",
        "会议": SESSION,
    }
    report = imports.validate_file(xlsx([row], list(row), title_rows=1))
    assert report.ok, messages(report)
    assert report.header_row == 2
    assert report.ignored_columns == ["备注"]
    (row,) = report.rows
    assert (row.number, row.title, row.lead_deputy.name, row.year) == (7, "标题一", "张建华", 2024)


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2023, 3, 15),
        dt.date(2023, 3, 15),
        "2023-03-15",
        "2023/3/15",
        "2023年3月15日",
        " 2023.3.15 ",
        "２０２３－０３－１５",
        20230315,
        45000,  # an Excel serial number in a cell without a date format
    ],
)
def test_dates_are_read_in_every_usual_form(people, value):
    report = check([good_row(收到日期=value, 年度=None)])
    assert report.ok, messages(report)
    assert report.rows[0].received_on == dt.date(2023, 3, 15)
    assert report.rows[0].year == 2023


def test_kind_and_source_by_their_chinese_labels(people):
    rows = [
        good_row(1, 类别="代表集中联系社区意见建议", 提出时间="闭会期间", 会议=None),
        good_row(2, 类别=" 代表建议 ", 提出时间="闭会期间", 会议=""),
    ]
    report = check(rows)
    assert report.ok, messages(report)
    assert [(r.kind, r.source, r.session) for r in report.rows] == [
        (Kind.COMMUNITY_OPINION, Source.RECESS, None),
        (Kind.SUGGESTION, Source.RECESS, None),
    ]


def test_the_full_code_may_stand_for_the_number(people):
    report = check([good_row(number="2024建012", 年度=None)])
    assert report.ok, messages(report)
    assert report.rows[0].key == (2024, Kind.SUGGESTION, 12)
    report = check([good_row(number="2024建012", 年度=2023)])
    assert messages(report) == ["第2行“编号”列：编号“2024建012”与年度“2023”不一致。"]


def test_the_example_row_of_the_template_is_skipped(people):
    report = check([good_row(number="示例"), good_row(1)])
    assert report.ok and report.example_rows == [2] and len(report.rows) == 1


# ---------------------------------------------------------------------------------------
# Each kind of row error


@pytest.mark.parametrize("header", ["编号", "类别", "提出时间", "标题", "领衔代表", "收到日期"])
def test_a_required_cell_left_blank(people, header):
    report = check([good_row(**{header: None})])
    assert f"第2行“{header}”列：请填写{header}。" in messages(report)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2023-02-30", "“2023-02-30”不是有效日期，请填写如2023-03-15、2023/3/15或2023年3月15日。"),
        ("去年三月", "“去年三月”不是有效日期，请填写如2023-03-15、2023/3/15或2023年3月15日。"),
        (dt.date(2999, 1, 1), "收到日期不能晚于今天"),
    ],
)
def test_a_bad_date(people, value, message):
    (error,) = check([good_row(收到日期=value)]).errors
    assert (error.row, error.column) == (2, "收到日期")
    assert error.message.startswith(message)


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        ("类别", "意见", "类别“意见”不正确，应为“代表建议”、“代表集中联系社区意见建议”之一。"),
        ("提出时间", "会期", "提出时间“会期”不正确"),
        ("主题分类", "交通", "主题分类“交通”不正确，是否为“交通出行”？"),
        ("编号", "十二", "编号“十二”不正确，应为1至99999的整数（如12）或完整编号（如2024建012）。"),
        ("编号", -3, "编号“-3”不正确"),
        ("编号", 10**20, "编号“100000000000000000000”不正确"),
        ("年度", "24年", "年度“24年”不正确，应为四位年份，如2024。"),
        ("标题", "长" * 201, "标题有201字，超过200字的上限。"),
    ],
)
def test_a_bad_value(people, header, value, message):
    (error,) = check([good_row(**{header: value})]).errors
    assert (error.row, error.column) == (2, header)
    assert error.message.startswith(message)


def test_an_unknown_session_suggests_the_nearest_name(people):
    (error,) = check([good_row(会议="区二届人大四次会")]).errors
    assert (error.column, error.message) == (
        "会议",
        "未找到会议“区二届人大四次会”，是否为“区二届人大四次会议”？",
    )


def test_the_session_rules_are_the_services(people):
    (error,) = check([good_row(会议=None)]).errors
    assert (error.column, error.message) == ("会议", "大会期间提出的建议须选择所属会议。")
    (error,) = check([good_row(提出时间="闭会期间")]).errors
    assert error.column == "会议" and error.message.startswith(
        "闭会期间提出的建议不属于任何一次会议"
    )


def test_deputies_are_matched_exactly_or_the_nearest_names_suggested(people):
    report = check([good_row(领衔代表="张建化", 联名代表="李民、王芳、赵钱孙")])
    assert messages(report) == [
        "第2行“领衔代表”列：未找到领衔代表“张建化”，是否为“张建华”？",
        "第2行“联名代表”列：未找到联名代表“李民”，是否为“李明”？",
        "第2行“联名代表”列：未找到联名代表“赵钱孙”，请核对姓名，或先在系统管理中添加该代表。",
    ]


def test_co_signers_split_on_any_usual_separator_and_the_lead_is_dropped(people):
    report = check([good_row(联名代表="李明，王芳、张建华、李明")])
    assert report.ok, messages(report)
    assert [d.name for d in report.rows[0].co_signers] == ["李明", "王芳"]


def test_namesakes_need_their_level(people):
    DeputyFactory(name="张建华", level=Deputy.Level.CITY)
    (error,) = check([good_row()]).errors
    assert error.message == (
        "领衔代表“张建华”有2名同名代表（区人大代表、市人大代表），请写作“张建华（区人大代表）”以区分。"
    )
    report = check([good_row(领衔代表="张建华（市人大代表）")])
    assert report.ok and report.rows[0].lead_deputy.level == Deputy.Level.CITY


def test_a_number_twice_in_the_file(people):
    report = check([good_row(1), good_row(2), good_row(1, 标题="另一件")])
    assert messages(report) == ["第4行“编号”列：与第2行重复（2024年度代表建议第1号）。"]
    # The same number in another year or kind is another item.
    assert check([good_row(1), good_row(1, 类别="代表集中联系社区意见建议")]).ok


def test_a_number_already_registered_with_other_content(people):
    SuggestionFactory(year=2024, kind=Kind.SUGGESTION, number=1, title="已登记的建议")
    (error,) = check([good_row(1)]).errors
    assert error.column == "编号"
    assert error.message.startswith("2024年度代表建议编号1已登记为“已登记的建议”（待交办）")


def test_every_error_of_every_row_is_reported_in_row_order(people):
    rows = [good_row(1, 领衔代表="无名氏", 收到日期="昨天"), good_row(2), good_row(3, 类别="x")]
    report = check(rows)
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "领衔代表"),
        (2, "收到日期"),
        (4, "类别"),
    ]
    assert [r.row for r in report.rows] == [3]


# ---------------------------------------------------------------------------------------
# All or nothing, twice, --update


def test_one_bad_row_imports_nothing(people, office):
    rows = [good_row(1), good_row(2, 领衔代表="无名氏"), good_row(3)]
    report = imports.import_file(xlsx(rows), actor=office)
    assert not report.imported and len(report.errors) == 1
    assert not Suggestion.objects.exists() and not Event.objects.exists()


def test_a_refusal_while_writing_rolls_back_every_row(people, office, monkeypatch):
    draft = SuggestionFactory(year=2024, number=5, title="旧标题")
    rows = [good_row(1), good_row(5), good_row(6)]

    def refuse(**kwargs):
        raise ValidationError("该建议已被他人修改。")

    monkeypatch.setattr(services, "suggestion_update", refuse)
    report = imports.import_file(xlsx(rows), actor=office, update=True)
    assert not report.imported
    assert messages(report) == ["第3行：该建议已被他人修改。"]
    assert list(Suggestion.objects.all()) == [draft]
    assert not Event.objects.exists()


def test_importing_the_same_file_twice_creates_nothing_new(people, office):
    data = xlsx([good_row(1), good_row(2)])
    assert imports.import_file(data, actor=office).imported
    counts = (
        Suggestion.objects.count(),
        Event.objects.count(),
        Suggestion.history.count(),
        Suggestion.co_signers.through.objects.count(),
    )
    again = imports.import_file(data, actor=office)
    assert again.ok and (again.to_create, again.unchanged) == (0, 2)
    assert counts == (
        Suggestion.objects.count(),
        Event.objects.count(),
        Suggestion.history.count(),
        Suggestion.co_signers.through.objects.count(),
    )


def test_update_changes_drafts_through_the_service(people, office, journey):
    imports.import_file(xlsx([good_row(1), good_row(2)]), actor=office)
    assigned = journey.to(Status.ASSIGNED, Suggestion.objects.get(number=2))
    changed = [good_row(1, 标题="改过的标题", 联名代表="王芳"), good_row(2)]
    report = imports.import_file(xlsx(changed), actor=office, update=True)
    assert report.imported and (report.to_update, report.unchanged) == (1, 1), messages(report)
    draft = Suggestion.objects.get(number=1)
    assert draft.title == "改过的标题" and draft.version == 2
    assert [d.name for d in draft.co_signers.all()] == ["王芳"]
    update = Event.objects.get(suggestion=draft, action=Event.Action.UPDATE)
    assert update.actor == office and "标题" in update.note
    assert draft.history.first().history_user == office

    # An item already assigned is never changed by an import.
    changed = [good_row(2, 标题="不能改")]
    report = imports.import_file(xlsx(changed), actor=office, update=True)
    assert messages(report) == [
        f"第2行“编号”列：{assigned.code}已登记为“{assigned.title}”，办理状态为“已交办”，"
        "与本行内容不同。已交办的建议不能通过导入修改：请改正编号，或在该建议的页面上修改。"
    ]
    assert Suggestion.objects.get(number=2).title == good_row(2)["标题"]


def test_only_office_staff_may_import(people, supervisor):
    with pytest.raises(ValidationError, match="只有区政府办公室工作人员可以导入建议"):
        imports.import_file(xlsx([good_row(1)]), actor=supervisor)
    assert not Suggestion.objects.exists()


def test_the_import_writes_in_bulk(people, office):
    """suggestion_create row by row would take 6+ queries per row; the bulk import takes a
    handful per batch (SQLite splits a batch by its limit on query parameters)."""

    def queries(numbers) -> int:
        data = xlsx([good_row(n) for n in numbers])
        with CaptureQueriesContext(connection) as ctx:
            assert imports.import_file(data, actor=office).imported
        return len(ctx.captured_queries)

    assert queries(range(1, 6)) <= 12
    assert queries(range(100, 300)) <= 25


# ---------------------------------------------------------------------------------------
# The command


@pytest.fixture
def workdir(tmp_path) -> Path:
    return tmp_path


def test_the_command_imports_a_good_file(people, office, workdir):
    path = workdir / "建议.xlsx"
    path.write_bytes(xlsx([good_row(1), good_row(2)]))
    out = io.StringIO()
    call_command("import_suggestions", str(path), stdout=out)
    assert "已导入：新增2件" in out.getvalue()
    assert Suggestion.objects.count() == 2
    assert set(Event.objects.values_list("actor", flat=True)) == {office.pk}


def test_the_command_fails_with_every_row_error_and_imports_nothing(people, office, workdir):
    path = workdir / "建议.xlsx"
    path.write_bytes(xlsx([good_row(1, 领衔代表="张建化"), good_row(2, 收到日期="2024-13-01")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="发现2处错误，未导入任何数据"):
        call_command("import_suggestions", str(path), stderr=err)
    assert err.getvalue().splitlines() == [
        "第2行“领衔代表”列：未找到领衔代表“张建化”，是否为“张建华”？",
        "第3行“收到日期”列：“2024-13-01”不是有效日期，请填写如2023-03-15、2023/3/15或2023年3月15日。",
    ]
    assert not Suggestion.objects.exists()


def test_the_command_exits_non_zero(people, office, workdir, monkeypatch):
    from django.core.management import ManagementUtility
    from django.db import connections

    # run_from_argv closes every connection when it ends, which on PostgreSQL would end
    # the test's own transaction: keep it open (Django's, not ours, is what is stubbed).
    monkeypatch.setattr(connections, "close_all", lambda: None)

    path = workdir / "建议.xlsx"
    path.write_bytes(xlsx([good_row(1, 领衔代表="无名氏")]))
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "import_suggestions", str(path)]).execute()
    assert exit_.value.code == 1
    path.write_bytes(b"not a spreadsheet")
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(["manage.py", "import_suggestions", str(path)]).execute()
    assert exit_.value.code == 1


def test_the_command_dry_run_only_checks(people, office, workdir):
    path = workdir / "建议.xlsx"
    path.write_bytes(xlsx([good_row(1), good_row(2)]))
    out = io.StringIO()
    call_command("import_suggestions", str(path), "--dry-run", stdout=out)
    assert "检查通过：共2行，新增2件" in out.getvalue()
    assert not Suggestion.objects.exists()


def test_the_command_update_and_user(people, office, supervisor, workdir):
    path = workdir / "建议.xlsx"
    path.write_bytes(xlsx([good_row(1)]))
    with pytest.raises(CommandError, match="不是区政府办公室工作人员"):
        call_command("import_suggestions", str(path), "--user", supervisor.username)
    call_command("import_suggestions", str(path), "--user", office.username, stdout=io.StringIO())
    path.write_bytes(xlsx([good_row(1, 标题="新标题")]))
    with pytest.raises(CommandError):
        call_command("import_suggestions", str(path), stderr=io.StringIO())
    call_command("import_suggestions", str(path), "--update", stdout=io.StringIO())
    assert Suggestion.objects.get().title == "新标题"
