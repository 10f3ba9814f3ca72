"""The yearly-actual workflow: draft → submitted → approved → published, or returned.

Every function here is one transaction: it checks everything first (role, department,
locked year, state, value, concurrent edits) and then writes all rows or none. Refusals
are ``PermissionDenied`` (not allowed for this user) or ``ValidationError`` (not possible
with this data), with Japanese messages for the screen. The admin, the yearly entry
screen and the uploads (indicators/services/imports.py) all go through here.

Concurrent edits: every write increments ``Actual.version``. A caller that read a row
passes the version it read (``DraftEntry.expected_version``); the rows are locked with
SELECT … FOR UPDATE and a changed version is refused with the other person's value
(``EditConflict``). Uploads pass the versions their preview showed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.cache import bump_public_cache
from indicators.models import NOTE_MAX_LENGTH, Actual, ActualCorrection, ActualState, Indicator
from indicators.values import PERCENT_UNITS, digit_errors
from policies import roles
from policies.models import ReportingYear

from . import bulk, notifications
from .judgements import refresh_draft_judgements, refresh_judgements
from .working_summaries import refresh_working_summaries

# SQLite allows some 32k parameters per query; stay well below for IN (...) lookups.
LOOKUP_CHUNK = 2000
# A value that moves more than this share against the previous year needs a note.
LARGE_CHANGE = Decimal("0.5")

EDITABLE_STATES = {ActualState.DRAFT, ActualState.RETURNED, ActualState.PUBLISHED}


@dataclass(frozen=True)
class DraftEntry:
    """One figure to save as a draft.

    ``expected_version`` is the Actual.version the user's screen or upload preview showed:
    0 when it showed no actual yet, None when no check is wanted (the command line).
    ``internal_note`` None leaves the internal note as it is."""

    indicator_id: int
    value: Decimal
    note: str = ""
    expected_version: int | None = None
    internal_note: str | None = None


@dataclass(frozen=True)
class SaveResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


class EditConflict(ValidationError):
    """Someone else saved the actual after this user read it."""


def refusal_messages(error: ValidationError | PermissionDenied) -> list[str]:
    """The Japanese messages of a refusal by a service, for the admin, views and commands."""
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error) or _("この操作の権限がありません。")]


def label(indicator: Indicator) -> str:
    return f"{indicator.project.number} {indicator.name}"


def _chunks(items: Sequence, size: int = LOOKUP_CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def value_errors(indicator: Indicator, value: Decimal) -> list[str]:
    """What is wrong with a value for an indicator, whatever screen or file it came from."""
    if not isinstance(value, Decimal) or not value.is_finite():
        return [_("数値を入力してください。")]
    errors = digit_errors(value)
    if value < 0:
        errors.append(_("実績値にマイナスの値は入力できません。"))
    if indicator.unit.strip() in PERCENT_UNITS and value > 100:
        errors.append(_("割合（%）は 100 以下で入力してください。"))
    return errors


def note_errors(text: str | None) -> list[str]:
    """What is wrong with a note, memo or comment, whatever screen or file it came from."""
    if text and len(text) > NOTE_MAX_LENGTH:
        return [
            _("備考・メモは %(max)d 文字以内にしてください（%(length)d 文字あります）。")
            % {"max": NOTE_MAX_LENGTH, "length": len(text)}
        ]
    return []


def needs_note(value: Decimal | None, previous: Decimal | None) -> bool:
    """True when a value moves more than half against the previous year's value."""
    if value is None or previous is None:
        return False
    if previous == 0:
        return value != 0
    return abs(value - previous) > abs(previous) * LARGE_CHANGE


def check_can_enter(user) -> None:
    """Officers and planners enter figures; anyone else is refused."""
    if not (user.has_perm("indicators.add_actual") and user.has_perm("indicators.change_actual")):
        raise PermissionDenied(_("実績を入力する権限がありません。"))


def _check_departments(user, indicators: Iterable[Indicator]) -> None:
    if roles.sees_all_departments(user):
        return
    allowed = set(roles.departments_of(user).values_list("pk", flat=True))
    foreign = [label(i) for i in indicators if i.project.department_id not in allowed]
    if foreign:
        raise PermissionDenied(
            _("担当課が違う指標の実績は入力できません: %(names)s")
            % {"names": "、".join(foreign[:5]) + ("…" if len(foreign) > 5 else "")}
        )


def _check_not_locked(plan_years: set[tuple[int, int]]) -> None:
    if not plan_years:
        return
    locked = ReportingYear.objects.filter(
        is_locked=True,
        plan_id__in={plan for plan, _year in plan_years},
        fiscal_year__in={year for _plan, year in plan_years},
    ).values_list("plan_id", "fiscal_year")
    if plan_years & set(locked):
        raise ValidationError(_("この年度はロックされているため、実績を変更できません。"))


def _conflict(actual: Actual) -> EditConflict:
    record = actual.history.select_related("history_user").first()
    who = record.history_user if record and record.history_user else None
    return EditConflict(
        _(
            "%(indicator)s: %(who)sが先に実績値を「%(value)s」に保存しました。"
            "画面を読み込み直して確認してから、もう一度保存してください。"
        )
        % {
            "indicator": label(actual.indicator),
            "who": who.get_full_name() or who.get_username() if who else _("他の人"),
            "value": actual.display_value,
        },
        code="conflict",
    )


# The fields of a new actual that save_drafts sets (the others keep their defaults).
CREATE_FIELDS = ("indicator_id", "fiscal_year", "value", "note", "internal_note", "state")


def save_drafts(
    *,
    user,
    fiscal_year: int,
    entries: Sequence[DraftEntry],
    indicators: Mapping[int, Indicator] | None = None,
) -> SaveResult:
    """Create or update the year's actuals of ``entries`` as drafts, all or nothing.

    A returned or published actual whose value or note changes goes back to draft (a
    published one keeps its published value until it is published again, with a reason).
    Submitted and approved actuals cannot be changed here. A fixed number of queries,
    plus on SQLite one per 2,000 rows read and bulk.create_with_history's batches.
    ``indicators`` (by pk, with their projects) spares loading them again when the caller
    has them (an upload's preview).
    """
    check_can_enter(user)
    ids = [entry.indicator_id for entry in entries]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("同じ指標が 2 回以上含まれています。"))
    if not entries:
        return SaveResult()

    with transaction.atomic():
        if indicators is None:
            indicators = _indicators_of(ids)
        _check_entries(user, fiscal_year, entries, indicators)
        existing = _locked_actuals(ids, fiscal_year, indicators)
        drafts = _Drafts(fiscal_year)
        for entry in entries:
            drafts.add(entry, existing.get(entry.indicator_id))
        drafts.refuse_conflicts()
        bulk.create_with_history(
            Actual, CREATE_FIELDS, drafts.to_create, user=user, reason=_("下書き保存")
        )
        _update_with_history(
            drafts.to_update,
            ["value", "note", "internal_note", "state", "version"],
            user=user,
            reason=_("下書き保存"),
        )
        refresh_draft_judgements(
            [row[0] for row in drafts.to_create]
            + [actual.indicator_id for actual in drafts.to_update],
            [fiscal_year],
        )
    return SaveResult(
        created=len(drafts.to_create), updated=len(drafts.to_update), unchanged=drafts.unchanged
    )


def _indicators_of(ids: list[int]) -> dict[int, Indicator]:
    """The indicators of ``ids`` with their projects, by pk (one query per 2,000 ids on
    SQLite, one on PostgreSQL)."""
    indicators = {}
    for chunk in bulk.id_chunks(ids):
        indicators.update(
            (i.pk, i) for i in Indicator.objects.select_related("project").filter(pk__any_of=chunk)
        )
    return indicators


def _check_entries(
    user, fiscal_year: int, entries: Sequence[DraftEntry], indicators: Mapping[int, Indicator]
) -> None:
    """Refuse the whole save for an unknown indicator, another department's, a locked
    year, or any wrong value or note (every row's message at once)."""
    unknown = [str(entry.indicator_id) for entry in entries if entry.indicator_id not in indicators]
    if unknown:
        raise ValidationError(
            _("存在しない指標です（ID: %(ids)s）。") % {"ids": ", ".join(unknown[:10])}
        )
    chosen = [indicators[entry.indicator_id] for entry in entries]
    _check_departments(user, chosen)
    _check_not_locked({(i.project.plan_id, fiscal_year) for i in chosen})
    errors = []
    for entry in entries:
        indicator = indicators[entry.indicator_id]
        problems = value_errors(indicator, entry.value)
        problems += note_errors(entry.note) + note_errors(entry.internal_note)
        errors += [f"{label(indicator)}: {message}" for message in problems]
    if errors:
        raise ValidationError(errors)


def _locked_actuals(
    ids: list[int], fiscal_year: int, indicators: Mapping[int, Indicator]
) -> dict[int, Actual]:
    """The year's actuals of these indicators, locked (SELECT … FOR UPDATE), by indicator."""
    existing: dict[int, Actual] = {}
    for chunk in bulk.id_chunks(ids):
        for actual in (
            Actual.objects.select_for_update()
            .filter(indicator_id__any_of=chunk, fiscal_year=fiscal_year)
            .order_by("indicator_id")  # no join to the indicators' ordering (nor lock)
        ):
            actual.indicator = indicators[actual.indicator_id]
            existing[actual.indicator_id] = actual
    return existing


class _Drafts:
    """What ``save_drafts`` writes, sorted entry by entry: new actuals as rows of values
    (CREATE_FIELDS, not model instances: 10,000 of those cost a tenth of a second in
    defaults alone), changed actuals, and the entries refused (an edit conflict, a
    submitted or approved actual)."""

    def __init__(self, fiscal_year: int):
        self.fiscal_year = fiscal_year
        self.to_create: list[tuple] = []
        self.to_update: list[Actual] = []
        self.unchanged = 0
        self.conflicts: list[EditConflict] = []
        self.frozen: list[str] = []
        self.db = connections[DEFAULT_DB_ALIAS]
        self.value_field = Actual._meta.get_field("value")

    def add(self, entry: DraftEntry, actual: Actual | None) -> None:
        note = entry.note.strip()
        if actual is None:
            if entry.expected_version:
                raise ValidationError(_("実績が削除されています。画面を読み込み直してください。"))
            value = bulk.db_value(self.value_field, entry.value, self.db)
            internal_note = (entry.internal_note or "").strip()
            state = ActualState.DRAFT.value
            self.to_create.append(
                (entry.indicator_id, self.fiscal_year, value, note, internal_note, state)
            )
            return
        if entry.expected_version is not None and entry.expected_version != actual.version:
            self.conflicts.append(_conflict(actual))
            return
        internal_note = actual.internal_note if entry.internal_note is None else entry.internal_note
        internal_note = internal_note.strip()
        if (actual.value, actual.note, actual.internal_note) == (entry.value, note, internal_note):
            self.unchanged += 1
            return
        if actual.state not in EDITABLE_STATES:
            self.frozen.append(f"{label(actual.indicator)}（{actual.get_state_display()}）")
            return
        if actual.value != entry.value or actual.note != note:
            actual.state = ActualState.DRAFT  # a changed figure is reviewed again
        actual.value, actual.note, actual.internal_note = entry.value, note, internal_note
        actual.version += 1
        self.to_update.append(actual)

    def refuse_conflicts(self) -> None:
        if self.conflicts:
            raise ValidationError(
                [message for error in self.conflicts for message in error.messages]
            )
        if self.frozen:
            raise ValidationError(
                _(
                    "提出済み・承認済みの実績は変更できません。企画担当に差し戻しを依頼してください: %(names)s"
                )
                % {"names": "、".join(self.frozen[:5])}
            )


def _update_with_history(actuals: list[Actual], fields: list[str], *, user, reason: str) -> None:
    """Write ``fields`` of already-locked actuals and record one history row each.

    ``bulk.update_rows``: Django's bulk_update builds a CASE expression per field and row,
    which took 13 s in Python for 10,000 rows. The rows are locked by the caller
    (select_for_update).
    """
    if not actuals:
        return
    model_fields = [Actual._meta.get_field(name) for name in fields]
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: it is read once per value
    rows = [
        [actual.pk]
        + [bulk.db_value(field, getattr(actual, field.attname), db) for field in model_fields]
        for actual in actuals
    ]
    bulk.update_rows(Actual, fields, rows)
    bulk.insert_history(actuals, "~", user=user, reason=reason)


# --- transitions -------------------------------------------------------------------------


def _lock(actual_ids: Iterable[int]) -> list[Actual]:
    return list(
        Actual.objects.select_for_update(of=("self",))
        .filter(pk__in=list(actual_ids))
        .select_related("indicator__project__plan")
        .order_by("pk")
    )


def _require_state(actuals: Iterable[Actual], states: set[str], action: str) -> None:
    wrong = [a for a in actuals if a.state not in states]
    if wrong:
        allowed = "・".join(str(ActualState(state).label) for state in sorted(states))
        raise ValidationError(
            _("%(action)sできるのは「%(allowed)s」の実績だけです: %(names)s")
            % {
                "action": action,
                "allowed": allowed,
                "names": "、".join(
                    f"{label(a.indicator)}（{a.get_state_display()}）" for a in wrong[:5]
                ),
            }
        )


def _save(actuals: list[Actual], fields: list[str], user, reason: str) -> None:
    for actual in actuals:
        actual.version += 1
    _update_with_history(
        actuals,
        [*fields, "state", "version"],
        user=user,
        reason=reason,
    )


def _save_transition(actuals: list[Actual], fields: list[str], user, reason: str) -> None:
    """Write a transition that judges nothing again (submit, approve, return): the
    figures' state moved, so their policies' working summaries of their years are counted
    again. (A publication judges its figures again, which counts them.)"""
    _save(actuals, fields, user, reason)
    refresh_working_summaries(
        {actual.indicator.project.basic_policy_id for actual in actuals},
        {actual.fiscal_year for actual in actuals},
    )


def _previous_values(actuals: list[Actual]) -> dict[tuple[int, int], Decimal]:
    keys = {(a.indicator_id, a.fiscal_year - 1) for a in actuals}
    found = Actual.objects.filter(
        indicator_id__in={k[0] for k in keys}, fiscal_year__in={k[1] for k in keys}
    ).values_list("indicator_id", "fiscal_year", "value")
    return {(i, y): v for i, y, v in found if (i, y) in keys}


def submit(*, user, actual_ids: Iterable[int]) -> int:
    """Officer hands draft (or returned) figures to the planners."""
    check_can_enter(user)
    with transaction.atomic():
        actuals = _lock(actual_ids)
        _check_departments(user, [a.indicator for a in actuals])
        _check_not_locked({(a.indicator.project.plan_id, a.fiscal_year) for a in actuals})
        _require_state(actuals, {ActualState.DRAFT, ActualState.RETURNED}, _("提出"))
        previous = _previous_values(actuals)
        missing_notes = [
            label(a.indicator)
            for a in actuals
            if not a.note.strip()
            and needs_note(a.value, previous.get((a.indicator_id, a.fiscal_year - 1)))
        ]
        if missing_notes:
            raise ValidationError(
                _("前年度から半分以上変わった値には備考で理由を書いてください: %(names)s")
                % {"names": "、".join(missing_notes)}
            )
        now = timezone.now()
        for actual in actuals:
            actual.state = ActualState.SUBMITTED
            actual.submitted_by, actual.submitted_at = user, now
        _save_transition(actuals, ["submitted_by", "submitted_at"], user, _("提出"))
    return len(actuals)


def save_and_submit(
    *, user, fiscal_year: int, entries: Sequence[DraftEntry]
) -> tuple[SaveResult, int]:
    """The entry screen's 保存して提出: save ``entries`` as drafts, then submit every draft
    or returned figure among them, all or nothing. Returns the save result and how many
    were submitted."""
    with transaction.atomic():
        result = save_drafts(user=user, fiscal_year=fiscal_year, entries=entries)
        ids = Actual.objects.filter(
            indicator_id__in=[entry.indicator_id for entry in entries],
            fiscal_year=fiscal_year,
            state__in=[ActualState.DRAFT, ActualState.RETURNED],
        ).values_list("pk", flat=True)
        submitted = submit(user=user, actual_ids=list(ids))
    return result, submitted


def _check_reviewer(user, permission: str = roles.REVIEW_PERMISSION) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied(_("実績を承認・公表できるのは企画担当だけです。"))


def approve(*, user, actual_ids: Iterable[int]) -> int:
    """Planner accepts submitted figures; nobody approves what they submitted."""
    _check_reviewer(user)
    with transaction.atomic():
        actuals = _lock(actual_ids)
        _check_not_locked({(a.indicator.project.plan_id, a.fiscal_year) for a in actuals})
        _require_state(actuals, {ActualState.SUBMITTED}, _("承認"))
        own = [label(a.indicator) for a in actuals if a.submitted_by_id == user.pk]
        if own:
            raise PermissionDenied(
                _("自分が提出した実績は承認できません: %(names)s") % {"names": "、".join(own)}
            )
        now = timezone.now()
        for actual in actuals:
            actual.state = ActualState.APPROVED
            actual.approved_by, actual.approved_at = user, now
            actual.review_comment = ""
        _save_transition(actuals, ["approved_by", "approved_at", "review_comment"], user, _("承認"))
    return len(actuals)


def return_to_officer(*, user, actual_ids: Iterable[int], comment: str) -> int:
    """Planner sends submitted (or approved) figures back with a comment."""
    _check_reviewer(user)
    comment = comment.strip()
    if not comment:
        raise ValidationError(_("差し戻しの理由を入力してください。"))
    if note_errors(comment):
        raise ValidationError(note_errors(comment))
    with transaction.atomic():
        actuals = _lock(actual_ids)
        _check_not_locked({(a.indicator.project.plan_id, a.fiscal_year) for a in actuals})
        _require_state(actuals, {ActualState.SUBMITTED, ActualState.APPROVED}, _("差し戻し"))
        for actual in actuals:
            actual.state = ActualState.RETURNED
            actual.review_comment = comment
            actual.approved_by = actual.approved_at = None
        _save_transition(
            actuals, ["review_comment", "approved_by", "approved_at"], user, _("差し戻し")
        )
        notifications.notify_returned_after_commit(
            [a.pk for a in actuals], comment=comment, returned_by=user
        )
    return len(actuals)


def publish(*, user, actual_ids: Iterable[int], reason: str = "") -> int:
    """Planner makes approved figures public. Changing an already published figure
    needs a reason and is recorded as an ActualCorrection, shown on the public page."""
    _check_reviewer(user, roles.PUBLISH_PERMISSION)
    reason = reason.strip()
    with transaction.atomic():
        actuals = _lock(actual_ids)
        _check_not_locked({(a.indicator.project.plan_id, a.fiscal_year) for a in actuals})
        _require_state(actuals, {ActualState.APPROVED}, _("公表"))
        corrected = [
            a for a in actuals if a.published_value is not None and a.published_value != a.value
        ]
        if corrected and not reason:
            raise ValidationError(
                _("公表済みの値を訂正するときは訂正の理由を入力してください: %(names)s")
                % {"names": "、".join(label(a.indicator) for a in corrected)}
            )
        ActualCorrection.objects.bulk_create(
            ActualCorrection(
                actual=a,
                old_value=a.published_value,
                new_value=a.value,
                reason=reason,
                corrected_by=user,
            )
            for a in corrected
        )
        now = timezone.now()
        for actual in actuals:
            actual.state = ActualState.PUBLISHED
            actual.published_value, actual.published_at = actual.value, now
            actual.published_note = actual.note
        _save(actuals, ["published_value", "published_at", "published_note"], user, _("公表"))
        if actuals:
            refresh_judgements(
                (actual.indicator_id for actual in actuals), {a.fiscal_year for a in actuals}
            )
            bump_public_cache(plans={a.indicator.project.plan.slug for a in actuals})
    return len(actuals)
