"""«Похоже, об этом уже сообщили»: open published reports of a category near a place.

Near means within about 300 m of the given coordinates (a box of ±0.003° of latitude and ±0.005°
of longitude, which is about 330 × 300 m at Glazov's 58° N), or, without coordinates, on the same
street as the typed address. Only what the public listing shows is compared and shown.
"""

import re
from decimal import Decimal, InvalidOperation

from .models import ProblemReport

LATITUDE_SPAN = Decimal("0.003")
LONGITUDE_SPAN = Decimal("0.005")
LIMIT = 5
# «ул. Кирова, 5», «улица Кирова 5», «Кирова ул., 5», «пр-т Мира, 12»: the name of the street.
STREET_WORDS = re.compile(
    r"\b(?:ул|улица|пр|пр-т|проспект|пер|переулок|пл|площадь|б-р|бульвар|ш|шоссе)\b\.?", re.IGNORECASE
)
NAME = re.compile(r"[А-ЯЁA-Z][А-ЯЁа-яёA-Za-z-]{2,}")


def street_of(address):
    """The first capitalised word of an address once street words are removed: «Кирова»."""
    found = NAME.search(STREET_WORDS.sub(" ", address or ""))
    return found.group() if found else ""


def coordinate(value):
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def similar_reports(category_id, address="", latitude=None, longitude=None):
    """Up to LIMIT open published reports of the category near the place, newest first (one query)."""
    if not category_id:
        return []
    reports = ProblemReport.objects.public().open().filter(category_id=category_id)
    latitude, longitude = coordinate(latitude), coordinate(longitude)
    if latitude is not None and longitude is not None:
        reports = reports.filter(
            public_latitude__range=(latitude - LATITUDE_SPAN, latitude + LATITUDE_SPAN),
            public_longitude__range=(longitude - LONGITUDE_SPAN, longitude + LONGITUDE_SPAN),
        )
    else:
        street = street_of(address)
        if not street:
            return []
        reports = reports.filter(public_address__contains=street)
    return list(reports.select_related("category").order_by("-created_at")[:LIMIT])
