"""This app's tests keep the report key and the open data in a temporary folder, and start every
test with empty per-client counts (the limits count in the cache)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _report_files(settings, tmp_path):
    settings.SOCREDIT_REPORT_KEY_FILE = str(tmp_path / "report_key")
    settings.SOCREDIT_OPENDATA_DIR = tmp_path / "opendata"
    cache.clear()
    yield
    cache.clear()
