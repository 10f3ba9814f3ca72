"""The structure of a plan: Plan → BasicPolicy → Measure → Project, and who owns a project."""

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import roles
from .fiscal_years import fiscal_year_of

ADDED_PROJECT_NUMBER = re.compile(r"^R(\d+)-(\d+)$")


def localized(obj, field: str) -> str:
    """The English text of ``field`` on English pages where one is entered, else the Japanese."""
    if (get_language() or "").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field)


class PlanQuerySet(models.QuerySet):
    def with_latest_reporting_year(self):
        """Each plan with ``latest_reporting_year``: the last fiscal year it has reporting
        settings (a ReportingYear) for, or None; read by ``Plan.status_fiscal_year``."""
        return self.annotate(latest_reporting_year=Max("reporting_years__fiscal_year"))


class Plan(models.Model):
    name = models.CharField(_("計画名"), max_length=200)
    name_en = models.CharField(_("計画名（英語）"), max_length=200, blank=True)
    slug = models.SlugField(_("スラッグ"), unique=True, help_text=_("URL に使う半角英数字の名前"))
    start_fiscal_year = models.PositiveSmallIntegerField(_("計画期間の初年度"))
    end_fiscal_year = models.PositiveSmallIntegerField(_("計画期間の最終年度（目標年度）"))
    baseline_fiscal_year = models.PositiveSmallIntegerField(
        _("基準年度"),
        help_text=_("計画策定時の実績の年度。達成状況表の「R元年実績」などの列名になります。"),
    )
    philosophy = models.TextField(_("基本理念"), blank=True)
    philosophy_en = models.TextField(_("基本理念（英語）"), blank=True)
    viewpoints = models.TextField(_("留意する視点"), blank=True, help_text=_("1 行に 1 つ"))
    viewpoints_en = models.TextField(_("留意する視点（英語）"), blank=True)
    project_count_total = models.PositiveIntegerField(_("事業数（計）"), null=True, blank=True)
    project_count_initial = models.PositiveIntegerField(
        _("事業数（計画策定当初）"), null=True, blank=True
    )
    project_count_added = models.PositiveIntegerField(
        _("事業数（策定後新規実施）"), null=True, blank=True
    )
    predecessor = models.OneToOneField(
        "self",
        verbose_name=_("前計画"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successor",
    )
    successor_name = models.CharField(
        _("後継計画名"),
        max_length=200,
        blank=True,
        help_text=_("後継計画がこのシステムにまだ登録されていないときの名前"),
    )
    achievement_threshold = models.DecimalField(
        _("概ね達成の基準（θ）"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.950"),
        help_text=_(
            "実績÷目標値がこの値以上 1 未満なら「概ね達成」（0 より大きく 1 より小さい値）"
        ),
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("計画")
        verbose_name_plural = _("計画")
        ordering = ["-start_fiscal_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_fiscal_year__gte=models.F("start_fiscal_year")),
                name="plan_period_ordered",
                violation_error_message=_("最終年度は初年度以降にしてください。"),
            ),
            models.CheckConstraint(
                condition=Q(achievement_threshold__gt=0) & Q(achievement_threshold__lt=1),
                name="plan_threshold_between_0_and_1",
                violation_error_message=_(
                    "概ね達成の基準は 0 より大きく 1 より小さい値にしてください。"
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("public:plan_detail", kwargs={"slug": self.slug})

    @property
    def localized_name(self):
        return localized(self, "name")

    @property
    def target_fiscal_year(self) -> int:
        return self.end_fiscal_year

    def status_fiscal_year(self, today=None) -> int:
        """The fiscal year the staff status pages open on: the latest year the plan has a
        ReportingYear for (if the status pages accept it). Without one, the last fiscal
        year that has ended (figures are reported after the year closes), kept within
        the plan period.

        Annotate with ``Plan.objects.with_latest_reporting_year()`` to spare a query.
        """
        if hasattr(self, "latest_reporting_year"):
            latest = self.latest_reporting_year
        else:
            latest = self.reporting_years.aggregate(latest=Max("fiscal_year"))["latest"]
        if latest is not None and self.start_fiscal_year - 1 <= latest <= self.end_fiscal_year:
            return latest
        ended = fiscal_year_of(today or timezone.localdate()) - 1
        return min(max(ended, self.start_fiscal_year), self.end_fiscal_year)

    @property
    def viewpoint_list(self) -> list[str]:
        text = localized(self, "viewpoints")
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean(self):
        counts = (self.project_count_total, self.project_count_initial, self.project_count_added)
        if None not in counts and counts[0] != counts[1] + counts[2]:
            raise ValidationError(
                {"project_count_total": _("事業数（計）は当初と新規の合計と一致させてください。")}
            )


class Department(models.Model):
    name = models.CharField(_("担当課名"), max_length=100, unique=True)
    name_en = models.CharField(_("担当課名（英語）"), max_length=100, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("所属する職員"),
        blank=True,
        related_name="departments",
        help_text=_("この課の事業の実績を入力できる職員"),
    )

    class Meta:
        verbose_name = _("担当課")
        verbose_name_plural = _("担当課")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ReportingYear(models.Model):
    """A plan's settings for one fiscal year's reporting: when figures are due, and whether
    the year is locked against edits once published."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("計画"), on_delete=models.CASCADE, related_name="reporting_years"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    due_date = models.DateField(_("入力期限"), null=True, blank=True)
    is_locked = models.BooleanField(
        _("ロック"), default=False, help_text=_("公表した年度の実績を編集できないようにします")
    )

    class Meta:
        verbose_name = _("報告年度")
        verbose_name_plural = _("報告年度")
        ordering = ["plan", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "fiscal_year"],
                name="unique_reporting_year_per_plan",
                violation_error_message=_("この計画のこの年度の設定はすでにあります。"),
            ),
        ]

    def __str__(self):
        return f"{self.plan} {self.fiscal_year}"


class BasicPolicy(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("計画"), on_delete=models.CASCADE, related_name="basic_policies"
    )
    number = models.PositiveSmallIntegerField(_("番号"), validators=[MinValueValidator(1)])
    title = models.CharField(_("基本方針"), max_length=200)
    title_en = models.CharField(_("基本方針（英語）"), max_length=200, blank=True)
    keyword = models.CharField(
        _("強調語"),
        max_length=50,
        blank=True,
        help_text=_("基本方針の中で強調される語（例: つながる）"),
    )
    keyword_en = models.CharField(_("強調語（英語）"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("基本方針")
        verbose_name_plural = _("基本方針")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="unique_basic_policy_number_per_plan",
                violation_error_message=_("この計画には同じ番号の基本方針があります。"),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse(
            "public:basic_policy_detail",
            kwargs={"slug": self.plan.slug, "number": self.number},
        )

    @property
    def localized_title(self):
        return localized(self, "title")

    @property
    def title_parts(self) -> tuple[str, str, str]:
        """The title split around its keyword (before, keyword, after) to emphasise it."""
        title, keyword = self.localized_title, localized(self, "keyword")
        if keyword and keyword in title:
            before, _sep, after = title.partition(keyword)
            return before, keyword, after
        return title, "", ""

    def clean(self):
        if self.keyword and self.keyword not in self.title:
            raise ValidationError({"keyword": _("強調語は基本方針の文中にある語にしてください。")})


class Measure(models.Model):
    basic_policy = models.ForeignKey(
        BasicPolicy, verbose_name=_("基本方針"), on_delete=models.CASCADE, related_name="measures"
    )
    title = models.CharField(_("基本施策"), max_length=200)
    title_en = models.CharField(_("基本施策（英語）"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("基本施策")
        verbose_name_plural = _("基本施策")
        ordering = ["basic_policy", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["basic_policy", "title"],
                name="unique_measure_title_per_policy",
                violation_error_message=_("この基本方針には同じ名前の基本施策があります。"),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def localized_title(self):
        return localized(self, "title")


class ProjectQuerySet(models.QuerySet):
    def for_plan(self, plan):
        return self.filter(plan=plan)

    def for_user(self, user):
        """Projects a back-office user may see: their departments', or all for planners."""
        return roles.scope_to_departments(self, user, "department")

    def in_summary(self):
        """Projects listed in a policy's published achievement table, in the table's order."""
        return self.filter(summary_order__isnull=False).order_by("summary_order", "pk")


class Project(models.Model):
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("計画"),
        on_delete=models.CASCADE,
        related_name="projects",
        editable=False,
        help_text=_("基本方針の計画。事業番号を計画の中で一意にするために保存します。"),
    )
    basic_policy = models.ForeignKey(
        BasicPolicy, verbose_name=_("基本方針"), on_delete=models.CASCADE, related_name="projects"
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("基本施策"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        help_text=_("資料に記載がない場合は空欄"),
    )
    number = models.CharField(
        _("事業番号"), max_length=20, help_text=_("資料の表記どおり（例: 1、R5-1）")
    )
    name = models.CharField(_("事業名"), max_length=200)
    name_en = models.CharField(_("事業名（英語）"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("担当課"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
    )
    fiscal_year_added = models.PositiveSmallIntegerField(
        _("新規実施年度"),
        null=True,
        blank=True,
        help_text=_("計画策定後に始まった事業の開始年度（西暦）。当初からの事業は空欄"),
    )
    # A plain integer: a synthetic plan of 100,000 projects numbers them past a smallint.
    summary_order = models.PositiveIntegerField(
        _("達成状況表の順"),
        null=True,
        blank=True,
        help_text=_("基本方針の「主な指標とその達成状況」表に載せる順。載せない事業は空欄"),
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("事業")
        verbose_name_plural = _("事業")
        ordering = ["basic_policy", "summary_order", "number"]
        indexes = [
            # A policy's summary table in order: its first page, or the first project
            # with an indicator of a kind, is read from the start of the index.
            models.Index(
                fields=["basic_policy", "summary_order", "id"], name="project_summary_order"
            ),
            # Staff lists walk a policy's projects in number order (indicators.plan_lists).
            models.Index(fields=["basic_policy", "number"], name="project_policy_number"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="unique_project_number_per_plan",
                violation_error_message=_("この計画には同じ事業番号の事業があります。"),
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name}"

    def save(self, *args, **kwargs):
        # The plan always follows the basic policy; it is stored only for the constraint.
        self.plan_id = self.basic_policy.plan_id
        super().save(*args, **kwargs)

    @property
    def localized_name(self):
        return localized(self, "name")

    @property
    def display_number(self) -> str:
        """ "No. 20" for an original project, "R5-1" for one added later, as the documents do."""
        return self.number if ADDED_PROJECT_NUMBER.match(self.number) else f"No. {self.number}"

    def validate_constraints(self, exclude=None):
        """Check (plan, number) in forms too: the plan is no form field (it follows the
        basic policy), so Django would leave that constraint out, and name the number."""
        exclude = set(exclude or ())
        if "plan" in exclude and "basic_policy" not in exclude and self.basic_policy_id:
            self.plan_id = self.basic_policy.plan_id
            exclude.discard("plan")
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as error:
            if "number" in exclude:
                raise
            raise ValidationError({"number": error.messages}) from error

    def clean(self):
        errors = {}
        if self.measure_id and self.basic_policy_id:
            if self.measure.basic_policy_id != self.basic_policy_id:
                errors["measure"] = _("基本施策は同じ基本方針のものを選んでください。")
        match = ADDED_PROJECT_NUMBER.match(self.number or "")
        if match and self.fiscal_year_added is None:
            errors["fiscal_year_added"] = _(
                "「R5-1」のような番号の事業は新規実施年度を入れてください。"
            )
        if errors:
            raise ValidationError(errors)


class Highlight(models.Model):
    """主な取組実績: a short narrative of what a project achieved, shown on its policy's page."""

    project = models.ForeignKey(
        Project, verbose_name=_("事業"), on_delete=models.CASCADE, related_name="highlights"
    )
    text = models.TextField(_("取組実績"))
    text_en = models.TextField(_("取組実績（英語）"), blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        verbose_name = _("主な取組実績")
        verbose_name_plural = _("主な取組実績")
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.project.display_number} {self.project.name}"

    @property
    def title(self) -> str:
        return self.project.localized_name

    @property
    def localized_text(self):
        return localized(self, "text")
