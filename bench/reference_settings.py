"""The production settings plus the benchmark's reference page (bench/reference_urls.py).

gunicorn serves the portal with these in `make bench`, so each page's requests per second can
be read as a ratio to a page that does nothing but what every Wagtail page does first.
"""

from site_glazov.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.reference_urls"
