"""Carrying indicators over to a plan's successor so that their yearly series continues.

A planner picks, for each indicator of the plan, the successor plan's project that takes it
over. The new indicator copies the definition (name, unit, direction, baseline, target) and
points back with ``carried_over_from``; its actuals start in the successor's period.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from indicators.models import INDICATOR_DEFINITION_FIELDS, INDICATOR_METADATA_FIELDS, Indicator
from policies import roles
from policies.models import Project

COPIED_FIELDS = INDICATOR_DEFINITION_FIELDS + INDICATOR_METADATA_FIELDS


def carry_over(*, user, plan, targets: dict[int, int]) -> list[Indicator]:
    """Copy indicators of ``plan`` (keys of ``targets``) to the successor's projects
    (values: project ids), all or nothing. Returns the new indicators."""
    if not roles.is_planner(user):
        raise PermissionDenied(_("指標を引き継げるのは企画担当だけです。"))
    successor = getattr(plan, "successor", None)
    if successor is None:
        raise ValidationError(_("この計画には後継計画が登録されていません。"))
    if not targets:
        return []
    with transaction.atomic():
        indicators = Indicator.objects.select_related("project").in_bulk(list(targets))
        projects = Project.objects.in_bulk(set(targets.values()))
        errors = []
        for indicator_id, project_id in targets.items():
            indicator = indicators.get(indicator_id)
            project = projects.get(project_id)
            if indicator is None or indicator.project.plan_id != plan.pk:
                errors.append(
                    _("この計画の指標ではありません（ID: %(id)s）。") % {"id": indicator_id}
                )
            elif project is None or project.plan_id != successor.pk:
                errors.append(
                    _("%(indicator)s: 引き継ぎ先は後継計画の事業を選んでください。")
                    % {"indicator": indicator}
                )
        already = set(
            Indicator.objects.filter(carried_over_from_id__in=list(targets)).values_list(
                "carried_over_from_id", flat=True
            )
        )
        errors += [
            _("%(indicator)s はすでに引き継がれています。") % {"indicator": indicators[pk]}
            for pk in sorted(already)
            if pk in indicators
        ]
        if errors:
            raise ValidationError(errors)
        created = []
        for indicator_id, project_id in targets.items():
            source = indicators[indicator_id]
            copy = Indicator(
                project_id=project_id,
                carried_over_from=source,
                **{name: getattr(source, name) for name in COPIED_FIELDS},
            )
            copy.full_clean()
            copy.save()
            created.append(copy)
    return created
