"""PDFs from the same templates as the pages, with WeasyPrint (fonts: DejaVu, accents and ñ).

A PDF is built in two steps: `pdf_html` renders a template in a given language (cheap), and
`html_to_pdf` lays it out (hundreds of milliseconds: the worker does it, decision 0006).
`pdf_version` names what the PDF would contain, so a page asks for that version
(`core.services.documents.document_request`) and gets it built once. Templates extend
`core/pdf/base.html` (header with the organization's name, page numbers in the footer, A4).
The stylesheet is `core/static/core/pdf.css`, read from disk: no network.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

PDF_CSS = Path(__file__).resolve().parent / "static" / "core" / "pdf.css"


def pdf_html(template_name: str, context: dict[str, Any], *, language: str) -> str:
    """The HTML a PDF is laid out from, rendered in `language`."""
    with translation.override(language):
        return render_to_string(template_name, {**context, "pdf_language": language})


def html_to_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML  # imported here: heavy, and only needed for PDFs

    return HTML(string=html, base_url=str(PDF_CSS.parent)).write_pdf(
        stylesheets=[CSS(filename=str(PDF_CSS))]
    )


def render_pdf(template_name: str, context: dict[str, Any], *, language: str) -> bytes:
    return html_to_pdf(pdf_html(template_name, context, language=language))


@cache
def _stylesheet_digest() -> bytes:
    return hashlib.sha256(PDF_CSS.read_bytes()).digest()


def pdf_version(html: str) -> str:
    """A name for what a PDF of this HTML contains: the same HTML and stylesheet, the same
    version (the document is not built again); any change, a new one."""
    return hashlib.sha256(_stylesheet_digest() + html.encode("utf-8")).hexdigest()[:32]
