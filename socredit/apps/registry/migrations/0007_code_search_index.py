"""Code search from code indexes; the trigram index over names and former names only.

A code is a head of 8 characters (registration authority, type, region: a few thousand distinct
ones in the whole country) and a tail (the 9-character organization code and the check digit).
A query of 3+ characters found anywhere in a code is then one of (see registry/search.py):
- a prefix of a tail suffix: `registry_code_tail` holds the tail's suffixes of 3+ characters
  (8 per organization), each a range on its primary key;
- inside a head: the distinct heads are in `registry_code_head`, one row per suffix of each (about
  70,000 rows for the country), and the organizations with such a head are a range of the code;
- across the head and the tail: a head suffix equal to the query's start, then the code range of
  that head followed by the rest of the query.
The trigram index no longer holds the code: digit trigrams are in every code, and a digit query
intersected posting lists as long as the table. It now holds the names folded as the search rule
folds them (SQLite's ``upper()``: ASCII letters only) and matches case-sensitively, so that what it
finds is exactly what the rule finds (the trigram tokenizer's own folding covers every alphabet);
it is contentless (``content=''``): it keeps no copy of the names, and a 'rebuild' cannot re-read
them unfolded. Heads are never deleted (a head left without
organizations only adds an empty range). PostgreSQL: the same two tables (``COLLATE "C"``, so
that the ranges follow code points), a PL/pgSQL trigger; the code's ranges use its
``varchar_pattern_ops`` index; the pg_trgm index on the code is dropped.
"""

from django.db import migrations

# ruff: noqa: S608 — fixed SQL assembled from table and column names, no input in it

# --- SQLite ---------------------------------------------------------------------------------------

_TEXT = "{o}.name || char(10) || {o}.former_names"
_GRAMS = (
    "SELECT upper(substr({t}, n, 1)){extra} FROM registry_search_position WHERE n <= length({t}) UNION "
    "SELECT upper(substr({t}, n, 2)){extra} FROM registry_search_position WHERE n < length({t})"
)


def _grams(o: str, extra: str = "") -> str:
    return _GRAMS.format(t=_TEXT.format(o=o), extra=extra)


def _sqlite_index(o: str) -> list[str]:
    """Statements indexing the row ``o`` (new): trigram table, grams, code head, code tail."""
    return [
        f"INSERT INTO registry_org_search (rowid, name, former_names) VALUES ({o}.id, upper({o}.name), "
        f"upper({o}.former_names))",
        f"INSERT OR IGNORE INTO registry_org_gram (gram, organization_id) {_grams(o, f', {o}.id')}",
        f"INSERT OR IGNORE INTO registry_code_head (s, head) SELECT substr(upper({o}.code), n, 9 - n), "
        f"substr(upper({o}.code), 1, 8) FROM registry_search_position WHERE n <= min(8, length({o}.code))",
        f"INSERT OR IGNORE INTO registry_code_tail (suffix, organization_id) SELECT substr(upper({o}.code), n), "
        f"{o}.id FROM registry_search_position WHERE n >= 9 AND n <= length({o}.code) - 2",
    ]


def _sqlite_unindex(o: str) -> list[str]:
    """Statements removing the row ``o`` (old) from the indexes (heads stay)."""
    return [
        "INSERT INTO registry_org_search (registry_org_search, rowid, name, former_names) "
        f"VALUES ('delete', {o}.id, upper({o}.name), upper({o}.former_names))",
        f"DELETE FROM registry_org_gram WHERE organization_id = {o}.id AND gram IN ({_grams(o)})",
        f"DELETE FROM registry_code_tail WHERE organization_id = {o}.id AND suffix IN (SELECT "
        f"substr(upper({o}.code), n) FROM registry_search_position WHERE n >= 9 AND n <= length({o}.code) - 2)",
    ]


def _trigger(name: str, event: str, body: list[str]) -> str:
    return f"CREATE TRIGGER {name} {event} BEGIN\n" + "".join(f"    {s};\n" for s in body) + "END"


SQLITE_FORWARD = [
    "DROP TRIGGER registry_org_search_insert",
    "DROP TRIGGER registry_org_search_delete",
    "DROP TRIGGER registry_org_search_update",
    "DROP TABLE registry_org_search",
    "CREATE VIRTUAL TABLE registry_org_search USING fts5(name, former_names, content='', "
    "tokenize='trigram case_sensitive 1')",
    "CREATE TABLE registry_code_head (s TEXT NOT NULL, head TEXT NOT NULL, PRIMARY KEY (s, head)) WITHOUT ROWID",
    "CREATE TABLE registry_code_tail (suffix TEXT NOT NULL, organization_id INTEGER NOT NULL, "
    "PRIMARY KEY (suffix, organization_id)) WITHOUT ROWID",
    _trigger("registry_org_search_insert", "AFTER INSERT ON registry_organization", _sqlite_index("new")),
    _trigger("registry_org_search_delete", "AFTER DELETE ON registry_organization", _sqlite_unindex("old")),
    _trigger(
        "registry_org_search_update",
        "AFTER UPDATE OF name, former_names, code ON registry_organization WHEN old.name IS NOT new.name "
        "OR old.former_names IS NOT new.former_names OR old.code IS NOT new.code",
        _sqlite_unindex("old") + _sqlite_index("new"),
    ),
    # the organizations already there (an upgrade) are indexed once here; the grams stay as they are
    "INSERT INTO registry_org_search (rowid, name, former_names) "
    "SELECT id, upper(name), upper(former_names) FROM registry_organization",
    "INSERT OR IGNORE INTO registry_code_head (s, head) SELECT DISTINCT substr(upper(o.code), p.n, 9 - p.n), "
    "substr(upper(o.code), 1, 8) FROM registry_organization o, registry_search_position p "
    "WHERE p.n <= min(8, length(o.code))",
    "INSERT OR IGNORE INTO registry_code_tail (suffix, organization_id) SELECT substr(upper(o.code), p.n), o.id "
    "FROM registry_organization o, registry_search_position p WHERE p.n >= 9 AND p.n <= length(o.code) - 2",
]

# the state of 0005, for going back
_OLD_INDEX = [
    "INSERT INTO registry_org_search (rowid, name, former_names, code) VALUES (new.id, new.name, "
    "new.former_names, new.code)",
    f"INSERT OR IGNORE INTO registry_org_gram (gram, organization_id) {_grams('new', ', new.id')}",
]
_OLD_UNINDEX = [
    "INSERT INTO registry_org_search (registry_org_search, rowid, name, former_names, code) "
    "VALUES ('delete', old.id, old.name, old.former_names, old.code)",
    f"DELETE FROM registry_org_gram WHERE organization_id = old.id AND gram IN ({_grams('old')})",
]
SQLITE_REVERSE = [
    "DROP TRIGGER registry_org_search_insert",
    "DROP TRIGGER registry_org_search_delete",
    "DROP TRIGGER registry_org_search_update",
    "DROP TABLE registry_code_tail",
    "DROP TABLE registry_code_head",
    "DROP TABLE registry_org_search",
    "CREATE VIRTUAL TABLE registry_org_search USING fts5(name, former_names, code, "
    "content='registry_organization', content_rowid='id', tokenize='trigram')",
    _trigger("registry_org_search_insert", "AFTER INSERT ON registry_organization", _OLD_INDEX),
    _trigger("registry_org_search_delete", "AFTER DELETE ON registry_organization", _OLD_UNINDEX),
    _trigger(
        "registry_org_search_update",
        "AFTER UPDATE OF name, former_names, code ON registry_organization WHEN old.name IS NOT new.name "
        "OR old.former_names IS NOT new.former_names OR old.code IS NOT new.code",
        _OLD_UNINDEX + _OLD_INDEX,
    ),
    "INSERT INTO registry_org_search (registry_org_search) VALUES ('rebuild')",
]

# --- PostgreSQL -----------------------------------------------------------------------------------

POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS registry_org_code_trgm",
    'CREATE TABLE registry_code_head (s text COLLATE "C" NOT NULL, head text COLLATE "C" NOT NULL, '
    "PRIMARY KEY (s, head))",
    'CREATE TABLE registry_code_tail (suffix text COLLATE "C" NOT NULL, organization_id bigint NOT NULL, '
    "PRIMARY KEY (suffix, organization_id))",
    "CREATE INDEX registry_code_tail_org ON registry_code_tail (organization_id)",
    """CREATE FUNCTION registry_code_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM registry_code_tail WHERE organization_id = OLD.id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO registry_code_head (s, head)
                SELECT substr(upper(NEW.code), n, 9 - n), substr(upper(NEW.code), 1, 8)
                FROM generate_series(1, least(8, length(NEW.code))) n
                ON CONFLICT DO NOTHING;
            INSERT INTO registry_code_tail (suffix, organization_id)
                SELECT substr(upper(NEW.code), n), NEW.id FROM generate_series(9, length(NEW.code) - 2) n
                ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER registry_code_insert AFTER INSERT ON registry_organization "
    "FOR EACH ROW EXECUTE FUNCTION registry_code_sync()",
    "CREATE TRIGGER registry_code_update AFTER UPDATE OF code ON registry_organization "
    "FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION registry_code_sync()",
    "CREATE TRIGGER registry_code_delete AFTER DELETE ON registry_organization "
    "FOR EACH ROW EXECUTE FUNCTION registry_code_sync()",
    "INSERT INTO registry_code_head (s, head) SELECT DISTINCT substr(upper(o.code), n, 9 - n), "
    "substr(upper(o.code), 1, 8) FROM registry_organization o, generate_series(1, least(8, length(o.code))) n "
    "ON CONFLICT DO NOTHING",
    "INSERT INTO registry_code_tail (suffix, organization_id) SELECT substr(upper(o.code), n), o.id "
    "FROM registry_organization o, generate_series(9, length(o.code) - 2) n ON CONFLICT DO NOTHING",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS registry_code_delete ON registry_organization",
    "DROP TRIGGER IF EXISTS registry_code_update ON registry_organization",
    "DROP TRIGGER IF EXISTS registry_code_insert ON registry_organization",
    "DROP FUNCTION IF EXISTS registry_code_sync()",
    "DROP TABLE IF EXISTS registry_code_tail",
    "DROP TABLE IF EXISTS registry_code_head",
    "CREATE INDEX registry_org_code_trgm ON registry_organization USING gin (code gin_trgm_ops)",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_merge_counts_search")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
