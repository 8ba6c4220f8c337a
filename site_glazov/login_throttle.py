"""Throttling of staff logins (django-axes): the client's address and the Russian lockout page.

Failures are counted per user name *and* client address (settings: AXES_LOCKOUT_PARAMETERS), so
someone guessing an editor's password is stopped after AXES_FAILURE_LIMIT tries, yet cannot lock
that editor (or every editor) out of the admin from their own computers. docs/security.md explains.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from wagtail.admin.views.account import get_user_login_form, password_reset_enabled


def client_ip(request):
    """The client's address as the report rate limit reads it: behind nginx, its X-Real-IP header."""
    address = request.META.get(settings.FEEDBACK_CLIENT_IP_HEADER, "") or request.META.get("REMOTE_ADDR", "")
    return address.split(",")[0].strip() or None


def lockout_message():
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Слишком много неудачных попыток входа под этим именем. Вход под ним из вашей сети закрыт "
        "на %(minutes)s мин. Подождите и попробуйте снова, или попросите администратора портала "
        "снять блокировку раньше."
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """Wagtail's own sign-in page, answering 429, with the lockout explained instead of «wrong password»."""
    messages.error(request, lockout_message())
    user_model = get_user_model()
    context = {
        "form": get_user_login_form()(request, initial={"username": request.POST.get("username", "")}),
        "next": request.POST.get("next", ""),
        "show_password_reset": password_reset_enabled(),
        "username_field": user_model._meta.get_field(user_model.USERNAME_FIELD).verbose_name,
    }
    response = TemplateResponse(request, "wagtailadmin/login.html", context, status=429)
    return response.render()
