"""What each staff group can do in the admin, probed over HTTP as a member of that group.

`RIGHTS` is the single table of groups × rights: every probe below runs as each group (and as a
superuser, who can do everything), and `docs/security.md` shows the same table, which
`test_the_documented_table_is_this_one` keeps true.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from wagtail.models import Locale, Page

from compliance.models import RequiredItem, RequiredItemPage
from feedback.models import ProblemCategory
from home.models import FooterContacts
from news.models import DecisionKind, Rubric
from tests.factories import InfoPageFactory
from tests.feedback_helpers import make_report, staff_user
from tests.helpers import AUTHORS, EDITORS, GROUPS, REPORT_MODERATORS, TRANSLATORS, home_page, page_by_slug

pytestmark = pytest.mark.django_db

SOURCE, TRANSLATIONS = "ru", ("en", "udm")
ALL = ("ru", "en", "udm")
NOBODY = ()

# right -> (what docs/security.md calls it, {group: locales where the group has it}).
# A right that does not depend on the language lists "ru" alone when granted.
RIGHTS = {
    "admin": ("Вход в панель управления", dict.fromkeys(GROUPS, ("ru",))),
    "page_add": ("Создавать страницы", {AUTHORS: ALL, EDITORS: ALL, TRANSLATORS: TRANSLATIONS}),
    "page_edit": ("Править страницы", {AUTHORS: ALL, EDITORS: ALL, TRANSLATORS: TRANSLATIONS}),
    "page_publish": ("Публиковать и снимать с публикации", {EDITORS: ALL, TRANSLATORS: TRANSLATIONS}),
    "page_delete": ("Удалять страницы", {EDITORS: ALL, TRANSLATORS: TRANSLATIONS}),
    "page_approve": ("Одобрять отправленное на проверку", {EDITORS: ("ru",)}),
    "translate": (
        "Отправлять на перевод (wagtail-localize)",
        dict.fromkeys((AUTHORS, EDITORS, TRANSLATORS), ("ru",)),
    ),
    "media": ("Загружать изображения и документы", {AUTHORS: ("ru",), EDITORS: ("ru",)}),
    "footer_edit": ("Контакты в подвале", {EDITORS: ALL, TRANSLATORS: TRANSLATIONS}),
    "rubric_edit": ("Рубрики и виды актов", {EDITORS: ALL, TRANSLATORS: TRANSLATIONS}),
    "category_edit": ("Категории проблем", {EDITORS: ALL, TRANSLATORS: TRANSLATIONS}),
    "inbox": ("Сообщения жителей: просмотр", {REPORT_MODERATORS: ("ru",)}),
    "report_work": ("Сообщения жителей: ответ и статус", {REPORT_MODERATORS: ("ru",)}),
    "inbox_export": ("Сообщения жителей: выгрузка CSV/XLSX", {REPORT_MODERATORS: ("ru",)}),
    "report_publish": ("Сообщения жителей: публикация на сайте", {REPORT_MODERATORS: ("ru",)}),
    "report_delete": ("Сообщения жителей: удаление", {}),
    "report_photo": ("Фотографии жителей", {REPORT_MODERATORS: ("ru",)}),
    "email_queue": ("Очередь писем: просмотр и повторная отправка", {REPORT_MODERATORS: ("ru",)}),
    "subscription_counts": ("Подписки: число подписчиков по темам", {}),
    "settings": ("Настройки сайта (версия для слабовидящих)", {}),
    "api_keys": ("Ключи API (Open311) для партнёров", {}),
    "users": ("Пользователи и группы", {}),
    "workflows": ("Процессы согласования", {}),
    "site_structure": ("Сайты, языки, перенаправления", {}),
    "history": ("Журнал изменений (только доступного группе)", dict.fromkeys(GROUPS, ("ru",))),
    "mandatory_report": (
        "Обязательная информация: отчёт, выгрузка, панель на главной",
        {EDITORS: ("ru",)},
    ),
    "mandatory_work": (
        "Обязательная информация: пункты и отметка «проверено»",
        {EDITORS: ("ru",)},
    ),
}
LOCALISED = {
    "page_add",
    "page_edit",
    "page_publish",
    "page_delete",
    "footer_edit",
    "rubric_edit",
    "category_edit",
}


def ok(response):
    return response.status_code == 200


def page_in(language):
    """A live information page of the language's own tree (not an alias of the Russian one)."""
    return home_page(language).add_child(instance=InfoPageFactory.build(locale=home_page(language).locale))


def translated(instance, language):
    """The `language` copy of a translatable snippet, made if the demo content has none."""
    if language == SOURCE:
        return instance
    locale = Locale.objects.get(language_code=language)
    existing = instance.get_translation_or_none(locale)
    if existing is not None:
        return existing
    copy = instance.copy_for_translation(locale)
    copy.save()
    return copy


def snippet_edit(client, model, language):
    source = model.objects.filter(locale__language_code=SOURCE).first()
    instance = translated(source, language)
    meta = model._meta
    return ok(client.get(f"/admin/snippets/{meta.app_label}/{meta.model_name}/edit/{instance.pk}/"))


def probe_page_publish(client, language):
    page = page_in(language)
    draft_title = f"{page.title} (черновик)"
    page.title = draft_title
    page.save_revision()
    client.post(f"/admin/bulk/wagtailcore/page/publish/?id={page.pk}", {"include_descendants": ""})
    published = Page.objects.get(pk=page.pk).title == draft_title
    unpublish_form = ok(client.get(f"/admin/pages/{page.pk}/unpublish/"))
    return published and unpublish_form


def probe_page_delete(client, language):
    page = page_in(language)
    client.post(f"/admin/pages/{page.pk}/delete/")
    return not Page.objects.filter(pk=page.pk).exists()


def probe_page_approve(client, language):
    author = staff_user("approve-author", AUTHORS)
    page = page_in(language)
    page.title = f"{page.title} (на проверке)"
    revision = page.save_revision(user=author)
    workflow_state = page.get_workflow().start(page, author)
    task_state = workflow_state.current_task_state
    url = f"/admin/pages/workflow/action/{page.pk}/approve/{task_state.pk}/"
    client.post(url, {"comment": ""})
    task_state.refresh_from_db()
    return task_state.status == "approved" and Page.objects.get(pk=page.pk).live_revision_id == revision.pk


def probe_report_work(client, language):
    report = make_report()
    response = client.get(f"/admin/snippets/feedback/problemreport/edit/{report.pk}/")
    return ok(response) and 'name="status"' in response.text


def probe_report_publish(client, language):
    report = make_report()
    url = f"/admin/feedback/reports/{report.pk}/publish/"
    form = client.get(url)
    data = {"public_text": "Яма у остановки.", "public_address": "ул. Ленина, 12", "action": "publish"}
    client.post(url, data)
    published = type(report).objects.get(pk=report.pk).is_public
    client.post(url, {"action": "unpublish"})
    unpublished = not type(report).objects.get(pk=report.pk).is_public
    return ok(form) and published and unpublished


def probe_report_delete(client, language):
    report = make_report()
    client.post(f"/admin/snippets/feedback/problemreport/delete/{report.pk}/")
    return not type(report).objects.filter(pk=report.pk).exists()


def probe_report_photo(client, language):
    photo = make_report(photos=1).photos.get()
    return ok(client.get(f"/admin/feedback/photos/{photo.pk}/"))


def probe_email_queue(client, language):
    """«Отчёты → Очередь писем» opens, and «Отправить ещё раз» puts a given-up e-mail back."""
    from feedback.models import Notification

    note = make_report(email="", phone="+79001234567").notifications.get()
    Notification.objects.filter(pk=note.pk).update(last_error="SMTPServerDisconnected: down", attempts=10)
    page = client.get("/admin/feedback/email-queue/")
    client.post(f"/admin/feedback/email-queue/{note.pk}/retry/")
    note.refresh_from_db()
    return ok(page) and "SMTPServerDisconnected" in page.text and note.attempts == 0


def probe_subscription_counts(client, language):
    """«Отчёты → Подписки» shows the counts per topic, and never an address."""
    from django.utils import timezone

    from subscriptions.models import Subscription

    Subscription.objects.create(
        email="subscriber@example.org",
        topic="news",
        language="ru",
        consent_text="…",
        confirmed_at=timezone.now(),
    )
    page = client.get("/admin/subscriptions/")
    return ok(page) and "Все новости города" in page.text and "subscriber@example.org" not in page.text


def probe_inbox_export(client, language):
    make_report()
    csv = client.get("/admin/snippets/feedback/problemreport/?export=csv")
    xlsx = client.get("/admin/snippets/feedback/problemreport/?export=xlsx")
    return ok(csv) and ok(xlsx)


MANDATORY_REPORT = "/admin/reports/mandatory-information/"


def probe_mandatory_report(client, language):
    report = ok(client.get(MANDATORY_REPORT)) and ok(client.get(f"{MANDATORY_REPORT}results/"))
    exports = ok(client.get(MANDATORY_REPORT, {"export": "csv"})) and ok(
        client.get(MANDATORY_REPORT, {"export": "xlsx"})
    )
    panel = 'data-count="missing"' in client.get("/admin/").text
    return report and exports and panel


def probe_mandatory_work(client, language):
    item = RequiredItem.objects.get(code="13.1.8.б")
    RequiredItemPage.objects.create(item=item, page=page_in("ru"))
    forms = ok(client.get("/admin/snippets/compliance/requireditem/add/")) and ok(
        client.get(f"/admin/snippets/compliance/requireditem/edit/{item.pk}/")
    )
    client.post(f"/admin/mandatory-information/{item.pk}/reviewed/")
    item.refresh_from_db()
    return forms and item.reviewed_at is not None


PROBES = {
    "admin": lambda client, language: ok(client.get("/admin/")),
    "page_add": lambda client, language: ok(
        client.get(f"/admin/pages/add/home/infopage/{home_page(language).pk}/")
    ),
    "page_edit": lambda client, language: ok(client.get(f"/admin/pages/{page_in(language).pk}/edit/")),
    "page_publish": probe_page_publish,
    "page_delete": probe_page_delete,
    "page_approve": probe_page_approve,
    "translate": lambda client, language: ok(
        client.get(f"/admin/localize/submit/page/{page_by_slug('about').pk}/")
    ),
    "media": lambda client, language: (
        ok(client.get("/admin/images/multiple/add/")) and ok(client.get("/admin/documents/multiple/add/"))
    ),
    "footer_edit": lambda client, language: snippet_edit(client, FooterContacts, language),
    "rubric_edit": lambda client, language: (
        snippet_edit(client, Rubric, language) and snippet_edit(client, DecisionKind, language)
    ),
    "category_edit": lambda client, language: snippet_edit(client, ProblemCategory, language),
    "inbox": lambda client, language: ok(client.get("/admin/snippets/feedback/problemreport/")),
    "report_work": probe_report_work,
    "inbox_export": probe_inbox_export,
    "report_publish": probe_report_publish,
    "report_delete": probe_report_delete,
    "report_photo": probe_report_photo,
    "email_queue": probe_email_queue,
    "subscription_counts": probe_subscription_counts,
    "settings": lambda client, language: (
        ok(client.get("/admin/settings/home/accessibilitysettings/"))
        or ok(client.get(f"/admin/settings/home/accessibilitysettings/{home_page().get_site().pk}/"))
    ),
    "api_keys": lambda client, language: (
        ok(client.get("/admin/snippets/feedback/apikey/"))
        or ok(client.get("/admin/snippets/feedback/apikey/add/"))
    ),
    "users": lambda client, language: ok(client.get("/admin/users/")) or ok(client.get("/admin/groups/")),
    "workflows": lambda client, language: (
        ok(client.get("/admin/workflows/list/")) or ok(client.get("/admin/workflows/tasks/index/"))
    ),
    "site_structure": lambda client, language: (
        ok(client.get("/admin/sites/"))
        or ok(client.get("/admin/locales/"))
        or ok(client.get("/admin/redirects/"))
    ),
    "history": lambda client, language: ok(client.get("/admin/reports/site-history/")),
    "mandatory_report": probe_mandatory_report,
    "mandatory_work": probe_mandatory_work,
}


def cases():
    for right in RIGHTS:
        for language in ALL if right in LOCALISED else ("ru",):
            for group in GROUPS:
                yield pytest.param(right, language, group, id=f"{right}-{language}-{group}")


@pytest.mark.parametrize(("right", "language", "group"), list(cases()))
def test_each_group_has_exactly_its_rights(client, right, language, group):
    client.force_login(staff_user("member", group))
    expected = language in RIGHTS[right][1].get(group, NOBODY)
    assert PROBES[right](client, language) is expected


@pytest.mark.parametrize("right", [r for r in RIGHTS if r != "report_delete"])
def test_the_probes_can_succeed(client, right):
    """A superuser passes every probe, so a refusal above is the group's, not a broken probe."""
    client.force_login(staff_user("root", superuser=True))
    assert PROBES[right](client, "ru")


def test_a_superuser_deletes_reports(client):
    client.force_login(staff_user("root", superuser=True))
    assert PROBES["report_delete"](client, "ru")


def test_a_user_in_no_group_reaches_nothing(client):
    client.force_login(staff_user("nobody"))
    assert not any(PROBES[right](client, "ru") for right in RIGHTS)


def test_every_group_is_in_the_table():
    assert set(Group.objects.values_list("name", flat=True)) == set(GROUPS)


def documented_table():
    text = (Path(settings.BASE_DIR) / "docs" / "security.md").read_text(encoding="utf-8")
    section = text.split("<!-- rights-table -->")[1].split("<!-- /rights-table -->")[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    table = {}
    for row in rows[2:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        table[cells[0]] = dict(zip(header[1:], cells[1:], strict=True))
    return header[1:], table


def expected_cell(right, group):
    languages = RIGHTS[right][1].get(group, NOBODY)
    if not languages:
        return "—"
    if right not in LOCALISED or set(languages) == set(ALL):
        return "да"
    return ", ".join(languages)


def test_the_documented_table_is_this_one():
    header, table = documented_table()
    assert header == list(GROUPS)
    assert list(table) == [label for label, _ in RIGHTS.values()]
    for right, (label, _) in RIGHTS.items():
        cells = {group: re.sub(r"\*", "", cell) for group, cell in table[label].items()}
        assert cells == {group: expected_cell(right, group) for group in GROUPS}, label
