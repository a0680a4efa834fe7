"""Backups that are checked: the database (PostgreSQL: ``pg_dump`` custom format;
SQLite: its own online ``.backup``), the uploaded files (a tar archive of MEDIA_ROOT),
and a manifest with what a restore must give back: the rows of every table and a
checksum of the published catalogue (each public entry's id, kind, address, title,
summary and publication time).

``make backup`` / ``make restore BACKUP=folder`` (``manage.py backup`` / ``restore``).
A restore ends with the same counts computed again and compared: a backup that does not
give back what it recorded fails loudly, naming the table.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import time
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.db import connections, transaction
from django.db.utils import load_backend

MANIFEST = "manifest.json"
POSTGRES_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_ARCHIVE = "media.tar.gz"
CHECKSUM_FIELDS = ("pk", "kind", "slug", "title", "summary", "publish_at")


class BackupError(Exception):
    """A backup that cannot be made, read or restored as it says."""


def database_alias(url=None, alias="restore-target"):
    """The connection alias for ``url`` (another database to back up, or a scratch one to
    restore into), or the site's own database."""
    if not url:
        return "default"
    # A connection made here, not a new entry in settings.DATABASES: the site's own
    # aliases stay as configured.
    settings_dict = connections.configure_settings(
        {"default": connections.settings["default"], alias: dj_database_url.parse(url)}
    )[alias]
    _open_connection(alias, settings_dict)
    return alias


def _open_connection(alias, settings_dict):
    """A connection of its own under ``alias`` (this thread's), not an entry in
    settings.DATABASES: the site's own aliases stay as configured."""
    connections[alias] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)


def _pg_env(settings_dict):
    env = {**os.environ, "PGCONNECT_TIMEOUT": str(settings.DB_CONNECT_TIMEOUT)}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _run(command, env, what):
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise BackupError(f"{what} failed: {done.stderr.strip()[-500:]}")
    return done


# --- what a backup must give back ---------------------------------------------------


def table_counts(alias="default"):
    """``{table: rows}`` of every table of the database (the site's and Django's)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = sorted(
            name
            for name in connection.introspection.table_names(cursor)
            # SQLite's full-text index keeps its own shadow tables: counted through it.
            if not (name.startswith("sqlite_") or name.startswith("unumn_entry_fts_"))
        )
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def catalogue_checksum(alias="default"):
    """A SHA-256 of the published catalogue (``CHECKSUM_FIELDS`` of each public entry, in
    id order), and the number of entries it covers."""
    from unumn.models import Entry

    digest, count = hashlib.sha256(), 0
    rows = (
        Entry.objects.using(alias)
        .published()
        .order_by("pk")
        .values_list(*CHECKSUM_FIELDS)
        .iterator(chunk_size=5000)
    )
    for row in rows:
        values = [value.isoformat() if hasattr(value, "isoformat") else value for value in row]
        digest.update(json.dumps(values, ensure_ascii=False).encode())
        count += 1
    return digest.hexdigest(), count


def survey(alias="default"):
    with transaction.atomic(using=alias):
        if connections[alias].vendor == "postgresql":
            with connections[alias].cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = 0")  # a long count is no fault
        checksum, entries = catalogue_checksum(alias)
        return {
            "tables": table_counts(alias),
            "catalogue_sha256": checksum,
            "public_entries": entries,
        }


def differences(expected, found):
    """What a restored database lacks or has more of than the manifest says."""
    problems = []
    for table, rows in sorted(expected["tables"].items()):
        got = found["tables"].get(table)
        if got != rows:
            problems.append(f"table {table}: {rows:,} rows backed up, {got} restored")
    if expected["catalogue_sha256"] != found["catalogue_sha256"]:
        problems.append(
            "the published catalogue differs: "
            f"{expected['public_entries']:,} entries backed up, {found['public_entries']:,} "
            "restored, or their content differs"
        )
    return problems


# --- backing up ---------------------------------------------------------------------


def backup(folder, *, alias="default", progress=print):
    """Write a backup of the database ``alias`` and the uploaded files into ``folder``
    (created); answers the manifest."""
    folder = Path(folder)
    connection = connections[alias]
    if connection.vendor == "sqlite" and connection.in_atomic_block:
        # SQLite's online backup waits for the connection's own write transaction,
        # which would never end: refused instead.
        raise BackupError("a SQLite backup cannot be made inside a transaction")
    folder.mkdir(parents=True, exist_ok=False)
    if connection.vendor == "postgresql":
        manifest = _dump_postgres(connection, folder, progress)
    elif connection.vendor == "sqlite":
        manifest = _survey_made(connection, progress)
        progress("Copying the sqlite database …")
        connection.ensure_connection()
        with sqlite3.connect(folder / SQLITE_COPY) as copy:
            connection.connection.backup(copy, pages=1024, progress=_give_up_when_busy())
    else:
        raise BackupError(f"no backup for {connection.vendor}")
    progress("Archiving the uploaded files …")
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / MEDIA_ARCHIVE, "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname="media")
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))
    progress(
        f"Backup in {folder}: {sum(manifest['tables'].values()):,} rows in "
        f"{len(manifest['tables'])} tables, {manifest['public_entries']:,} public entries."
    )
    return manifest


def _survey_made(connection, progress):
    progress("Counting rows and summing up the published catalogue …")
    return {
        "made_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "vendor": connection.vendor,
        **survey(connection.alias),
    }


def _dump_postgres(connection, folder, progress):
    """The manifest and ``pg_dump`` from one snapshot (a connection of its own, in a
    repeatable-read transaction that exports it), so that what is counted is what is
    dumped while the site goes on writing."""
    alias = f"{connection.alias}-snapshot"
    _open_connection(alias, dict(connection.settings_dict))
    try:
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            manifest = _survey_made(connections[alias], progress)
            progress("Copying the postgresql database …")
            env = _pg_env(connection.settings_dict)
            target = folder / POSTGRES_DUMP
            command = ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}"]
            _run([*command, f"--file={target}"], env, "pg_dump")
        _run(["pg_restore", "--list", str(target)], env, "reading the dump back")
    finally:
        connections[alias].close()
    return manifest


def _give_up_when_busy(seconds=None):
    """A progress callback for SQLite's online backup, which retries for ever while
    another connection writes: the backup fails once it has waited ``seconds`` (the
    database timeout) in a row."""
    seconds = seconds or settings.DB_CONNECT_TIMEOUT * 6
    waited_since = None

    def progress(status, remaining, total):
        nonlocal waited_since
        if status not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            waited_since = None
            return
        now = time.monotonic()
        waited_since = waited_since or now
        if now - waited_since > seconds:
            raise BackupError(f"the database stayed busy for {seconds} s: try again")

    return progress


# --- restoring ----------------------------------------------------------------------


def read_manifest(folder):
    try:
        return json.loads((Path(folder) / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} holds no readable {MANIFEST}: {error}") from error


def restore(folder, *, alias="default", media_root=None, progress=print):
    """Put the backup in ``folder`` back into the database ``alias`` (replacing what it
    holds) and the uploaded files into ``media_root``, then check them against the
    manifest. Raises ``BackupError`` naming what differs."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    connection = connections[alias]
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"a {manifest['vendor']} backup cannot be restored into {connection.vendor}"
        )
    media = Path(media_root or settings.MEDIA_ROOT)
    staging = _unpack_media(folder / MEDIA_ARCHIVE, media, progress)
    try:
        _restore_database(connection, folder, progress)
    except BackupError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    progress("Putting the uploaded files in place …")
    if media.exists():
        shutil.rmtree(media)
    (staging / "media").rename(media)
    shutil.rmtree(staging, ignore_errors=True)
    progress("Checking the restored database against the manifest …")
    problems = differences(manifest, survey(alias))
    if problems:
        raise BackupError("The restore does not match the backup:\n  " + "\n  ".join(problems))
    if alias == "default":
        _new_content_version()
    progress(
        f"Restored and verified: {sum(manifest['tables'].values()):,} rows in "
        f"{len(manifest['tables'])} tables, {manifest['public_entries']:,} public entries "
        f"(catalogue checksum {manifest['catalogue_sha256'][:12]}…)."
    )
    return manifest


def _restore_database(connection, folder, progress):
    progress(f"Restoring the {connection.vendor} database …")
    if connection.vendor == "postgresql":
        dump = folder / POSTGRES_DUMP
        if not dump.exists():
            raise BackupError(f"{dump} is missing")
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(dump),
            ],
            _pg_env(connection.settings_dict),
            "pg_restore",
        )
    else:
        copy = folder / SQLITE_COPY
        if not copy.exists():
            raise BackupError(f"{copy} is missing")
        connection.ensure_connection()
        try:
            with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as source:
                # Checked before anything is replaced.
                (verdict,) = source.execute("PRAGMA quick_check").fetchone()
                if verdict != "ok":
                    raise sqlite3.DatabaseError(verdict)
                source.backup(connection.connection)
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{copy} cannot be read: {error}") from error


def _unpack_media(archive_path, media, progress):
    """The archive unpacked into a folder beside ``media`` (answered), before anything is
    replaced: a damaged archive leaves the current files, and the database, as they were."""
    progress("Unpacking the uploaded files …")
    if not archive_path.exists():
        raise BackupError(f"{archive_path} is missing")
    staging = media.parent / f".{media.name}-restoring"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(staging, filter="data")
    except (OSError, tarfile.TarError, EOFError) as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BackupError(f"{archive_path} cannot be read: {error}") from error
    (staging / "media").mkdir(exist_ok=True)
    return staging


def _new_content_version():
    """Every page and derived figure kept for the content before the restore is stale,
    on every host: a new content version (and the shared cache's copy dropped)."""
    from django.core.cache import cache

    from unumn import versions

    versions.bump()
    cache.delete(versions.CACHE_KEY)
