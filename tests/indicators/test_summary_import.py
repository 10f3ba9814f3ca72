"""A plan started from the achievement table a city publishes: the Kanazawa seed, as text,
XLSX and CP932 CSV, gives the plan of the Kanazawa fixture (``import_summary``)."""

import csv
import io
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from indicators import published
from indicators.models import Actual, Indicator, OfficialStatus
from indicators.services import summary_import
from indicators.summary_table import SummaryError, read_rows, threshold_range
from policies.models import BasicPolicy, Highlight, Measure, Plan, Project

FIXTURE_SLUG = "kanazawa-yumeplan-2020"
# Transaction, the plan's checks (slug, two constraints in savepoints) and INSERT (its
# signal moves the public version), one INSERT each for policies, measures, projects and
# highlights, two each (rows, history) for indicators, actuals and statuses, the stored
# judgements (read the inputs, replace the rows), the published summaries (the policies
# judged, their years, three counts, replace the rows), the working summaries (their
# years, three counts, replace the rows), the policies' stored counts (two counts,
# replace the rows), the search entries (delete, read indicators and bare projects,
# insert), the version.
QUERIES = 48


def seed_lines(seed: Path) -> list[list[str]]:
    return [line.split("\t") for line in seed.read_text(encoding="utf-8").splitlines()]


def as_xlsx(seed: Path, path: Path) -> Path:
    """The seed as a workbook: one row per line, one cell per tab-separated field."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "施策達成状況"
    for cells in seed_lines(seed):
        sheet.append(cells)
    book.save(path)
    return path


def as_csv(seed: Path, path: Path, encoding: str) -> Path:
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(seed_lines(seed))
    # CP932 has no check mark; Excel users type the viewpoints without it.
    content = text.getvalue().replace("✓", "") if encoding == "cp932" else text.getvalue()
    path.write_bytes(content.encode(encoding))
    return path


def run(path, *args, slug="k", name="夢プラン（取込）"):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_summary", str(path), "--slug", slug, "--name", name, *args, stdout=out, stderr=err
    )
    return out.getvalue()


def fields(obj, *skip):
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if not f.primary_key and not f.is_relation and f.name not in skip
    }


def snapshot(plan: Plan) -> dict:
    """Everything the plan holds, keyed by natural keys, without ids, slug and name.

    Official statuses leave out who recorded them and when: the import records them now,
    the fixture has no date for them."""
    indicators = Indicator.objects.filter(project__plan=plan).select_related("project")
    key = {i.pk: (i.project.number, i.order) for i in indicators}
    return {
        "plan": fields(plan, "slug", "name"),
        "policies": {p.number: fields(p) for p in plan.basic_policies.all()},
        "measures": {
            (m.basic_policy.number, m.order): fields(m)
            for m in Measure.objects.filter(basic_policy__plan=plan).select_related("basic_policy")
        },
        "projects": {
            p.number: (p.basic_policy.number, p.measure_id, p.department_id, fields(p))
            for p in plan.projects.select_related("basic_policy")
        },
        "highlights": sorted(
            (h.project.number, h.order, h.text)
            for h in Highlight.objects.filter(project__plan=plan).select_related("project")
        ),
        "indicators": {key[i.pk]: fields(i) for i in indicators},
        "actuals": {
            (key[a.indicator_id], a.fiscal_year): fields(a)
            for a in Actual.objects.filter(indicator__in=key)
        },
        "statuses": {
            (key[s.indicator_id], s.fiscal_year): fields(s, "recorded_at")
            for s in OfficialStatus.objects.filter(indicator__in=key)
        },
    }


@pytest.fixture
def kanazawa(db):
    call_command("loaddata", "kanazawa_yumeplan2020", verbosity=0)
    return Plan.objects.get(slug=FIXTURE_SLUG)


@pytest.mark.parametrize("form", ["txt", "xlsx", "csv-cp932", "csv-utf-8-sig"])
def test_the_published_summary_gives_the_fixtures_plan(kanazawa_seed, kanazawa, tmp_path, form):
    if form == "txt":
        path = kanazawa_seed
    elif form == "xlsx":
        path = as_xlsx(kanazawa_seed, tmp_path / "summary.xlsx")
    else:
        path = as_csv(kanazawa_seed, tmp_path / "summary.csv", form.removeprefix("csv-"))
    output = run(path)
    imported = Plan.objects.get(slug="k")
    assert imported.name == "夢プラン（取込）"
    expected, got = snapshot(kanazawa), snapshot(imported)
    for part in expected:
        assert got[part] == expected[part], part
    assert len(got["indicators"]) == 18 and len(got["highlights"]) == 13
    assert "を作成しました" in output


def test_the_public_policy_pages_show_the_same_tables(kanazawa_seed, client, kanazawa):
    run(kanazawa_seed, name=kanazawa.name)
    for number in range(1, 6):
        published = client.get(f"/plans/{FIXTURE_SLUG}/policies/{number}/")
        imported = client.get(f"/plans/k/policies/{number}/")
        assert published.status_code == imported.status_code == 200
        html = published.content.decode().replace(f"/{FIXTURE_SLUG}/", "/k/")
        assert imported.content.decode() == html
        assert "概ね達成" in html or number != 1


def test_the_threshold_range_of_the_seed(kanazawa_seed, db):
    summary = summary_import.read_summary(kanazawa_seed.name, kanazawa_seed.read_bytes())
    found = threshold_range(summary.indicators)
    assert found.lower.value == Fraction(634531, 688518)
    assert found.upper.value == Fraction(40, 41)
    assert not found.contains(Fraction(634531, 688518))  # excluded
    assert found.contains(Fraction(40, 41))  # included
    assert found.contains(Decimal("0.9216")) and not found.contains(Decimal("0.9215"))
    assert found.contains(Decimal("0.9756")) and not found.contains(Decimal("0.9757"))
    assert not found.conflicts


def test_dry_run_prints_the_range_and_proposal_and_writes_nothing(kanazawa_seed, db):
    output = run(kanazawa_seed, "--dry-run")
    assert "634,531 ÷ 688,518 ≈ 0.9216（No. 2 利用者数） より大きく" in output
    assert "40 ÷ 41 ≈ 0.9756（No. 4 実施か所数） 以下" in output
    assert "提案する基準（--threshold で変更できます）: 0.95" in output
    assert "すべて計算上の達成状況と一致します" in output
    assert "基本方針 5、基本施策 29、事業 30、指標 18、主な取組実績 13、公式の達成状況 18" in output
    assert not Plan.objects.exists()


def test_a_threshold_outside_the_range_lists_the_disagreeing_row(kanazawa_seed, db):
    output = run(kanazawa_seed, "--threshold", "0.98")
    assert "公表と計算が違う行: 57 行目 実施か所数: 公表 概ね達成、計算 未達成" in output
    plan = Plan.objects.get(slug="k")
    assert plan.achievement_threshold == Decimal("0.98")
    indicator = Indicator.objects.get(project__plan=plan, project__number="4")
    status = published.status_for(indicator, 2024)
    assert status.code == "mostly_achieved" and status.computed == "not_achieved"


def test_an_unreadable_row_is_reported_with_its_line_and_nothing_is_written(
    kanazawa_seed, db, tmp_path
):
    text = kanazawa_seed.read_text(encoding="utf-8").replace("150 か所", "百五十 か所")
    path = tmp_path / "summary.txt"
    path.write_text(text, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="何も保存していません"):
        call_command("import_summary", str(path), "--slug", "k", "--name", "x", stderr=err)
    assert "54 行目: R6実績: 「百五十 か所」は数値として読み取れません。" in err.getvalue()
    assert not Plan.objects.exists() and not Project.objects.exists()


def test_an_existing_slug_is_refused_and_nothing_is_written(kanazawa_seed, kanazawa):
    before = Project.objects.count()
    with pytest.raises(CommandError):
        run(kanazawa_seed, "--dry-run", slug=FIXTURE_SLUG)  # the dry run checks it too
    with pytest.raises(CommandError):
        run(kanazawa_seed, slug=FIXTURE_SLUG)
    assert Plan.objects.count() == 1 and Project.objects.count() == before
    assert BasicPolicy.objects.count() == 5


def test_a_file_over_the_upload_limit_is_refused_before_reading(db, settings, tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2048)
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(CommandError, match="大きすぎます"):
        run(path)
    with pytest.raises(SummaryError, match="大きすぎます"):
        read_rows("big.txt", path.read_bytes(), max_bytes=1024)


def test_the_made_up_sample_in_fixtures_imports(db, settings):
    sample = settings.BASE_DIR / "fixtures" / "summary_sample.csv"
    assert "【サンプルデータ】" in sample.read_text(encoding="utf-8").splitlines()[0]
    output = run(sample, slug="sample")
    assert "基本方針 2、基本施策 3、事業 5、指標 5、主な取組実績 2、公式の達成状況 5" in output
    assert "  3/0 待機児童数: 減少、低いほど良い" in output
    plan = Plan.objects.get(slug="sample")
    assert plan.achievement_threshold == Decimal("0.95")
    added = Project.objects.get(plan=plan, number="R5-1")
    assert (added.fiscal_year_added, added.summary_order) == (2023, None)
    assert [h.text for h in added.highlights.all()] == [
        "生後4か月からの親子を対象とした教室を新たに開きました。"
    ]
    assert BasicPolicy.objects.get(plan=plan, number=2).keyword == "のびのび"
    cumulative = Indicator.objects.get(project__plan=plan, project__number="4")
    assert cumulative.is_cumulative and cumulative.target_kind == "increase"


def test_writing_takes_the_same_queries_whatever_the_size(
    db, kanazawa_seed, settings, django_assert_num_queries
):
    """One INSERT per model (and per history table), not one per row: the same count for
    the five-row sample and the Kanazawa table."""
    from indicators.cache import bump_public_cache

    bump_public_cache()  # the public version row exists, as it does once the site has run
    sample = settings.BASE_DIR / "fixtures" / "summary_sample.csv"
    for slug, path in (("sample", sample), ("kanazawa", kanazawa_seed)):
        summary = summary_import.read_summary(path.name, path.read_bytes())
        with django_assert_num_queries(QUERIES):
            summary_import.create_plan(summary, slug=slug, name=slug, threshold=Decimal("0.95"))


def test_in_a_terminal_the_planner_confirms_the_proposed_threshold(db, kanazawa_seed, monkeypatch):
    from indicators.management.commands import import_summary

    monkeypatch.setattr(import_summary.Command, "stdin_is_terminal", staticmethod(lambda: True))
    answers = iter(["n", "y"])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="中止しました"):
        run(kanazawa_seed)
    assert not Plan.objects.exists()
    run(kanazawa_seed)
    assert Plan.objects.get(slug="k").achievement_threshold == Decimal("0.95")
    run(kanazawa_seed, "--no-input", slug="k2")  # never asks: the iterator is exhausted
    assert Plan.objects.filter(slug="k2").exists()
