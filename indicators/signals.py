"""Keep what the public sees and the stored judgements in step with single saves and deletes.

Covers edits in the admin, the shell and fixtures. The services that write in bulk (the
workflow, imports) send no signals and call ``bump_public_cache`` and
``refresh_judgements`` themselves. Actuals do not move the public version here: a draft is
not public, and publication and corrections go through ``indicators.services.workflow``.
"""

from django.db.models.signals import post_delete, post_save, pre_save

from policies.models import BasicPolicy, Department, Highlight, Measure, Plan, Project

from .cache import bump_public_cache
from .models import Actual, Indicator, OfficialStatus
from .services.judgements import refresh_judgements, refresh_plan_judgements

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


def public_content_changed(sender, **kwargs):
    bump_public_cache()


def judgement_input_changed(sender, instance, **kwargs):
    """An indicator's definition, one of its figures or official statuses changed."""
    indicator_id = instance.pk if sender is Indicator else instance.indicator_id
    if sender is Indicator and kwargs.get("signal") is post_delete:
        return  # its judgements went with it
    refresh_judgements([indicator_id])


def remember_threshold(sender, instance, **kwargs):
    previous = Plan.objects.filter(pk=instance.pk).values_list("achievement_threshold", flat=True)
    instance._previous_threshold = previous.first() if instance.pk else None


def plan_saved(sender, instance, created, **kwargs):
    if not created and instance._previous_threshold != instance.achievement_threshold:
        refresh_plan_judgements(instance.pk)


def connect():
    for model in PUBLIC_MODELS:
        uid = f"yumeplan-public-{model._meta.label_lower}"
        post_save.connect(public_content_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(public_content_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for model in (Indicator, Actual, OfficialStatus):
        uid = f"yumeplan-judgements-{model._meta.label_lower}"
        post_save.connect(judgement_input_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(judgement_input_changed, sender=model, dispatch_uid=f"{uid}-delete")
    pre_save.connect(remember_threshold, sender=Plan, dispatch_uid="yumeplan-plan-threshold")
    post_save.connect(plan_saved, sender=Plan, dispatch_uid="yumeplan-plan-judgements")
