"""The moderators' publishing of a report on the site, inside the Wagtail admin."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .forms.publish import PublishReportForm
from .models import ProblemReport
from .services import publish_report, unpublish_report

PUBLISH_PERMISSION = "feedback.publish_problemreport"


def can_publish(user):
    return user.is_active and user.has_perm(PUBLISH_PERMISSION)


def publish_view(request, pk):
    """GET: the publish form with what looks like personal data; POST: publish, update or unpublish."""
    if not can_publish(request.user):
        raise PermissionDenied
    report = get_object_or_404(ProblemReport.objects.select_related("category", "page"), pk=pk)
    if request.method == "POST" and request.POST.get("action") == "unpublish":
        if report.is_public:
            unpublish_report(report, by=request.user)
            messages.success(request, _("Сообщение %(number)s снято с сайта.") % {"number": report.number})
        return redirect(report.get_publish_url())
    form = PublishReportForm(request.POST or None, report=report)
    if request.method == "POST" and form.is_valid():
        was_public = report.is_public
        publish_report(
            report,
            by=request.user,
            public_text=form.cleaned_data["public_text"],
            public_address=form.cleaned_data["public_address"],
            public_photo_ids=form.photo_ids,
        )
        message = (
            _("Публикация сообщения %(number)s обновлена.")
            if was_public
            else _("Сообщение %(number)s опубликовано на сайте.")
        )
        messages.success(request, message % {"number": report.number})
        return redirect(report.get_publish_url())
    return TemplateResponse(
        request,
        "feedback/admin/publish_report.html",
        {
            "report": report,
            "form": form,
            "findings": form.findings(),
            "photos": list(report.photos.all()),
            "public_url": report.get_public_url(request),
            "page_title": _("Публикация сообщения %(number)s") % {"number": report.number},
            "header_icon": "globe",
        },
    )
