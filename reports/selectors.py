"""One report computation (DESIGN §5): the figures of a scope as of any date.

The public entry of the computation: pages, downloads, the API, the command and the
renderers import from here. The work is in three modules that import one another directly:
reports.figures (rounding, periods, the scope, the grouped counts), reports.lists (the
items behind the figures) and reports.report (the Report object, report_compute,
report_get).
"""

from __future__ import annotations

from departments import roles
from reports.figures import Scope
from reports.figures import Share
from reports.figures import percent
from reports.figures import previous_quarter_end
from reports.figures import quarter_bounds
from reports.figures import round_half_up
from reports.lists import CommunityOpinions
from reports.lists import FollowUpDue
from reports.lists import FollowUpRecord
from reports.lists import ItemRef
from reports.lists import OverdueItem
from reports.lists import SpotCheck
from reports.lists import UnsatisfiedItem
from reports.lists import UpgradedItem
from reports.report import DepartmentFigures
from reports.report import DepartmentRow
from reports.report import Handling
from reports.report import Outcomes
from reports.report import RecessFigures
from reports.report import Report
from reports.report import SatisfactionFigures
from reports.report import department_figures
from reports.report import issued_report_for
from reports.report import report_compute
from reports.report import report_get

__all__ = [
    "CommunityOpinions",
    "DepartmentFigures",
    "DepartmentRow",
    "FollowUpDue",
    "FollowUpRecord",
    "Handling",
    "ItemRef",
    "Outcomes",
    "OverdueItem",
    "RecessFigures",
    "Report",
    "SatisfactionFigures",
    "Scope",
    "Share",
    "SpotCheck",
    "UnsatisfiedItem",
    "UpgradedItem",
    "can_read_reports",
    "department_figures",
    "issued_report_for",
    "percent",
    "previous_quarter_end",
    "quarter_bounds",
    "report_compute",
    "report_get",
    "round_half_up",
]


# The role question lives in departments.roles; kept under its old name for the callers.
can_read_reports = roles.may_read_reports
