"""The Nu HTML Checker (vnu) finds no error in any public page type, in any language or visual mode.

Every page type of AXE_TARGETS is loaded in Chromium in Russian, English and Udmurt, in the normal
version and in a visual mode with images off (the server writes other markup there), and the HTML
the server sent for the document the visitor ends on (a form sent with errors is a POST's answer)
goes to vnu in one run: the JVM starts once. So do the error pages of ERROR_TARGETS (400, 403, 413,
500), each asked for with the request that causes it, in the same languages and modes.
vnu.jar comes from tools/vnu (`make vnu`), Java from Debian (`make system-deps`).
"""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.visual_modes import AXE_TARGETS, ERROR_TARGETS, LANGUAGES, MODES, error_page, use_mode

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("site_db")]

VNU_JAR = Path(settings.BASE_DIR) / "tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
# The normal version, and a scheme with large text, spacing on and images replaced by text.
HTML_MODES = [MODES[0], MODES[-1]]


def vnu_errors(files):
    """vnu's errors for the files, as "file:line: message" lines (warnings and infos are not errors)."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        pytest.fail("vnu needs Java and tools/vnu: run `make system-deps vnu` (make test does both)")
    result = subprocess.run(  # noqa: S603 - Java with the pinned vnu.jar and our own files
        [java, "-Xss1024k", "-jar", str(VNU_JAR), "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stdout)["messages"]
    return [
        f"{Path(message.get('url', '?')).name}:{message.get('lastLine', '?')}: {message['message']}"
        f" [{message.get('extract', '').strip()[:80]}]"
        for message in messages
        if message["type"] in {"error", "non-document-error"}
    ]


def served_html(page, url, target):
    """The HTML the server sent for the document the page shows after the target's preparation."""
    documents = []

    def keep(response):
        if response.request.resource_type == "document" and response.frame == page.main_frame:
            documents.append(response)

    page.on("response", keep)
    try:
        response = page.goto(url)
        assert response.status == target.status, url
        if target.prepare:
            target.prepare(page)
            page.wait_for_load_state()
        return documents[-1].text()
    finally:
        page.remove_listener("response", keep)


def test_every_public_page_type_is_valid_html_in_every_language_and_mode(browser, site_server, tmp_path):
    context = browser.new_context()
    page = context.new_page()
    # Images, fonts and styles change nothing the server sends; leaving them out keeps the walk quick.
    page.route("**/*.{png,jpg,jpeg,webp,avif,svg,woff2,css}", lambda route: route.abort())
    files = []
    for target in AXE_TARGETS:
        for language in LANGUAGES:
            for mode in HTML_MODES:
                use_mode(context, page, mode, site_server.url)
                html = served_html(page, site_server.url + target.url_path(language), target)
                file = tmp_path / f"{target.name}.{language}.{mode.name}.html"
                file.write_text(html)
                files.append(file)
    for target in ERROR_TARGETS:
        for language in LANGUAGES:
            for mode in HTML_MODES:
                use_mode(context, page, mode, site_server.url)
                with error_page(page, site_server.url, target, language, mode) as html:
                    file = tmp_path / f"{target.name}.{language}.{mode.name}.html"
                    file.write_text(html)
                    files.append(file)
    context.close()
    assert len(files) == (len(AXE_TARGETS) + len(ERROR_TARGETS)) * len(LANGUAGES) * len(HTML_MODES)
    assert vnu_errors(files) == []
