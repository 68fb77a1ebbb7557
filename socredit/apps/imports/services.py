"""批量导入 — the writer behind the upload page and `socredit import`.

`run_import()` reads a file (socredit.common.imports), validates every row with the same rules
as the form and the API (registry.validation, records.validation), then writes every valid row in
ONE transaction with bulk inserts, records one audit event for the run, and stores the outcome
in an ImportRun. Invalid rows are reported (row, field, reason) and never block valid ones.

Idempotent by natural key:
  organizations  code → create, or update the fields whose cells are filled and differ
  roles          (person ID number, organization, kind, start_on) → create, or update end_on
  records        department + external id, or department + document number → create; identical
                 → unchanged; same key, different content → error (changes go through 更正)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from socredit.apps.audit.services import actor_label, record_event, staff_user_of
from socredit.apps.imports.columns import COLUMNS, column_title
from socredit.apps.imports.models import ImportKind, ImportPhase, ImportRun, ImportStatus
from socredit.apps.imports.progress import Progress
from socredit.apps.lists.services.proposals import resync_proposal_regions
from socredit.apps.records import bulk
from socredit.apps.records.models import RecordKind
from socredit.apps.records.validation import RecordLookups, clean_record
from socredit.apps.registry.access import access_organizations, access_persons
from socredit.apps.registry.models import Department, Organization, Person, Region, Role
from socredit.apps.registry.validation import (
    clean_organization,
    clean_person,
    clean_role_terms,
    organization_not_found,
)
from socredit.common import clock
from socredit.common.access import SystemPrincipal, scope_path_of
from socredit.common.errors import FieldErrors
from socredit.common.imports import ImportFileError, read_table
from socredit.common.policy import masked_id_number
from socredit.common.runs import abandonment, this_worker
from socredit.core.pinyin import name_sort_key
from socredit.core.types import RecordSource

log = logging.getLogger(__name__)

CHUNK = 2000
"""Rows per bulk INSERT and per IN (…) lookup; well under SQLite's bound-variable limit."""

ORG_UPDATABLE = ("name", "org_type", "region", "registration_authority", "supervisory_unit", "field",
                 "registered_on", "status", "address", "contact_person", "contact_phone")  # fmt: skip


class PreloadedLookups(RecordLookups):
    """RecordLookups with whole tables loaded once: organizations in scope, kinds, departments,
    and the persons who hold posts in scope (others are looked up one by one, then cached)."""

    def __init__(self, principal: Any, *, with_persons: bool = True) -> None:
        super().__init__(principal)
        self._orgs = {o.code: o for o in access_organizations(principal)}
        kinds = list(RecordKind.objects.filter(active=True))
        self._kinds = {k.name_zh: k for k in kinds} | {k.code: k for k in kinds}
        depts = list(Department.objects.filter(active=True).select_related("region"))
        self._depts = {d.name: d for d in depts} | {d.code: d for d in depts}
        if with_persons:
            self._persons = {p.id_number: p for p in access_persons(principal)}

    def organization(self, code: str) -> Organization | None:
        return self._orgs.get(code)  # everything in scope is loaded: a miss is unknown or out of scope

    def kind(self, code: str) -> RecordKind | None:
        return self._kinds.get(code)

    def department(self, text: str) -> Department | None:
        return self._depts.get(text)


class Importer:
    """Validates rows into a plan, then writes the plan. Subclasses per kind."""

    kind: str

    def __init__(self, actor: Any, run: ImportRun) -> None:
        self.actor = actor
        self.run = run
        self.today = clock.today()
        self.errors: list[dict[str, Any]] = []
        self.error_rows: set[int] = set()
        self.total = 0
        self.created = 0
        self.updated = 0
        self.unchanged = 0

    def error(self, row: int, field: str, message: str) -> None:
        field = "" if field == "__all__" else field
        self.errors.append(
            {"row": row, "field": field, "column": column_title(self.kind, field), "message": message}
        )
        self.error_rows.add(row)

    def field_errors(self, row: int, exc: FieldErrors) -> None:
        for field, messages in exc.errors.items():
            for m in messages:
                self.error(row, field, m)

    def validate(self, rows: Iterable[tuple[int, dict[str, Any]]]) -> None:
        raise NotImplementedError

    def write(self) -> None:
        raise NotImplementedError

    def audit_data(self) -> dict[str, Any]:
        return {}


class OrganizationImporter(Importer):
    kind = ImportKind.ORGANIZATIONS

    def validate(self, rows: Iterable[tuple[int, dict[str, Any]]]) -> None:
        regions = {r.code: r for r in Region.objects.all()}
        scope = scope_path_of(self.actor)
        cleaned: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
        seen: dict[str, int] = {}
        for n, row in rows:
            self.total += 1
            try:
                values = clean_organization(row, today=self.today, region_lookup=regions.get)
            except FieldErrors as exc:
                self.field_errors(n, exc)
                continue
            code = values["code"]
            if code in seen:
                self.error(
                    n,
                    "code",
                    gettext("The unified social credit code repeats row %(value)s") % {"value": seen[code]},
                )
                continue
            seen[code] = n
            cleaned.append((n, row, values))
        existing: dict[str, Organization] = {}
        for chunk in bulk.chunks(list(seen)):
            existing |= {
                o.code: o for o in Organization.objects.filter(code__in=chunk).select_related("region")
            }
        self.new: list[Organization] = []
        self.changed: dict[str, dict[str, Any]] = {}
        self.to_update: list[Organization] = []
        for n, row, values in cleaned:
            org = existing.get(values["code"])
            if scope is None or (org is not None and not org.region.path.startswith(scope)):
                self.error(
                    n,
                    "code",
                    gettext(
                        "Unknown organization (the unified social credit code %(value)s is outside your region; you may not import it)"
                    )
                    % {"value": values["code"]},
                )
                continue
            if org is None:
                if not values["region"].path.startswith(scope):
                    self.error(
                        n,
                        "region",
                        gettext("The region %(code)s is outside your region; you may not register in it")
                        % {"code": values["region"].code},
                    )
                    continue
                self.new.append(Organization(**values))
                self.created += 1
                continue
            # An empty cell keeps the stored value; a filled cell that differs is a change.
            diff = {
                f: values[f]
                for f in ORG_UPDATABLE
                if row.get(f) not in (None, "") and getattr(org, f) != values[f]
            }
            if "region" in diff and not diff["region"].path.startswith(scope):
                self.error(
                    n,
                    "region",
                    gettext(
                        "The region %(code)s is outside your region; you may not move an organization into it"
                    )
                    % {"code": diff["region"].code},
                )
                continue
            if not diff:
                self.unchanged += 1
                continue
            self.changed[org.code] = {f: [_plain(getattr(org, f)), _plain(v)] for f, v in diff.items()}
            for f, v in diff.items():
                setattr(org, f, v)
            org.updated_at = timezone.now()
            self.to_update.append(org)
            self.updated += 1

    def write(self) -> None:
        for org in [*self.new, *self.to_update]:  # bulk writes skip save(), which keeps the sort key
            org.name_sort = name_sort_key(org.name)
        Organization.objects.bulk_create(self.new, batch_size=CHUNK)
        fields = sorted({f for diff in self.changed.values() for f in diff} | {"updated_at"})
        if "name" in fields:
            fields.append("name_sort")
        if self.to_update:
            Organization.objects.bulk_update(self.to_update, fields, batch_size=CHUNK)
            if "region" in fields:  # bulk_update sends no post_save: the proposal queue's region copy
                resync_proposal_regions(o.pk for o in self.to_update)

    def audit_data(self) -> dict[str, Any]:
        return {"created": [o.code for o in self.new], "changed": self.changed}


def _plain(v: Any) -> Any:
    return v.code if isinstance(v, Region) else v


class RoleImporter(Importer):
    kind = ImportKind.ROLES

    def validate(self, rows: Iterable[tuple[int, dict[str, Any]]]) -> None:
        orgs = {o.code: o for o in access_organizations(self.actor)}
        cleaned: list[tuple[int, Organization, dict[str, Any], dict[str, Any]]] = []
        names: dict[str, tuple[int, str]] = {}
        seen: dict[tuple[str, int, str, dt.date], int] = {}
        for n, row in rows:
            self.total += 1
            errors = FieldErrors()
            code = str(row.get("organization") or "").strip().upper()
            org = orgs.get(code)
            if not code:
                errors.add("organization", gettext("Cannot be empty"))
            elif org is None:
                errors.add("organization", organization_not_found(code))
            person: dict[str, Any] = {}
            terms: dict[str, Any] = {}
            try:
                person = clean_person(row, today=self.today)
            except FieldErrors as exc:
                for f, ms in exc.errors.items():
                    for m in ms:
                        errors.add(f, m)
            try:
                terms = clean_role_terms(row, today=self.today)
            except FieldErrors as exc:
                for f, ms in exc.errors.items():
                    for m in ms:
                        errors.add(f, m)
            if (
                org is not None
                and "start_on" in terms
                and terms["start_on"] < org.registered_on - dt.timedelta(days=366)
            ):
                errors.add(
                    "start_on",
                    gettext("The position starts more than a year before the organization was founded"),
                )
            if person and person["id_number"] in names and names[person["id_number"]][1] != person["name"]:
                first, other = names[person["id_number"]]
                errors.add(
                    "name",
                    gettext("The same ID number has the name “%(other)s” in row %(first)s, not “%(value)s”")
                    % {"first": first, "other": other, "value": person["name"]},
                )
            if errors:
                self.field_errors(n, errors)
                continue
            assert org is not None  # noqa: S101 — no errors means the organization was found
            key = (person["id_number"], org.pk, terms["kind"], terms["start_on"])
            if key in seen:
                self.error(
                    n,
                    "",
                    gettext(
                        "The position repeats row %(value)s (person, organization, kind of position, start date)"
                    )
                    % {"value": seen[key]},
                )
                continue
            seen[key] = n
            names.setdefault(person["id_number"], (n, person["name"]))
            cleaned.append((n, org, person, terms))

        id_numbers = list(names)
        known: dict[str, Person] = {}
        visible: set[int] = set()  # persons the actor may read (a post in scope): only they are named
        for chunk in bulk.chunks(id_numbers):
            known |= {p.id_number: p for p in Person.objects.filter(id_number__in=chunk)}
            visible |= set(
                access_persons(self.actor).filter(id_number__in=chunk).values_list("pk", flat=True)
            )
        roles: dict[tuple[int, int, str, dt.date], Role] = {}
        person_ids = [p.pk for p in known.values()]
        for chunk in bulk.chunks(person_ids):
            for r in Role.objects.filter(person_id__in=chunk):
                roles[(r.person_id, r.organization_id, r.kind, r.start_on)] = r
        self.new_persons: dict[str, Person] = {}
        self.new_roles: list[tuple[str, Role]] = []
        self.changed_roles: list[Role] = []
        self.conflicts_elsewhere: list[str] = []
        for n, org, person, terms in cleaned:
            existing = known.get(person["id_number"])
            stated_name = ""
            if existing is not None and existing.name != person["name"]:
                if existing.pk in visible:
                    self.error(
                        n,
                        "name",
                        gettext("This ID number is registered as “%(name)s”, not “%(value)s”")
                        % {"name": existing.name, "value": person["name"]},
                    )
                    continue
                # Registered outside the actor's scope: answered exactly like an unknown number (the
                # row is accepted; never the registered name, never a different message). One ID
                # number is one natural person, so the post joins the registered person, but held
                # for an identity check under the name as filed (Role.stated_name): it gives the
                # filer no access to the person and counts for nothing until staff who see both
                # confirm it. The run's audit event notes the mismatch.
                self.conflicts_elsewhere.append(masked_id_number(person["id_number"]))
                stated_name = person["name"]
            if existing is None:
                self.new_persons.setdefault(person["id_number"], Person(**person))
            role = roles.get((existing.pk, org.pk, terms["kind"], terms["start_on"])) if existing else None
            if role is None:
                self.new_roles.append(
                    (person["id_number"], Role(organization=org, stated_name=stated_name, **terms))
                )
                self.created += 1
            elif (terms["end_on"] is not None and role.end_on != terms["end_on"]) or (
                role.stated_name and not stated_name  # filed again under the registered name: settled
            ):
                role.end_on = terms["end_on"] if terms["end_on"] is not None else role.end_on
                if not stated_name:  # a confirmed post stays confirmed; a held one is settled by the name
                    role.stated_name = ""
                self.changed_roles.append(role)
                self.updated += 1
            else:
                self.unchanged += 1
        self.known = known

    def write(self) -> None:
        Person.objects.bulk_create(list(self.new_persons.values()), batch_size=CHUNK)
        by_number = self.known | self.new_persons
        roles = []
        for number, role in self.new_roles:
            role.person = by_number[number]
            roles.append(role)
        Role.objects.bulk_create(roles, batch_size=CHUNK)
        Role.objects.bulk_update(self.changed_roles, ["end_on", "stated_name"], batch_size=CHUNK)

    def audit_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"persons_created": len(self.new_persons)}
        if self.conflicts_elsewhere:
            data["name_mismatch_outside_scope"] = self.conflicts_elsewhere
        return data


class RecordImporter(Importer):
    kind = ImportKind.RECORDS

    def validate(self, rows: Iterable[tuple[int, dict[str, Any]]]) -> None:
        lookups = PreloadedLookups(self.actor)
        pending: list[tuple[int, dict[str, Any]]] = []
        seen: dict[tuple[int, str, str], int] = {}
        for n, row in rows:
            self.total += 1
            try:
                values = clean_record(row, today=self.today, lookups=lookups)
            except FieldErrors as exc:
                self.field_errors(n, exc)
                continue
            keys = bulk.natural_keys(values)
            clash = next((k for k in keys if k in seen), None)
            if clash is not None:
                what = (
                    pgettext("record field", "external id")
                    if clash[1] == "external_id"
                    else pgettext("record field", "document number")
                )
                self.error(
                    n,
                    clash[1],
                    gettext("The %(what)s repeats row %(value)s (one department's %(what2)s cannot repeat)")
                    % {"value": seen[clash], "what": what, "what2": what},
                )
                continue
            for k in keys:
                seen[k] = n
            pending.append((n, values))

        existing = bulk.existing_records(seen)
        source, label = RecordSource.IMPORT.value, actor_label(self.actor)[:150]
        self.new_rows: list[dict[str, Any]] = []
        self.new_ids: list[int] = []
        self.new_persons: list[list[Person]] = []
        for n, values in pending:
            hit = bulk.first_hit(values, existing)
            if hit is None:
                self.new_persons.append(values.pop("persons"))
                self.new_rows.append(bulk.record_row(values, source=source, source_actor=label,
                                                     source_ref=self.run.source_ref))  # fmt: skip
                self.created += 1
            elif hit[2] == bulk.content_of(values):
                self.unchanged += 1
            else:
                field, _rid, _content = hit
                what = (
                    pgettext("record field", "external id")
                    if field == "external_id"
                    else pgettext("record field", "document number")
                )
                self.error(
                    n,
                    field,
                    gettext(
                        "Same %(what)s as an existing record but different content (correct the existing record to change it)"
                    )
                    % {"what": what},
                )

    def write(self) -> None:
        reason = f"批量导入（{self.run.file_name}）"
        self.new_ids = bulk.insert_records(self.new_rows, self.new_persons, actor=self.actor,
                                           channel=self.run.channel, reason=reason, cause=reason)  # fmt: skip

    def audit_data(self) -> dict[str, Any]:
        ids = self.new_ids
        return {"first_id": min(ids) if ids else None, "last_id": max(ids) if ids else None}


IMPORTERS: dict[str, type[Importer]] = {
    ImportKind.ORGANIZATIONS: OrganizationImporter,
    ImportKind.ROLES: RoleImporter,
    ImportKind.RECORDS: RecordImporter,
}


Source = Callable[[], IO[bytes]]
"""Opens the file to import, from its start (it is read twice: once to count, once to check)."""

TICK = 500
"""Rows between two looks at the clock for a progress write."""


def _counted(rows: Iterable[tuple[int, dict[str, Any]]], importer: Importer,
             progress: Progress) -> Iterator[tuple[int, dict[str, Any]]]:  # fmt: skip
    """The rows, with the count of rows checked (and of rows with errors so far) as progress."""
    checked = 0
    for item in rows:
        yield item
        checked += 1
        if checked % TICK == 0:
            progress(rows_checked=checked, error_rows=len(importer.error_rows))
    progress(rows_checked=checked, error_rows=len(importer.error_rows))


def new_run(*, actor: Any, channel: str, kind: str, file_name: str, sha256: str, size: int, dry_run: bool,
            queued: bool = False) -> ImportRun:  # fmt: skip
    """The ImportRun of a file about to be imported: running in this process, or queued for the worker."""
    if kind not in IMPORTERS:
        raise ValueError(f"unknown import kind {kind!r}")
    status, phase = (
        (ImportStatus.QUEUED, ImportPhase.QUEUED) if queued else (ImportStatus.RUNNING, ImportPhase.READING)
    )
    return ImportRun.objects.create(
        kind=kind, file_name=file_name[:255], sha256=sha256, size=size, actor=staff_user_of(actor),
        actor_label=actor_label(actor)[:150], channel=channel, dry_run=dry_run, status=status, phase=phase,
        worker="" if queued else this_worker(), heartbeat_at=None if queued else timezone.now(),
    )  # fmt: skip


def run_import(
    *, actor: Any, channel: str, kind: str, content: bytes | Path, file_name: str, dry_run: bool = False
) -> ImportRun:
    """Import one file of `kind` in this process (the command line; the page queues a background
    task instead: imports.background); returns the finished ImportRun (status, counts, row errors).

    `content` is the file's bytes or its path (read as a stream). Never raises for bad input:
    file-level problems end the run as FAILED with a message.
    """
    end_abandoned_imports()
    if isinstance(content, Path):
        digest, size = _sha256_of_file(content)
        source: Source = lambda: content.open("rb")  # noqa: E731
    else:
        digest, size = hashlib.sha256(content).hexdigest(), len(content)
        data = content
        source = lambda: io.BytesIO(data)  # noqa: E731
    run = new_run(actor=actor, channel=channel, kind=kind, file_name=file_name, sha256=digest, size=size,
                  dry_run=dry_run)  # fmt: skip
    return execute_run(run, actor, source)


def _sha256_of_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def execute_run(run: ImportRun, actor: Any, source: Source) -> ImportRun:
    """Read, check and (unless a dry run) write the file of a running `run`, with progress; every
    valid row is written in ONE transaction, so a run that fails or is killed writes nothing."""
    kind, file_name, channel = run.kind, run.file_name, run.channel
    importer = IMPORTERS[kind](actor, run)
    progress = Progress(run)
    try:
        progress(phase=ImportPhase.READING, force=True)
        read = 0
        with source() as f:  # first pass: the file's own limits, and the total for the progress
            for read, _row in enumerate(read_table(f, file_name, COLUMNS[kind]), start=1):  # noqa: B007
                if read % TICK == 0:
                    progress(rows_read=read)
        progress(phase=ImportPhase.CHECKING, rows_read=read, total_rows=read, force=True)
        with source() as f:
            importer.validate(_counted(read_table(f, file_name, COLUMNS[kind]), importer, progress))
        if importer.errors:
            with source() as f:
                _attach_row_values(importer.errors, read_table(f, file_name, COLUMNS[kind]))
        if not run.dry_run:
            progress(phase=ImportPhase.WRITING, force=True)
            with progress.held(), transaction.atomic():
                importer.write()
                record_event(actor=actor, channel=channel, action=f"import.{kind}", target=run,
                             summary=f"导入 {file_name}：新增 {importer.created}，更新 {importer.updated}，"
                                     f"未变 {importer.unchanged}，错误行 {len(importer.error_rows)}",
                             data={"file_name": file_name, "sha256": run.sha256, "rows": importer.total,
                                   "created": importer.created, "updated": importer.updated,
                                   "unchanged": importer.unchanged, "error_rows": len(importer.error_rows),
                                   **importer.audit_data()})  # fmt: skip
                # The run's outcome commits with its rows: a process killed right after the write
                # must not leave a "running" run that would be ended as "nothing written".
                _finish(run, importer, ImportStatus.PARTIAL if importer.errors else ImportStatus.SUCCEEDED)
                return run
    except ImportFileError as exc:
        run.status, run.message = ImportStatus.FAILED, str(exc)
    except DatabaseError as exc:  # e.g. a record written by someone else since validation
        log.exception("import run %s failed", run.pk)
        run.status, run.message = ImportStatus.FAILED, f"导入失败，未写入任何数据：{exc}"
    except Exception:  # a bug: leave no run "running" forever, then let it surface
        run.status, run.message, run.finished_at = ImportStatus.FAILED, "导入失败：内部错误", timezone.now()
        run.phase = ImportPhase.DONE
        run.save()
        raise
    else:  # a dry run
        _finish(run, importer, ImportStatus.PARTIAL if importer.errors else ImportStatus.SUCCEEDED)
        return run
    _finish(run, importer, run.status)
    return run


def _attach_row_values(errors: list[dict[str, Any]], rows: Iterable[tuple[int, dict[str, Any]]]) -> None:
    """Give the first error of each failed row that row's own values as read (``values``: {field:
    text}), so the error report can repeat the row in the template's columns beside its reasons and
    the user can fix those rows and upload them again. Only the rows whose errors are kept are read
    back (one more pass over the file, stopping after the last of them)."""
    kept = sorted(errors, key=lambda e: e["row"])[: settings.SOCREDIT_IMPORT_MAX_ERRORS_KEPT]
    first: dict[int, dict[str, Any]] = {}
    for e in kept:
        first.setdefault(e["row"], e)
    last = max(first)
    for n, row in rows:
        if n in first:
            first[n]["values"] = {f: _text_of(v) for f, v in row.items() if v not in (None, "")}
        if n >= last:
            break


def _text_of(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _finish(run: ImportRun, importer: Importer, status: str) -> None:
    """Save the run's outcome: status, counts and the row errors kept."""
    run.status = status
    if run.status != ImportStatus.FAILED or importer.total:
        run.total_rows = importer.total
        errors = sorted(importer.errors, key=lambda e: e["row"])
        kept = settings.SOCREDIT_IMPORT_MAX_ERRORS_KEPT
        run.errors = errors[:kept]  # the rest are counted: a file of bad rows must not fill the database
        if len(errors) > kept:
            run.message = (f"共 {len(errors):,} 条错误，只保存并列出前 {kept:,} 条（至第 {errors[kept - 1]['row']} 行）；"
                           "请先更正这些行，再导入其余部分")  # fmt: skip
        run.error_rows = len(importer.error_rows)
        written = run.status != ImportStatus.FAILED  # a failed write was rolled back
        run.created, run.updated, run.unchanged = (
            (importer.created, importer.updated, importer.unchanged) if written else (0, 0, 0)
        )
        if written and not run.dry_run:
            run.rows_written = importer.created + importer.updated
    run.phase = ImportPhase.DONE
    run.finished_at = timezone.now()
    run.save()


def stored_upload(run: ImportRun) -> Path:
    """Where the file of a run uploaded on the page waits for the background worker."""
    return Path(settings.SOCREDIT_IMPORT_UPLOAD_DIR) / f"import-{run.pk}.upload"


IMPORT_STALE_AFTER = dt.timedelta(minutes=30)
"""A run of another host is taken for abandoned after this long without a progress write (the
worker writes one at least every few seconds except while the one write transaction is open; the
file-size limit keeps that to minutes); a run of this host is checked by its process directly."""


def end_abandoned_imports(*, now: dt.datetime | None = None) -> int:
    """导入中断: end every run still "running" whose process was killed (a restart, kill -9, the
    machine going down; the background worker included) as failed, with the reason, and delete its
    stored upload; the import writes in one transaction, so such a run wrote nothing. Called before
    each import and whenever an import's page or the import history is shown."""
    now = now or timezone.now()
    ended = 0
    for run in ImportRun.objects.filter(status=ImportStatus.RUNNING):
        reason = abandonment(run, now=now, stale_after=IMPORT_STALE_AFTER)
        if reason is None:
            continue
        with transaction.atomic():
            # only if still running: another process may be ending it at the same moment
            if not ImportRun.objects.filter(pk=run.pk, status=ImportStatus.RUNNING).update(
                status=ImportStatus.FAILED,
                phase=ImportPhase.DONE,
                finished_at=now,
                message=f"导入中断：{reason}，没有写入任何数据",
            ):
                continue
            stored_upload(run).unlink(missing_ok=True)
            record_event(actor=SystemPrincipal("socredit"), channel="system", action="import.abandoned", target=run,
                         summary=f"导入批次 #{run.pk}（{run.file_name}）中断：{reason}",
                         data={"worker": run.worker})  # fmt: skip
        ended += 1
    return ended
