"""Jinja2 for the public pages; the admin keeps Django's templates.

The catalogue spent most of its time rendering Django templates; Jinja2 compiles
templates to Python, and the small shared parts (``templates/includes/``) are
macros, called like functions, rather than included templates.

``environment()`` gives templates what they need under the names Django's
templates use: the ``url``, ``static`` and ``querystring`` functions; the
``date``, ``time``, ``pluralize``, ``truncatewords`` and ``urlencode`` filters
(Django's own); and the site's ``markdown`` and ``json_ld`` filters and
``regroup``.

A feature app gives the home page its sections (latest publications, upcoming
events…) with ``register_global(name, function)`` in its ``AppConfig.ready()``,
as it registers its kind: the core never imports a feature app. Apps are ready
before the first template is loaded, which creates the environment.
"""

import functools
import html
import itertools
import json
from collections import namedtuple

import jinja2
import markdown as markdown_lib
import nh3
from django.template import defaultfilters, defaulttags
from django.template.backends import jinja2 as jinja2_backend
from django.templatetags.static import static
from django.test.signals import template_rendered
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

from unumn.reversing import reverse

_globals = {}


def register_global(name, function):
    """Make ``function`` callable as ``name`` in every template."""
    _globals[name] = function


def environment(**options):
    env = jinja2.Environment(
        # Django's escaping (``&#x27;``, ``&quot;``) before Jinja2's, which then leaves the
        # text alone: the pages stay byte for byte what Django's templates made.
        finalize=escape_as_django,
        keep_trailing_newline=True,  # as Django's templates do
        **options,
    )
    env.globals.update(url=url, static=static, querystring=querystring, **_globals)
    env.filters.update(
        date=in_local_time(defaultfilters.date),
        filesizeformat=defaultfilters.filesizeformat,
        time=in_local_time(defaultfilters.time),
        json_ld=json_ld,
        markdown=markdown,
        pluralize=defaultfilters.pluralize,
        regroup=regroup,
        truncatewords=defaultfilters.truncatewords,
        urlencode=defaultfilters.urlencode,
    )
    return env


class Jinja2(jinja2_backend.Jinja2):
    """Django's Jinja2 backend, whose templates tell the test client what they render
    (``response.context``, ``response.templates``), as Django's own templates do."""

    def __init__(self, params):
        super().__init__(params)
        self.env.template_class = Template


class Template(jinja2.Template):
    def render(self, *args, **kwargs):
        # Only the test client listens; with no receiver (in production) sending is
        # the check of an empty list.
        template_rendered.send(sender=self, template=self, context=dict(*args, **kwargs))
        return super().render(*args, **kwargs)


def escape_as_django(value):
    if hasattr(value, "__html__"):
        return value
    return SafeString(html.escape(str(value)))  # as django.utils.html.escape


def url(name, *args, **kwargs):
    return reverse(name, args=args, kwargs=kwargs)


def querystring(params, **changes):
    """``params`` (a QueryDict) with ``changes``, as ``?a=1&b=2``: Django's
    ``{% querystring params page=2 %}``."""
    return defaulttags.querystring(None, params, **changes)


def in_local_time(django_filter):
    """Django's ``date`` or ``time`` filter, shown in the current time zone as in Django's
    templates (which convert a value before a filter that ``expects_localtime``)."""
    return lambda value, arg=None: django_filter(template_localtime(value), arg)


Group = namedtuple("Group", "grouper list")


def regroup(items, attribute):
    """Django's ``{% regroup %}``: runs of items with the same ``attribute`` (a method is
    called; a missing one is None), in the items' order. Jinja2's ``groupby`` would sort
    the groups by their key instead."""

    def key(item):
        value = getattr(item, attribute, None)
        return value() if callable(value) else value

    return [Group(grouper, list(run)) for grouper, run in itertools.groupby(items, key)]


ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol", "p",
    "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}


@functools.lru_cache(maxsize=1024)
def markdown(text):
    """Markdown to HTML, then through the nh3 sanitiser: editors' text can never inject
    script, styles or event handlers into a page. A pure function of the text, so the
    bodies of the pages most read are converted once per process."""
    rendered = markdown_lib.markdown(text or "", extensions=["sane_lists", "tables"])
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 above


JSON_IN_HTML = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data):
    """A ``<script type="application/ld+json">`` block; no text in ``data`` can close it."""
    if not data:
        return ""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(JSON_IN_HTML)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
