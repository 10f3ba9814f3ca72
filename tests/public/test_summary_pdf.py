"""The city's 施策達成状況概要 as a PDF from the published data (WeasyPrint, PDF/UA-1)."""

import os
import re
import shutil
import subprocess

import pytest
from django.core.management import call_command

from indicators.models import Actual, Indicator
from policies.models import Plan
from yumeplan.public.summary import summary_rows
from yumeplan.public.templatetags.public_site import status_mark

KANAZAWA = "kanazawa-yumeplan-2020"


@pytest.fixture
def poppler(tmp_path):
    """``poppler(pdf_bytes, tool, *args)``: the output of pdftotext / pdfinfo on the PDF."""
    if not shutil.which("pdftotext"):
        if os.environ.get("CI"):
            pytest.fail("poppler-utils is missing: CI must check the PDF")
        pytest.skip("poppler-utils is missing: `apt-get install poppler-utils` (dev.py test does)")
    path = tmp_path / "summary.pdf"

    def run(content, tool, *args):
        path.write_bytes(content)
        command = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
        return subprocess.run(command, capture_output=True, check=True, text=True).stdout

    return run


@pytest.fixture
def kanazawa(db):
    call_command("loaddata", "kanazawa_yumeplan2020", verbosity=0)
    return Plan.objects.get(slug=KANAZAWA)


def test_kanazawa_pdf_holds_every_main_indicator_row_with_its_status(client, kanazawa, poppler):
    response = client.get(f"/data/{KANAZAWA}/summary-2024.pdf")
    assert response["Content-Type"] == "application/pdf"
    pages = poppler(response.content, "pdftotext", "-layout").split("\f")
    policies = list(kanazawa.basic_policies.all())
    all_rows = summary_rows(kanazawa, 2024)
    assert len([page for page in pages if page.strip()]) == 1 + len(policies)
    checked = 0
    for number, policy in enumerate(policies, start=1):
        page = pages[number]
        assert f"基本方針 {policy.number} {policy.title}" in page
        rows = [row for row in all_rows if row.project.basic_policy_id == policy.pk]
        for row in rows:
            if row.indicator is None:
                continue
            status = f"{status_mark(row.status.code)} {row.status.label}"
            line = re.search(
                rf"^.*{re.escape(row.status.display_value)}\s+{re.escape(status)}\s*$",
                page,
                re.M,
            )
            assert line, (row.project.number, row.indicator.name)
            assert row.indicator.target_display in line.group(0)
            assert re.sub(r"\s", "", row.indicator.name)[:6] in re.sub(r"\s", "", page)
            checked += 1
    assert checked == 18
    assert "6,914 件 (H30)" in pages[2]  # the baseline's own year, as the city prints it
    assert "R5-1 めだか親子教室" in pages[1]  # highlights


def test_pdf_is_tagged_pdf_ua_a4_landscape_with_the_font_embedded(client, kanazawa, poppler):
    content = client.get(f"/data/{KANAZAWA}/summary-2024.pdf").content
    info = poppler(content, "pdfinfo")
    assert "Tagged:          yes" in info
    assert re.search(r"Page size:\s+841\.89 x 595\.2\d+ pts \(A4\)", info)
    assert "施策達成状況概要（R6）" in info
    assert 'pdfuaid:part="1"' in poppler(content, "pdfinfo", "-meta")
    structure = poppler(content, "pdfinfo", "-struct")
    assert re.search(r"^\s+Table\b", structure, re.M) and re.search(r"^\s+TH\b", structure, re.M)
    fonts = poppler(content, "pdffonts")
    assert "Noto-Sans-CJK-JP" in fonts and "Serif" not in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # embedded


def test_pdf_is_linked_for_each_published_year_and_404_otherwise(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    Actual.objects.create(
        indicator=Indicator.objects.get(), fiscal_year=2022, value=90, published_value=90
    )
    Actual.objects.create(indicator=Indicator.objects.get(), fiscal_year=2023, value=95)
    html = client.get(plan.get_absolute_url()).content.decode()
    links = re.findall(r'href="(/data/test-plan/summary-\d+\.pdf)"', html)
    assert links == ["/data/test-plan/summary-2022.pdf", "/data/test-plan/summary-2024.pdf"]
    assert client.get("/data/test-plan/summary-2023.pdf").status_code == 404  # unpublished
    assert client.get("/data/nope/summary-2024.pdf").status_code == 404


def test_pdf_is_japanese_from_the_english_site_too(client, kanazawa, poppler):
    client.get(f"/en/plans/{KANAZAWA}/")
    text = poppler(client.get(f"/data/{KANAZAWA}/summary-2024.pdf").content, "pdftotext")
    assert "主な指標とその達成状況" in text and "Achieved" not in text


def test_a_summary_too_long_for_a_pdf_points_to_the_same_data(client, build_plan, monkeypatch):
    from yumeplan.public import pdf

    plan = build_plan(projects_per_policy=3, policies=1)
    monkeypatch.setattr(pdf, "PDF_MAX_PROJECTS", 2)
    response = client.get(f"/data/{plan.slug}/summary-2024.pdf")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "3 事業が載っており、PDF にできる 2 事業を超える" in html
    assert f'href="/data/{plan.slug}/indicators.csv"' in html
    assert f'href="/data/{plan.slug}/indicators.xlsx"' in html
