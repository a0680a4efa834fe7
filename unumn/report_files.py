"""A report as a PDF (WeasyPrint) and as a Word document (python-docx), both made from
the report's text (``reports.body``: a final report's frozen text, a draft's made now),
so the page, the PDF and the DOCX say the same.

The PDF has a running header, page numbers, a table of contents with page numbers and
links that work. The DOCX has Word's own headings (a section: Heading 1; a kind:
Heading 2), numbered list items for the entries and a bulleted bibliography, so its
parts paste into a compiled UN document with their structure.
"""

import io
from urllib.parse import urljoin

from django.template.loader import render_to_string
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.text.paragraph import Paragraph
from lxml import html as lxml_html

from unumn import reports


def pdf(report, *, base_url, progress=None):
    """The report as PDF bytes; links relative to ``base_url`` (the site)."""
    from weasyprint import HTML  # loads Pango: only when a PDF is asked for

    text = render_to_string(
        "unumn/report_print.html",
        {"report": report, "body": reports.body(report, absolute=lambda p: base_url + p)},
    )
    if progress:
        progress("laying out the pages…")
    document = HTML(string=text, base_url=base_url).render()
    if progress:
        progress(f"{len(document.pages)} pages; writing the PDF…")
    return document.write_pdf()


def docx(report, *, base_url):
    """The report as a Word document's bytes."""
    tree = lxml_html.fragment_fromstring(
        reports.body(report, absolute=lambda p: base_url + p), create_parent="div"
    )
    document = Document()
    document.core_properties.title = report.title
    document.core_properties.author = "United Nations University Migration Network"
    document.add_heading(report.title, level=0)
    if report.audience:
        document.add_paragraph(f"A contribution to the {report.audience}.")
    meta = "United Nations University Migration Network"
    if report.period_label:
        meta += f" · {report.period_label}"
    document.add_paragraph(meta)
    Writer(document, base_url).blocks(tree)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class Writer:
    """Our report HTML, element by element, as Word paragraphs, lists and tables.

    Paragraphs are added to the body's XML directly, before its section properties, with
    their style's id: python-docx's own ``add_paragraph`` and hyperlink relations look
    through everything added before (a report of 2,000 entries took a minute)."""

    HEADINGS = {"h2": "Heading 1", "h3": "Heading 2"}
    STYLES = ("Heading 1", "Heading 2", "List Number", "List Continue", "List Bullet", "Caption")

    def __init__(self, document, base_url):
        self.document, self.base_url = document, base_url + "/"
        self.end = document.element.body.sectPr  # the section's properties close the body
        self.style_ids = {name: document.styles[name].style_id for name in self.STYLES}
        self.links = {}  # address: relationship id

    def paragraph(self, style=None):
        element = OxmlElement("w:p")
        if style:
            element.get_or_add_pPr().style = self.style_ids[style]
        self.end.addprevious(element)
        return Paragraph(element, self.document._body)

    def blocks(self, element):
        for child in element:
            tag, classes = child.tag, (child.get("class") or "").split()
            if tag == "nav":
                continue  # the contents: Word makes its own from the headings
            if tag in self.HEADINGS:
                self.paragraph(self.HEADINGS[tag]).add_run(child.text_content().strip())
            elif tag == "p":
                self.inline(self.paragraph(), child)
            elif tag == "ol" and "report__items" in classes:
                self.items(child)
            elif tag in {"ul", "ol"}:
                style = "List Number" if tag == "ol" else "List Bullet"
                for item in child.iterfind("li"):
                    self.inline(self.paragraph(style), item)
            elif tag == "table":
                self.table(child)
            else:  # div, section
                self.blocks(child)

    def items(self, listing):
        for item in listing.iterfind("li"):
            self.inline(self.paragraph("List Number"), item.find("h4"), bold=True)
            for paragraph in item.iterfind("p"):
                self.inline(self.paragraph("List Continue"), paragraph)

    def table(self, element):
        rows = element.xpath(".//tr")
        width = max(len(row.xpath("./th|./td")) for row in rows)
        caption = element.find("caption")
        if caption is not None:
            self.paragraph("Caption").add_run(caption.text_content().strip())
        table = self.document.add_table(rows=0, cols=width)
        table.style = "Table Grid"
        for row in rows:
            cells = table.add_row().cells
            for cell, source in zip(cells, row.xpath("./th|./td"), strict=False):
                run = cell.paragraphs[0].add_run(source.text_content().strip())
                run.bold = source.tag == "th"

    def inline(self, paragraph, element, *, bold=False, italic=False):
        """The text of ``element`` into ``paragraph``: italics, bold, links kept."""
        if element.text:
            self.run(paragraph, element.text, bold=bold, italic=italic)
        for child in element:
            if child.tag == "a" and child.get("href"):
                self.link(paragraph, child.text_content(), child.get("href"), bold=bold)
            else:
                self.inline(
                    paragraph,
                    child,
                    bold=bold or child.tag in {"b", "strong"},
                    italic=italic or child.tag in {"i", "em", "cite"},
                )
            if child.tail:
                self.run(paragraph, child.tail, bold=bold, italic=italic)

    @staticmethod
    def run(paragraph, text, *, bold=False, italic=False):
        run = paragraph.add_run(" ".join(text.split()) if text.strip() else text)
        run.bold, run.italic = bold or None, italic or None
        return run

    def link(self, paragraph, text, address, *, bold=False):
        """A working hyperlink (python-docx has none of its own: Word's XML for one)."""
        address = urljoin(self.base_url, address)
        if address not in self.links:
            relation = f"rIdLink{len(self.links) + 1}"
            paragraph.part.rels.add_relationship(
                RELATIONSHIP_TYPE.HYPERLINK, address, relation, is_external=True
            )
            self.links[address] = relation
        hyperlink = OxmlElement("w:hyperlink")
        hyperlink.set(qn("r:id"), self.links[address])
        run = self.run(paragraph, text, bold=bold)
        run.font.color.rgb = RGBColor(0x00, 0x57, 0x8A)
        run.font.underline = True
        hyperlink.append(run._r)
        paragraph._p.append(hyperlink)
