"""Helpers for import tests: build small CSV/XLSX files from rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from socredit.common.imports import write_csv, write_xlsx


def csv_bytes(headers, rows, encoding="utf-8-sig"):
    return write_csv(headers, rows).decode("utf-8-sig").encode(encoding)


def xlsx_bytes(headers, rows):
    return write_xlsx(headers, rows)


@pytest.fixture
def make_csv():
    return csv_bytes


@pytest.fixture
def upload_dir(settings):
    """Where uploads wait for the background worker (each test's own: the root conftest.py)."""
    return Path(settings.SOCREDIT_IMPORT_UPLOAD_DIR)
