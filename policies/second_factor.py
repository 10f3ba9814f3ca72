"""Second factor at sign-in (django-otp): who needs one, enrolment, verification, reset.

Planners and superusers approve and publish official figures: after their password they
give a code from an authenticator app (a TOTP device), or one of the one-time recovery
codes they were shown at enrolment (a static device). Officers need one only with the
setting ``OTP_REQUIRED_FOR_OFFICERS``. Wrong codes are throttled by django-otp itself
(each device waits 1, 2, 4, … seconds after successive failures).

The sign-in pages are ``yumeplan/second_factor_views.py``; the gate that keeps an
unverified session out of the back office is ``yumeplan.middleware.SecondFactorMiddleware``.
"""

from __future__ import annotations

import unicodedata
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from policies import roles

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "認証アプリ"
RECOVERY_DEVICE_NAME = "回復コード"


def required_for(user) -> bool:
    """Whether this user must confirm each sign-in with a second factor."""
    if roles.is_planner(user):  # planners and superusers
        return True
    return bool(settings.OTP_REQUIRED_FOR_OFFICERS) and roles.is_officer(user)


def app_device(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_app_device(user) -> TOTPDevice:
    """The authenticator app being enrolled: unconfirmed until a first code matches."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The device's key as typed into an app by hand: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def _normalise(token: str) -> str:
    """Full-width digits and letters (a Japanese input method), spaces and hyphens."""
    token = unicodedata.normalize("NFKC", token or "")
    return "".join(token.split()).replace("-", "").lower()


def _is_app_code(token: str) -> bool:
    return len(token) == 6 and token.isascii() and token.isdigit()


@dataclass(frozen=True)
class Verification:
    device: TOTPDevice | StaticDevice | None = None
    locked_until: datetime | None = None  # throttled: no code is tried before then

    @property
    def used_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)

    @property
    def wait_seconds(self) -> int:
        if self.locked_until is None:
            return 0
        return max(1, int((self.locked_until - timezone.now()).total_seconds()) + 1)


def _throttled(device) -> Verification | None:
    allowed, details = device.verify_is_allowed()
    if allowed:
        return None
    return Verification(locked_until=(details or {}).get("locked_until"))


def verify(user, token: str) -> Verification:
    """Check a code from the app (six digits) or a recovery code (used up on success)."""
    token = _normalise(token)
    if _is_app_code(token):
        device = app_device(user)
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or not token:
        return Verification()
    throttled = _throttled(device)
    if throttled is not None:
        return throttled
    return Verification(device=verify_token(user, device.persistent_id, token))


def confirm_enrolment(user, token: str) -> tuple[Verification, list[str]]:
    """Confirm the pending app device with its first code; give the user new recovery codes
    (returned once, to be shown once). Another unconfirmed device is removed."""
    token = _normalise(token)
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            return Verification(), []
        throttled = _throttled(device)
        if throttled is not None:
            return throttled, []
        if not _is_app_code(token) or not device.verify_token(token):
            return Verification(), []
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        return Verification(device=device), _new_recovery_codes(user)


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def reset(user) -> int:
    """Forget the user's app and recovery codes (a lost phone): the next sign-in enrols
    again. Returns how many devices were removed."""
    removed = TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
    removed += StaticDevice.objects.filter(user=user).delete()[1].get(StaticDevice._meta.label, 0)
    return removed
