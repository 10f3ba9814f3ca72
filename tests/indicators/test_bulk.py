"""indicators.services.bulk: the ``any_of`` lookup and its chunks, the collector pause and
the immediate constraint checks."""

from __future__ import annotations

import copy
import gc
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext_lazy

from indicators.services import bulk

pytestmark = pytest.mark.django_db


def test_any_of_finds_the_rows_that_in_finds():
    ids = [*sorted(ContentType.objects.values_list("pk", flat=True))[::2], 10**9]
    by_pk = Permission.objects.filter(content_type__pk__in=ids).order_by("pk")
    assert list(Permission.objects.filter(content_type__any_of=ids).order_by("pk")) == list(by_pk)
    assert list(Permission.objects.filter(content_type_id__any_of=ids).order_by("pk")) == list(
        by_pk
    )
    some = list(by_pk.values_list("pk", flat=True))[:3]
    assert sorted(Permission.objects.filter(pk__any_of=some).values_list("pk", flat=True)) == some
    assert len(some) == 3


def test_any_of_an_empty_list_finds_nothing():
    assert not Permission.objects.filter(pk__any_of=[]).exists()
    assert Permission.objects.exclude(pk__any_of=[]).count() == Permission.objects.count()


def test_id_chunks_are_one_array_on_postgresql_and_sqlite_sized_elsewhere():
    ids = list(range(1, 5001))
    chunks = [list(chunk) for chunk in bulk.id_chunks(ids)]
    if connection.vendor == "postgresql":
        assert chunks == [ids]
    else:
        assert chunks == [ids[:2000], ids[2000:4000], ids[4000:]]
    assert list(bulk.id_chunks([])) == []


def test_the_collector_is_paused_inside_and_as_it_was_after_even_on_an_error():
    assert gc.isenabled()
    with pytest.raises(ValueError), bulk.collector_paused():
        assert not gc.isenabled()
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with bulk.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # it was off before: left off
    finally:
        gc.enable()


def dangling_group_membership():
    """A row whose foreign key points at no row (a user that does not exist)."""
    return User.groups.through.objects.create(user_id=10**9, group_id=10**9)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's SET CONSTRAINTS")
def test_immediate_constraint_checks_raise_at_the_statement_then_defer_again():
    with transaction.atomic():
        with bulk.immediate_constraint_checks():
            with pytest.raises(IntegrityError), transaction.atomic():
                dangling_group_membership()
        # Deferred again: the same row is only checked at commit (the test never commits).
        dangling_group_membership().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's SET CONSTRAINTS")
def test_immediate_constraint_checks_leave_a_block_to_be_rolled_back_alone():
    with transaction.atomic():
        with bulk.immediate_constraint_checks():
            transaction.set_rollback(True)  # no statement may run before the rollback
    with transaction.atomic():
        dangling_group_membership().delete()  # the rollback deferred the checks again


def test_immediate_constraint_checks_are_two_statements_on_postgresql_none_elsewhere():
    with CaptureQueriesContext(connection) as queries, bulk.immediate_constraint_checks():
        pass
    assert len(queries) == (2 if connection.vendor == "postgresql" else 0)


def test_prepared_rows_are_what_a_save_prepares_value_by_value(build_plan, monkeypatch):
    """Attributes read together, pre_save where a field has its own (auto_now), datetimes
    prepared once per distinct value: the same rows as pre_save and db_value per value."""
    from indicators.models import Actual, OfficialStatus

    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)  # what auto_now stamps
    build_plan(projects_per_policy=2, policies=1)
    actuals = list(Actual.objects.order_by("pk"))
    stamp = now - timedelta(days=3)
    actuals[0].published_at = actuals[1].approved_at = stamp
    actuals[0].note = gettext_lazy("メモ")  # not a plain type: prepared by its field
    actuals[1].value = Decimal("1.5000")
    statuses = [
        OfficialStatus(indicator=actual.indicator, fiscal_year=2020, status="achieved")
        for actual in actuals
    ]
    for objs in (actuals, statuses):
        fields = [f for f in type(objs[0])._meta.concrete_fields if not f.primary_key]
        copies = copy.deepcopy(objs)
        rows = bulk.prepared_rows(objs, fields, connection)
        expected = [
            [bulk.db_value(f, f.pre_save(obj, True), connection) for f in fields] for obj in copies
        ]
        assert rows == expected
    recorded = OfficialStatus._meta.get_field("recorded_at")
    assert statuses[0].recorded_at == now  # auto_now's pre_save ran
    assert bulk.prepared_rows(statuses, [recorded], connection) == [
        [bulk.db_value(recorded, now, connection)] for _status in statuses
    ]
    note = Actual._meta.get_field("note")
    assert bulk.prepared_rows(actuals[:1], [note], connection) == [["メモ"]]
