"""Indicators of a project, their yearly actuals, and the official achievement status."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policies import roles
from policies.models import localized

from . import achievement
from .values import MAX_DECIMAL_PLACES, MAX_DIGITS, format_value, format_value_with_year

VALUE_DIGITS = MAX_DIGITS
VALUE_DECIMAL_PLACES = MAX_DECIMAL_PLACES
# Characters in an actual's notes and comments, wherever they are written (entry screen,
# upload, whole-plan import, admin); a check constraint holds the database to it too.
NOTE_MAX_LENGTH = 2000
NOTE_FIELDS = ("note", "published_note", "internal_note", "review_comment")


class Direction(models.TextChoices):
    UP = achievement.Direction.UP.value, _("高いほど良い")
    DOWN = achievement.Direction.DOWN.value, _("低いほど良い")


class TargetKind(models.TextChoices):
    NUMERIC = achievement.TargetKind.NUMERIC.value, _("数値")
    MAINTAIN = achievement.TargetKind.MAINTAIN.value, _("現状維持")
    INCREASE = achievement.TargetKind.INCREASE.value, _("増加・拡充")
    DECREASE = achievement.TargetKind.DECREASE.value, _("減少")


class AchievementStatus(models.TextChoices):
    ACHIEVED = achievement.Status.ACHIEVED.value, _("達成")
    MOSTLY_ACHIEVED = achievement.Status.MOSTLY_ACHIEVED.value, _("概ね達成")
    NOT_ACHIEVED = achievement.Status.NOT_ACHIEVED.value, _("未達成")


class ActualState(models.TextChoices):
    DRAFT = "draft", _("下書き")
    SUBMITTED = "submitted", _("提出済み")
    RETURNED = "returned", _("差し戻し")
    APPROVED = "approved", _("承認済み")
    PUBLISHED = "published", _("公表済み")


class IndicatorQuerySet(models.QuerySet):
    def with_yearly_data(self):
        """Everything a page needs to show and judge indicators, in a fixed number of queries."""
        return self.select_related(
            "project__basic_policy__plan", "project__measure", "project__department"
        ).prefetch_related(
            Prefetch("actuals", queryset=Actual.objects.order_by("fiscal_year")),
            Prefetch("official_statuses", queryset=OfficialStatus.objects.order_by("fiscal_year")),
        )

    def in_plan_order(self):
        """Plan by plan, as the documents list them: policy, summary order, project, indicator."""
        return self.order_by(
            "project__plan",
            "project__basic_policy__number",
            "project__summary_order",
            "project__number",
            "order",
            "pk",
        )

    def for_user(self, user):
        """Indicators a back-office user may see: their departments', or all for planners."""
        return roles.scope_to_departments(self, user, "project__department")

    def for_plan(self, plan):
        return (
            self.filter(project__plan=plan)
            .with_yearly_data()
            .order_by("project__basic_policy__number", "project__summary_order", "order", "pk")
        )

    def for_policy(self, basic_policy):
        return (
            self.filter(project__basic_policy=basic_policy)
            .with_yearly_data()
            .order_by("project__summary_order", "project__number", "order", "pk")
        )


# What defines an indicator, apart from its project: copied when it is carried over to a
# successor plan, and the columns of the whole-plan workbook's indicators sheet.
INDICATOR_DEFINITION_FIELDS = (
    "name",
    "name_en",
    "unit",
    "direction",
    "is_cumulative",
    "decimals",
    "baseline_value",
    "baseline_decimals",
    "baseline_fiscal_year",
    "target_kind",
    "target_wording",
    "target_value",
    "target_fiscal_year",
    "order",
    "is_main",
)
# What explains an indicator to citizens (the project page, the API and the CSV). Not in
# the workbook's columns yet: adding them there would change the import format.
INDICATOR_METADATA_FIELDS = ("definition", "data_source", "update_cycle")


class Indicator(models.Model):
    project = models.ForeignKey(
        "policies.Project",
        verbose_name=_("事業"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    name = models.CharField(_("指標項目"), max_length=200)
    name_en = models.CharField(_("指標項目（英語）"), max_length=200, blank=True)
    unit = models.CharField(
        _("単位"), max_length=20, blank=True, help_text=_("例: 人、か所、件、%")
    )
    direction = models.CharField(
        _("方向"), max_length=10, choices=Direction.choices, default=Direction.UP
    )
    is_cumulative = models.BooleanField(
        _("累計"), default=False, help_text=_("開始年度からの累計値で報告する指標")
    )
    decimals = models.PositiveSmallIntegerField(
        _("小数桁数"), default=0, help_text=_("資料の表記の小数点以下の桁数（99.80% なら 2）")
    )
    baseline_value = models.DecimalField(
        _("基準値"),
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
    )
    baseline_decimals = models.PositiveSmallIntegerField(
        _("基準値の小数桁数"),
        null=True,
        blank=True,
        help_text=_("基準値の表記が実績と違う桁数のとき（99.1% なら 1）。空欄なら小数桁数と同じ"),
    )
    baseline_fiscal_year = models.PositiveSmallIntegerField(
        _("基準値の年度"), null=True, blank=True
    )
    target_kind = models.CharField(
        _("目標の種類"), max_length=10, choices=TargetKind.choices, default=TargetKind.NUMERIC
    )
    target_wording = models.CharField(
        _("目標の表記"),
        max_length=20,
        blank=True,
        help_text=_(
            "定性的な目標を計画がどう書いているか（例: 拡充、維持）。空欄なら目標の種類の名前"
        ),
    )
    target_value = models.DecimalField(
        _("目標値"),
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
        help_text=_("目標の種類が「数値」のときだけ入れます"),
    )
    target_fiscal_year = models.PositiveSmallIntegerField(_("目標年度"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_main = models.BooleanField(
        _("主な指標"),
        default=True,
        help_text=_("施策達成状況概要の「主な指標とその達成状況」表に載せる指標"),
    )

    definition = models.TextField(
        _("指標の定義"),
        blank=True,
        help_text=_("何を、どう数えるか（公開ページと公開データに載ります）"),
    )
    data_source = models.CharField(
        _("データの出典"),
        max_length=200,
        blank=True,
        help_text=_("例: 子育て支援課 業務統計、市民アンケート"),
    )
    update_cycle = models.CharField(
        _("更新の周期"),
        max_length=100,
        blank=True,
        help_text=_("例: 毎年度（翌年度の 6 月に集計）"),
    )

    carried_over_from = models.OneToOneField(
        "self",
        verbose_name=_("前計画の指標"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_over_to",
        help_text=_("前計画から引き継いだ指標。年度ごとの実績が前計画から続きます"),
    )

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指標")
        verbose_name_plural = _("指標")
        ordering = ["project", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_kind="numeric", target_value__isnull=False)
                | (~Q(target_kind="numeric") & Q(target_value__isnull=True)),
                name="indicator_target_value_matches_kind",
                violation_error_message=_(
                    "目標値は目標の種類が「数値」のときに入れ、それ以外では空欄にしてください。"
                ),
            ),
            models.CheckConstraint(
                condition=Q(baseline_value__isnull=False) | Q(baseline_fiscal_year__isnull=True),
                name="indicator_baseline_year_needs_value",
                violation_error_message=_("基準値の年度は基準値と一緒に入れてください。"),
            ),
        ]

    def __str__(self):
        return f"{self.project.number} {self.name}"

    @property
    def localized_name(self):
        return localized(self, "name")

    @property
    def plan(self):
        return self.project.basic_policy.plan

    @property
    def effective_target_fiscal_year(self) -> int:
        return self.target_fiscal_year or self.plan.end_fiscal_year

    def format(self, value: Decimal | None) -> str:
        """A value of this indicator as the documents write it ("688,518 人", "99.80%")."""
        if value is None:
            return ""
        return format_value(value, self.unit, self.decimals)

    @property
    def baseline_display(self) -> str:
        if self.baseline_value is None:
            return ""
        plan_baseline_year = self.plan.baseline_fiscal_year
        shown_year = (
            self.baseline_fiscal_year if self.baseline_fiscal_year != plan_baseline_year else None
        )
        decimals = self.decimals if self.baseline_decimals is None else self.baseline_decimals
        return format_value_with_year(self.baseline_value, self.unit, decimals, shown_year)

    @property
    def target_display(self) -> str:
        if self.target_kind == TargetKind.NUMERIC:
            return self.format(self.target_value)
        return self.target_wording or TargetKind(self.target_kind).label

    def actual_for(self, fiscal_year: int):
        """The Actual of a year, from prefetched actuals when there are any."""
        for actual in self.actuals.all():
            if actual.fiscal_year == fiscal_year:
                return actual
        return None

    def working_value_for(self, fiscal_year: int) -> Decimal | None:
        """A year's working figure (what staff enter and review), from prefetched actuals."""
        actual = self.actual_for(fiscal_year)
        return actual.value if actual else None

    def official_status_for(self, fiscal_year: int):
        for official in self.official_statuses.all():
            if official.fiscal_year == fiscal_year:
                return official
        return None

    def clean(self):
        if self.target_kind == TargetKind.NUMERIC and self.target_value is None:
            raise ValidationError(
                {"target_value": _("目標の種類が「数値」なら目標値を入れてください。")}
            )
        if self.target_kind != TargetKind.NUMERIC and self.target_value is not None:
            raise ValidationError(
                {"target_value": _("目標の種類が「数値」でないときは目標値を空欄にしてください。")}
            )
        if self.baseline_fiscal_year is not None and self.baseline_value is None:
            raise ValidationError(
                {"baseline_value": _("基準値の年度を入れたら基準値も入れてください。")}
            )


class ActualQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_value__isnull=False)

    def for_user(self, user):
        """Actuals a back-office user may see: their departments', or all for planners."""
        return roles.scope_to_departments(self, user, "indicator__project__department")


class Actual(models.Model):
    """A yearly actual. ``value`` is the working figure officers enter and planners review;
    ``published_value`` is what the public sees, set when the figure is published."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指標"), on_delete=models.CASCADE, related_name="actuals"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    value = models.DecimalField(
        _("実績値"), max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMAL_PLACES
    )
    note = models.TextField(
        _("備考"), blank=True, max_length=NOTE_MAX_LENGTH, help_text=_("公開されます")
    )
    state = models.CharField(
        _("状態"), max_length=10, choices=ActualState.choices, default=ActualState.DRAFT
    )
    published_value = models.DecimalField(
        _("公表値"),
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
        editable=False,
    )
    published_at = models.DateTimeField(_("公表日時"), null=True, blank=True, editable=False)
    published_note = models.TextField(
        _("公表した備考"),
        blank=True,
        max_length=NOTE_MAX_LENGTH,
        editable=False,
        help_text=_("公表したときの備考。公開ページと公開データに載ります"),
    )
    internal_note = models.TextField(
        _("内部メモ"),
        blank=True,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("担当課と企画担当の間のメモ。公開されません"),
    )
    review_comment = models.TextField(
        _("差し戻しコメント"),
        blank=True,
        max_length=NOTE_MAX_LENGTH,
        editable=False,
        help_text=_("企画担当が差し戻した理由。公開されません"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承認者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("承認日時"), null=True, blank=True, editable=False)
    # Optimistic locking: every write checks the version it read and increments it, so a
    # second person saving over a figure they have not seen is refused, never silent.
    version = models.PositiveIntegerField(_("版"), default=1, editable=False)

    objects = ActualQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("実績")
        verbose_name_plural = _("実績")
        ordering = ["indicator", "fiscal_year"]
        indexes = [
            # The admin's fiscal-year filter asks, per year, whether an actual has it.
            models.Index(fields=["fiscal_year"], name="actual_year"),
            # The review queue: a year's submitted figures, of an indicator or all of them.
            models.Index(
                fields=["fiscal_year", "indicator"],
                condition=Q(state=ActualState.SUBMITTED),
                name="actual_submitted",
            ),
        ]
        permissions = [
            ("review_actual", _("実績を承認・差し戻しできる")),
            ("publish_actual", _("実績を公表できる")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"],
                name="unique_actual_per_indicator_and_year",
                violation_error_message=_("この指標のこの年度の実績はすでにあります。"),
            ),
            *(
                models.CheckConstraint(
                    condition=LessThanOrEqual(Length(name), NOTE_MAX_LENGTH),
                    name=f"actual_{name}_length",
                    violation_error_message=_("文字数が上限を超えています。"),
                )
                for name in NOTE_FIELDS
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.fiscal_year}: {self.value}"

    @property
    def display_value(self) -> str:
        return self.indicator.format(self.value)

    @property
    def display_published_value(self) -> str:
        return self.indicator.format(self.published_value)


class ActualCorrection(models.Model):
    """A published figure that was corrected later: shown on the public project page."""

    actual = models.ForeignKey(
        Actual, verbose_name=_("実績"), on_delete=models.CASCADE, related_name="corrections"
    )
    old_value = models.DecimalField(
        _("訂正前の値"), max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMAL_PLACES
    )
    new_value = models.DecimalField(
        _("訂正後の値"), max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMAL_PLACES
    )
    reason = models.TextField(_("訂正の理由"))
    corrected_at = models.DateTimeField(_("訂正日時"), auto_now_add=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("訂正者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("公表後の訂正")
        verbose_name_plural = _("公表後の訂正")
        ordering = ["actual", "corrected_at"]

    def __str__(self):
        return f"{self.actual}: {self.old_value} → {self.new_value}"


class OfficialStatus(models.Model):
    """The status the city published for an indicator and year, decided by a planner."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("指標"),
        on_delete=models.CASCADE,
        related_name="official_statuses",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("達成状況"), max_length=20, choices=AchievementStatus.choices)
    reason = models.TextField(_("理由"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("記録者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Empty only for statuses loaded from a published document that gives no date.
    recorded_at = models.DateTimeField(_("記録日時"), auto_now=True, null=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("公式の達成状況")
        verbose_name_plural = _("公式の達成状況")
        ordering = ["indicator", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"],
                name="unique_official_status_per_indicator_and_year",
                violation_error_message=_("この指標のこの年度の公式の達成状況はすでにあります。"),
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.fiscal_year}: {self.get_status_display()}"

    @property
    def computed_status(self) -> str | None:
        """The status the rule gave for the indicator's working value of this year (stored)."""
        computed = Judgement.objects.filter(
            indicator_id=self.indicator_id, fiscal_year=self.fiscal_year
        ).values_list("working_computed", flat=True)
        return computed.first()

    def clean(self):
        if self.indicator_id is None or self.fiscal_year is None or not self.status:
            return
        computed = self.computed_status
        if self.status != computed and not self.reason.strip():
            computed_label = AchievementStatus(computed).label if computed else _("判定なし")
            raise ValidationError(
                {
                    "reason": _(
                        "公式の達成状況が計算上の達成状況（%(computed)s）と違うときは理由を入力してください。"
                    )
                    % {"computed": computed_label}
                }
            )


class Judgement(models.Model):
    """An indicator's achievement status for a fiscal year, as the rule gave it when its
    inputs last changed (``indicators.services.judgements``); reads never run the rule.

    One row per indicator and year that has a figure or an official status. The
    ``working_*`` columns judge the figure staff work on; the ``published_*`` ones judge the
    published figure and stay empty until it is published: only ``indicators.published``
    reads those, and only ``indicators.working`` reads the others. ``*_status`` is what is
    shown: the official status where the city recorded one (for the published columns, once
    the year's figure is published), else the computed one.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指標"), on_delete=models.CASCADE, related_name="judgements"
    )
    # The indicator's plan (its project's), copied so that a plan's judgements are read by
    # index without joining its indicators and projects; a plain number, as the working
    # summaries keep theirs (the judgements go with their indicator).
    plan_id = models.BigIntegerField(_("計画"))
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    official_status = models.CharField(
        _("公式の達成状況"), max_length=20, choices=AchievementStatus.choices, blank=True
    )
    official_reason = models.TextField(_("公式の達成状況の理由"), blank=True)
    working_value = models.DecimalField(
        _("実績値"), max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMAL_PLACES, null=True
    )
    working_computed = models.CharField(
        _("計算上の達成状況"), max_length=20, choices=AchievementStatus.choices, blank=True
    )
    working_status = models.CharField(
        _("達成状況"), max_length=20, choices=AchievementStatus.choices, blank=True
    )
    working_reason = models.TextField(_("判定の根拠"), blank=True)
    working_reason_en = models.TextField(_("判定の根拠（英語）"), blank=True)
    # How far the working figure is behind its indicator's straight line to the target, in
    # a year before the target year (``achievement.Line.gap``): the planners' trajectory
    # page lists the largest first, by index. Empty on or ahead of the line.
    working_gap = models.DecimalField(
        _("目標への軌道からの遅れ"), max_digits=22, decimal_places=6, null=True
    )
    published_value = models.DecimalField(
        _("公表値"), max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMAL_PLACES, null=True
    )
    published_computed = models.CharField(
        _("公表値の計算上の達成状況"), max_length=20, choices=AchievementStatus.choices, blank=True
    )
    published_status = models.CharField(
        _("公表した達成状況"), max_length=20, choices=AchievementStatus.choices, blank=True
    )
    published_reason = models.TextField(_("公表値の判定の根拠"), blank=True)
    published_reason_en = models.TextField(_("公表値の判定の根拠（英語）"), blank=True)

    class Meta:
        verbose_name = _("達成状況の判定")
        verbose_name_plural = _("達成状況の判定")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year"], name="one_judgement_per_indicator_and_year"
            ),
        ]
        indexes = [
            models.Index(fields=["fiscal_year", "indicator"], name="judgement_year"),
            # The dashboard's differences: the few judgements of a year with an official
            # status, without reading the year's every row.
            models.Index(
                fields=["fiscal_year", "indicator"],
                condition=~models.Q(official_status=""),
                name="judgement_official",
            ),
            # The trajectory page: a plan's judgements of a year behind their line, worst
            # first, read from the start of the list.
            models.Index(
                "plan_id",
                "fiscal_year",
                models.F("working_gap").desc(),
                condition=models.Q(working_gap__isnull=False),
                name="judgement_off_trajectory",
            ),
        ]

    def __str__(self):
        return f"{self.indicator_id} {self.fiscal_year}: {self.working_status}"


class PublishedSummary(models.Model):
    """A basic policy's published figures for a fiscal year, counted: its indicators, how
    many have each published status, how many figures are published and when the last was.

    Kept by ``indicators.services.summaries`` whenever the stored judgements change, in the
    same transaction, so that the plan page and the open data read a few rows whatever the
    size of the plan. A policy with indicators has a row for every year of its plan and
    every year with a judgement; ``manage.py recompute_judgements`` rebuilds them too.
    """

    basic_policy = models.ForeignKey(
        "policies.BasicPolicy",
        verbose_name=_("基本方針"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    indicators = models.PositiveIntegerField(_("指標数"))
    achieved = models.PositiveIntegerField(_("達成"))
    mostly_achieved = models.PositiveIntegerField(_("概ね達成"))
    not_achieved = models.PositiveIntegerField(_("未達成"))
    published_figures = models.PositiveIntegerField(_("公表済みの実績数"))
    last_published_at = models.DateTimeField(_("最終公表日時"), null=True)

    class Meta:
        verbose_name = _("公表済みの集計")
        verbose_name_plural = _("公表済みの集計")
        constraints = [
            models.UniqueConstraint(
                fields=["basic_policy", "fiscal_year"], name="one_summary_per_policy_and_year"
            ),
        ]

    def __str__(self):
        return f"{self.basic_policy_id} {self.fiscal_year}"


class WorkingSummary(models.Model):
    """The working figures of a group of indicators for a fiscal year, counted: the
    indicators of a basic policy's projects that share a measure, a department and the
    year the project was added (R5-1), how many have each working status and how many
    figures are in each state of the workflow.

    Kept by ``indicators.services.working_summaries`` whenever the stored judgements, a
    figure's state or a project's grouping change, in the same transaction, so that the
    planners' dashboard, comparison and submission tracker add up a few hundred rows
    whatever the size of the plan. ``measure_id`` and ``department_id`` are plain numbers,
    not foreign keys: an id that no longer exists reads as "none", which is what a deleted
    measure leaves its projects with (and its deletion counts the policy again).
    """

    basic_policy = models.ForeignKey(
        "policies.BasicPolicy",
        verbose_name=_("基本方針"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    measure_id = models.BigIntegerField(_("基本施策"), null=True)
    department_id = models.BigIntegerField(_("担当課"), null=True)
    fiscal_year_added = models.PositiveSmallIntegerField(_("追加年度"), null=True)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    indicators = models.PositiveIntegerField(_("指標数"))
    achieved = models.PositiveIntegerField(_("達成"))
    mostly_achieved = models.PositiveIntegerField(_("概ね達成"))
    not_achieved = models.PositiveIntegerField(_("未達成"))
    draft = models.PositiveIntegerField(_("下書き・差し戻し"))
    submitted = models.PositiveIntegerField(_("提出済み"))
    approved = models.PositiveIntegerField(_("承認済み・公表済み"))
    # Judgements of the year behind their straight line (a stored working_gap): the
    # length of the planners' trajectory list.
    behind_line = models.PositiveIntegerField(_("軌道から遅れている指標"))

    class Meta:
        verbose_name = _("作業中の集計")
        verbose_name_plural = _("作業中の集計")
        indexes = [
            models.Index(fields=["basic_policy", "fiscal_year"], name="working_summary_year"),
        ]

    def __str__(self):
        return f"{self.basic_policy_id} {self.fiscal_year}"


class PolicyCounts(models.Model):
    """A basic policy's structure, counted: its indicators, and the projects and main
    indicators of its summary table (``yumeplan.public.summary``'s definitions).

    Kept by ``indicators.services.summaries`` with the policy's ``PublishedSummary`` rows
    whenever those are counted again for every year (an indicator saved, moved or deleted,
    a project added, moved, put in or out of the summary, deleted, a plan imported), so
    that the policy page, the methodology page and the API read the lengths of their lists
    from one row per policy instead of counting a large plan. No row is a policy with none.
    """

    basic_policy = models.OneToOneField(
        "policies.BasicPolicy",
        verbose_name=_("基本方針"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="counts",
    )
    indicators = models.PositiveIntegerField(_("指標数"))
    summary_projects = models.PositiveIntegerField(_("総括表の事業数"))
    summary_indicators = models.PositiveIntegerField(_("総括表の主な指標数"))

    class Meta:
        verbose_name = _("基本方針の件数")
        verbose_name_plural = _("基本方針の件数")

    def __str__(self):
        return str(self.basic_policy_id)


# The plan's order of search results: policy, the summary table's order (projects outside
# it after, by number), project, indicator (a project without one has indicator_order -1).
SEARCH_ORDER = (
    "policy_number",
    "summary_order",
    "project_number",
    "project",
    "indicator_order",
    "indicator",
)


class SearchEntry(models.Model):
    """One result of a plan's public search, stored: an indicator, or a project that has
    none, with the text its words are looked for in, what it is filtered by, its published
    status in the plan's target year and its place in the plan's order.

    Kept by ``indicators.services.search_entries`` in the same transaction as what it
    copies: a project's or indicator's save or delete (``indicators.signals``), a stored
    judgement (``refresh_judgements``) and the plan-wide refreshes (an import, a generated
    plan, a recompute, the plan's years). The search then reads one table walked in the
    plan's order, with no join, so that it costs about the same at any size of plan;
    ``measure_id`` and ``department_id`` are plain numbers, as in ``WorkingSummary``.
    """

    plan = models.ForeignKey(
        "policies.Plan",
        verbose_name=_("計画"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the indexes below begin with it
    )
    project = models.ForeignKey(
        "policies.Project", verbose_name=_("事業"), on_delete=models.CASCADE, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("指標"),
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        help_text=_("空欄は指標のない事業"),
    )
    policy_number = models.PositiveSmallIntegerField(_("基本方針の番号"))
    measure_id = models.BigIntegerField(_("基本施策"), null=True)
    department_id = models.BigIntegerField(_("担当課"), null=True)
    summary_order = models.PositiveIntegerField(_("総括表の順"), null=True)
    project_number = models.CharField(_("事業番号"), max_length=20)
    indicator_order = models.IntegerField(_("指標の順"), help_text=_("指標のない事業は -1"))
    fiscal_year = models.PositiveSmallIntegerField(_("目標年度"))
    published_status = models.CharField(_("公表中の判定"), max_length=20, blank=True)
    text = models.TextField(
        _("検索する文字列"), help_text=_("事業番号・事業名・指標名（NFKC 正規化、小文字）")
    )

    class Meta:
        verbose_name = _("検索の索引")
        verbose_name_plural = _("検索の索引")
        indexes = [
            models.Index(fields=["plan", *SEARCH_ORDER], name="search_entry_plan_order"),
            models.Index(
                fields=["plan", "published_status", *SEARCH_ORDER], name="search_entry_status"
            ),
        ]

    def __str__(self):
        return f"{self.project_number} {self.indicator_id or ''}".strip()


class ReminderLog(models.Model):
    """A reminder mailed to a department about a year's missing figures; one per day at most."""

    class Kind(models.TextChoices):
        BEFORE_DUE = "before", _("期限前")
        OVERDUE = "overdue", _("期限後")
        ESCALATED = "escalated", _("期限後（企画担当にも送付）")

    plan = models.ForeignKey(
        "policies.Plan", verbose_name=_("計画"), on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(
        "policies.Department",
        verbose_name=_("担当課"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("種類"), max_length=10, choices=Kind.choices)
    sent_on = models.DateField(_("送信日"))
    recipients = models.TextField(_("宛先"), blank=True)
    missing_count = models.PositiveIntegerField(_("未提出の件数"))

    class Meta:
        verbose_name = _("督促の記録")
        verbose_name_plural = _("督促の記録")
        ordering = ["-sent_on", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "department", "fiscal_year", "sent_on"],
                name="one_reminder_per_department_and_day",
                violation_error_message=_("この担当課には今日すでに督促を送りました。"),
            ),
        ]

    def __str__(self):
        return f"{self.department} {self.fiscal_year} {self.sent_on}"


class PublicVersion(models.Model):
    """A version of what the public sees, one row per scope, kept in the database.

    Public pages and the API cache under these numbers (``indicators.cache``): the site's
    (scope ""), every plan's ("*") and one plan's ("plan:<slug>"). They live in the
    database, not in the cache, so that every worker process sees a publication at once,
    even when each keeps its pages in its own memory, and so that they change in the same
    transaction as the figures they announce.
    """

    scope = models.CharField(_("範囲"), max_length=64, unique=True, default="")
    number = models.PositiveBigIntegerField(_("版"), default=1)
    changed_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("公開内容の版")
        verbose_name_plural = _("公開内容の版")

    def __str__(self):
        return str(self.number)
