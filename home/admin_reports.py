"""Wagtail's own admin reports and the redirects listing, with downloads through home/spreadsheet.py.

Wagtail's versions write CSV cells as they are, so a page title an author typed as
``=HYPERLINK(...)`` would run as a formula in the editor's Excel. These subclasses answer the same
addresses (site_glazov/urls.py puts them in front of Wagtail's) with the same permission checks.
"""

import functools

from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.aging_pages import AgingPagesView
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.admin.views.reports.locked_pages import LockedPagesView
from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView
from wagtail.contrib.redirects.views import IndexView as RedirectsIndexView
from wagtail.utils.urlpatterns import decorate_urlpatterns

from home.spreadsheet import SafeSpreadsheetExportMixin

# Address under /admin/ → Wagtail's view with a spreadsheet download.
WAGTAIL_EXPORTING_VIEWS = {
    "reports/locked/": LockedPagesView,
    "reports/workflow/": WorkflowView,
    "reports/workflow_tasks/": WorkflowTasksView,
    "reports/site-history/": LogEntriesView,
    "reports/aging-pages/": AgingPagesView,
    "redirects/": RedirectsIndexView,
}


@functools.cache
def safe_view(view_class):
    """``view_class`` whose CSV and XLSX downloads have safe cells."""
    return type(view_class.__name__, (SafeSpreadsheetExportMixin, view_class), {"__module__": __name__})


urlpatterns = []
for address, view_class in WAGTAIL_EXPORTING_VIEWS.items():
    urlpatterns += [
        path(address, safe_view(view_class).as_view()),
        path(f"{address}results/", safe_view(view_class).as_view(results_only=True)),
    ]
# The same checks Wagtail puts on its admin addresses.
urlpatterns = decorate_urlpatterns(urlpatterns, require_admin_access)
urlpatterns = decorate_urlpatterns(urlpatterns, never_cache)
