from decimal import Decimal

import pytest

from indicators.models import Actual, ActualCorrection

pytestmark = pytest.mark.django_db


def test_admin_lists_corrections_read_only(admin_client, build_plan):
    build_plan(projects_per_policy=1, policies=1)
    actual = Actual.objects.get()
    ActualCorrection.objects.create(
        actual=actual, old_value=Decimal("90"), new_value=Decimal("100"), reason="集計誤り"
    )
    response = admin_client.get("/admin/indicators/actualcorrection/")
    assert response.status_code == 200
    assert "集計誤り" in response.content.decode()
    assert admin_client.get("/admin/indicators/actualcorrection/add/").status_code == 403
