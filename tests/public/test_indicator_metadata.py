"""What planners enter to explain an indicator: shown on the project page, in the API and
the CSV, copied when the indicator is carried over."""

import csv
import io
import json

from indicators.models import Indicator

METADATA = {
    "definition": "年度内に子育てサロンを利用した延べ人数",
    "data_source": "子育て支援課 業務統計",
    "update_cycle": "毎年度（翌年度の 6 月に集計）",
}


def test_project_page_api_and_csv_show_the_metadata(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    Indicator.objects.update(**METADATA)
    html = client.get(f"/plans/{plan.slug}/projects/100/").content.decode()
    for label, value in zip(
        ("指標の定義", "データの出典", "更新の周期"), METADATA.values(), strict=True
    ):
        assert f"<dt>{label}</dt><dd>{value}</dd>" in html
    record = json.loads(client.get(f"/api/v1/plans/{plan.slug}/indicators/").content)
    assert {key: record["indicators"][0][key] for key in METADATA} == METADATA
    response = client.get(f"/data/{plan.slug}/indicators.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert {key: row[key] for key in METADATA} == METADATA


def test_without_metadata_the_page_shows_no_empty_terms(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    html = client.get(f"/plans/{plan.slug}/projects/100/").content.decode()
    assert "指標の定義" not in html and "データの出典" not in html


def test_english_page_marks_the_japanese_metadata(client, build_plan):
    plan = build_plan(projects_per_policy=1, policies=1)
    Indicator.objects.update(**METADATA)
    html = client.get(f"/en/plans/{plan.slug}/projects/100/").content.decode()
    assert f'<dd><span lang="ja">{METADATA["data_source"]}</span></dd>' in html


def test_planners_enter_the_metadata_in_the_admin(admin_client, build_plan):
    build_plan(projects_per_policy=1, policies=1)
    indicator = Indicator.objects.get()
    html = admin_client.get(f"/admin/indicators/indicator/{indicator.pk}/change/").content.decode()
    for field in METADATA:
        assert f'name="{field}"' in html
    project_page = admin_client.get(
        f"/admin/policies/project/{indicator.project_id}/change/"
    ).content.decode()
    assert 'name="indicators-0-definition"' in project_page
