"""``manage.py backup`` and ``restore`` (unumn/backup.py): a backup restored into another
database gives back every table's rows, the published catalogue and the uploaded
files, and searches find there what they found here; a backup that does not match its
manifest, or a wrong one, is refused with the reason. On both databases."""

import io
import json
import subprocess
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from tests.factories import make_person, make_publication
from unumn.backup import (
    MANIFEST,
    MEDIA_ARCHIVE,
    POSTGRES_DUMP,
    SQLITE_COPY,
    catalogue_checksum,
    survey,
)
from unumn.models import Entry

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def scratch_database(tmp_path):
    """An empty database of the same engine to restore into."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    settings_dict = connection.settings_dict
    name = f"restore_{uuid.uuid4().hex[:12]}"
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or "5432"
    user = settings_dict["USER"] or "postgres"
    subprocess.run(["createdb", "-h", host, "-p", str(port), "-U", user, name], check=True)
    yield f"postgres://{user}@{host}:{port}/{name}"
    connections["restore-target"].close()
    subprocess.run(
        ["dropdb", "--if-exists", "--force", "-h", host, "-p", str(port), "-U", user, name],
        check=True,
    )


@pytest.fixture
def source_database(tmp_path):
    """The database to back up: the test database itself on PostgreSQL (``pg_dump``
    reads what is committed: the seeded content); on SQLite, where an online backup
    cannot read a connection that is inside a transaction, as the test's transaction
    sees it, copied into a file."""
    if connection.vendor != "sqlite":
        yield None
        return
    copy = tmp_path / "source.sqlite3"
    connection.ensure_connection()
    copy.write_bytes(connection.connection.serialize())
    yield f"sqlite:///{copy}"
    connections["backup-source"].close()


def quiet():
    return io.StringIO()


def restore(folder, stdout=None, **options):
    call_command("restore", str(folder), yes=True, stdout=stdout or quiet(), **options)


@pytest.fixture
def uncommitted_content():
    if connection.vendor == "sqlite":  # copied into the database backed up
        make_publication(title="Remittances to Tajikistan")
        make_person(name="Zarina Jalilova", slug="zarina-jalilova")


def test_a_backup_restored_elsewhere_gives_everything_back(
    tmp_path, uncommitted_content, source_database, scratch_database, settings
):
    media = tmp_path / "media"
    (media / "reports").mkdir(parents=True)
    (media / "reports" / "brief.pdf").write_bytes(b"%PDF-1.4 a policy brief")
    settings.MEDIA_ROOT = media
    folder = tmp_path / "backup"
    out = quiet()
    call_command("backup", out=str(folder), database_url=source_database, stdout=out)
    assert "Counting rows" in out.getvalue()  # progress as it goes
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["tables"]["unumn_entry"] >= Entry.objects.count() - 1
    assert (folder / (POSTGRES_DUMP if connection.vendor == "postgresql" else SQLITE_COPY)).exists()

    restored_media = tmp_path / "restored-media"
    out = quiet()
    restore(folder, database_url=scratch_database, media_root=str(restored_media), stdout=out)
    assert "Restored and verified" in out.getvalue()
    assert survey("restore-target") == {key: manifest[key] for key in survey("restore-target")}
    assert (restored_media / "reports" / "brief.pdf").read_bytes() == b"%PDF-1.4 a policy brief"
    # The search index came back with the rows (SQLite's full-text table is counted in
    # the manifest); on PostgreSQL a search finds there what it finds here (the dump holds
    # what was committed: the seeded content).
    if connection.vendor == "postgresql":
        here = set(Entry.objects.search("migration").values_list("pk", flat=True))
        found = Entry.objects.using("restore-target").search("migration")
        assert here & set(found.values_list("pk", flat=True)) == set(
            found.values_list("pk", flat=True)
        )
        assert found.exists()


def test_a_restore_that_does_not_match_its_manifest_is_refused(
    tmp_path, source_database, scratch_database
):
    folder = tmp_path / "backup"
    call_command("backup", out=str(folder), database_url=source_database, stdout=quiet())
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["tables"]["unumn_entry"] += 1
    manifest["catalogue_sha256"] = "0" * 64
    (folder / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(CommandError) as refused:
        restore(folder, database_url=scratch_database)
    assert "table unumn_entry" in str(refused.value)
    assert "published catalogue differs" in str(refused.value)


def test_a_damaged_or_missing_backup_is_refused_with_the_reason(
    tmp_path, source_database, scratch_database
):
    folder = tmp_path / "backup"
    call_command("backup", out=str(folder), database_url=source_database, stdout=quiet())
    copy = folder / (POSTGRES_DUMP if connection.vendor == "postgresql" else SQLITE_COPY)
    copy.write_bytes(copy.read_bytes()[:2000])
    with pytest.raises(CommandError):
        restore(folder, database_url=scratch_database)
    with pytest.raises(CommandError, match="no readable manifest.json"):
        call_command("restore", str(tmp_path / "nothing"), yes=True, stdout=quiet())


def test_a_damaged_file_archive_leaves_the_files_and_the_database_as_they_were(
    tmp_path, source_database, scratch_database
):
    folder = tmp_path / "backup"
    call_command("backup", out=str(folder), database_url=source_database, stdout=quiet())
    (folder / MEDIA_ARCHIVE).write_bytes(b"\x1f\x8b not really gzip")
    media = tmp_path / "media-now"
    media.mkdir()
    (media / "kept.pdf").write_bytes(b"%PDF-1.4 kept")
    with pytest.raises(CommandError, match="media.tar.gz cannot be read"):
        restore(folder, database_url=scratch_database, media_root=str(media))
    assert (media / "kept.pdf").read_bytes() == b"%PDF-1.4 kept"
    assert not connections["restore-target"].introspection.table_names()  # untouched


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's online backup")
def test_a_sqlite_backup_inside_a_transaction_is_refused_not_left_waiting(tmp_path):
    with pytest.raises(CommandError, match="inside a transaction"):
        call_command("backup", out=str(tmp_path / "backup"), stdout=quiet())
    assert not (tmp_path / "backup").exists()


def test_a_restore_asks_to_be_confirmed(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(tmp_path), stdout=quiet())


def test_the_checksum_follows_the_published_catalogue():
    before = catalogue_checksum()
    entry = Entry.objects.filter(status=Entry.Status.PUBLISHED).first()
    Entry.objects.filter(pk=entry.pk).update(title=entry.title + " (revised)")
    after = catalogue_checksum()
    assert after[1] == before[1]
    assert after[0] != before[0]
