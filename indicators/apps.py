from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("指標と実績")

    def ready(self):
        from django.db import models

        from . import signals
        from .services.bulk import AnyOf

        signals.connect()
        models.Field.register_lookup(AnyOf)
        models.ForeignObject.register_lookup(AnyOf)
