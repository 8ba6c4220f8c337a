"""A resident looks up a Duma decision in Chromium: filters, the act, its document, related news."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect


def test_resident_finds_a_decision_and_its_news(page, site_server, site_db, output_path):
    page.goto(f"{site_server.url}/ru/decisions/")
    page.get_by_label("Год принятия").fill("2016")
    page.get_by_label("Статус").select_option(label="в силе")
    page.get_by_role("button", name="Найти", exact=True).last.click()

    expect(page).to_have_url(re.compile(r"/ru/decisions/\?.*status=in_force"))
    assert "year=2016" in page.url  # the filtered list has a URL of its own
    expect(page.locator(".registry-summary__count")).to_contain_text("Найдено 1 решение")
    page.screenshot(path=f"{output_path}/registry-filtered.png", full_page=True)

    page.get_by_role("link", name=re.compile("Ассоциацию новаторских городов")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ассоциацию новаторских городов")
    expect(page.locator(".decision__status")).to_have_text("в силе")

    document_link = page.get_by_role("link", name=re.compile("Подписанный документ"))
    response = page.request.get(site_server.url + document_link.get_attribute("href"))
    assert response.status == 200
    assert response.body().startswith(b"%PDF-")

    page.get_by_role("link", name=re.compile("принято городской Думой")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Решение о вступлении Глазова в Ассоциацию новаторских городов принято городской Думой"
    )
    expect(page.locator(".related")).to_contain_text("О вступлении муниципального образования")
    page.screenshot(path=f"{output_path}/news-item.png", full_page=True)


@pytest.mark.parametrize(
    "path", ["/ru/news/", "/ru/decisions/?year=2016", "/ru/news/glazov-associaciya-novatorskih-gorodov/"]
)
def test_news_and_registry_pages_pass_axe(page, site_server, site_db, path):
    page.goto(f"{site_server.url}{path}")
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
