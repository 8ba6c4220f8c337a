"""Residents' problem reports, their photos, status history, tracking numbers and outgoing e-mail."""

import datetime
import secrets
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

NUMBER_PREFIX = "ГЛЗ"


class Status(models.TextChoices):
    NEW = "new", _("новое")
    ACCEPTED = "accepted", _("принято в работу")
    PLANNED = "planned", _("запланировано")
    RESOLVED = "resolved", _("решено")
    REJECTED = "rejected", _("закрыто: отклонено")
    DUPLICATE = "duplicate", _("закрыто: дубликат")
    TRANSFERRED = "transferred", _("закрыто: передано в другую организацию")


CLOSED_STATUSES = [Status.RESOLVED, Status.REJECTED, Status.DUPLICATE, Status.TRANSFERRED]


class PrivateStorage(FileSystemStorage):
    """Files outside MEDIA_ROOT with no public URL at all: only a permission-checked view serves them."""

    def url(self, name):
        raise ValueError("Private files have no public URL; use ReportPhoto.get_admin_url()")


# Residents' photos are readable by the site's own user only, whatever the process's umask and
# FILE_UPLOAD_PERMISSIONS (0644: nginx must read the public media, never these).
PRIVATE_FILE_MODE = 0o600
PRIVATE_DIRECTORY_MODE = 0o700


def private_storage():
    return PrivateStorage(
        location=settings.FEEDBACK_PRIVATE_ROOT,
        file_permissions_mode=PRIVATE_FILE_MODE,
        directory_permissions_mode=PRIVATE_DIRECTORY_MODE,
    )


def photo_path(instance, filename):
    # A random name: nothing about the resident or the original file leaks into storage.
    today = timezone.localdate()
    return f"report-photos/{today:%Y/%m}/{uuid.uuid4().hex}.jpg"


def person_name(user):
    """How staff are named to each other: «Мария Петрова», or the login when no name is filled in."""
    if user is None:
        return ""
    return user.get_full_name().strip() or user.get_username()


def new_token():
    return secrets.token_urlsafe(32)


class YearCounter(models.Model):
    """The last tracking number given out in a year; incremented under a row lock."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("счётчик номеров")
        verbose_name_plural = _("счётчики номеров")

    def __str__(self):
        return f"{self.year}: {self.last}"

    @classmethod
    def next_number(cls, year):
        """Reserve the next sequence number of ``year``; call inside the report's transaction.

        The UPDATE comes first so the row (PostgreSQL) or the database (SQLite) is locked before
        the value is read: two transactions can never read the same value.
        """
        for _attempt in range(5):
            if cls.objects.filter(year=year).update(last=F("last") + 1):
                return cls.objects.get(year=year).last
            try:
                with transaction.atomic():
                    cls.objects.create(year=year, last=1)
                return 1
            except IntegrityError:
                continue  # another report created the year's row first: increment it instead
        raise RuntimeError(f"Could not reserve a tracking number for {year}")


class ProblemReportQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status__in=CLOSED_STATUSES)

    def overdue(self, today=None):
        return self.open().filter(due_date__lt=today or timezone.localdate())

    def not_overdue(self, today=None):
        return self.exclude(pk__in=self.overdue(today).values("pk"))

    def public(self):
        """Reports a moderator published: the only ones any public page, feed or export shows."""
        return self.filter(is_public=True)


class ProblemReport(models.Model):
    """One resident's report of a problem, worked by «Модераторы обращений» until it is closed."""

    number = models.CharField(_("номер"), max_length=30, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("год"), editable=False)
    sequence = models.PositiveIntegerField(_("порядковый номер"), editable=False)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("поступило"), default=timezone.now, editable=False, db_index=True)
    page = models.ForeignKey(
        "feedback.FeedbackPage",
        verbose_name=_("страница формы"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        editable=False,
    )
    language = models.CharField(_("язык жителя"), max_length=10, default="ru", editable=False)
    # Which partner's system sent it through the Open311 API; empty for the web form.
    api_key = models.ForeignKey(
        "feedback.ApiKey",
        verbose_name=_("получено через API от"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        editable=False,
    )

    category = models.ForeignKey(
        "feedback.ProblemCategory",
        verbose_name=_("категория"),
        on_delete=models.PROTECT,
        related_name="reports",
        help_text=_("Можно исправить, если житель выбрал не ту категорию."),
    )
    description = models.TextField(_("описание проблемы"), editable=False)
    address = models.CharField(_("адрес или место"), max_length=300, editable=False)
    latitude = models.DecimalField(
        _("широта"), max_digits=9, decimal_places=6, null=True, blank=True, editable=False
    )
    longitude = models.DecimalField(
        _("долгота"), max_digits=9, decimal_places=6, null=True, blank=True, editable=False
    )

    name = models.CharField(_("имя жителя"), max_length=150, editable=False)
    email = models.EmailField(_("электронная почта жителя"), blank=True, editable=False)
    phone = models.CharField(_("телефон жителя"), max_length=30, blank=True, editable=False)

    consent_version = models.CharField(_("версия согласия"), max_length=50, editable=False)
    consent_text = models.TextField(_("текст согласия"), editable=False)
    consent_language = models.CharField(
        _("язык текста согласия"), max_length=10, default="ru", editable=False
    )
    consented_at = models.DateTimeField(_("согласие дано"), editable=False)

    status = models.CharField(
        _("статус"),
        max_length=20,
        choices=Status.choices,
        default=Status.NEW,
        db_index=True,
        help_text=_("Житель получит письмо о новом статусе, если оставил почту."),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ответственный"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Сотрудник, который ведёт это сообщение."),
    )
    due_date = models.DateField(
        _("срок ответа"),
        db_index=True,
        help_text=_("Считается от даты поступления по сроку, заданному на странице формы. Можно продлить."),
    )
    public_answer = models.TextField(
        _("ответ жителю"),
        blank=True,
        help_text=_(
            "Этот текст увидит житель на странице статуса и в письме, а если сообщение опубликовано "
            "на сайте, — все посетители. Пишите вежливо и без персональных данных."
        ),
    )
    public_answer_at = models.DateTimeField(_("ответ дан"), null=True, blank=True, editable=False)
    internal_note = models.TextField(
        _("служебная заметка"),
        blank=True,
        help_text=_("Видят только сотрудники. Жителю никогда не показывается."),
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("дубликат сообщения"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        help_text=_("Для статуса «закрыто: дубликат» выберите исходное сообщение о той же проблеме."),
    )
    closed_at = models.DateTimeField(_("закрыто"), null=True, blank=True, editable=False)

    # What the public listing shows, set only by feedback.services.publish_report: the resident's own
    # text, name, contacts and exact coordinates never leave the admin.
    is_public = models.BooleanField(_("опубликовано на сайте"), default=False, db_index=True, editable=False)
    published_at = models.DateTimeField(_("опубликовано"), null=True, blank=True, editable=False)
    public_text = models.TextField(_("текст для сайта"), blank=True, editable=False)
    public_address = models.CharField(_("место для сайта"), max_length=300, blank=True, editable=False)
    public_latitude = models.DecimalField(
        _("широта для сайта"), max_digits=7, decimal_places=3, null=True, blank=True, editable=False
    )
    public_longitude = models.DecimalField(
        _("долгота для сайта"), max_digits=7, decimal_places=3, null=True, blank=True, editable=False
    )

    objects = ProblemReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("сообщение о проблеме")
        # The inbox's title, as the menu and the moderators' guide name it.
        verbose_name_plural = _("сообщения жителей")
        ordering = ["-created_at"]
        permissions = [("publish_problemreport", _("Публиковать сообщения жителей на сайте"))]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="feedback_report_unique_year_sequence"),
            models.CheckConstraint(condition=~Q(email="", phone=""), name="feedback_report_has_contact"),
        ]

    def __str__(self):
        return self.number

    @staticmethod
    def format_number(year, sequence):
        return f"{NUMBER_PREFIX}-{year}-{sequence:06d}"

    def assign_number(self):
        """Give the report the next number of the current year (inside the saving transaction)."""
        self.year = timezone.localdate(self.created_at).year
        self.sequence = YearCounter.next_number(self.year)
        self.number = self.format_number(self.year, self.sequence)

    @property
    def is_closed(self):
        return self.status in CLOSED_STATUSES

    @property
    def is_overdue(self):
        return not self.is_closed and self.due_date < timezone.localdate()

    @cached_property
    def registered_on(self):
        return timezone.localdate(self.created_at)

    @staticmethod
    def due_date_for(created_at, deadline_days):
        return timezone.localdate(created_at) + datetime.timedelta(days=deadline_days)

    def status_display(self):
        return self.get_status_display()

    def source_display(self):
        """Where the report came from, as the inbox shows it."""
        return self.api_key.partner if self.api_key_id else _("форма на сайте")

    def assignee_name(self):
        return person_name(self.assignee)

    def overdue_display(self):
        return _("да") if self.is_overdue else _("нет")

    def get_status_url(self, request=None):
        """The resident's private status link, under the form page of the resident's language.

        With a request it is built on the host the resident used; without one (e-mails), on the Site's.
        """
        if self.page is None:
            return ""
        locale = Locale.objects.filter(language_code=self.language).first()
        page = ((locale and self.page.get_translation_or_none(locale)) or self.page).specific
        path = page.reverse_subpage("status", args=[self.token])
        if request is not None:
            return request.build_absolute_uri(page.get_url(request) + path)
        return page.full_url + path

    def get_admin_url(self):
        return reverse("wagtailsnippets_feedback_problemreport:edit", args=[self.pk])

    def get_publish_url(self):
        return reverse("feedback_report_publish", args=[self.pk])

    def get_public_url(self, request=None):
        """The report's public page under the form page of ``request``'s language; "" unless published."""
        if not self.is_public or self.page is None:
            return ""
        page = self.page.localized.specific
        path = page.reverse_subpage("public_report", args=[self.number])
        return page.get_url(request) + path


def public_photo_path(instance, filename):
    # A random name, a folder of its own: the public copy says nothing about the private original.
    return f"reports/{uuid.uuid4().hex}.jpg"


class ReportPhoto(models.Model):
    """A photo attached to a report, re-encoded without metadata and stored privately."""

    report = models.ForeignKey(ProblemReport, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("фото"), storage=private_storage, upload_to=photo_path, max_length=200)
    original_name = models.CharField(_("имя файла у жителя"), max_length=255, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_public = models.BooleanField(_("показывать на сайте"), default=False, editable=False)
    # A copy re-encoded from the private photo's pixels, in public media; only while the report is public.
    public_image = models.FileField(
        _("публичная копия"), upload_to=public_photo_path, max_length=200, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("фото к сообщению")
        verbose_name_plural = _("фото к сообщениям")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.original_name or self.image.name

    def get_admin_url(self):
        return reverse("feedback_report_photo", args=[self.pk])


class StatusChange(models.Model):
    """One change of a report's status: who, when, from, to, and the staff's comment."""

    report = models.ForeignKey(ProblemReport, on_delete=models.CASCADE, related_name="status_changes")
    changed_at = models.DateTimeField(_("когда"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(_("было"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("стало"), max_length=20, choices=Status.choices)
    comment = models.TextField(_("комментарий"), blank=True)

    class Meta:
        verbose_name = _("изменение статуса")
        verbose_name_plural = _("история статусов")
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.report}: {self.from_status} → {self.to_status}"

    def changed_by_name(self):
        return person_name(self.changed_by)


def new_idempotency_key():
    return uuid.uuid4().hex


class NotificationQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True)

    def failed(self):
        """Not sent, and the last attempt failed (what staff see under «Не удалось отправить»)."""
        return self.unsent().exclude(last_error="")

    def stuck(self, now=None):
        """Claimed for sending so long ago that the worker must have died mid-send (outcome unknown)."""
        since = (now or timezone.now()) - datetime.timedelta(seconds=settings.FEEDBACK_EMAIL_CLAIM_SECONDS)
        return self.unsent().filter(sending_since__lt=since)


class Notification(models.Model):
    """An outgoing e-mail, written to the database with what it is about and sent by the worker.

    The outbox is the record: kept until sent, so a mail server that is down delays a message but
    never loses it. A task claims the row (``sending_since``) before sending, so two workers (or the
    worker and the hourly safety net) never send it twice; ``idempotency_key`` is the message's
    Message-ID, the same on every attempt.
    """

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("подтверждение жителю")
        ROUTING = "routing", _("уведомление службе")
        STATUS = "status", _("новый статус жителю")
        OVERDUE = "overdue", _("напоминание о просроченных сообщениях")
        SUBSCRIPTION = "subscription", _("письмо подписчику")

    report = models.ForeignKey(
        ProblemReport, on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    kind = models.CharField(_("вид"), max_length=20, choices=Kind.choices)
    recipients = models.TextField(_("кому"))
    subject = models.CharField(_("тема"), max_length=300)
    body = models.TextField(_("текст"))
    created_at = models.DateTimeField(_("создано"), default=timezone.now)
    sent_at = models.DateTimeField(_("отправлено"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("попыток"), default=0)
    last_error = models.TextField(_("последняя ошибка"), blank=True)
    idempotency_key = models.CharField(
        _("ключ письма"), max_length=100, unique=True, default=new_idempotency_key, editable=False
    )
    sending_since = models.DateTimeField(_("отправляется с"), null=True, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("последняя попытка"), null=True, blank=True, editable=False)
    # Extra headers fixed when the row is written (subscriptions' List-Unsubscribe, RFC 8058).
    headers = models.JSONField(_("заголовки"), default=dict, blank=True, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("письмо")
        verbose_name_plural = _("письма")
        ordering = ["created_at", "pk"]
        permissions = [("view_email_queue", _("Может видеть очередь писем и отправлять их ещё раз"))]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def recipient_list(self):
        return [address for address in self.recipients.split(",") if address]

    @property
    def message_id(self):
        """The Message-ID header: the same on every attempt, so a resend is recognised as one message."""
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "localhost"
        return f"<{self.idempotency_key}@{domain}>"
