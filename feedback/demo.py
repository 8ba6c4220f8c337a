"""Demo content of «Решаем вместе»: the categories, the form page in Russian and English, the home CTA."""

import datetime

from django.conf import settings
from django.utils import timezone
from wagtail.models import Locale, Page, Site
from wagtail_localize.synctree import synchronize_tree

from home.demo.load import ensure_translated
from home.demo.translation import translate_with_po
from home.models import HomePage

from .models import FeedbackPage, ProblemCategory, ProblemReport, Status
from .services import change_status, create_report, publish_report

CATEGORIES = [
    ("Вывоз мусора", "Не вывезли мусор, переполнены контейнеры, стихийная свалка.", "musor@example.org"),
    ("Дороги и ямы", "Ямы, разрушенный асфальт, открытые люки, нечищеные тротуары.", "dorogi@example.org"),
    ("Уличное освещение", "Не горит фонарь или целая улица, фонарь горит днём.", "svet@example.org"),
    (
        "Благоустройство дворов",
        "Сломанные скамейки и детские площадки, газоны, деревья.",
        "dvory@example.org",
    ),
    ("Другое", "Проблема, которая не подходит ни к одной категории выше.", ""),
]

INTRO = (
    "<p>Не вывезли мусор, яма на дороге, не горит фонарь? Опишите проблему, укажите место и, "
    "если можете, приложите фото. Сообщение получит ответственная служба администрации.</p>"
)
THANK_YOU = "<p>Спасибо! Ваше сообщение передано ответственной службе.</p>"

EN = {
    "Решаем вместе": "Solving it together",
    "Сообщите о проблеме в городе: мусор, дороги, освещение, дворы.": (
        "Report a problem in the town: rubbish, roads, street lights, courtyards."
    ),
    "Не вывезли мусор, яма на дороге, не горит фонарь? Опишите проблему, укажите место и, "
    "если можете, приложите фото. Сообщение получит ответственная служба администрации.": (
        "Rubbish not collected, a pothole, a street light out? Describe the problem, say where it is "
        "and add a photo if you can. The responsible service of the administration will receive it."
    ),
    "Спасибо! Ваше сообщение передано ответственной службе.": (
        "Thank you! Your report has been passed to the responsible service."
    ),
    "Вывоз мусора": "Rubbish collection",
    "Не вывезли мусор, переполнены контейнеры, стихийная свалка.": (
        "Rubbish not collected, overflowing bins, fly-tipping."
    ),
    "Дороги и ямы": "Roads and potholes",
    "Ямы, разрушенный асфальт, открытые люки, нечищеные тротуары.": (
        "Potholes, broken asphalt, open manholes, pavements not cleared."
    ),
    "Уличное освещение": "Street lighting",
    "Не горит фонарь или целая улица, фонарь горит днём.": (
        "A street light or a whole street is dark, a light is on in daytime."
    ),
    "Благоустройство дворов": "Courtyards and playgrounds",
    "Сломанные скамейки и детские площадки, газоны, деревья.": (
        "Broken benches and playgrounds, lawns, trees."
    ),
    "Другое": "Other",
    "Проблема, которая не подходит ни к одной категории выше.": (
        "A problem that fits none of the categories above."
    ),
}


def ensure_categories(locale, examples):
    categories = []
    for order, (name, description, email) in enumerate(CATEGORIES, start=1):
        category = ProblemCategory.objects.filter(locale=locale, name=name).first()
        if category is None:
            category = ProblemCategory.objects.create(
                locale=locale,
                name=name,
                description=description,
                routing_email=email if examples else "",
                sort_order=order * 10,
            )
        categories.append(category)
    return categories


def ensure_feedback_page(home, privacy, contacts, examples):
    existing = home.get_children().filter(slug="feedback").first()
    if existing:
        return existing.specific
    page = FeedbackPage(
        title="Решаем вместе",
        slug="feedback",
        listing_summary="Сообщите о проблеме в городе: мусор, дороги, освещение, дворы.",
        intro=INTRO,
        thank_you_text=THANK_YOU,
        privacy_page=privacy,
        official_appeal_page=contacts,
        notification_emails="priemnaya@example.org" if examples else "",
        consent_version="2026-01",
        show_in_menus=True,
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


# Published reports for the demo: (category, days ago, resident's text, public text, place,
# coordinates, status, the city's answer). The residents are fictitious, with example.org addresses.
PUBLIC_REPORTS = [
    (
        "Дороги и ямы",
        40,
        "Меня зовут Ольга, на перекрёстке Кирова и Сибирской большая яма, машины объезжают по встречной.",
        "На перекрёстке улиц Кирова и Сибирской большая яма, машины объезжают её по встречной полосе.",
        "перекрёсток ул. Кирова и ул. Сибирской",
        ("58.138412", "52.661904"),
        Status.RESOLVED,
        "Яму заделали 12 мая в рамках ямочного ремонта. Спасибо за сообщение.",
    ),
    (
        "Уличное освещение",
        12,
        "Не горят три фонаря вдоль дома 9 по ул. Ленина, вечером темно, звоните 8 912 000-00-00.",
        "Не горят три фонаря вдоль дома 9 по ул. Ленина, вечером темно.",
        "ул. Ленина, 9",
        ("58.140117", "52.657310"),
        Status.PLANNED,
        "Замена ламп запланирована подрядчику «Горсвет» на эту неделю.",
    ),
    (
        "Вывоз мусора",
        3,
        "У контейнерной площадки во дворе дома 21 по ул. Драгунова мусор не вывозят пятый день.",
        "У контейнерной площадки во дворе дома 21 по ул. Драгунова мусор не вывозят пятый день.",
        "ул. Драгунова, 21, контейнерная площадка",
        None,
        Status.ACCEPTED,
        "",
    ),
]


def ensure_public_reports(page=None):
    """A few published reports with answers, so the public listing and its pages show something.

    Loaded by `make setup` (manage.py load_demo_reports) after the demo content, not with it: the
    test suite's database starts with no report at all.
    """
    page = page or FeedbackPage.objects.get(slug="feedback", locale__language_code=settings.LANGUAGE_CODE)
    if ProblemReport.objects.filter(email__startswith="demo-resident-").exists():
        return
    for number, (category_name, days, text, public_text, place, point, status, answer) in enumerate(
        PUBLIC_REPORTS, start=1
    ):
        category = ProblemCategory.objects.get(name=category_name, locale=page.locale)
        report = create_report(
            page,
            {
                "category": category,
                "description": text,
                "address": place,
                "latitude": point[0] if point else None,
                "longitude": point[1] if point else None,
                "name": "Житель (демо)",
                "email": f"demo-resident-{number}@example.org",
                "phone": "",
            },
            settings.LANGUAGE_CODE,
        )
        created = timezone.now() - datetime.timedelta(days=days)
        ProblemReport.objects.filter(pk=report.pk).update(
            created_at=created, due_date=ProblemReport.due_date_for(created, page.deadline)
        )
        report.status_changes.update(changed_at=created)
        report.refresh_from_db()
        change_status(report, status, by=None, public_answer=answer)
        publish_report(report, by=None, public_text=public_text, public_address=place)


def load(examples=True):
    """The form page and its problem categories; ``examples`` gives them example.org addresses."""
    source = Locale.objects.get(language_code=settings.LANGUAGE_CODE)
    english = Locale.objects.get(language_code="en")
    home = Site.objects.get(is_default_site=True).root_page.specific
    privacy = home.get_children().get(slug="privacy")
    contacts = home.get_children().get(slug="contacts")
    for category in ensure_categories(source, examples):
        ensure_translated(category, english, EN)
    page = ensure_feedback_page(home, privacy, contacts, examples)
    if home.problem_cta_page_id is None:
        home.problem_cta_page = page
        home.save_revision().publish()
    for code, locale in ((code, Locale.objects.get(language_code=code)) for code, _ in settings.LANGUAGES):
        if code != settings.LANGUAGE_CODE:
            synchronize_tree(source, locale)
    ensure_translated(page, english, EN)
    english_home = HomePage.objects.get(translation_key=home.translation_key, locale=english)
    if english_home.problem_cta_page_id is None:
        # Re-sync the translated home page so it picks up the new button target.
        from home.demo import content

        translate_with_po(Page.objects.get(pk=home.pk).specific, english, content.EN)
    return {"feedback": page}
