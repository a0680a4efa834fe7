"""Bringing publications in (``publications/importing.py``, ``manage.py import_outputs``):
round trips of the site's own exports, matching, idempotence and hostile files."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from publications import importing
from publications.models import Publication
from tests.factories import make_publication
from unumn.models import Entry, Institute

pytestmark = pytest.mark.django_db


def snapshot():
    """What a round trip must keep: titles, people, years, series and DOIs."""
    return sorted(
        (
            p.title,
            tuple(c.person.name for c in p.contributions.order_by("order")),
            p.date.year if p.date else None,
            p.container_title,
            p.doi,
        )
        for p in Publication.objects.all()
    )


def run(path, *args):
    out = io.StringIO()
    call_command("import_outputs", str(path), "--institute", "unu-wider", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["bib", "ris", "json"])
def test_a_selection_exported_and_imported_into_an_empty_site_comes_back(client, tmp_path, fmt):
    exported = client.get(f"/catalogue/cite.{fmt}").content.decode()
    before = snapshot()
    Publication.objects.all().delete()
    path = tmp_path / f"export.{fmt}"
    path.write_text(exported)
    output = run(path)
    assert f"{len(before)} new" in output
    assert snapshot() == before
    assert set(Publication.objects.values_list("status", flat=True)) == {Entry.Status.DRAFT}
    wider = Institute.objects.get(slug="unu-wider")
    assert all(list(p.institutes.all()) == [wider] for p in Publication.objects.all())
    # The same file again creates nothing.
    again = run(path)
    assert "0 new" in again and f"{len(before)} duplicate" in again
    assert snapshot() == before


def test_matching_by_doi_isbn_and_folded_title(tmp_path):
    make_publication(title="Réfugiés et migration: une étude", date="2019-01-01", doi="")
    make_publication(title="Something else", doi="10.1234/abc")
    make_publication(title="A book", isbn="978-0-306-40615-7")
    path = tmp_path / "in.csv"
    path.write_text(
        "title,date,doi,isbn,volume\n"
        "REFUGIES ET MIGRATION - une etude,2019,,,\n"  # the same, folded
        "A different title,2020,https://doi.org/10.1234/ABC,,7\n"  # by DOI: fills the volume
        "A book (2nd printing),2001,,0-306-40615-2,\n"  # by ISBN-10
        "Brand new,2021,,,\n"
        "Brand new,2021,,,\n"  # twice in one file
    )
    steps = importing.plan(importing.read(path.read_text(), "csv"))
    assert [s.action for s in steps] == ["duplicate", "update", "duplicate", "new", "duplicate"]
    assert steps[1].fields == {"volume": "7"}
    run(path)
    assert Publication.objects.get(doi="10.1234/abc").volume == "7"
    assert Publication.objects.filter(title="Brand new").count() == 1


def test_people_are_matched_by_name_and_created_once(tmp_path):
    path = tmp_path / "in.json"
    path.write_text(
        json.dumps(
            [
                {"title": "One", "type": "report", "author": [{"family": "Tarp", "given": "Finn"}]},
                {"title": "Two", "type": "report", "author": [{"family": "Ñandú", "given": "Ana"}]},
                {
                    "title": "Three",
                    "type": "report",
                    "author": [{"family": "Nandu", "given": "Ana"}],
                },
            ]
        )
    )
    run(path)
    one, two, three = (Publication.objects.get(title=t) for t in ("One", "Two", "Three"))
    assert one.contributions.get().person.slug == "finn-tarp"
    assert two.contributions.get().person == three.contributions.get().person


def test_bad_records_are_reported_and_the_rest_imported(tmp_path):
    path = tmp_path / "in.bib"
    path.write_text(
        "@article{good, title={A good one}, year={2018}, journal={International Migration}}\n"
        "@book{broken, title = {Never closed\n"
        "@techreport{bad, title={Bad DOI}, year={2018}, doi={not-a-doi}}\n"
        "@misc{nodate, title={Another good one}}\n"
    )
    output = run(path)
    assert "line 2: error" in output and "not BibTeX" in output
    assert "Bad DOI" in output and "A DOI starts with 10." in output
    assert set(Publication.objects.filter(status="draft").values_list("title", flat=True)) == {
        "A good one",
        "Another good one",
    }
    assert Publication.objects.get(title="A good one").container_title == "International Migration"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("junk.ris", b"TY  - JOUR\x00\x01\x02\xff\xfe binary", "not UTF-8"),
        ("junk.ris", b"TY  - JOUR\nTI  - x\x00y\nER  - \n", "binary data"),
        ("list.json", b'{"not": "closed"', "Not CSL-JSON"),
        ("cols.csv", b"name,when\nx,y\n", "needs a header row with a title column"),
        ("empty.bib", b"   ", "No records"),
        ("big.csv", b"title\n" + b"A row that repeats\n" * 1_100_000, "At most 5,000 records"),
    ],
)
def test_hostile_files_get_a_clear_answer_and_change_nothing(tmp_path, name, data, message):
    count = Publication.objects.count()
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError, match=message):
        run(path)
    assert Publication.objects.count() == count


def test_a_dry_run_changes_nothing(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('title,authors,type\nA dry paper,"Doe, Jane",working_paper\n')
    output = run(path, "--dry-run")
    assert "new 'A dry paper'" in output and "nothing changed" in output
    assert not Publication.objects.filter(title="A dry paper").exists()
    run(path)
    paper = Publication.objects.get(title="A dry paper")
    assert paper.publication_type == "working_paper"
    assert paper.contributions.get().person.name == "Jane Doe"


def test_an_unknown_institute_is_refused(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("title\nx\n")
    with pytest.raises(CommandError, match="No institute"):
        call_command("import_outputs", str(path), "--institute", "nowhere")


def test_an_editor_previews_then_imports_in_the_admin(django_user_model):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.editing import client_for, make_user
    from unumn.permissions import INSTITUTE_EDITORS

    editor = make_user(django_user_model, "ed", INSTITUTE_EDITORS, ["unu-gcm"])
    client = client_for(editor)
    page = client.get("/admin/publications/publication/")
    assert b"Import from BibTeX, RIS, CSL-JSON or CSV" in page.content
    form = client.get("/admin/publications/publication/import/")
    institutes = list(
        form.context["form"].fields["institute"].queryset.values_list("slug", flat=True)
    )
    assert institutes == ["unu-gcm"]  # their own institutes only
    csv = b'title,authors,date,doi\nAn imported paper,"Doe, Jane",2019-05,10.9999/imported\n'
    gcm = Institute.objects.get(slug="unu-gcm")
    preview = client.post(
        "/admin/publications/publication/import/",
        {"file": SimpleUploadedFile("list.csv", csv), "institute": gcm.pk, "_preview": "1"},
    )
    assert preview.status_code == 200
    assert [s.action for s in preview.context["steps"]] == ["new"]
    assert not Publication.objects.filter(title="An imported paper").exists()  # not yet
    # Another institute's id, forged: refused on the form.
    wider = Institute.objects.get(slug="unu-wider")
    forged = client.post(
        "/admin/publications/publication/import/",
        {"file": SimpleUploadedFile("list.csv", csv), "institute": wider.pk, "_preview": "1"},
    )
    assert "institute" in forged.context["form"].errors
    done = client.post(
        "/admin/publications/publication/import/",
        {"token": preview.context["token"], "_import": "1"},
    )
    assert done.status_code == 302
    paper = Publication.objects.get(title="An imported paper")
    assert (paper.status, list(paper.institutes.all()), paper.doi) == (
        "draft",
        [gcm],
        "10.9999/imported",
    )
    assert paper.date_label == "May 2019"
    # A spent or unknown token: a message, not a 500.
    again = client.post(
        "/admin/publications/publication/import/", {"token": "nope", "_import": "1"}, follow=True
    )
    assert b"That preview has expired" in again.content
    # Hostile files on the form: a form error.
    for name, data in [("junk.ris", b"\xff\xfe\x00binary"), ("x.csv", b"a,b\n1,2\n")]:
        answer = client.post(
            "/admin/publications/publication/import/",
            {"file": SimpleUploadedFile(name, data), "institute": gcm.pk, "_preview": "1"},
        )
        assert answer.status_code == 200 and answer.context["form"].errors["file"]


def test_importing_needs_the_right_to_add_publications(client, django_user_model):
    from tests.editing import client_for, make_user

    nobody = make_user(django_user_model, "viewer")
    assert client_for(nobody).get("/admin/publications/publication/import/").status_code == 403
    assert client.get("/admin/publications/publication/import/").status_code == 302  # sign in


@pytest.mark.parametrize(
    "item",
    [
        {"title": "Wrong types 1", "issued": "2017", "status": 1, "genre": 1, "URL": 5},
        {"title": "Wrong types 2", "issued": [2017], "ISBN": ["x"], "author": "Smith, J"},
        {"title": "Wrong types 3", "author": ["Smith, J"], "editor": [{"family": 1}]},
        {"title": "Wrong types 4", "issued": {"date-parts": [["x", None]]}, "volume": {"a": 1}},
    ],
)
def test_csl_values_of_the_wrong_type_are_left_out_not_a_crash(tmp_path, item):
    path = tmp_path / "in.json"
    path.write_text(json.dumps([item]))
    assert "1 new" in run(path)
    assert Publication.objects.filter(title=item["title"]).exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("deep.json", "[" * 50_000 + "]" * 50_000, "nested too deep"),
        ("long.json", '[{"title": "x", "volume": ' + "9" * 5000 + "}]", "number too long"),
    ],
)
def test_hostile_json_is_refused_with_a_reason(tmp_path, name, data, message):
    path = tmp_path / name
    path.write_text(data)
    with pytest.raises(CommandError, match=message):
        run(path)


def test_old_mac_line_endings_and_ris_issns(tmp_path):
    csv_path = tmp_path / "mac.csv"
    csv_path.write_bytes(b"title,date\rA Mac paper,2016\rAnother Mac paper,2015\r")
    assert "2 new" in run(csv_path)
    ris_path = tmp_path / "journal.ris"
    ris_path.write_text("TY  - JOUR\nTI  - An article with an ISSN\nSN  - 0020-7985\nER  - \n")
    assert "1 new" in run(ris_path)
    assert Publication.objects.get(title="An article with an ISSN").isbn == ""


def test_an_editor_never_sees_or_changes_another_institutes_publications(django_user_model):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.editing import client_for, make_user
    from unumn.permissions import INSTITUTE_EDITORS

    secret = make_publication(
        title="A WIDER draft", status="draft", doi="10.1234/secret", institutes=None
    )
    secret.institutes.set([Institute.objects.get(slug="unu-wider")])
    editor = make_user(django_user_model, "gcm", INSTITUTE_EDITORS, ["unu-gcm"])
    client = client_for(editor)
    data = json.dumps([{"title": "x", "DOI": "10.1234/secret", "volume": "99"}]).encode()
    gcm = Institute.objects.get(slug="unu-gcm")
    preview = client.post(
        "/admin/publications/publication/import/",
        {"file": SimpleUploadedFile("in.json", data), "institute": gcm.pk, "_preview": "1"},
    )
    [step] = preview.context["steps"]
    assert (step.action, step.match, step.reason) == ("duplicate", None, "already on the site")
    assert b"A WIDER draft" not in preview.content
    client.post(
        "/admin/publications/publication/import/",
        {"token": preview.context["token"], "_import": "1"},
    )
    secret.refresh_from_db()
    assert secret.volume == ""


def test_filling_in_is_an_edit_with_its_history(tmp_path, client):
    from reversion.models import Version

    paper = make_publication(title="To be filled", doi="10.1234/fill")
    page = f"{paper.get_absolute_url()}cite.json"
    assert '"volume"' not in client.get(page).content.decode()
    path = tmp_path / "in.csv"
    path.write_text("title,doi,volume\nTo be filled,10.1234/fill,12\n")
    run(path)
    assert '"volume": "12"' in client.get(page).content.decode()  # the site follows at once
    assert "Filled in from in.csv." in [
        v.revision.comment for v in Version.objects.get_for_object(paper)
    ]
