"""Files that entries carry (``unumn/files.py``, ``unumn/downloads.py``): checked by
content when uploaded, downloaded by their stable address with the right headers,
private while their entry is a draft, and shown on the entry's page, in its
JSON-LD, its Scholar tags and the feeds."""

import io
import json
import re
import zipfile

import feedparser
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from tests.editing import client_for, form_data, make_user, url
from tests.factories import make_event, make_publication
from unumn.models import Entry, EntryFile, Person
from unumn.permissions import INSTITUTE_EDITORS

pytestmark = pytest.mark.django_db


def pdf_bytes(pages=2):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def ooxml(main_part):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
            f'ContentType="application/vnd.{main_part}"/></Types>',
        )
        package.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


DOCX = "openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM = "ms-word.document.macroEnabled.main+xml"
CSV = b"country,year,migrants\nGhana,2017,412\nKenya,2017,1084\n"


def zipped(**members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name.replace("_", "."), data)
    return out.getvalue()


def attach(entry, data, name="paper.pdf", **fields):
    file = EntryFile(
        entry=entry, file=ContentFile(data, name=name), **{"label": "Full text", **fields}
    )
    file.full_clean()
    file.save()
    return file


# --- checked by content -------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "extension"),
    [
        (pdf_bytes(), "paper.pdf", "pdf"),
        (pdf_bytes(), "named-wrongly.csv", "pdf"),
        (ooxml(DOCX), "report.docx", "docx"),
        (CSV, "data.csv", "csv"),
        (b"\xef\xbb\xbf" + CSV.replace(b",", b";"), "excel.csv", "csv"),
        (zipped(paper_pdf=pdf_bytes(), data_csv=CSV), "bundle.zip", "zip"),
    ],
)
def test_accepted_files_are_known_by_what_they_hold(data, name, extension):
    file = attach(make_publication(), data, name=name)
    assert file.file_type == extension
    assert file.size == len(data)
    assert file.download_name.endswith(f".{extension}")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"MZ\x90\x00\x03" + bytes(200), "not a file the site accepts"),  # a program
        (b"<html><script>alert(1)</script></html>", "not a file the site accepts"),
        (b"%PDF-1.7\n1 0 obj << /Pages 9 0 R >> trailer", "This PDF could not be read"),
        (ooxml(DOCM), "not a file the site accepts"),  # macros
        (zipped(tool_exe=b"MZ\x90\x00" + bytes(100)), "which is not a file the site accepts"),
        (zipped(inner_zip=zipped(data_csv=CSV)), "which is not a file the site accepts"),
        (b"PK\x03\x04 not really a zip", "damaged"),
        (bytes(300), "not a file the site accepts"),
        (b"", "empty"),
    ],
)
def test_refused_files_say_why(data, message):
    with pytest.raises(ValidationError) as refused:
        attach(make_publication(), data, name="innocent.pdf")
    assert message in str(refused.value.message_dict["file"])
    assert not EntryFile.objects.exists()


def damaged(compression):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        archive.writestr("a.csv", CSV * 50)
    data = bytearray(out.getvalue())
    data[60:70] = b"\xff" * 10  # inside the compressed member
    return bytes(data)


def package_declaring(size):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", b" " * size + DOCX.encode())
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        damaged(zipfile.ZIP_LZMA),
        damaged(zipfile.ZIP_BZIP2),
        damaged(zipfile.ZIP_DEFLATED),
        package_declaring(2 * 1024 * 1024),  # a part that unpacks to megabytes
    ],
)
def test_damaged_or_swollen_archives_are_refused(data):
    with pytest.raises(ValidationError):
        attach(make_publication(), data, name="archive.zip")


def test_crafted_text_is_checked_quickly():
    import time

    started = time.perf_counter()
    with pytest.raises(ValidationError):
        attach(make_publication(), b'",' * 30_000, name="slow.csv")
    assert time.perf_counter() - started < 2  # csv.Sniffer took 20 s on this


def test_the_size_limit_comes_from_the_settings(settings):
    settings.FILE_UPLOAD_MAX_SIZE = 1000
    with pytest.raises(ValidationError) as refused:
        attach(make_publication(), b"a,b\n" * 500, name="big.csv")
    assert "a file may be at most 1000\xa0bytes" in refused.value.message_dict["file"][0]


def test_stored_names_are_random_and_download_names_are_clean():
    one = attach(make_publication(), pdf_bytes(), name="../../etc/passwd.pdf")
    two = attach(make_publication(), pdf_bytes(), name="..\\..\\Rapport final (v2).pdf")
    assert one.download_name == "passwd.pdf"
    assert two.download_name == "rapport-final-v2.pdf"
    assert re.fullmatch(r"files/[A-Za-z0-9_-]{32}\.pdf", one.file.name)
    assert one.file.name != two.file.name
    assert one.pages == 2


def test_one_main_full_text_per_entry():
    entry = make_publication()
    attach(entry, pdf_bytes(), full_text=True)
    with pytest.raises(ValidationError, match="one main full text"):
        attach(entry, pdf_bytes(), full_text=True)


# --- downloads ---------------------------------------------------------------


def test_a_download_says_what_it_is_and_is_never_run(client):
    file = attach(make_publication(), pdf_bytes(), name="Working paper.pdf")
    response = client.get(file.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="working-paper.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["ETag"] == f'"{file.sha256}"'
    assert response["Accept-Ranges"] == "bytes"
    assert "public" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    data = attach(make_publication(), CSV, name="data.csv", label="Data")
    response = client.get(data.get_absolute_url())
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="data.csv"'


def test_downloads_are_counted_once_each(client):
    file = attach(make_publication(), pdf_bytes())
    client.get(file.get_absolute_url())
    client.get(file.get_absolute_url(), headers={"Range": "bytes=0-99"})
    client.get(file.get_absolute_url(), headers={"Range": "bytes=100-"})  # the rest: not again
    client.get(file.get_absolute_url(), headers={"If-None-Match": f'"{file.sha256}"'})
    client.head(file.get_absolute_url())
    file.refresh_from_db()
    assert file.downloads == 2


def test_conditional_get_and_ranges(client):
    data = pdf_bytes(3)
    file = attach(make_publication(), data)
    address, size = file.get_absolute_url(), len(data)
    assert client.get(address, headers={"If-None-Match": f'"{file.sha256}"'}).status_code == 304

    def part(header, **more):
        response = client.get(address, headers={"Range": header, **more})
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return response.status_code, response.get("Content-Range"), body

    assert part("bytes=0-9") == (206, f"bytes 0-9/{size}", data[:10])
    assert part("bytes=10-") == (206, f"bytes 10-{size - 1}/{size}", data[10:])
    assert part("bytes=-5") == (206, f"bytes {size - 5}-{size - 1}/{size}", data[-5:])
    assert part(f"bytes=5-{size * 2}")[:2] == (206, f"bytes 5-{size - 1}/{size}")
    assert part(f"bytes={size}-")[:2] == (416, f"bytes */{size}")
    assert part("bytes=-0")[:2] == (416, f"bytes */{size}")
    # Several ranges, nonsense, or a file that changed since (If-Range): all of it.
    assert part("bytes=0-1,5-6") == (200, None, data)
    assert part("pages=1-2") == (200, None, data)
    assert part("bytes=9-3") == (200, None, data)
    assert part("bytes=" + "9" * 5000 + "-") == (200, None, data)  # not a number we read
    assert part("bytes=-" + "9" * 5000) == (200, None, data)
    assert part("bytes=\u0663-\u0664") == (200, None, data)  # ASCII digits only
    assert part("bytes=0-9", **{"If-Range": '"another"'}) == (200, None, data)
    assert part("bytes=0-9", **{"If-Range": f'"{file.sha256}"'})[0] == 206


def test_a_drafts_files_are_as_private_as_the_draft(client, django_user_model):
    draft = make_publication(status=Entry.Status.DRAFT, institutes=None)
    file = attach(draft, pdf_bytes())
    assert client.get(file.get_absolute_url()).status_code == 404
    editor = make_user(django_user_model, "ed", INSTITUTE_EDITORS, [draft.institutes.first().slug])
    response = client_for(editor).get(file.get_absolute_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    outsider = make_user(django_user_model, "other", INSTITUTE_EDITORS, ["unu-gcm"])
    assert client_for(outsider).get(file.get_absolute_url()).status_code == 404
    # Scheduled is not public yet either.
    scheduled = make_publication()
    scheduled_file = attach(scheduled, pdf_bytes())
    Entry.objects.filter(pk=scheduled.pk).update(publish_at="2999-01-01T00:00:00Z")
    assert client.get(scheduled_file.get_absolute_url()).status_code == 404


def test_addresses_that_are_not_a_file(client):
    file = attach(make_publication(), pdf_bytes(), name="paper.pdf")
    assert client.get(f"/files/{file.pk + 99}/paper.pdf").status_code == 404
    assert client.get("/files/abc/paper.pdf").status_code == 404
    moved = client.get(f"/files/{file.pk}/old-name.pdf")
    assert moved.status_code == 301 and moved["Location"] == file.get_absolute_url()
    assert client.post(file.get_absolute_url()).status_code == 405
    file.file.storage.delete(file.file.name)
    assert client.get(file.get_absolute_url()).status_code == 404


# --- where files show ----------------------------------------------------------


def test_the_entry_page_lists_its_files_for_readers_and_machines(client):
    entry = make_publication(title="Remittances and schooling")
    entry.contributions.create(person=Person.objects.get(slug="finn-tarp"), role="editor")
    attach(entry, pdf_bytes(12), label="Full text", full_text=True)
    attach(entry, CSV, name="data.csv", label="Replication data", language="fr", order=1)
    page = client.get(entry.get_absolute_url())
    html = page.content.decode()
    files = html[html.index('id="files-heading"') :]
    assert "Full text</a>" in files and "PDF, 12 pages," in files
    assert "Replication data</a>" in files and f"CSV data, {len(CSV)}\xa0bytes, French" in files
    full_text = entry.files.get(full_text=True)
    assert (
        f'<meta name="citation_pdf_url" content="http://testserver{full_text.get_absolute_url()}">'
        in html
    )
    assert 'name="citation_author"' not in html  # an editor is not an author
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html).group(1))
    assert [m["encodingFormat"] for m in data["encoding"]] == ["application/pdf"]
    assert [(m["name"], m["inLanguage"]) for m in data["associatedMedia"]] == [
        ("Replication data", "fr")
    ]


def test_an_events_files_are_what_it_is_the_subject_of(client):
    event = make_event()
    attach(event, pdf_bytes(), label="Summary report")
    html = client.get(event.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', html).group(1))
    assert [m["name"] for m in data["subjectOf"]] == ["Summary report"]


def test_feeds_carry_the_files_as_enclosures(client):
    entry = make_publication(title="A paper with files")
    attach(entry, CSV, name="data.csv", label="Data")
    full_text = attach(entry, pdf_bytes(), label="Full text", full_text=True, order=1)
    atom = feedparser.parse(client.get("/catalogue/feed.atom?q=files").content)
    [item] = atom.entries
    assert [link["type"] for link in item.enclosures] == ["application/pdf", "text/csv"]
    assert item.enclosures[0]["href"] == f"http://testserver{full_text.get_absolute_url()}"
    rss = feedparser.parse(client.get("/catalogue/feed.rss?q=files").content)
    assert [link["type"] for link in rss.entries[0].enclosures] == ["application/pdf"]
    data_only = make_publication(title="Only data")
    attach(data_only, CSV, name="data.csv", label="Data")
    rss = feedparser.parse(client.get("/catalogue/feed.rss?q=only+data").content)
    assert rss.entries[0].enclosures == []  # RSS's one enclosure is the full text


# --- the editor's form -----------------------------------------------------------


def test_an_editor_uploads_a_file_in_the_entry_form(django_user_model):
    entry = make_publication()
    editor = make_user(django_user_model, "ed", INSTITUTE_EDITORS, [entry.institutes.first().slug])
    client = client_for(editor)
    data = form_data(client.get(url("change", entry.pk)))
    data.update(
        {
            "files-TOTAL_FORMS": "1",
            "files-0-label": "Full text",
            "files-0-language": "en",
            "files-0-full_text": "on",
            "files-0-order": "0",
            "files-0-file": SimpleUploadedFile("paper.pdf", pdf_bytes(), "application/pdf"),
        }
    )
    response = client.post(url("change", entry.pk), data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][-1].formset.errors
    [file] = entry.files.all()
    assert (file.label, file.file_type, file.full_text) == ("Full text", "pdf", True)
    # A file that is not what it says is refused on the form, and nothing is saved.
    data["files-0-file"] = SimpleUploadedFile("more.pdf", b"MZ\x90\x00", "application/pdf")
    data["files-0-full_text"] = ""
    data["files-TOTAL_FORMS"] = "2"
    data.update(
        {f"files-1-{k}": v for k, v in {"label": "x", "language": "en", "order": "1"}.items()}
    )
    data["files-INITIAL_FORMS"] = "1"
    data["files-0-id"] = str(file.pk)
    data["files-0-entry"] = str(entry.pk)
    data["files-1-file"] = data.pop("files-0-file")
    response = client.post(url("change", entry.pk), data)
    assert response.status_code == 200
    assert "not a file the site accepts" in response.content.decode()
    assert entry.files.count() == 1


def test_two_files_marked_full_text_in_one_form_are_refused(django_user_model):
    entry = make_publication()
    editor = make_user(django_user_model, "ed", INSTITUTE_EDITORS, [entry.institutes.first().slug])
    client = client_for(editor)
    data = form_data(client.get(url("change", entry.pk)))
    data["files-TOTAL_FORMS"] = "2"
    for i in range(2):
        data.update(
            {
                f"files-{i}-label": f"Text {i}",
                f"files-{i}-language": "en",
                f"files-{i}-full_text": "on",
                f"files-{i}-order": str(i),
                f"files-{i}-file": SimpleUploadedFile(f"p{i}.pdf", pdf_bytes(), "application/pdf"),
            }
        )
    response = client.post(url("change", entry.pk), data)
    assert response.status_code == 200
    assert "Mark one file only as the main full text" in response.content.decode()
    assert not entry.files.exists()


def test_files_are_part_of_the_entrys_history(admin_client):
    """What is stored is never deleted with a file's row: reverting or recovering the
    entry brings the file back, and it downloads again."""
    from reversion.models import Version

    from unumn.services import record_version

    entry = make_publication(title="With a file")
    record_version(entry, "Without files.")
    first = Version.objects.get_for_object(entry).first()
    file = attach(entry, pdf_bytes(), label="Full text")
    record_version(entry, "With its file.")
    stored, address = file.file.name, file.get_absolute_url()
    file.delete()
    assert file.file.storage.exists(stored)  # kept
    with_file = Version.objects.get_for_object(entry).first()
    assert with_file.pk != first.pk
    with_file.revision.revert(delete=True)
    [back] = entry.files.all()
    assert back.file.name == stored and admin_client.get(address).status_code == 200
    # A deleted entry, recovered, has its file again.
    entry_id = entry.pk
    Entry.objects.get(pk=entry_id).delete()
    assert not EntryFile.objects.filter(entry_id=entry_id).exists()
    with_file.revision.revert(delete=True)
    assert EntryFile.objects.get(entry_id=entry_id).file.name == stored


def test_moving_the_main_full_text_mark_in_one_save(django_user_model):
    entry = make_publication()
    b = attach(entry, pdf_bytes(), name="b.pdf", label="B", order=1)
    a = attach(entry, pdf_bytes(), name="a.pdf", label="A", order=2, full_text=True)
    editor = make_user(django_user_model, "ed", INSTITUTE_EDITORS, [entry.institutes.first().slug])
    client = client_for(editor)
    data = form_data(client.get(url("change", entry.pk)))
    forms = {data[f"files-{i}-id"]: i for i in range(2)}
    data[f"files-{forms[str(b.pk)]}-full_text"] = "on"
    data.pop(f"files-{forms[str(a.pk)]}-full_text", None)
    response = client.post(url("change", entry.pk), data)
    assert response.status_code == 302
    assert list(entry.files.filter(full_text=True)) == [b]


# --- where files are stored -------------------------------------------------------


def test_a_bucket_is_chosen_by_the_environment():
    import os
    import subprocess
    import sys

    env = {**os.environ, "DEBUG": "1", "AWS_STORAGE_BUCKET_NAME": "unumn-files"}
    env["AWS_S3_ENDPOINT_URL"] = "https://s3.example.org"
    code = "from unumn import settings as s; print(s.STORAGES['default'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert "storages.backends.s3.S3Storage" in out.stdout
    assert "'bucket_name': 'unumn-files'" in out.stdout
    assert "'default_acl': 'private'" in out.stdout


def test_a_bucket_without_boto3_is_a_system_check_error(settings):
    from unumn.checks import check_file_storage

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }
    try:
        import boto3  # noqa: F401
    except ImportError:
        assert [error.id for error in check_file_storage()] == ["unumn.E010"]
    else:
        assert check_file_storage() == []
