"""Sign-in's second step (policies/second_factor.py): the code page, enrolment of an
authenticator app, and the recovery codes shown once. Admin views (YumeplanAdminSite):
only for signed-in staff, never cached."""

from io import BytesIO

import django_otp
import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _

from policies import second_factor

RECOVERY_CODES_SESSION_KEY = "second_factor_recovery_codes"


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_("確認コード"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "aria-describedby": "id_token-help",
            }
        ),
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _to(view_name: str, request):
    """Redirect to another step, passing on where the user was going."""
    return redirect(f"{reverse(view_name)}?{urlencode({'next': _next_url(request)})}")


def _refuse(form, verification) -> None:
    if verification.locked_until is not None:
        form.add_error(
            "token",
            _(
                "コードを続けて間違えたため、しばらく受け付けません。"
                "%(seconds)s 秒ほど待ってから、もう一度入力してください。"
            )
            % {"seconds": verification.wait_seconds},
        )
    else:
        form.add_error("token", _("コードが正しくありません。もう一度入力してください。"))


def _page(request, template, title, **context):
    return render(
        request,
        template,
        {
            **admin.site.each_context(request),
            "title": title,
            "next": _next_url(request),
            **context,
        },
    )


def verify(request):
    """After the password: a code from the app, or a recovery code."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if second_factor.app_device(request.user) is None:
        return _to("admin:second_factor_enrol", request)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        verification = second_factor.verify(request.user, form.cleaned_data["token"])
        if verification.device is not None:
            request.session.cycle_key()
            django_otp.login(request, verification.device)
            if verification.used_recovery_code:
                left = second_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _("回復コードを使いました。残りは %(left)s 個です。") % {"left": left},
                )
            return redirect(_next_url(request))
        _refuse(form, verification)
    return _page(request, "admin/second_factor/verify.html", _("確認コードの入力"), form=form)


def enrol(request):
    """First sign-in of someone who needs a second factor: scan the code, type one back."""
    user = request.user
    if not second_factor.required_for(user):
        raise Http404
    if second_factor.app_device(user) is not None:
        return _to("admin:second_factor_verify", request)
    device = second_factor.pending_app_device(user)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        verification, codes = second_factor.confirm_enrolment(user, form.cleaned_data["token"])
        if verification.device is not None:
            request.session.cycle_key()
            django_otp.login(request, verification.device)
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            return _to("admin:second_factor_recovery_codes", request)
        _refuse(form, verification)
    return _page(
        request,
        "admin/second_factor/enrol.html",
        _("2 段階認証の設定"),
        form=form,
        secret=second_factor.secret_text(device),
    )


def qr_code(request):
    """The pending app device's key as a QR code (SVG) for the enrolment page."""
    if not second_factor.required_for(request.user):
        raise Http404
    if second_factor.app_device(request.user) is not None:
        raise Http404
    device = second_factor.pending_app_device(request.user)
    # One path with a viewBox, so that the image scales to the size the page gives it.
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    out = BytesIO()
    image.save(out)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


def recovery_codes(request):
    """The recovery codes, shown once right after enrolment."""
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        return redirect(_next_url(request))
    return _page(request, "admin/second_factor/recovery_codes.html", _("回復コード"), codes=codes)
