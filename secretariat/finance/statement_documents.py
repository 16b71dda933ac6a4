"""How the statements' documents are laid out (documents.py registers them; the worker
builds them in the background):

- `finance.statements`: the statements as a PDF in one language (cover, the four
  statements with their comparatives, notes);
- `finance.statements_xlsx`: the same figures as a workbook, one sheet per statement,
  numbers as numbers with a currency format;
- `finance.audit_package`: one zip for a fiscal year (trial balance, general ledger and bank
  reconciliations as CSV, the statements PDF in Spanish and the XLSX, a README.txt).

An approved set's outputs are built from its frozen figures, never again from the ledger.
"""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from secretariat.core.money import from_minor
from secretariat.core.spreadsheets import neutralise

ZIP_TYPE = "application/zip"
# Sheet names (at most 31 characters in a workbook).
SHEETS = {
    "position": gettext_lazy("Financial position"),
    "performance": gettext_lazy("Financial performance"),
    "changes": gettext_lazy("Changes in net assets"),
    "cash_flow": gettext_lazy("Cash flow"),
}
XLSX_FORMAT = '#,##0.00 "USD";[Red]-#,##0.00 "USD"'


def statements_context(
    *, figures: dict[str, Any], statement_set: Any | None, notes: str = ""
) -> dict[str, Any]:
    """What the PDF and the page share: the tables, the columns, the notes."""
    from secretariat.finance.selectors import statement_tables, statements

    return {
        "figures": figures,
        "statement_set": statement_set,
        "is_draft": statement_set is None or statement_set.state == "draft",
        "tables": statement_tables.statement_tables(figures),
        "columns": statement_tables.column_titles(figures),
        "period": statements.period_label(figures["first_year"], figures["last_year"]),
        "notes": notes,
        "receivables": figures["notes"]["receivables_by_member"],
    }


def statements_pdf_html(
    *, figures: dict[str, Any], statement_set: Any | None, language: str, notes: str = ""
) -> str:
    from secretariat.core.pdf import pdf_html

    context = statements_context(figures=figures, statement_set=statement_set, notes=notes)
    return pdf_html("finance/pdf/statements.html", context, language=language)


def statements_xlsx(
    *, figures: dict[str, Any], statement_set: Any | None, language: str, notes: str = ""
) -> bytes:
    """One sheet per statement, and one for the dues receivable by member."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from secretariat.finance.selectors import statement_tables

    with translation.override(language):
        workbook = Workbook()
        workbook.remove(workbook.active)  # the default empty sheet
        current, comparative = statement_tables.column_titles(figures)
        for table in statement_tables.statement_tables(figures):
            sheet = workbook.create_sheet(str(SHEETS[table.key])[:31])
            sheet.append([table.title])
            sheet["A1"].font = Font(bold=True, size=13)
            sheet.append([_("Amounts in USD"), current, comparative])
            for row in table.rows:
                sheet.append([row.label, _number(row.current), _number(row.comparative)])
                if row.kind != "line":
                    sheet.cell(sheet.max_row, 1).font = Font(bold=True)
                for column in (2, 3):
                    sheet.cell(sheet.max_row, column).number_format = XLSX_FORMAT
            sheet.column_dimensions["A"].width = 58
            sheet.column_dimensions["B"].width = 20
            sheet.column_dimensions["C"].width = 20
        sheet = workbook.create_sheet(_("Dues receivable")[:31])
        sheet.append([_("Member"), current, comparative])
        for row in figures["notes"]["receivables_by_member"]:
            name = neutralise(row["member"])  # a name as imported: never a formula
            sheet.append([name, _number(row["current"]), _number(row["comparative"])])
            for column in (2, 3):
                sheet.cell(sheet.max_row, column).number_format = XLSX_FORMAT
        sheet.column_dimensions["A"].width = 58
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


def _number(minor: int | None) -> Decimal | None:
    return None if minor is None else from_minor(int(minor), "USD")


def audit_package_zip(fiscal_year: Any) -> bytes:
    """The year's audit package: the files the Comptroller and the external auditors read."""
    from secretariat.core.pdf import html_to_pdf
    from secretariat.finance.selectors import audit, statements

    statement_set = audit.year_statement_set(fiscal_year)
    figures = (
        statements.set_figures(statement_set)
        if statement_set is not None
        else statements.statement_figures(first_year=fiscal_year.year, last_year=fiscal_year.year)
    )
    notes = statement_set.notes if statement_set is not None else ""
    pdf = html_to_pdf(
        statements_pdf_html(
            figures=figures, statement_set=statement_set, language="es", notes=notes
        )
    )
    xlsx = statements_xlsx(figures=figures, statement_set=statement_set, language="es", notes=notes)
    readme = render_to_string(
        "finance/audit_package_readme.txt",
        {"fiscal_year": fiscal_year, "statement_set": statement_set},
    )
    buffer = io.BytesIO()
    year = fiscal_year.year
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        archive.writestr(f"trial-balance-{year}.csv", audit.trial_balance_csv(fiscal_year))
        archive.writestr(f"general-ledger-{year}.csv", audit.general_ledger_csv(fiscal_year))
        archive.writestr(
            f"bank-reconciliations-{year}.csv", audit.bank_reconciliations_csv(fiscal_year)
        )
        archive.writestr(f"statements-{year}-es.pdf", pdf)
        archive.writestr(f"statements-{year}.xlsx", xlsx)
    return buffer.getvalue()
