"""An upload confirmed after someone else saved a previewed figure on the entry screen is
refused with their value, as two entry screens refuse each other; nothing is overwritten."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from indicators.models import Actual, Indicator
from policies.models import Department

HEADER = "ID,年度,事業番号,指標項目,実績値,備考\n"


@pytest.fixture
def world(build_plan, make_user):
    plan = build_plan(projects_per_policy=1, policies=1, published=False)
    department = Department.objects.create(name="A課")
    plan.projects.update(department=department)
    uploader = make_user("officer", departments=[department], username="uploader")
    editor = make_user("officer", departments=[department], username="editor")
    editor.first_name, editor.last_name = "花子", "入力"
    editor.save()
    clients = {}
    for name, user in (("uploader", uploader), ("editor", editor)):
        clients[name] = Client()
        clients[name].force_login(user)
    return {"indicator": Indicator.objects.get(), "clients": clients}


def preview_upload(world, value):
    indicator = world["indicator"]
    row = f"{indicator.pk},R5,{indicator.project.number},{indicator.name},{value},\n"
    response = world["clients"]["uploader"].post(
        reverse("admin:indicators_actual_upload"),
        {"file": SimpleUploadedFile("a.csv", (HEADER + row).encode())},
    )
    assert response.context["preview"].is_valid
    return response.context["preview"]


def save_on_entry_screen(world, value):
    pk = world["indicator"].pk
    actual = Actual.objects.filter(indicator_id=pk, fiscal_year=2023).first()
    response = world["clients"]["editor"].post(
        f"{reverse('admin:indicators_actual_entry')}?fiscal_year=2023",
        {
            "fiscal_year": 2023,
            "action": "save",
            f"value_{pk}": value,
            f"version_{pk}": actual.version if actual else 0,
        },
    )
    assert response.status_code == 302


def confirm(world):
    return world["clients"]["uploader"].post(
        reverse("admin:indicators_actual_upload_confirm"), follow=True
    )


@pytest.mark.parametrize("existing", [True, False], ids=["changed value", "new value"])
def test_a_figure_saved_since_the_preview_is_not_overwritten(world, existing):
    if existing:
        Actual.objects.create(indicator=world["indicator"], fiscal_year=2023, value=70)
    preview = preview_upload(world, "80")
    assert [row.kind for row in preview.rows] == ["changed" if existing else "new"]

    save_on_entry_screen(world, "75")
    page = confirm(world).content.decode()

    assert "「75 人」に保存しました" in page and "花子 入力が先に" in page
    assert "何も保存していません" in page
    assert Actual.objects.get(fiscal_year=2023).value == Decimal("75")


def test_an_upload_nobody_interfered_with_is_saved(world):
    Actual.objects.create(indicator=world["indicator"], fiscal_year=2023, value=70)
    preview_upload(world, "80")
    confirm(world)
    assert Actual.objects.get(fiscal_year=2023).value == Decimal("80")
