"""axe-core on every page type: no serious or critical violation of WCAG 2.2 AA."""

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.django_db(transaction=True)

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
PAGES = {
    "home": "/",
    "institutes": "/institutes/",
    "institute": "/institutes/unu-wider/",
    "themes": "/themes/",
    "theme": "/themes/diaspora/",
    "catalogue": "/catalogue/?theme=diaspora",
    "catalogue with no results": "/catalogue/?q=zzzzqqq",
    "catalogue search": "/catalogue/?q=refugees",
    "publications": "/publications/",
    "events": "/events/",
    "project": "/projects/cd4d-impact-evaluation/",
    "publication": "/publications/migration-governance-global-south/",
    "event": "/events/wider-development-conference-migration-mobility-2017/",
    "person": "/people/rachel-gisselquist/",
    "not found": "/no-such-page/",
    "admin login": "/admin/login/",
}


def serious(page):
    options = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
    violations = Axe().run(page, options=options).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("name", PAGES)
def test_page_types_on_a_desktop(page, name):
    page.goto(PAGES[name])
    assert serious(page) == []


@pytest.mark.parametrize("name", ["home", "catalogue", "publication", "event"])
def test_page_types_on_a_phone(make_page, name):
    phone = make_page(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    phone.goto(PAGES[name])
    assert serious(phone) == []
