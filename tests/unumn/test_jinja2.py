"""The Jinja2 environment of the public pages (``unumn/jinja2.py``): Django's escaping and
helpers, Markdown bodies sanitised, and what the test client sees of a page."""

from types import SimpleNamespace

import jinja2
import pytest
from django.http import QueryDict
from django.template import engines
from django.utils.safestring import mark_safe

from tests.factories import make_publication

pytestmark = pytest.mark.django_db


def render(source, **context):
    return engines["jinja2"].from_string(source).render(context)


def test_markdown_bodies_are_sanitised(client):
    entry = make_publication(
        body="Hello <script>alert(1)</script> [x](javascript:alert(1)) **bold**",
        slug="unsafe",
    )
    html = client.get(entry.get_absolute_url()).content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "javascript:" not in html


def test_escaping_is_djangos_and_safe_text_is_left_alone():
    assert render("{{ text }}", text="<a title=\"x\">'&'") == (
        "&lt;a title=&quot;x&quot;&gt;&#x27;&amp;&#x27;"
    )
    assert render("{{ html }}", html=mark_safe("<mark>it's</mark>")) == "<mark>it's</mark>"


def test_regroup_keeps_the_order_it_is_given():
    items = [SimpleNamespace(kind=kind) for kind in "bab"]
    source = "{% for g in items|regroup('kind') %}{{ g.grouper }}{{ g.list|length }} {% endfor %}"
    assert render(source, items=items) == "b1 a1 b1 "


def test_djangos_helpers():
    params = QueryDict("q=x&page=2")
    assert render("{{ querystring(params, page=3) }}", params=params) == "?q=x&amp;page=3"
    assert render("{{ querystring(params, page=None) }}", params=params) == "?q=x"
    assert render("{{ n }} entr{{ n|pluralize('y,ies') }}", n=2) == "2 entries"
    assert render("{{ url('themes:detail', 'diaspora') }}") == "/themes/diaspora/"


def test_a_missing_variable_may_be_tested_but_not_printed():
    assert render("{% if x %}{{ x }}{% endif %}{% if x is defined %}!{% endif %}") == ""
    for source in ["{{ x }}", "{% for y in x %}{% endfor %}"]:
        with pytest.raises(jinja2.UndefinedError):
            render(source)


def test_the_test_client_sees_the_template_and_its_context(client):
    response = client.get("/catalogue/")
    assert [template.name for template in response.templates] == ["unumn/catalogue.html"]
    assert response.context["site_name"]  # from the context processor
    assert response.context["facets"]
