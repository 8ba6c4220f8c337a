"""A resident opens the portal and switches it to English in a real browser."""

from playwright.sync_api import expect


def test_language_switcher_leads_to_the_english_page(page, site_server, output_path):
    page.goto(f"{site_server.url}/ru/about/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("h1")).to_have_text("О городе")

    page.get_by_role("navigation", name="Язык сайта").get_by_role("link", name="English").click()

    expect(page).to_have_url(f"{site_server.url}/en/about/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("About the city")
    expect(page.get_by_role("navigation", name="Site language").locator("[aria-current]")).to_have_text(
        "English"
    )
    page.screenshot(path=f"{output_path}/about-en.png", full_page=True)


def test_home_page_shows_the_call_to_action_and_skip_link(page, site_server, output_path):
    page.goto(f"{site_server.url}/ru/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Перейти к основному содержанию")
    expect(skip).to_be_focused()
    expect(page.get_by_role("heading", name="Решаем вместе")).to_be_visible()
    page.screenshot(path=f"{output_path}/home-ru.png", full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.screenshot(path=f"{output_path}/home-ru-320.png", full_page=True)


def test_news_item_switches_to_english_and_back(page, site_server, output_path):
    path = "/news/glazov-associaciya-novatorskih-gorodov/"
    russian = "Решение о вступлении Глазова в Ассоциацию новаторских городов принято городской Думой"
    english = "The City Duma decides that Glazov joins the Association of Innovative Cities"
    page.goto(f"{site_server.url}/ru{path}")
    steps = [("ru", None, russian), ("en", "English", english), ("ru", "Русский", russian)]
    for language, link_name, h1 in steps:
        if link_name:
            page.locator(".lang-switcher").get_by_role("link", name=link_name).click()
        expect(page).to_have_url(f"{site_server.url}/{language}{path}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("h1")).to_have_text(h1)
        hreflangs = page.eval_on_selector_all(
            "link[rel=alternate][hreflang]", "links => links.map(l => [l.hreflang, new URL(l.href).pathname])"
        )
        assert sorted(hreflangs) == [["en", f"/en{path}"], ["ru", f"/ru{path}"], ["x-default", f"/ru{path}"]]
        page.screenshot(path=f"{output_path}/news-{language}.png", full_page=True)
