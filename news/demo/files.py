"""Small generated files for demo and synthetic content: a one-page PDF and a plain illustration."""

import io

from PIL import Image, ImageDraw


def simple_pdf(lines):
    """A valid one-page PDF (Helvetica, Latin text only) with the given lines."""
    text = (
        "BT /F1 14 Tf 56 780 Td 20 TL "
        + " ".join(
            "({}) '".format(line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)"))
            for line in lines
        )
        + " ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode("latin-1")),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


PALETTE = [(11, 79, 138), (20, 83, 45), (127, 29, 29), (124, 58, 237), (194, 65, 12), (15, 118, 110)]


def illustration_png(seed=0, size=(1200, 800)):
    """A plain decorative illustration: two-colour bands, no text (so no alt text is needed)."""
    first, second = PALETTE[seed % len(PALETTE)], PALETTE[(seed + 2) % len(PALETTE)]
    image = Image.new("RGB", size, first)
    draw = ImageDraw.Draw(image)
    width, height = size
    for step in range(0, width, 80):
        draw.polygon([(step, height), (step + 40, height), (step + 240, 0), (step + 200, 0)], fill=second)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
