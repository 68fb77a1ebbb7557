"""Search index for organization names, former names and codes (see registry/search.py).

SQLite: an FTS5 table with the trigram tokenizer over the organization table (external content),
and a table of the 1- and 2-character grams of name and former names per organization (a trigram
index cannot answer shorter queries); both kept in step by triggers, so raw inserts (bench,
imports) are indexed too. PostgreSQL: pg_trgm GIN indexes on name, former names and code, and the
same gram table kept by a PL/pgSQL trigger. Each vendor's SQL runs only on that vendor.
"""

from django.db import migrations

POSITIONS = 2000
"""Character positions the SQLite triggers read grams at (names ≤ 200, former names a few of them)."""

SQLITE_FORWARD = [
    "CREATE TABLE registry_search_position (n INTEGER PRIMARY KEY)",
    f"WITH RECURSIVE p(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM p WHERE n < {POSITIONS}) "
    "INSERT INTO registry_search_position SELECT n FROM p",
    "CREATE TABLE registry_org_gram (gram TEXT NOT NULL, organization_id INTEGER NOT NULL, "
    "PRIMARY KEY (gram, organization_id)) WITHOUT ROWID",
    "CREATE VIRTUAL TABLE registry_org_search USING fts5(name, former_names, code, "
    "content='registry_organization', content_rowid='id', tokenize='trigram')",
    # The grams of name || newline || former names: every 1- and 2-character substring of either is
    # one of them (those spanning the newline are never asked for: a query holds no newline).
    """CREATE TRIGGER registry_org_search_insert AFTER INSERT ON registry_organization BEGIN
        INSERT INTO registry_org_search (rowid, name, former_names, code)
            VALUES (new.id, new.name, new.former_names, new.code);
        INSERT OR IGNORE INTO registry_org_gram (gram, organization_id)
            SELECT upper(substr(new.name || char(10) || new.former_names, n, 1)), new.id
            FROM registry_search_position WHERE n <= length(new.name || char(10) || new.former_names)
            UNION
            SELECT upper(substr(new.name || char(10) || new.former_names, n, 2)), new.id
            FROM registry_search_position WHERE n < length(new.name || char(10) || new.former_names);
    END""",
    """CREATE TRIGGER registry_org_search_delete AFTER DELETE ON registry_organization BEGIN
        INSERT INTO registry_org_search (registry_org_search, rowid, name, former_names, code)
            VALUES ('delete', old.id, old.name, old.former_names, old.code);
        DELETE FROM registry_org_gram WHERE organization_id = old.id AND gram IN (
            SELECT upper(substr(old.name || char(10) || old.former_names, n, 1))
            FROM registry_search_position WHERE n <= length(old.name || char(10) || old.former_names)
            UNION
            SELECT upper(substr(old.name || char(10) || old.former_names, n, 2))
            FROM registry_search_position WHERE n < length(old.name || char(10) || old.former_names));
    END""",
    """CREATE TRIGGER registry_org_search_update AFTER UPDATE OF name, former_names, code
    ON registry_organization
    WHEN old.name IS NOT new.name OR old.former_names IS NOT new.former_names OR old.code IS NOT new.code
    BEGIN
        INSERT INTO registry_org_search (registry_org_search, rowid, name, former_names, code)
            VALUES ('delete', old.id, old.name, old.former_names, old.code);
        INSERT INTO registry_org_search (rowid, name, former_names, code)
            VALUES (new.id, new.name, new.former_names, new.code);
        DELETE FROM registry_org_gram WHERE organization_id = old.id AND gram IN (
            SELECT upper(substr(old.name || char(10) || old.former_names, n, 1))
            FROM registry_search_position WHERE n <= length(old.name || char(10) || old.former_names)
            UNION
            SELECT upper(substr(old.name || char(10) || old.former_names, n, 2))
            FROM registry_search_position WHERE n < length(old.name || char(10) || old.former_names));
        INSERT OR IGNORE INTO registry_org_gram (gram, organization_id)
            SELECT upper(substr(new.name || char(10) || new.former_names, n, 1)), new.id
            FROM registry_search_position WHERE n <= length(new.name || char(10) || new.former_names)
            UNION
            SELECT upper(substr(new.name || char(10) || new.former_names, n, 2)), new.id
            FROM registry_search_position WHERE n < length(new.name || char(10) || new.former_names);
    END""",
    # Organizations that exist before the migration (an upgrade) are indexed once here.
    "INSERT INTO registry_org_search (registry_org_search) VALUES ('rebuild')",
    """INSERT OR IGNORE INTO registry_org_gram (gram, organization_id)
        SELECT upper(substr(o.name || char(10) || o.former_names, p.n, k.k)), o.id
        FROM registry_organization o, registry_search_position p, (SELECT 1 AS k UNION ALL SELECT 2) k
        WHERE p.n + k.k - 1 <= length(o.name || char(10) || o.former_names)""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS registry_org_search_update",
    "DROP TRIGGER IF EXISTS registry_org_search_delete",
    "DROP TRIGGER IF EXISTS registry_org_search_insert",
    "DROP TABLE IF EXISTS registry_org_search",
    "DROP TABLE IF EXISTS registry_org_gram",
    "DROP TABLE IF EXISTS registry_search_position",
]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX registry_org_name_trgm ON registry_organization USING gin (name gin_trgm_ops)",
    "CREATE INDEX registry_org_former_trgm ON registry_organization USING gin (former_names gin_trgm_ops)",
    "CREATE INDEX registry_org_code_trgm ON registry_organization USING gin (code gin_trgm_ops)",
    "CREATE TABLE registry_org_gram (gram text NOT NULL, organization_id bigint NOT NULL, "
    "PRIMARY KEY (gram, organization_id))",
    "CREATE INDEX registry_org_gram_org ON registry_org_gram (organization_id)",
    """CREATE FUNCTION registry_org_gram_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM registry_org_gram WHERE organization_id = OLD.id;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO registry_org_gram (gram, organization_id)
                SELECT DISTINCT upper(substr(s.t, n, k)), NEW.id
                FROM (SELECT NEW.name || chr(10) || NEW.former_names AS t) s,
                     generate_series(1, length(s.t)) n, (VALUES (1), (2)) g(k)
                WHERE n + k - 1 <= length(s.t)
                ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER registry_org_gram_insert AFTER INSERT ON registry_organization "
    "FOR EACH ROW EXECUTE FUNCTION registry_org_gram_sync()",
    "CREATE TRIGGER registry_org_gram_update AFTER UPDATE OF name, former_names ON registry_organization "
    "FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.former_names IS DISTINCT FROM NEW.former_names) "
    "EXECUTE FUNCTION registry_org_gram_sync()",
    "CREATE TRIGGER registry_org_gram_delete AFTER DELETE ON registry_organization "
    "FOR EACH ROW EXECUTE FUNCTION registry_org_gram_sync()",
    """INSERT INTO registry_org_gram (gram, organization_id)
        SELECT DISTINCT upper(substr(o.name || chr(10) || o.former_names, n, k)), o.id
        FROM registry_organization o,
             generate_series(1, length(o.name || chr(10) || o.former_names)) n, (VALUES (1), (2)) g(k)
        WHERE n + k - 1 <= length(o.name || chr(10) || o.former_names)
        ON CONFLICT DO NOTHING""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS registry_org_gram_delete ON registry_organization",
    "DROP TRIGGER IF EXISTS registry_org_gram_update ON registry_organization",
    "DROP TRIGGER IF EXISTS registry_org_gram_insert ON registry_organization",
    "DROP FUNCTION IF EXISTS registry_org_gram_sync()",
    "DROP TABLE IF EXISTS registry_org_gram",
    "DROP INDEX IF EXISTS registry_org_code_trgm",
    "DROP INDEX IF EXISTS registry_org_former_trgm",
    "DROP INDEX IF EXISTS registry_org_name_trgm",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_organization_former_names")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
