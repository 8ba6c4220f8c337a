"""Autosave is off: pages and snippets are saved by their buttons only (see also test_autosave_browser)."""

import pytest

from tests.feedback_helpers import staff_user
from tests.helpers import EDITORS, home_page, page_by_slug

pytestmark = pytest.mark.django_db

# What Wagtail puts on the editor's form when it autosaves (wagtailadmin/pages/edit.html).
AUTOSAVE_MARKERS = ("w-autosave#save", "data-w-autosave-interval-value", "w-unsaved w-autosave")


@pytest.fixture
def editor(client):
    client.force_login(staff_user("autosave-editor", EDITORS))
    return client


def create_url():
    return f"/admin/pages/add/home/infopage/{home_page().pk}/"


@pytest.mark.parametrize("screen", ["create", "edit"])
def test_the_page_editor_does_not_autosave(editor, screen):
    url = create_url() if screen == "create" else f"/admin/pages/{page_by_slug('about').pk}/edit/"
    html = editor.get(url).text
    assert "id_title" in html
    for marker in AUTOSAVE_MARKERS:
        assert marker not in html, marker
    # Leaving with unsaved changes still asks first.
    assert "w-unsaved" in html
