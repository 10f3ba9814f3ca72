"""manage.py plan_status: the operator's view of the data and of the last publication."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from indicators.models import Actual

pytestmark = pytest.mark.django_db


def plan_status() -> str:
    out = StringIO()
    call_command("plan_status", stdout=out)
    return out.getvalue()


def test_counts_and_the_last_publication_of_each_plan(build_plan):
    build_plan(projects_per_policy=3, policies=2)
    Actual.objects.filter(indicator__project__number="100").update(state="draft")
    Actual.objects.update(published_at=datetime(2025, 6, 1, 9, 30, tzinfo=ZoneInfo("Asia/Tokyo")))
    output = plan_status()
    assert "計画「テスト計画」(test-plan): 基本方針 2、施策 2、事業 6、指標 6" in output
    assert "実績: 下書き 1、提出済み 0、差し戻し 0、承認済み 0、公表済み 5" in output
    assert "最後の公表: 2025-06-01 09:30:00 JST" in output
    assert "公開内容の版: " in output


def test_an_empty_database_says_so(db):
    assert plan_status() == "公開内容の版: なし（まだ何も公開されていません）\n"
