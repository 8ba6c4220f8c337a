"""Public pages of the subscriptions: subscribe, «check your mail», confirm.

None of them is cached or indexed (private_headers): the form carries a CSRF token, the links a
signed token. No response says whether an address is subscribed.
"""

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils import translation

from feedback.views import private_headers
from home.i18n import visible_to_everyone
from news.models import DecisionPage

from . import services
from .forms import CONSENT_TEXT, SubscribeForm


def decision_from_query(request):
    pk = request.GET.get("decision") or request.POST.get("decision")
    if not (pk and str(pk).isdigit()):
        return None
    return visible_to_everyone(DecisionPage.objects.filter(pk=pk)).first()


def subscribe(request):
    decision = decision_from_query(request)
    if request.method == "POST":
        form = SubscribeForm(request.POST, decision=decision)
        if form.is_valid():
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
    context = {"subscription": subscription, "topic": services.describe(subscription), "confirmed": confirmed}
    return private_headers(render(request, "subscriptions/confirm.html", context))
