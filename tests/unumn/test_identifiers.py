"""ORCID iDs of people and ROR IDs of organisations (``unumn/identifiers.py``): read as
pasted, checked by their check digits, kept in one form, unique, and shown as links on
public pages and as ``sameAs`` in JSON-LD."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import make_organisation, make_person
from tests.unumn.test_structured_data import json_ld
from unumn.identifiers import normalise_orcid, normalise_ror
from unumn.models import Contribution, Entry, Organisation, Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    [
        "0000-0002-1825-0097",
        "0000000218250097",
        "https://orcid.org/0000-0002-1825-0097",
        " http://orcid.org/0000 0002 1825 0097 ",
    ],
)
def test_an_orcid_is_kept_in_one_form(typed):
    assert normalise_orcid(typed) == "0000-0002-1825-0097"


def test_an_orcid_ending_in_x():
    assert normalise_orcid("0000-0002-9079-593x") == "0000-0002-9079-593X"


@pytest.mark.parametrize("typed", ["03vek6s52", "https://ror.org/03vek6s52", "ROR.ORG/03VEK6S52/"])
def test_a_ror_id_is_kept_in_one_form(typed):
    assert normalise_ror(typed) == "03vek6s52"


@pytest.mark.parametrize(
    ("normalise", "typed", "code"),
    [
        (normalise_orcid, "0000-0002-1825-0098", "orcid_checksum"),
        (normalise_orcid, "0000-0002-1825-009", "orcid"),
        (normalise_orcid, "orcid.org/jane", "orcid"),
        (normalise_ror, "03vek6s53", "ror_checksum"),
        (normalise_ror, "13vek6s52", "ror"),
        (normalise_ror, "03vek6s5", "ror"),
        (normalise_ror, "03vik6s52", "ror"),  # i is not a Crockford digit
    ],
)
def test_a_wrong_identifier_is_refused_with_the_reason(normalise, typed, code):
    with pytest.raises(ValidationError) as refused:
        normalise(typed)
    assert refused.value.code == code


def test_the_admin_form_says_what_is_wrong_and_keeps_the_pasted_address(admin_client):
    add = reverse("admin:unumn_person_add")
    data = {"name": "Ama Owusu", "slug": "ama-owusu", "family_name": "Owusu"}
    response = admin_client.post(add, {**data, "orcid": "0000-0002-1825-0098"})
    assert response.status_code == 200
    assert "check digit is wrong" in response.content.decode()
    assert not Person.objects.filter(slug="ama-owusu").exists()
    pasted = "https://orcid.org/0000-0002-1825-0097"
    assert admin_client.post(add, {**data, "orcid": pasted}).status_code == 302
    assert Person.objects.get(slug="ama-owusu").orcid == "0000-0002-1825-0097"

    organisation = reverse("admin:unumn_organisation_add")
    fields = {"name": "Harvard University", "slug": "harvard", "kind": "academic"}
    response = admin_client.post(organisation, {**fields, "ror": "03vek6s53"})
    assert "check digits are wrong" in response.content.decode()
    assert (
        admin_client.post(organisation, {**fields, "ror": "https://ror.org/03vek6s52"}).status_code
        == 302
    )
    assert Organisation.objects.get(slug="harvard").ror == "03vek6s52"


def test_one_identifier_names_one_person():
    make_person(name="Ama Owusu", orcid="0000-0002-1825-0097")
    make_person(name="Kofi Mensah")  # many without one
    make_person(name="Yaw Boateng")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_person(name="Ama Owusu again", orcid="0000-0002-1825-0097")


def test_public_pages_and_json_ld_link_the_identifiers(client):
    entry = Entry.objects.published().filter(kind="publication").first()
    person = make_person(name="Ama Owusu", orcid="0000-0002-1825-0097")
    Contribution.objects.create(entry=entry, person=person, order=99)
    page = client.get(person.get_absolute_url()).content.decode()
    assert 'href="https://orcid.org/0000-0002-1825-0097"' in page
    authors = json_ld(client.get(entry.get_absolute_url()).content.decode())["author"]
    assert {"@type": "Person", "name": "Ama Owusu"}.items() <= next(
        a for a in authors if a["name"] == "Ama Owusu"
    ).items()
    assert next(a for a in authors if a["name"] == "Ama Owusu")["sameAs"] == (
        "https://orcid.org/0000-0002-1825-0097"
    )
    organisation = make_organisation(name="Harvard University", ror="03vek6s52")
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert 'href="https://ror.org/03vek6s52"' in page
