"""Rebuild the portal's PT Sans web fonts (static/vendor/pt-sans/) from the fontsource files.

fontsource (and Google Fonts) split PT Sans into cyrillic, cyrillic-ext, latin and latin-ext files.
A Russian page needs two of them per weight (digits, «», — and № live in different files), and each
file carries TrueType hinting and an hdmx table that today's browsers hardly use. This script
merges the four upstream files of each weight and cuts them again along the lines this site needs:

- ``base``: everything a Russian, English or Udmurt page shows (BASE_RANGES below); every page
  downloads it, in 400 and in 700;
- ``cyrillic-ext``: the other Cyrillic letters (Tatar, Bashkir, Komi, Chuvash, Ukrainian ₴, …);
- ``latin-ext``: the other Latin letters and signs (Polish, Czech, Turkish, ₸ ₺ …).

A browser downloads an ext file only when a page shows one of its characters (unicode-range).
Kerning and the other OpenType features stay; hinting, hdmx and glyph names go.
The script writes the woff2 files and pt-sans.css; run it again and it writes the same bytes.

Needs fontTools and brotli, which the site itself does not (install them into .venv only):

    .venv/bin/pip install fonttools brotli
    .venv/bin/python tools/subset_fonts.py
"""

import argparse
import io
import sys
from pathlib import Path

from fontTools import subset
from fontTools.merge import Merger
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tools" / "pt-sans-fontsource"  # @fontsource/pt-sans 5.3.0, woff2, unmodified
TARGET = ROOT / "static" / "vendor" / "pt-sans"
UPSTREAM_SUBSETS = ["latin", "cyrillic", "latin-ext", "cyrillic-ext"]
WEIGHTS = [400, 700]

# What every page of the portal may show: one file per weight covers it.
BASE_RANGES = [
    (0x0020, 0x007E),  # Basic Latin: English, digits, ASCII punctuation
    (0x00A0, 0x00FF),  # Latin-1: no-break space, « » ° § ©, é ü ö in names
    (0x0301, 0x0301),  # combining acute: stress marks in Russian
    (0x0400, 0x045F),  # Cyrillic: Russian (and Ukrainian, Belarusian, Serbian) letters
    (0x0490, 0x0491),  # Ґ ґ
    (0x04DC, 0x04DF),  # Udmurt Ӝ ӝ Ӟ ӟ
    (0x04E4, 0x04E7),  # Udmurt Ӥ ӥ Ӧ ӧ
    (0x04F4, 0x04F5),  # Udmurt Ӵ ӵ
    (0x2000, 0x206F),  # General Punctuation: – — ‘ ’ “ ” „ … • ‹ ›
    (0x20AC, 0x20AC),  # €
    (0x20BD, 0x20BD),  # ₽
    (0x2116, 0x2116),  # №
    (0x2122, 0x2122),  # ™
    (0x2212, 0x2212),  # − (minus)
]
# The rest of Cyrillic (as fontsource's cyrillic-ext); whatever is left of the upstream files is latin-ext.
CYRILLIC_EXT_RANGES = [
    (0x0460, 0x052F),
    (0x1C80, 0x1C8A),
    (0x20B4, 0x20B4),  # ₴
    (0x2DE0, 0x2DFF),
    (0xA640, 0xA69F),
]


def in_ranges(point, ranges):
    return any(low <= point <= high for low, high in ranges)


def subset_options():
    options = subset.Options()
    options.hinting = False  # no TrueType instructions, no cvt/fpgm/prep/hdmx
    options.desubroutinize = True  # no effect on TrueType outlines; kept for CFF sources
    options.layout_features = ["*"]  # kerning, ligatures, fractions, locl, ccmp: all kept
    options.glyph_names = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]  # copyright, names, version, licence and its URL
    options.name_languages = [0x409]
    options.notdef_outline = True  # a missing glyph shows as a box, not as nothing
    options.recalc_bounds = True
    return options


def subset_font(font, codepoints):
    """A copy of font with only codepoints (and the glyphs their features reach)."""
    subsetter = subset.Subsetter(subset_options())
    subsetter.populate(unicodes=codepoints)
    font = TTFont(io.BytesIO(save(font)), recalcTimestamp=False)
    subsetter.subset(font)
    return font


def save(font, flavor=None):
    font.flavor = flavor
    font.recalcTimestamp = False  # the same input gives the same bytes
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=True)
    return buffer.getvalue()


def merged_upstream(weight):
    """The four upstream files of one weight as one font: each code point from one file only."""
    taken, parts, created, modified = set(), [], 0, 0
    for name in UPSTREAM_SUBSETS:
        font = TTFont(SOURCE / f"pt-sans-{name}-{weight}-normal.woff2", recalcTimestamp=False)
        created, modified = max(created, font["head"].created), max(modified, font["head"].modified)
        points = set(font.getBestCmap()) - taken
        taken |= points
        parts.append(io.BytesIO(save(subset_font(font, points))))
    merged = Merger().merge(parts)
    # The sources' dates, not the time of the merge: the same input gives the same bytes.
    merged["head"].created, merged["head"].modified = created, modified
    return merged, taken


def compact_ranges(points):
    """Sorted code points as (first, last) runs."""
    runs = []
    for point in sorted(points):
        if runs and runs[-1][1] == point - 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    return [tuple(run) for run in runs]


def css_range(points):
    return ",".join(
        f"U+{low:04X}" if low == high else f"U+{low:04X}-{high:04X}" for low, high in compact_ranges(points)
    )


def split(points):
    """The upstream code points cut into this site's files: {file name: code points}."""
    base = {point for point in points if in_ranges(point, BASE_RANGES)}
    cyrillic_ext = {point for point in points - base if in_ranges(point, CYRILLIC_EXT_RANGES)}
    return {"base": base, "cyrillic-ext": cyrillic_ext, "latin-ext": points - base - cyrillic_ext}


CSS_HEADER = """\
/* PT Sans (ParaType, SIL OFL 1.1, see LICENSE), from @fontsource/pt-sans 5.3.0, modified:
   the cyrillic, latin, cyrillic-ext and latin-ext files of each weight were merged and cut again
   into base (Russian, English, Udmurt), cyrillic-ext and latin-ext, without hinting.
   Generated by tools/subset_fonts.py; do not edit by hand. */
"""

# "optional": a face that is not there by the first paint is used from the next page on, instead of
# redrawing this one and moving its text (a layout shift); base.html preloads the base files, so
# they are usually there in time.
FACE = """
@font-face {{
  font-family: 'PT Sans';
  font-style: normal;
  font-display: optional;
  font-weight: {weight};
  src: url(./files/{file}) format('woff2');
  unicode-range: {range};
}}
"""


def build(target):
    files = target / "files"
    files.mkdir(parents=True, exist_ok=True)
    faces = []
    for weight in WEIGHTS:
        merged, points = merged_upstream(weight)
        for part, part_points in split(points).items():
            font = subset_font(merged, part_points)
            covered = set(font.getBestCmap())
            missing = part_points - covered
            if missing:
                raise SystemExit(f"{part} {weight}: lost {css_range(missing)}")
            name = f"pt-sans-{part}-{weight}-normal.woff2"
            data = save(font, flavor="woff2")
            (files / name).write_bytes(data)
            print(f"{name}: {len(data) / 1024:.1f} KB, {len(covered)} characters")
            faces.append(FACE.format(weight=weight, file=name, range=css_range(covered)))
    (target / "pt-sans.css").write_text(CSS_HEADER + "".join(faces))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=Path, default=TARGET, help=f"where to write (default {TARGET})")
    args = parser.parse_args(argv)
    build(args.target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
