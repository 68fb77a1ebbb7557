"""An existing SQLite database upgrades: a deployment made before the counts per type, status and field
(registry 0007–0009, evaluation 0005) still has the counting triggers of evaluation 0003 on its
organization table, and the migration that rebuilds the counts table must get past them and end
with counts equal to a recount. Real processes on a scratch file, as an administrator upgrades."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from socredit.core.codes import make_social_org_code
from socredit.core.types import OrgType

# the insert trigger of evaluation 0003 as deployments have it (counts per region and level)
OLD_TRIGGER = """CREATE TRIGGER levelcount_org_insert AFTER INSERT ON registry_organization BEGIN
    INSERT INTO registry_regionlevelcount (region_id, level, n) VALUES (new.region_id, '', 1)
    ON CONFLICT (region_id, level) DO UPDATE SET n = n + 1;
END"""


def _socredit(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SOCREDIT_VAR_DIR": str(db.parent),
           "DJANGO_SETTINGS_MODULE": "socredit.settings"}  # fmt: skip
    env.pop("SOCREDIT_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "socredit.cli", *args], env=env, capture_output=True, text=True,
                          timeout=600, check=False)  # fmt: skip


@pytest.mark.slow
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite's table rebuild"
)
def test_a_database_with_the_old_counting_triggers_upgrades(tmp_path):
    db = tmp_path / "old.sqlite3"
    for app, target in (("registry", "0006_merge_counts_search"), ("evaluation", "0004_merge_counts_causes")):
        done = _socredit(db, "migrate", app, target, "-v0")
        assert done.returncode == 0, done.stderr
    with sqlite3.connect(db) as con:
        con.execute("DROP TRIGGER IF EXISTS levelcount_org_insert")
        con.execute(OLD_TRIGGER)
        region = con.execute("SELECT id FROM registry_region WHERE code = '410105'").fetchone()[0]
        con.executemany(
            "INSERT INTO registry_organization (code, name, former_names, org_type, region_id, "
            "registration_authority, supervisory_unit, field, registered_on, status, address, contact_person, "
            "contact_phone, created_at, updated_at) VALUES (?, ?, '', '1', ?, '金水区民政局', '', 'other', "
            "'2015-03-01', 'normal', '', '', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            [(make_social_org_code("410105", OrgType.ASSOCIATION, 800 + i), f"升级前的协会{i}", region)
             for i in range(3)],
        )  # fmt: skip
    upgraded = _socredit(db, "migrate", "-v0")
    assert upgraded.returncode == 0, upgraded.stderr
    checked = _socredit(db, "evaluate", "--check-counts")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    with sqlite3.connect(db) as con:
        triggers = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        counted = con.execute("SELECT sum(n) FROM registry_regionlevelcount").fetchone()[0]
    assert {"levelcount_org_insert", "registry_org_search_insert"} <= triggers
    assert counted == 3
