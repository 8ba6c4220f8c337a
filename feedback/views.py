"""Residents' views of «Решаем вместе» (served under the FeedbackPage) and staff's private photo view."""

import logging
import time

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import ratelimit
from .forms import ReportForm
from .models import ProblemReport, ReportPhoto
from .nearby import similar_reports
from .services import create_report

logger = logging.getLogger(__name__)
# The report just sent, for the confirmation page only: shown once, within a few minutes, then gone,
# so the next person at a shared computer cannot open the private status link from the session.
SESSION_KEY = "feedback_sent_report"
SENT_PAGE_SECONDS = 10 * 60
FORM_TEMPLATE = "feedback/feedback_page.html"


def private_headers(response):
    """Status and confirmation pages carry a secret in the URL: keep them out of caches, logs and search."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def render_form(request, page, form, status=200, notice="", similar=None):
    response = page.render(
        request,
        template=FORM_TEMPLATE,
        context_overrides={"form": form, "notice": notice, "similar": similar},
    )
    response.status_code = status
    return response


def keep_typed(request, page):
    """An unbound form showing what the visitor typed, for refusals that must not run validation."""
    typed = {
        key: value for key, value in request.POST.items() if key not in ("csrfmiddlewaretoken", "website")
    }
    return ReportForm(page=page, initial=typed)


def similar_to_typed(request, page):
    """Open published reports like the one being typed, with their public pages' addresses."""
    category = request.POST.get("category", "")
    reports = similar_reports(
        int(category) if category.isdigit() else None,
        request.POST.get("address", "")[:300],
        request.POST.get("latitude", "")[:20].replace(",", "."),
        request.POST.get("longitude", "")[:20].replace(",", "."),
    )
    for report in reports:
        report.public_url = page.url + page.reverse_subpage("public_report", args=[report.number])
    return reports


def upload_notice():
    minutes = max(1, round(ratelimit.limit(ratelimit.UPLOAD)[1] / 60))
    return ngettext(
        "С вашего устройства недавно много раз отправляли форму с фото. Подождите %(minutes)d минуту "
        "и отправьте сообщение ещё раз — всё, что вы написали, сохранено на этой странице. "
        "Фото нужно будет выбрать заново.",
        "С вашего устройства недавно много раз отправляли форму с фото. Подождите %(minutes)d минут "
        "и отправьте сообщение ещё раз — всё, что вы написали, сохранено на этой странице. "
        "Фото нужно будет выбрать заново.",
        minutes,
    ) % {"minutes": minutes}


def report_form(request, page):
    if request.method != "POST":
        return render_form(request, page, ReportForm(page=page))
    if "check_similar" in request.POST:
        # «Проверить, не сообщили ли уже»: nothing is saved or validated, the typed text stays.
        return render_form(request, page, keep_typed(request, page), similar=similar_to_typed(request, page))
    if ratelimit.is_limited(request, ratelimit.REPORT):
        notice = _(
            "С вашего устройства недавно отправили много сообщений. Подождите 10 минут и нажмите "
            "«Отправить сообщение» ещё раз — всё, что вы написали, сохранено на этой странице. "
            "Фото нужно будет выбрать заново."
        )
        return render_form(request, page, keep_typed(request, page), status=429, notice=notice)
    if request.FILES:
        # Photos cost memory and time to decode: every post with files counts, refused ones too.
        if ratelimit.is_limited(request, ratelimit.UPLOAD):
            return render_form(request, page, keep_typed(request, page), status=429, notice=upload_notice())
        ratelimit.record(request, ratelimit.UPLOAD)
    form = ReportForm(request.POST, request.FILES, page=page)
    if form.is_bot:
        logger.warning("Feedback honeypot filled; report refused")
        notice = _(
            "Сообщение не отправлено: заполнено служебное поле, которое должно оставаться пустым. "
            "Проверьте, не заполнил ли его браузер автоматически, и отправьте ещё раз."
        )
        return render_form(request, page, keep_typed(request, page), status=400, notice=notice)
    if not form.is_valid():
        return render_form(request, page, form)
    report = create_report(page, form.cleaned_data, get_language())
    ratelimit.record(request, ratelimit.REPORT)
    # The report's id, not its token: the session row never holds the secret of the status link.
    request.session[SESSION_KEY] = {"report": report.pk, "until": time.time() + SENT_PAGE_SECONDS}
    return redirect(page.url + page.reverse_subpage("sent"))


@never_cache
def report_sent(request, page):
    sent = request.session.pop(SESSION_KEY, None)  # one view: a reload or a later visit gets the form
    fresh = isinstance(sent, dict) and time.time() <= sent.get("until", 0)
    report = ProblemReport.objects.filter(pk=sent.get("report")).first() if fresh else None
    if report is None:
        return redirect(page.url)
    response = page.render(
        request,
        template="feedback/report_sent.html",
        context_overrides={"report": report, "status_url": report.get_status_url(request)},
    )
    return private_headers(response)


def report_status(request, page, token):
    report = (
        ProblemReport.objects.select_related("category", "duplicate_of")
        .prefetch_related("status_changes")
        .filter(token=token)
        .first()
    )
    if report is None:
        raise Http404
    response = page.render(
        request,
        template="feedback/report_status.html",
        context_overrides={
            "report": report,
            "history": report.status_changes.all(),
            "public_url": report.get_public_url(request),
        },
    )
    return private_headers(response)


def report_photo(request, pk):
    """A report's photo, for staff allowed to see reports only (registered as an admin URL)."""
    from .viewsets import report_permission_policy

    if not report_permission_policy.user_has_permission(request.user, "view"):
        raise PermissionDenied
    photo = get_object_or_404(ReportPhoto, pk=pk)
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
