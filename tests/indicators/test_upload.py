"""Uploading actuals: template, encodings, preview, every bad-row class, all-or-nothing."""

import codecs
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.admin_uploads import SESSION_KEY
from indicators.models import Actual, ActualState, Indicator
from indicators.services import imports
from policies.models import Department, ReportingYear

UPLOAD = "admin:indicators_actual_upload"
CONFIRM = "admin:indicators_actual_upload_confirm"
HEADER = "ID,年度,事業番号,指標項目,実績値,備考\n"


@pytest.fixture
def world(build_plan, make_user):
    plan = build_plan(projects_per_policy=3, policies=1, published=False)
    mine, theirs = Department.objects.create(name="A課"), Department.objects.create(name="B課")
    first, second, other = plan.projects.order_by("number")
    for project, department in [(first, mine), (second, mine), (other, theirs)]:
        project.department = department
        project.save()
    return {
        "plan": plan,
        "own": Indicator.objects.get(project=first),
        "own2": Indicator.objects.get(project=second),
        "other": Indicator.objects.get(project=other),
        "officer": make_user("officer", departments=[mine]),
    }


def csv_row(indicator, value, note="", year="R5", number=None):
    number = indicator.project.number if number is None else number
    return f"{indicator.pk},{year},{number},{indicator.name},{value},{note}\n"


def upload(client, name, data):
    return client.post(reverse(UPLOAD), {"file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("utf-8"),
        lambda text: text.encode("cp932"),
    ],
    ids=["utf-8-bom", "utf-8", "cp932"],
)
def test_csv_in_each_encoding_previews_then_saves_drafts(client, world, encode):
    own, own2 = world["own"], world["own2"]
    client.force_login(world["officer"])
    text = HEADER + csv_row(own, "１，２３４", "増えた") + csv_row(own2, "90人")
    response = upload(client, "実績.csv", encode(text))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.errors == []
    assert [(r.row, r.kind, r.value) for r in preview.rows] == [
        (2, "new", Decimal("1234")),
        (3, "new", Decimal("90")),
    ]
    assert not Actual.objects.filter(fiscal_year=2023).exists()  # preview writes nothing

    response = client.post(reverse(CONFIRM))
    assert response.status_code == 302
    saved = {a.indicator_id: a for a in Actual.objects.filter(fiscal_year=2023)}
    assert saved[own.pk].value == Decimal("1234") and saved[own.pk].note == "増えた"
    assert saved[own.pk].state == ActualState.DRAFT
    assert saved[own2.pk].value == Decimal("90")
    assert saved[own.pk].history.first().history_user == world["officer"]


def test_preview_shows_changed_and_unchanged(client, world):
    own, own2 = world["own"], world["own2"]
    Actual.objects.create(indicator=own, fiscal_year=2023, value=Decimal("10"))
    Actual.objects.create(indicator=own2, fiscal_year=2023, value=Decimal("20"), note="同じ")
    preview = imports.build_preview(
        user=world["officer"],
        records=imports.read_upload(
            "a.csv", (HEADER + csv_row(own, "11") + csv_row(own2, "20", "同じ")).encode()
        ),
    )
    assert [(r.kind, r.old_value) for r in preview.rows] == [
        ("changed", Decimal("10")),
        ("unchanged", Decimal("20")),
    ]


def test_every_bad_row_class_is_reported_with_its_row_and_nothing_is_saved(client, world):
    own, own2, other = world["own"], world["own2"], world["other"]
    Actual.objects.create(
        indicator=own2, fiscal_year=2022, value=Decimal("5"), state=ActualState.SUBMITTED
    )
    text = (
        HEADER
        + csv_row(own, "50")  # row 2: fine
        + csv_row(other, "50")  # 3: another department
        + ",R5,999,利用者数,1,\n"  # 4: unknown project
        + f",R5,{own.project.number},存在しない指標,1,\n"  # 5: unknown indicator
        + "999999,R5,1,x,1,\n"  # 6: unknown id
        + csv_row(own, "51")  # 7: duplicate of row 2
        + csv_row(own2, "たくさん")  # 8: not a number
        + csv_row(own2, "-3", year="R6")  # 9: negative (workflow.value_errors)
        + csv_row(own2, "6", year="R4")  # 10: submitted actual cannot change
        + csv_row(own2, "7", year="来年")  # 11: bad fiscal year
        + csv_row(own2, "7", number="101x")  # 12: project number does not match id
    )
    client.force_login(world["officer"])
    response = upload(client, "bad.csv", text.encode("cp932"))
    preview = response.context["preview"]
    reasons = {error.row: error.message for error in preview.errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert "担当課が違う" in reasons[3]
    assert "事業番号「999」の事業はない" in reasons[4]
    assert "指標「存在しない指標」はありません" in reasons[5]
    assert "ID 999999 の指標はありません" in reasons[6]
    assert "2 行目と同じ" in reasons[7]
    assert "数値として読み取れません" in reasons[8]
    assert "マイナス" in reasons[9]
    assert "提出済み" in reasons[10]
    assert "年度として読み取れません" in reasons[11]
    assert "合いません" in reasons[12]
    assert other.project.name not in response.content.decode()  # no other department's data
    assert SESSION_KEY not in client.session
    assert client.post(reverse(CONFIRM)).status_code == 302
    assert not Actual.objects.filter(fiscal_year=2023).exists()


def test_percent_above_100_and_wrong_unit_are_refused(world):
    own = world["own"]
    own.unit = "%"
    own.save()
    records = imports.read_upload(
        "a.csv", (HEADER + csv_row(own, "100.5%") + csv_row(own, "3人", year="R4")).encode()
    )
    preview = imports.build_preview(user=world["officer"], records=records)
    assert [e.row for e in preview.errors] == [2, 3]
    assert "100 以下" in preview.errors[0].message
    assert "単位「人」" in preview.errors[1].message


def test_confirm_revalidates_and_writes_nothing_when_the_year_was_locked_meanwhile(client, world):
    client.force_login(world["officer"])
    upload(client, "a.csv", (HEADER + csv_row(world["own"], "5")).encode())
    assert SESSION_KEY in client.session
    ReportingYear.objects.create(plan=world["plan"], fiscal_year=2023, is_locked=True)
    response = client.post(reverse(CONFIRM), follow=True)
    assert "ロック" in response.content.decode()
    assert not Actual.objects.filter(fiscal_year=2023).exists()


def test_unreadable_files_are_refused_in_japanese(client, world):
    client.force_login(world["officer"])
    response = upload(client, "a.csv", "保育".encode("utf-16"))
    assert "文字コードを読み取れません" in response.content.decode()
    response = upload(client, "a.txt", b"x")
    assert ".xlsx" in response.content.decode()
    response = upload(client, "a.csv", "名前,値\nx,1\n".encode())
    assert "必要な見出しがありません" in response.content.decode()
    response = upload(client, "a.xlsx", b"not a zip")
    assert "Excel ファイルとして読み取れません" in response.content.decode()


def test_template_round_trips_through_an_xlsx_upload(client, world):
    own, own2 = world["own"], world["own2"]
    Actual.objects.create(indicator=own, fiscal_year=2022, value=Decimal("70"))
    Actual.objects.create(indicator=own, fiscal_year=2023, value=Decimal("99.8"), note="前")
    client.force_login(world["officer"])
    response = client.get(reverse("admin:indicators_actual_template") + "?fiscal_year=2023")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:8] == [
        "ID",
        "年度",
        "事業番号",
        "事業名",
        "指標項目",
        "単位",
        "基準値",
        "目標値",
    ]
    assert header[-2:] == ["実績値", "備考"]
    assert "R4 実績" in header
    assert {row[0] for row in rows[1:]} == {own.pk, own2.pk}  # only the officer's indicators
    own_row = next(row for row in rows[1:] if row[0] == own.pk)
    assert own_row[header.index("R4 実績")] == "70"
    assert (own_row[-2], own_row[-1]) == ("99.8", "前")

    # Unchanged, the template changes nothing; filled in, it saves the new figure.
    preview = imports.build_preview(
        user=world["officer"], records=imports.read_upload("t.xlsx", response.content)
    )
    assert preview.errors == [] and [r.kind for r in preview.rows] == ["unchanged"]
    own2_row = 1 + next(i for i, row in enumerate(rows[1:], 1) if row[0] == own2.pk)
    sheet.cell(row=own2_row, column=len(header) - 1, value=1234.5)  # Excel stores a float
    sheet.cell(row=own2_row, column=len(header), value="入力")
    filled = io.BytesIO()
    book.save(filled)
    upload(client, "t.xlsx", filled.getvalue())
    client.post(reverse(CONFIRM))
    saved = Actual.objects.get(indicator=own2, fiscal_year=2023)
    assert (saved.value, saved.note) == (Decimal("1234.5"), "入力")
    assert Actual.objects.get(indicator=own, fiscal_year=2023).value == Decimal("99.8")


@pytest.mark.parametrize("size", [3, 30])
def test_preview_and_confirm_queries_do_not_grow_with_rows(
    build_plan, make_user, django_assert_max_num_queries, size
):
    plan = build_plan(projects_per_policy=size, policies=1, published=False)
    planner = make_user("planner")
    text = HEADER + "".join(csv_row(i, "7") for i in Indicator.objects.filter(project__plan=plan))
    records = imports.read_upload("a.csv", text.encode())
    with django_assert_max_num_queries(8):
        preview = imports.build_preview(user=planner, records=records)
    assert len(preview.rows) == size and not preview.errors
    # ... of which 5 count the policy's published summary again (indicators, statuses,
    # figures; replace the year's row), and 3 its working summaries (the indicators with
    # their statuses and figures' states; replace the year's rows).
    with django_assert_max_num_queries(28):
        imports.confirm(user=planner, records=records)
    assert Actual.objects.filter(fiscal_year=2023).count() == size


def test_upload_page_offers_templates_and_changelist_links_it(client, world):
    client.force_login(world["officer"])
    page = client.get(reverse(UPLOAD)).content.decode()
    assert reverse("admin:indicators_actual_template") + "?fiscal_year=2024" in page
    assert "R6 の様式" in page
    changelist = client.get(reverse("admin:indicators_actual_changelist")).content.decode()
    assert reverse(UPLOAD) in changelist and reverse("admin:indicators_actual_entry") in changelist


def test_staff_without_entry_permission_cannot_upload_or_download(client, make_user, world):
    client.force_login(make_user(None))
    assert client.get(reverse(UPLOAD)).status_code == 403
    assert client.post(reverse(CONFIRM)).status_code == 403
    assert client.get(reverse("admin:indicators_actual_template")).status_code == 403


def test_confirm_takes_the_same_queries_at_any_size(build_plan, make_user):
    """New figures, then changed ones: the same number of queries for 3 rows as for 40."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    planner = make_user("planner")
    counts = {}
    for size in (1, 3, 40):  # the first, to fill the user's permission caches
        plan = build_plan(projects_per_policy=size, policies=1, slug=f"p{size}", published=False)
        indicators = Indicator.objects.filter(project__plan=plan)
        for value in ("7", "8"):  # created, then updated
            text = HEADER + "".join(csv_row(i, value) for i in indicators)
            records = imports.read_upload("a.csv", text.encode())
            with CaptureQueriesContext(connection) as queries:
                result = imports.confirm(user=planner, records=records)
            assert result.total == size
            counts.setdefault(value, []).append(len(queries))
        assert set(
            Actual.objects.filter(indicator__in=indicators, fiscal_year=2023).values_list(
                "value", flat=True
            )
        ) == {Decimal("8")}
    assert counts["7"][1] == counts["7"][2] and counts["8"][1] == counts["8"][2], counts
