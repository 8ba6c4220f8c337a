"""Public pages of the subscriptions: subscribe, «check your mail», confirm.

None of them is cached or indexed (private_headers): the form carries a CSRF token, the links a
signed token. No response says whether an address is subscribed.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from feedback import ratelimit
from feedback.views import private_headers
from home.i18n import visible_to_everyone
from news.models import DecisionPage

from . import services, tokens
from .forms import CONSENT_TEXT, SubscribeForm
from .models import Subscription


def decision_from_query(request):
    pk = request.GET.get("decision") or request.POST.get("decision")
    if not (pk and str(pk).isdigit()):
        return None
    return visible_to_everyone(DecisionPage.objects.filter(pk=pk)).first()


def manage_path(subscription):
    return reverse("subscriptions:manage", kwargs={"token": tokens.manage_token(subscription.address_key)})


def subscribe(request):
    decision = decision_from_query(request)
    if request.method == "POST":
        form = SubscribeForm(request.POST, decision=decision)
        if ratelimit.is_limited(request, ratelimit.SUBSCRIBE):
            response = render(request, "subscriptions/too_many.html", {"form": form}, status=429)
            return private_headers(response)
        if form.is_valid():
            ratelimit.record(request, ratelimit.SUBSCRIBE)
            services.request_subscription(
                form.cleaned_data["email"],
                form.topic_fields,
                form.cleaned_data["frequency"],
                translation.get_language(),
                CONSENT_TEXT,
            )
            return redirect("subscriptions:sent")
        status = 400
    else:
        form = SubscribeForm(decision=decision, topic=request.GET.get("topic", "")[:40])
        status = 200
    response = render(
        request, "subscriptions/subscribe.html", {"form": form, "decision": decision}, status=status
    )
    return private_headers(response)


def sent(request):
    return private_headers(render(request, "subscriptions/sent.html", {}))


def confirm(request, token):
    try:
        subscription = services.subscription_from_confirm_token(token)
    except services.LinkError as error:
        response = render(
            request,
            "subscriptions/link_error.html",
            {"expired": error.expired, "valid_days": settings.SUBSCRIPTION_CONFIRM_SECONDS // 86400},
            status=410 if error.expired else 400,
        )
        return private_headers(response)
    confirmed = subscription.is_confirmed
    if request.method == "POST" and not confirmed:
        services.confirm(subscription)
        confirmed = True
    context = {
        "subscription": subscription,
        "topic": services.describe(subscription),
        "confirmed": confirmed,
        "manage_url": manage_path(subscription),
    }
    return private_headers(render(request, "subscriptions/confirm.html", context))


def masked(email):
    """«r•••@example.org»: enough for the resident to recognise, not for a shoulder to read."""
    local, _sep, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def link_error(request):
    return private_headers(
        render(request, "subscriptions/link_error.html", {"expired": False, "manage": True}, status=400)
    )


def manage(request, token):
    """All of an address's subscriptions from the link in any e-mail: frequency, remove one or all."""
    try:
        key, subscriptions = services.subscriptions_from_manage_token(token)
    except services.LinkError:
        return link_error(request)
    if request.method == "POST":
        action = request.POST.get("action")
        pk = request.POST.get("subscription", "")
        pk = int(pk) if pk.isdigit() else None
        if action == "frequency" and pk:
            services.change_frequency(key, pk, request.POST.get("frequency"))
            messages.success(request, _("Частота писем изменена."))
        elif action == "remove" and pk:
            services.unsubscribe(key, [pk])
            messages.success(request, _("Вы отписались от этой темы."))
        elif action == "remove_all":
            services.unsubscribe(key)
            messages.success(request, _("Вы отписались от всех рассылок. Ваш адрес удалён."))
        return redirect(request.path)
    rows = [(subscription, services.describe(subscription)) for subscription in subscriptions]
    context = {
        "rows": rows,
        "address": masked(rows[0][0].email) if rows else "",
        "frequencies": Subscription.Frequency.choices,
    }
    return private_headers(render(request, "subscriptions/manage.html", context))


@csrf_exempt
def unsubscribe(request, token):
    """One-click unsubscribe (RFC 8058): a POST with only the signed token removes that one topic.

    Mail programs post without cookies, so this view alone is exempt from CSRF; the token names
    one subscription and does nothing else. A GET (a link opened, a scanner) only asks.
    """
    try:
        pk, subscription = services.subscription_from_unsubscribe_token(token)
    except services.LinkError:
        return link_error(request)
    removed = False
    context = {}
    if subscription is not None:
        context["topic"] = services.describe(subscription)
        context["manage_url"] = manage_path(subscription)
    if request.method == "POST":
        removed = subscription is None or bool(services.unsubscribe(subscription.address_key, [pk]))
    context["removed"] = removed or subscription is None
    return private_headers(render(request, "subscriptions/unsubscribe.html", context))
