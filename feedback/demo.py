"""Demo content of «Решаем вместе»: the categories, the form page in Russian and English, the home CTA."""

from django.conf import settings
from wagtail.models import Locale, Page, Site
from wagtail_localize.synctree import synchronize_tree

from home.demo.load import ensure_translated
from home.demo.translation import translate_with_po
from home.models import HomePage

from .models import FeedbackPage, ProblemCategory

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
