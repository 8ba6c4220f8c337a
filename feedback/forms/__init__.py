"""Forms of «Решаем вместе»: the resident's report form, the moderators' edit form, the staff list.

One module per concern; the names are importable from ``feedback.forms`` as before.
"""

from .admin import ProblemReportAdminForm
from .fields import CategoryChoiceField, MultipleFileInput, PhotosField, ResidentTextField, parse_coordinate
from .resident import ReportForm
from .staff import StaffFilter, staff_who_work_reports

__all__ = [
    "CategoryChoiceField",
    "MultipleFileInput",
    "PhotosField",
    "ProblemReportAdminForm",
    "ReportForm",
    "ResidentTextField",
    "StaffFilter",
    "parse_coordinate",
    "staff_who_work_reports",
]
