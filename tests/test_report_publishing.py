"""Publishing a report: invisible until a moderator publishes it, with a public text the moderator
edits (likely personal data flagged and hidden first), photos public only one by one, re-encoded."""

import io

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import RequestFactory
from PIL import Image

from feedback import personal_data
from feedback.models import ProblemReport, Status
from feedback.services import change_status, publish_report, unpublish_report
from tests.feedback_helpers import make_report, staff_user
from tests.helpers import AUTHORS, EDITORS, REPORT_MODERATORS, TRANSLATORS

pytestmark = pytest.mark.django_db

LISTING = "/ru/feedback/reports/"


def public_url(report):
    return f"/ru/feedback/reports/{report.number}/"


def publish(report, text="Яма на дороге у остановки.", address="ул. Ленина, 12", photos=()):
    return publish_report(report, by=None, public_text=text, public_address=address, public_photo_ids=photos)


def test_a_report_is_invisible_until_a_moderator_publishes_it(client):
    report = make_report(description="Яма на дороге у остановки «Школа», глубокая.")
    assert client.get(public_url(report)).status_code == 404
    assert report.number not in client.get(LISTING).text

    publish(report, text="Яма у остановки «Школа».")
    page = client.get(public_url(report))
    assert page.status_code == 200
    assert "Яма у остановки «Школа»." in page.text
    assert "глубокая" not in page.text  # the resident's own words are not what the site shows
    assert report.number in client.get(LISTING).text

    unpublish_report(report, by=None)
    assert client.get(public_url(report)).status_code == 404
    assert report.number not in client.get(LISTING).text


def test_the_public_place_is_the_moderated_address_with_coordinates_rounded_to_100_m(client):
    report = make_report(latitude="58.139312", longitude="52.658047", address="ул. Кирова, 5, кв. 12")
    publish(report, address="ул. Кирова, 5")
    report.refresh_from_db()
    assert (str(report.public_latitude), str(report.public_longitude)) == ("58.139", "52.658")
    html = client.get(public_url(report)).text
    assert "58.139" in html and "52.658" in html
    assert "58.1393" not in html and "52.6580" not in html and "кв. 12" not in html


def test_personal_data_is_found_and_hidden_in_the_prefilled_text():
    report = make_report(name="Мария Иванова", email="maria@example.org", phone="+79123456789")
    text = (
        "Меня зовут Мария Иванова, звоните 8 (912) 345-67-89 или 5-12-34, пишите maria@mail.ru. "
        "Сосед Петров Иван Сергеевич и Сидоров А. Б. тоже видели яму у дома 5."
    )
    found = {finding.text for finding in personal_data.find(text, report)}
    assert {"Мария Иванова", "8 (912) 345-67-89", "5-12-34", "maria@mail.ru"} <= found
    assert {"Петров Иван Сергеевич", "Сидоров А. Б."} <= found
    hidden = personal_data.redact(text, report)
    for fragment in ("Мария", "345-67-89", "5-12-34", "maria@mail.ru", "Петров", "Сидоров"):
        assert fragment not in hidden, fragment
    assert "яму у дома 5" in hidden  # the problem itself stays


def test_ordinary_text_is_not_flagged():
    text = "Не горит фонарь у дома 5 по ул. Кирова с 12.05.2026, это сообщение ГЛЗ-2026-000123."
    assert personal_data.find(text) == []
    assert personal_data.find("Квартира", make_report(name="Ира")) == []


def moderator_client(client, group=REPORT_MODERATORS, **kwargs):
    client.force_login(staff_user("moderator", group, **kwargs))
    return client


def test_the_moderator_sees_flags_and_must_confirm_before_publishing(client):
    report = make_report(description="Меня зовут Пётр, звоните +7 912 345-67-89. Яма у дома 12.")
    url = f"/admin/feedback/reports/{report.pk}/publish/"
    moderator_client(client)
    form = client.get(url)
    assert form.status_code == 200
    # Prefilled with the personal data hidden.
    assert "[скрыто], звоните [скрыто]. Яма у дома 12." in form.text

    typed = {
        "public_text": "Пётр Сидоров: яма у дома 12.",
        "public_address": "ул. Ленина, 12",
        "action": "publish",
    }
    refused = client.post(url, typed)
    assert refused.status_code == 200
    assert "personal-data-findings" in refused.text and "«Пётр Сидоров»" in refused.text
    assert not ProblemReport.objects.get(pk=report.pk).is_public

    client.post(url, {**typed, "public_text": "Яма у дома 12."})
    report.refresh_from_db()
    assert report.is_public and report.public_text == "Яма у дома 12."

    client.post(url, {"action": "unpublish"})
    assert not ProblemReport.objects.get(pk=report.pk).is_public


@pytest.mark.parametrize("group", [AUTHORS, EDITORS, TRANSLATORS, None])
def test_only_those_with_the_right_can_publish(client, group):
    report = make_report()
    client.force_login(staff_user("someone", group))
    url = f"/admin/feedback/reports/{report.pk}/publish/"
    assert client.get(url).status_code in (302, 403)
    client.post(url, {"public_text": "Яма.", "public_address": "ул. Ленина, 12", "action": "publish"})
    assert not ProblemReport.objects.get(pk=report.pk).is_public


def test_anonymous_visitors_are_sent_to_the_login(client):
    report = make_report()
    response = client.post(f"/admin/feedback/reports/{report.pk}/publish/", {"public_text": "x"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not ProblemReport.objects.get(pk=report.pk).is_public


def jpeg_with_metadata():
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    exif[0x8825] = {2: (58.0, 8.0, 21.0)}  # GPS latitude
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 200, 10)).save(buffer, "JPEG", exif=exif, comment=b"secret-comment")
    return buffer.getvalue()


def test_only_photos_marked_public_are_shown_and_their_copies_carry_no_metadata(
    client, django_capture_on_commit_callbacks
):
    report = make_report(photos=2)
    first, second = report.photos.all()
    # A private photo stored with metadata (as an older version might have): the copy must not carry it.
    first.image.save("photo.jpg", ContentFile(jpeg_with_metadata()), save=True)
    publish(report, photos=[first.pk])
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_public and first.public_image and not second.public_image
    html = client.get(public_url(report)).text
    assert first.public_image.url in html
    assert second.image.name not in html and "feedback/photos" not in html
    content = first.public_image.open("rb").read()
    assert b"SecretCamera" not in content and b"secret-comment" not in content
    with Image.open(io.BytesIO(content)) as copy:
        assert not copy.getexif() and "icc_profile" not in copy.info and "comment" not in copy.info
    name = first.public_image.name
    with django_capture_on_commit_callbacks(execute=True):  # the copy is removed once the change commits
        unpublish_report(report, by=None)
    first.refresh_from_db()
    assert not first.public_image and not first.public_image.storage.exists(name)


def test_a_status_change_keeps_the_publication_and_shows_on_the_public_page(client):
    report = make_report()
    stale_copy = ProblemReport.objects.get(pk=report.pk)  # a moderator's form opened before publishing
    publish(report)
    change_status(stale_copy, Status.RESOLVED, by=None, public_answer="Яму заделали 3 июня.")
    report.refresh_from_db()
    assert report.is_public
    html = client.get(public_url(report)).text
    assert "решено" in html and "Яму заделали 3 июня." in html
    assert html.count("<li><time") == 2  # новое, решено: dates and statuses


def test_the_history_names_no_staff_and_shows_no_comment(client):
    report = make_report()
    moderator = staff_user("ivanova", REPORT_MODERATORS)
    moderator.first_name, moderator.last_name = "Анна", "Служебная"
    moderator.save()
    change_status(report, Status.ACCEPTED, by=moderator, comment="Позвонить подрядчику Кузьмину")
    publish(report)
    html = client.get(public_url(report)).text
    assert "Служебная" not in html and "Кузьмину" not in html and "ivanova" not in html


def test_the_private_status_page_and_the_public_page_link_to_each_other(client):
    report = make_report()
    status = client.get(f"/ru/feedback/status/{report.token}/").text
    assert "reports/" not in status
    publish(report)
    status = client.get(f"/ru/feedback/status/{report.token}/").text
    assert public_url(report).replace("ГЛЗ", "%D0%93%D0%9B%D0%97") in status or public_url(report) in status
    public = client.get(public_url(report)).text
    assert report.token not in public
    assert "личной ссылке из письма" in public


def test_the_form_warns_residents_not_to_type_personal_data_and_links_to_the_reports(client):
    html = client.get("/ru/feedback/").text
    assert "Не пишите здесь имя" in html
    assert 'href="/ru/feedback/reports/"' in html


# Caching: through home/caching.py only (the page cache stores the public pages like any page)


def entry_key_of(url):
    from home import page_cache

    return page_cache.entry_key(RequestFactory().get(url), "ru")


def cache_state(response):
    return response.headers.get("X-Cache")


def warm(client, *urls):
    for url in urls:
        client.get(url)
        assert cache_state(client.get(url)) == "HIT", url


def test_public_report_pages_are_cached_and_refreshed_by_a_status_change(client):
    report = publish(make_report())
    urls = (LISTING, public_url(report), "/ru/feedback/reports/feed/", "/ru/feedback/reports/export/json/")
    warm(client, *urls, "/ru/news/")
    change_status(report, Status.PLANNED, by=None, public_answer="Ремонт запланирован на июнь.")
    for url in urls:
        response = client.get(url)
        assert cache_state(response) == "MISS", url
        assert "Ремонт запланирован на июнь." in response.text, url
    assert cache_state(client.get("/ru/news/")) == "HIT"  # nothing else is made stale


def test_a_new_or_unpublished_report_changes_nothing_cached(client):
    publish(make_report())
    warm(client, LISTING)
    hidden = make_report()
    change_status(hidden, Status.ACCEPTED, by=None)
    assert cache_state(client.get(LISTING)) == "HIT"


def test_publishing_refreshes_the_listing_and_unpublishing_is_never_served_stale(client):
    from home import page_cache

    first = publish(make_report())
    warm(client, LISTING, public_url(first))
    second = publish(make_report(), text="Сломана скамейка во дворе.")
    response = client.get(LISTING)
    assert cache_state(response) == "MISS" and second.number in response.text
    warm(client, LISTING, public_url(second))
    for url in (LISTING, public_url(second)):  # every worker busy: still, no old copy is served
        cache.add(page_cache.lock_key(entry_key_of(url)), 1, page_cache.LOCK_SECONDS)
    unpublish_report(second, by=None)
    assert client.get(public_url(second)).status_code == 404
    assert second.number not in client.get(LISTING).text


def test_the_form_and_status_pages_stay_out_of_the_cache(client):
    report = publish(make_report())
    for url in ("/ru/feedback/", f"/ru/feedback/status/{report.token}/"):
        client.get(url)
        assert cache_state(client.get(url)) != "HIT", url


def test_the_inbox_filters_published_reports(client):
    shown = publish(make_report())
    hidden = make_report()
    moderator_client(client)
    html = client.get("/admin/snippets/feedback/problemreport/?is_public=true").text
    assert shown.number in html and hidden.number not in html
