"""Tracking numbers: «ГЛЗ-<year>-<six digits>», sequential per year, unique under concurrent submissions."""

import threading

import pytest
from django.db import connection

from feedback.models import ProblemReport, YearCounter
from tests.feedback_helpers import make_report


@pytest.mark.django_db
def test_numbers_are_sequential_and_human_readable():
    reports = [make_report() for _ in range(3)]
    sequences = [report.sequence for report in reports]
    assert sequences == list(range(sequences[0], sequences[0] + 3))
    year = reports[0].created_at.year
    assert reports[0].number == f"ГЛЗ-{year}-{sequences[0]:06d}"


@pytest.mark.django_db
def test_each_year_starts_again_from_one():
    assert [YearCounter.next_number(2031) for _ in range(3)] == [1, 2, 3]
    assert YearCounter.next_number(2032) == 1
    assert ProblemReport.format_number(2031, 123) == "ГЛЗ-2031-000123"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database is shared-cache: a second writer gets 'table is locked' at once "
    "instead of waiting, so threads cannot write concurrently. Run with DATABASE_URL=postgres://...",
)
def test_numbers_stay_unique_when_many_residents_submit_at_once():
    threads_count = 16
    barrier = threading.Barrier(threads_count)
    numbers, errors = [], []

    def submit():
        try:
            barrier.wait()
            numbers.append(make_report().number)
        except Exception as error:  # collected and reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(numbers) == len(set(numbers)) == threads_count
    sequences = sorted(int(number.rsplit("-", 1)[1]) for number in numbers)
    assert sequences == list(range(sequences[0], sequences[0] + threads_count))
