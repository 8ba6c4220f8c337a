"""The home page as a browser downloads it: its styles, scripts and fonts, and the bytes on the wire."""

import html.parser
import re
from dataclasses import dataclass
from urllib.parse import urljoin

from bench.server import fetch


class AssetParser(html.parser.HTMLParser):
    """Collects what a page makes the browser download besides images, and its visible text."""

    ASSET_RELS = {"stylesheet", "preload", "modulepreload"}
    IMAGE_RELS = {"icon", "apple-touch-icon", "mask-icon"}

    def __init__(self):
        super().__init__()
        self.assets = []  # (kind, url)
        self.text = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("href"):
            rels = set((attrs.get("rel") or "").lower().split())
            kind = attrs.get("as", "style" if "stylesheet" in rels else "script")
            if rels & self.ASSET_RELS and not rels & self.IMAGE_RELS and kind != "image":
                self.assets.append((kind, attrs["href"]))
        elif tag == "script" and attrs.get("src"):
            self.assets.append(("script", attrs["src"]))
        if tag in {"script", "style", "template"}:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def page_assets(html_text):
    """The page's stylesheets, scripts and preloads as (kind, url), and the text it shows."""
    parser = AssetParser()
    parser.feed(html_text)
    unique = list(dict.fromkeys(parser.assets))
    return unique, " ".join(parser.text)


FONT_FACE = re.compile(r"@font-face\s*{([^}]*)}", re.S)

CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")

CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?['"]?([^'")\s;]+)""")


def css_fonts(css_text):
    """Every @font-face file a stylesheet names, with its unicode-range: [(url, ranges)]."""
    fonts = []
    for block in FONT_FACE.findall(css_text):
        declared = re.search(r"unicode-range\s*:\s*([^;]+)", block)
        ranges = unicode_ranges(declared[1] if declared else None)
        for _quote, url in CSS_URL.findall(block):
            if not url.startswith("data:"):
                fonts.append((url, ranges))
    return fonts


def css_imports(css_text):
    return CSS_IMPORT.findall(css_text)


def unicode_ranges(declaration):
    """A unicode-range as [(first, last)] code points; no declaration means all of Unicode.

    "U+0400-045F,U+2116,U+04??" → [(0x400, 0x45F), (0x2116, 0x2116), (0x400, 0x4FF)]
    """
    if declaration is None:
        return [(0, 0x10FFFF)]
    ranges = []
    for part in declaration.split(","):
        part = part.strip().upper().removeprefix("U+")
        if "-" in part:
            low, high = part.split("-")
        elif "?" in part:
            low, high = part.replace("?", "0"), part.replace("?", "F")
        else:
            low = high = part
        ranges.append((int(low, 16), int(high, 16)))
    return ranges


def font_is_used(ranges, text):
    """A browser downloads a web font only if the page shows a character in its unicode-range."""
    points = {ord(char) for char in text if not char.isspace()}
    return any(low <= point <= high for point in points for low, high in ranges)


@dataclass
class Transfer:
    """One file of the home page as it went over the wire."""

    kind: str
    url: str
    wire_bytes: int  # status line, headers and body as received
    body_bytes: int  # the body as received (compressed when the server compressed it)
    decoded_bytes: int
    encoding: str
    used: bool = True  # for fonts: whether the page's text needs it


def home_transfer_totals(transfers):
    """Total bytes on the wire: everything referenced, and what a browser actually fetches."""
    return {
        "referenced": sum(item.wire_bytes for item in transfers),
        "fetched": sum(item.wire_bytes for item in transfers if item.used),
    }


def measure_home_transfer(base):
    """The home page and every stylesheet, script and font it references, compressed as served."""
    accept = {"Accept-Encoding": "br, gzip"}
    home_url = base + "/ru/"
    transfers = []

    def record(kind, url):
        if any(item.url == url.removeprefix(base) for item in transfers):
            return None  # a preloaded font that a stylesheet names again is downloaded once
        response = fetch(url, **accept)
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
        decoded = response.text()
        transfers.append(
            Transfer(
                kind=kind,
                url=url.removeprefix(base),
                wire_bytes=response.header_bytes + len(response.body),
                body_bytes=len(response.body),
                decoded_bytes=len(decoded),
                encoding=response.headers.get("content-encoding", "—"),
            )
        )
        return decoded.decode("utf-8", errors="replace")

    html_text = record("html", home_url)
    assets, page_text = page_assets(html_text)
    stylesheets = []
    for kind, href in assets:
        url = urljoin(home_url, href)
        if not url.startswith(base):
            raise RuntimeError(f"the home page loads {url} from another host")
        content = record(kind, url)
        if kind == "style" and content is not None:
            stylesheets.append((url, content))
    while stylesheets:
        css_url, css_text = stylesheets.pop(0)
        for href in css_imports(css_text):
            url = urljoin(css_url, href)
            content = record("style", url)
            if content is not None:
                stylesheets.append((url, content))
        for href, ranges in css_fonts(css_text):
            if record("font", urljoin(css_url, href)) is not None:
                transfers[-1].used = font_is_used(ranges, page_text)
    return transfers
