"""Keep what the public sees, the stored judgements, the published and working summaries
and the search entries in step with single saves and deletes.

Covers edits in the admin, the shell and fixtures. The services that write in bulk (the
workflow, imports) send no signals and call ``bump_public_cache`` and
``refresh_judgements`` themselves. Actuals do not move the public version here: a draft is
not public, and publication and corrections go through ``indicators.services.workflow``.

A delete that cascades (a plan, policy, project or indicator with everything under it) is
handled once, where it started (the ``origin`` Django gives every delete signal), not
once per actual it takes with it.
"""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_save

from policies.models import BasicPolicy, Department, Highlight, Measure, Plan, Project

from .cache import bump_public_cache
from .models import Actual, Indicator, OfficialStatus
from .services import search_entries
from .services.judgements import refresh_judgements, refresh_plan_judgements
from .services.summaries import (
    refresh_plan_summaries,
    refresh_policy_counts,
    refresh_summaries,
)
from .services.working_summaries import refresh_working_summaries

PUBLIC_MODELS = [
    Plan,
    BasicPolicy,
    Measure,
    Project,
    Department,
    Highlight,
    Indicator,
    OfficialStatus,
]

# A project's fields that put its indicators in a group of the working summaries.
GROUPED_FIELDS = ("measure_id", "department_id", "fiscal_year_added")
# Fields whose change moves what a plan's judgements, summaries or search entries count
# (a policy's number and an indicator's project are copied into its entries), read
# before a save.
COUNTED_FIELDS = {
    Plan: ("achievement_threshold", "baseline_fiscal_year", "start_fiscal_year", "end_fiscal_year"),
    BasicPolicy: ("plan_id", "number"),
    Project: ("plan_id", "basic_policy_id", "summary_order", *GROUPED_FIELDS),
    Indicator: ("project_id", "project__basic_policy_id"),
}


def public_content_changed(sender, **kwargs):
    bump_public_cache()


def _started_here(sender, kwargs) -> bool:
    """Whether a delete started at this model (not in a cascade from a parent)."""
    origin = kwargs.get("origin")
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model is sender


def judgement_input_changed(sender, instance, **kwargs):
    """An indicator's definition, one of its figures or official statuses changed."""
    if kwargs.get("signal") is post_delete:
        if sender is Actual or sender is OfficialStatus:
            if _started_here(sender, kwargs):
                refresh_judgements([instance.indicator_id])
        elif _started_here(sender, kwargs):  # its judgements went with it; not its count
            refresh_summaries(_policy_of_project(instance.project_id))
        return
    indicator_id = instance.pk if sender is Indicator else instance.indicator_id
    refresh_judgements([indicator_id])
    previous = getattr(instance, "_previous", None) if sender is Indicator else None
    left = previous["project__basic_policy_id"] if previous else None
    if left is not None and left != instance.project.basic_policy_id:
        refresh_summaries([left])  # moved to another policy's project: one fewer there


def _policy_of_project(project_id) -> list[int]:
    return list(Project.objects.filter(pk=project_id).values_list("basic_policy_id", flat=True))


def remember_counted_fields(sender, instance, raw=False, **kwargs):
    fields = COUNTED_FIELDS[sender]
    found = None if raw or not instance.pk else sender.objects.filter(pk=instance.pk)
    instance._previous = found.values(*fields).first() if found is not None else None


def plan_saved(sender, instance, created, **kwargs):
    previous = instance._previous
    if created or not previous:
        return
    judged = ("achievement_threshold", "baseline_fiscal_year", "end_fiscal_year")
    if any(previous[name] != getattr(instance, name) for name in judged):
        # The rule's threshold, or the straight lines to the targets the gaps measure
        refresh_plan_judgements(instance.pk)  # counts the plan's summaries again too
    elif previous["start_fiscal_year"] != instance.start_fiscal_year:
        refresh_plan_summaries(instance.pk)


def basic_policy_saved(sender, instance, created, **kwargs):
    previous = instance._previous
    if previous and previous["plan_id"] != instance.plan_id:
        refresh_summaries([instance.pk])  # another plan's years
    if previous and (previous["plan_id"], previous["number"]) != (
        instance.plan_id,
        instance.number,
    ):
        search_entries.refresh_policies([instance.pk])  # renumbered, or in another plan


def project_saved(sender, instance, created, **kwargs):
    previous = instance._previous
    if previous and previous["plan_id"] != instance.plan_id:
        # Its judgements store their plan (and its years draw their lines).
        refresh_judgements(instance.indicators.values_list("pk", flat=True))
    if previous and previous["basic_policy_id"] != instance.basic_policy_id:
        refresh_summaries([previous["basic_policy_id"], instance.basic_policy_id])
        return
    if not previous or (previous["summary_order"] is None) != (instance.summary_order is None):
        refresh_policy_counts([instance.basic_policy_id])  # added, or in or out of the table
    if previous and any(previous[name] != getattr(instance, name) for name in GROUPED_FIELDS):
        # Another measure, department or year added: its indicators count in another group.
        refresh_working_summaries([instance.basic_policy_id])


def measure_deleted(sender, instance, **kwargs):
    """Its projects are left without a measure: their indicators count in another group."""
    if _started_here(sender, kwargs):  # not when its policy or plan goes too
        refresh_working_summaries([instance.basic_policy_id])
        search_entries.clear_measure(instance.pk)


def search_entry_changed(sender, instance, **kwargs):
    """What the search finds of a project: its own fields, its indicators' names and order,
    whether it has any. Runs after the judgements' handlers (their statuses are read)."""
    if sender is Project:
        search_entries.refresh_projects([instance.pk])
        return
    if kwargs.get("signal") is post_delete and not _started_here(sender, kwargs):
        return  # its project goes too, or is written where the delete started
    previous = getattr(instance, "_previous", None)
    moved_from = [previous["project_id"]] if previous and previous["project_id"] else []
    search_entries.refresh_projects([instance.project_id, *moved_from])


def project_deleted(sender, instance, **kwargs):
    if _started_here(sender, kwargs):  # not when its policy or plan goes too
        refresh_summaries([instance.basic_policy_id])


def connect():
    for model in PUBLIC_MODELS:
        uid = f"yumeplan-public-{model._meta.label_lower}"
        post_save.connect(public_content_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(public_content_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for model in (Indicator, Actual, OfficialStatus):
        uid = f"yumeplan-judgements-{model._meta.label_lower}"
        post_save.connect(judgement_input_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(judgement_input_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for model in COUNTED_FIELDS:
        uid = f"yumeplan-counted-{model._meta.label_lower}"
        pre_save.connect(remember_counted_fields, sender=model, dispatch_uid=uid)
    post_save.connect(plan_saved, sender=Plan, dispatch_uid="yumeplan-plan-judgements")
    post_save.connect(basic_policy_saved, sender=BasicPolicy, dispatch_uid="yumeplan-policy-moved")
    post_save.connect(project_saved, sender=Project, dispatch_uid="yumeplan-project-moved")
    post_delete.connect(project_deleted, sender=Project, dispatch_uid="yumeplan-project-deleted")
    post_delete.connect(measure_deleted, sender=Measure, dispatch_uid="yumeplan-measure-deleted")
    post_save.connect(search_entry_changed, sender=Project, dispatch_uid="yumeplan-search-project")
    for signal in (post_save, post_delete):
        uid = f"yumeplan-search-indicator-{'save' if signal is post_save else 'delete'}"
        signal.connect(search_entry_changed, sender=Indicator, dispatch_uid=uid)
