"""The standing reliability suite (issue 12): kill -9 at random moments of an import, a batch
evaluation, the daily list run and a writer of outbox change events, and a crowd of concurrent API
writers through gunicorn, each followed by integrity, all-or-nothing, audit-chain and re-run
checks. ``python -m socredit.testing.reliability --help``; tests/system/test_reliability.py runs
it small, bench/reliability.py long. Everything runs in scratch databases of its own (SQLite
files, or databases created on the PostgreSQL server of ``--database-url``)."""
