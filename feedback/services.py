"""Saving a resident's report and queueing its e-mails (the rate limits: feedback/ratelimit.py)."""

import logging
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification, ProblemCategory, ProblemReport, ReportPhoto, Status, StatusChange
from .photos import public_copy

logger = logging.getLogger(__name__)


def create_report(page, data, language, api_key=None):
    """Save a valid report with its photos and history in one transaction, then queue its e-mails.

    ``data`` is ReportForm.cleaned_data. Photo files written before a failed commit are removed.
    ``api_key``: the partner's key it came through (the Open311 API), counted as used.
    """
    now = timezone.now()
    saved_files = []
    consent_text, consent_version, consent_language = page.shown_consent()
    try:
        with transaction.atomic():
            report = ProblemReport(
                page=page,
                language=language,
                created_at=now,
                category=data["category"],
                description=data["description"],
                address=data["address"],
                latitude=data.get("latitude"),
                longitude=data.get("longitude"),
                name=data["name"],
                email=data.get("email", ""),
                phone=data.get("phone", ""),
                consent_version=consent_version,
                consent_text=consent_text,
                consent_language=consent_language,
                consented_at=now,
                api_key=api_key,
                due_date=ProblemReport.due_date_for(now, page.deadline),
            )
            report.assign_number()
            report.save()
            for order, photo in enumerate(data.get("photos") or []):
                record = ReportPhoto(
                    report=report,
                    original_name=photo.original_name,
                    width=photo.width,
                    height=photo.height,
                    sort_order=order,
                )
                record.image.save("photo.jpg", ContentFile(photo.content), save=False)
                saved_files.append(record.image)
                record.save()
            StatusChange.objects.create(report=report, changed_at=now, from_status="", to_status=Status.NEW)
            if api_key is not None:
                api_key.record_use()
            queue_new_report_notifications(report, page)
    except Exception:
        for stored in saved_files:
            stored.storage.delete(stored.name)
        raise
    return report


def queue_notification(report, kind, recipients, subject, body):
    """Store an e-mail with the report; the worker sends it once the transaction has committed.

    A task backend that cannot enqueue is logged (home/deferred.py); the e-mail stays stored for
    the hourly safety net (``send_feedback_emails``).
    """
    from .tasks import queue_sending

    notification = Notification.objects.create(
        report=report, kind=kind, recipients=",".join(recipients), subject=subject, body=body
    )
    queue_sending(notification)
    return notification


def render_email(template_base, context, language):
    with translation.override(language):
        subject = render_to_string(f"feedback/email/{template_base}_subject.txt", context).strip()
        body = render_to_string(f"feedback/email/{template_base}.txt", context)
    return " ".join(subject.split()), body


def routing_email(category):
    """The responsible service's address: the Russian category's, whatever version was chosen."""
    source = (
        ProblemCategory.objects.filter(
            translation_key=category.translation_key, locale__language_code=settings.LANGUAGE_CODE
        ).first()
        or category
    )
    return source.routing_email


def queue_new_report_notifications(report, page):
    context = {"report": report, "page": page, "status_url": report.get_status_url()}
    if report.email:
        subject, body = render_email("confirmation", context, report.language)
        queue_notification(report, Notification.Kind.CONFIRMATION, [report.email], subject, body)
    routing = routing_email(report.category)
    recipients = [routing] if routing else []
    recipients += [address for address in page.notification_addresses if address not in recipients]
    if recipients:
        admin_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + report.get_admin_url()
        subject, body = render_email("routing", {**context, "admin_url": admin_url}, settings.LANGUAGE_CODE)
        queue_notification(report, Notification.Kind.ROUTING, recipients, subject, body)
    else:
        logger.warning("Report %s: no routing address for category %s", report.number, report.category_id)


def notify_resident_of_update(report):
    """Queue an e-mail telling the resident the report's new status and the public answer."""
    if not report.email:
        return None
    context = {"report": report, "status_url": report.get_status_url()}
    subject, body = render_email("status", context, report.language)
    return queue_notification(report, Notification.Kind.STATUS, [report.email], subject, body)


def change_status(report, status, *, by, public_answer=None, comment="", previous=None):
    """Change a report's status and/or its public answer: the one way to do it, from any path.

    The admin form, bulk actions and the shell all call this. It records the change in the
    history (who, from, to, comment), sets when the report was closed and answered, saves the
    report (with any other edits the caller made to it) and queues one e-mail to the resident
    (sent once the transaction commits) when the status or a non-empty answer changed.
    Nothing changed: no history, no e-mail. ``public_answer=None`` keeps the answer as it is.

    ``previous`` is the (status, answer) the change starts from; by default the ones stored,
    read under a row lock so two moderators saving at once both get an honest history entry.
    Returns the new StatusChange, or None when the status stayed the same.
    """
    if status == Status.DUPLICATE and report.duplicate_of_id is None:
        raise ValueError("A duplicate needs duplicate_of: the report it repeats")
    with transaction.atomic():
        if previous is None:
            previous = (
                ProblemReport.objects.select_for_update()
                .filter(pk=report.pk)
                .values_list("status", "public_answer")
                .get()
            )
        was_status, was_answer = previous
        answer = (was_answer or "") if public_answer is None else public_answer
        status_changed = status != was_status
        answer_changed = answer.strip() != (was_answer or "").strip()
        now = timezone.now()
        report.status, report.public_answer = status, answer
        # What the site shows is publish_report's: a form opened before a publication must not undo it.
        stored = ProblemReport.objects.filter(pk=report.pk).values(*PUBLIC_FIELDS).first() or {}
        for name, value in stored.items():
            setattr(report, name, value)
        if status_changed:
            report.closed_at = now if report.is_closed else None
        if answer_changed:
            report.public_answer_at = now if answer.strip() else None
        report.save()
        change = None
        if status_changed:
            change = StatusChange.objects.create(
                report=report,
                changed_at=now,
                changed_by=by,
                from_status=was_status,
                to_status=status,
                comment=comment,
            )
        if status_changed or (answer_changed and answer.strip()):
            notify_resident_of_update(report)
    return change


PUBLIC_FIELDS = [
    "is_public",
    "published_at",
    "public_text",
    "public_address",
    "public_latitude",
    "public_longitude",
]


def public_coordinate(value):
    """A coordinate rounded to 3 decimals (about 100 m in Glazov): the public place, never the exact one."""
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def publish_report(report, *, by, public_text, public_address, public_photo_ids=()):
    """Publish a report on the site, or update what the site shows of an already public one.

    The one way to do it (the moderator's publish form, the demo content, the shell). The site shows
    only ``public_text`` and ``public_address`` (as the moderator wrote them), the coordinates rounded
    to about 100 m, the status, its dates, the public answer and the photos of ``public_photo_ids``,
    each as a copy re-encoded from its pixels into public media. Photos not named lose their public
    copy. Publishing is not a status: it is stamped in ``published_at`` (the first time) and logged
    by number only. Saving the report is what makes the public pages stale (home/caching.py).
    """
    public_text = (public_text or "").strip()
    public_address = (public_address or "").strip()
    if not public_text or not public_address:
        raise ValueError("A public report needs its public text and place")
    public_photo_ids = {int(pk) for pk in public_photo_ids}
    written = []
    try:
        with transaction.atomic():
            locked = ProblemReport.objects.select_for_update().get(pk=report.pk)
            locked.is_public = True
            locked.published_at = locked.published_at or timezone.now()
            locked.public_text = public_text
            locked.public_address = public_address
            locked.public_latitude = public_coordinate(locked.latitude)
            locked.public_longitude = public_coordinate(locked.longitude)
            for photo in locked.photos.all():
                wanted = photo.pk in public_photo_ids
                if wanted and not photo.public_image:
                    with photo.image.open("rb") as handle:
                        content = public_copy(handle)
                    photo.public_image.save("photo.jpg", ContentFile(content), save=False)
                    written.append(photo.public_image.name)
                elif not wanted and photo.public_image:
                    _remove_public_copy(photo)
                photo.is_public = wanted
                photo.save(update_fields=["is_public", "public_image"])
            # Only the public fields: a status changed meanwhile by a colleague is kept.
            locked.save(update_fields=PUBLIC_FIELDS)
    except Exception:
        for name in written:
            ReportPhoto._meta.get_field("public_image").storage.delete(name)
        raise
    for name in PUBLIC_FIELDS:
        setattr(report, name, getattr(locked, name))
    logger.info("Report %s published by user %s", report.number, getattr(by, "pk", None))
    return report


def unpublish_report(report, *, by):
    """Take a report off the site: its page, listing item, feed item and export row, and its photos."""
    with transaction.atomic():
        locked = ProblemReport.objects.select_for_update().get(pk=report.pk)
        for photo in locked.photos.all():
            if photo.public_image:
                _remove_public_copy(photo)
            photo.is_public = False
            photo.save(update_fields=["is_public", "public_image"])
        # The public text and place stay (for a later publication); nothing public shows them.
        locked.is_public = False
        locked.save(update_fields=["is_public"])
    report.is_public = False
    logger.info("Report %s unpublished by user %s", report.number, getattr(by, "pk", None))
    return report


def _remove_public_copy(photo):
    name = photo.public_image.name
    photo.public_image = ""
    # After the commit: a rolled-back publish keeps the copy its (still public) report shows.
    storage = ReportPhoto._meta.get_field("public_image").storage
    transaction.on_commit(lambda: storage.delete(name))
