"""The back office's admin site: Django's, answering a malformed object id with 404."""

import inspect
from functools import update_wrapper

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404


def _is_valid_key(field, value: str) -> bool:
    try:
        field.to_python(unquote(value))
    except (ValidationError, ValueError, TypeError):
        return False
    return True


class YumeplanAdminSite(admin.AdminSite):
    """The sign-in's second step lives here (yumeplan/second_factor_views.py).

    Every ModelAdmin's change, history and delete views take the object id from the URL
    (``<path:object_id>/change/``). A malformed one ("abc", or a relative URL resolved
    under a change page) makes some querysets raise ValueError, a 500: refuse it here with
    404, for every registered model at once, after the sign-in check."""

    def get_urls(self):
        from django.urls import path

        from . import second_factor_views as views

        steps = [
            ("second-factor/", views.verify, "second_factor_verify"),
            ("second-factor/enrol/", views.enrol, "second_factor_enrol"),
            ("second-factor/enrol/qr.svg", views.qr_code, "second_factor_qr"),
            ("second-factor/recovery-codes/", views.recovery_codes, "second_factor_recovery_codes"),
        ]
        own = [path(route, self.admin_view(view), name=name) for route, view, name in steps]
        return own + super().get_urls()

    def admin_view(self, view, cacheable=False):
        model_admin = getattr(view, "__self__", None)
        if isinstance(model_admin, admin.ModelAdmin):
            view = self._checking_object_ids(view, model_admin)
        return super().admin_view(view, cacheable)

    @staticmethod
    def _checking_object_ids(view, model_admin):
        model = model_admin.model
        # django-simple-history's history_form_view also takes the version's id.
        history = getattr(model, "history", None)
        keys = {"object_id": model._meta.pk}
        if history is not None and hasattr(history, "model"):
            keys["version_id"] = history.model._meta.pk

        signature = inspect.signature(view)
        if not keys.keys() & signature.parameters.keys():
            return view

        def checked(request, *args, **kwargs):
            # URL arguments come by name (Django's URLs) or by position (re_path groups).
            arguments = signature.bind_partial(request, *args, **kwargs).arguments
            for name, field in keys.items():
                if name in arguments and not _is_valid_key(field, arguments[name]):
                    raise Http404
            return view(request, *args, **kwargs)

        return update_wrapper(checked, view)
