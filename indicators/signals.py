"""Move the public version on whenever something the public sees is saved or deleted.

Covers edits in the admin, the shell and fixtures. Actuals are left out: a draft is not
public, and publication and corrections go through ``indicators.services.workflow``,
which bumps the version itself.
"""

from django.db.models.signals import post_delete, post_save

from policies.models import BasicPolicy, Department, Highlight, Measure, Plan, Project

from .cache import bump_public_cache
from .models import Indicator, OfficialStatus

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


def connect():
    for model in PUBLIC_MODELS:
        uid = f"yumeplan-public-{model._meta.label_lower}"
        post_save.connect(public_content_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(public_content_changed, sender=model, dispatch_uid=f"{uid}-delete")
