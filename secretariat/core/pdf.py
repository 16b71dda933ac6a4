"""PDFs from the same templates as the pages, with WeasyPrint (fonts: DejaVu, accents and ñ).

`render_pdf` renders a template in a given language and returns the PDF bytes. Templates
extend `core/pdf/base.html` (header with the organization's name, page numbers in the
footer, A4). The stylesheet is `core/static/core/pdf.css`, read from disk: no network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import slugify

PDF_CSS = Path(__file__).resolve().parent / "static" / "core" / "pdf.css"


def render_pdf(template_name: str, context: dict[str, Any], *, language: str) -> bytes:
    from weasyprint import CSS, HTML  # imported here: heavy, and only needed for PDFs

    with translation.override(language):
        html = render_to_string(template_name, {**context, "pdf_language": language})
    return HTML(string=html, base_url=str(PDF_CSS.parent)).write_pdf(
        stylesheets=[CSS(filename=str(PDF_CSS))]
    )


def pdf_response(content: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{slugify(filename)}.pdf"'
    return response
