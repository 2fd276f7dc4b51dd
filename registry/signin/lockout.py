"""Login throttling with django-axes: two limits, and a page that says how long to wait.

Failures are counted per username and address (``AXES_FAILURE_LIMIT``, 5) and per address
whatever the username (``AXES_ADDRESS_FAILURE_LIMIT``, 20), within the cool-off time (an hour):
reaching either limit pauses logging in from there for the cool-off time. django-axes compares
one count with one limit, so the handler reports the larger of the two counts on the scale of
the first limit: ``floor(address failures × 5 / 20) ≥ 5`` exactly when the address has 20.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _


def failures(attempts):
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit per username and address and one per address."""

    def get_failures(self, request, credentials=None):
        recent = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        )
        username = get_client_username(request, credentials)
        by_username = failures(recent.filter(username=username))
        by_address = failures(recent)
        limit = get_failure_limit(request, credentials)
        return max(by_username, by_address * limit // settings.AXES_ADDRESS_FAILURE_LIMIT)

    def reset_user_attempts(self, request, credentials=None):
        """A successful login clears that username's failures from that address, and only
        those: clearing the whole address would let a user's own logins wipe out the failures
        of guesses at other accounts from the same address."""
        username = get_client_username(request, credentials)
        attempts = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        )
        count, _deleted = attempts.delete()
        return count


def lockout_response(request, original_response=None, credentials=None):
    """The page shown instead of the login while logging in is paused (HTTP 429)."""
    now = timezone.now()
    context = {
        **admin.site.each_context(request),
        "title": _("Logging in is paused"),
        "subtitle": None,
        "duration": timeuntil(now + get_cool_off(request), now),
    }
    return render(
        request,
        "registry/signin/lockout.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
