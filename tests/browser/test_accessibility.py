"""axe-core on every page type: no serious or critical violation of WCAG 2.2 AA."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.pages import page_names, page_url

pytestmark = pytest.mark.django_db(transaction=True)

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def serious(page):
    options = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
    violations = Axe().run(page, options=options).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("name", page_names())
def test_page_types_on_a_desktop(page, name):
    page.goto(page_url(name))
    assert serious(page) == []


@pytest.mark.parametrize("name", ["home", "catalogue", "publication", "event", "dataset"])
def test_page_types_on_a_phone(make_page, name):
    phone = make_page(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    phone.goto(page_url(name))
    assert serious(phone) == []
