"""Reading bank statement files: ISO 20022 camt.053 and the bank portal's CSV.

Pure functions, no database: bytes in, a `ParsedStatement` out (typed rows, and a list of
problems each naming the line of the file and why). Amounts become integer minor units with
`core.money.to_minor` from `Decimal`, never floats; a credit to the account is positive.

camt.053 (versions 001.02 to 001.08): elements are matched by their local name, whatever
the namespace version. A file with a document type declaration or an entity declaration is
refused before it is parsed (no entity expansion, no external entities).

CSV layout (docs: data/demo/finance/README.md): a header row, then one movement per row;
`;` or `,` between columns; columns named in English or Spanish, in any order:

    date | fecha                      booking date (YYYY-MM-DD, DD/MM/YYYY or DD.MM.YYYY)
    value date | fecha valor          optional
    description | concepto            optional
    reference | referencia            optional
    counterparty | contraparte        optional
    amount | importe | monto          signed (a credit to the account is positive), or
    debit | cargo and credit | abono  two columns (money out, money in)
    currency | moneda                 optional (the bank account's currency otherwise)

The decimal separator ("1.234,56" or "1,234.56") is detected over the whole file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET  # noqa: S405  (refused DTD and entities before parsing)
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from secretariat.core.money import CURRENCIES, to_minor

MAX_LINES = 5000


@dataclass(frozen=True)
class ParsedLine:
    """One movement: `amount` in minor units, positive for money into the account."""

    sequence: int
    booking_date: dt.date
    value_date: dt.date | None
    amount: int
    currency: str
    reference: str = ""
    counterparty: str = ""
    description: str = ""


@dataclass(frozen=True)
class Problem:
    """Something wrong in the file: `line` is the file's line (CSV) or movement (camt.053)
    number, 0 for the file as a whole."""

    line: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


@dataclass(frozen=True)
class ParsedStatement:
    statement_id: str
    currency: str
    starts: dt.date | None
    ends: dt.date | None
    opening_balance: int | None
    closing_balance: int | None
    lines: tuple[ParsedLine, ...]
    problems: tuple[Problem, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def movements(self) -> int:
        return sum(line.amount for line in self.lines)


class FileRefused(ValueError):
    """The file cannot be read at all (hostile, not XML, not a camt.053)."""


# --- camt.053 ---------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(node: ET.Element | None, *path: str) -> ET.Element | None:
    """The first descendant along `path` of local names (namespace ignored)."""
    for name in path:
        if node is None:
            return None
        node = next((c for c in node if _local(c.tag) == name), None)
    return node


def _children(node: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in node if _local(c.tag) == name]


def _text(node: ET.Element | None, *path: str) -> str:
    found = _child(node, *path) if path else node
    return (found.text or "").strip() if found is not None else ""


def _descendants(node: ET.Element | None, name: str) -> Iterator[ET.Element]:
    if node is None:
        return iter(())
    return (n for n in node.iter() if _local(n.tag) == name)


def refuse_hostile_xml(content: bytes) -> None:
    """Refuse a DTD or an entity declaration, and a file that is not UTF-8."""
    head = content.lstrip(b"\xef\xbb\xbf")
    if b"\x00" in head[:200]:
        raise FileRefused(_("The file is not UTF-8 text: camt.053 files are UTF-8."))
    lowered = head.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise FileRefused(
            _("The file declares a document type or entities; it is refused for safety.")
        )


def _date(node: ET.Element | None) -> dt.date | None:
    """`Dt` or `DtTm` under `node` as a date."""
    text = _text(node, "Dt") or _text(node, "DtTm")
    if not text:
        return None
    return dt.date.fromisoformat(text[:10])


def _amount(node: ET.Element | None, indicator: str) -> tuple[int, str]:
    """The `Amt` of `node` in minor units, signed by `CdtDbtInd` (DBIT negative)."""
    amt = _child(node, "Amt")
    if amt is None:
        raise ValueError(_("the amount is missing"))
    currency = (amt.get("Ccy") or "").strip().upper()
    if currency not in CURRENCIES:
        raise ValueError(
            _("the currency %(currency)s is not one the ledger keeps")
            % {"currency": currency or "?"}
        )
    try:
        value = Decimal((amt.text or "").strip())
    except InvalidOperation as exc:
        raise ValueError(_("the amount is not a number")) from exc
    if value < 0:
        raise ValueError(_("the amount is negative; the side is given by CRDT or DBIT"))
    if indicator not in ("CRDT", "DBIT"):
        raise ValueError(_("the credit or debit indicator must be CRDT or DBIT"))
    minor = to_minor(value, currency)
    return (minor if indicator == "CRDT" else -minor), currency


def _balances(stmt: ET.Element) -> dict[str, tuple[int, dt.date | None]]:
    found: dict[str, tuple[int, dt.date | None]] = {}
    for bal in _children(stmt, "Bal"):
        code = _text(bal, "Tp", "CdOrPrtry", "Cd") or _text(bal, "Tp", "CdOrPrtry", "Prtry")
        if code in ("OPBD", "CLBD") and code not in found:
            amount, _currency = _amount(bal, _text(bal, "CdtDbtInd"))
            found[code] = (amount, _date(_child(bal, "Dt")))
    return found


def _party_names(details: ET.Element | None, credit: bool) -> str:
    parties = _child(details, "RltdPties")
    role = _child(parties, "Dbtr" if credit else "Cdtr")
    names = [n.text.strip() for n in _descendants(role, "Nm") if n.text and n.text.strip()]
    return ", ".join(dict.fromkeys(names))


def _entry(ntry: ET.Element, sequence: int) -> ParsedLine:
    amount, currency = _amount(ntry, _text(ntry, "CdtDbtInd"))
    booking = _date(_child(ntry, "BookgDt"))
    if booking is None:
        raise ValueError(_("the booking date is missing"))
    details = _child(ntry, "NtryDtls", "TxDtls")
    end_to_end = _text(details, "Refs", "EndToEndId")
    if end_to_end.upper() == "NOTPROVIDED":
        end_to_end = ""
    reference = end_to_end or _text(ntry, "NtryRef") or _text(ntry, "AcctSvcrRef")
    remittance = " ".join(
        (n.text or "").strip() for n in _descendants(_child(details, "RmtInf"), "Ustrd")
    ).strip()
    return ParsedLine(
        sequence=sequence,
        booking_date=booking,
        value_date=_date(_child(ntry, "ValDt")),
        amount=amount,
        currency=currency,
        reference=reference[:200],
        counterparty=_party_names(details, amount > 0)[:200],
        description=(remittance or _text(ntry, "AddtlNtryInf"))[:500],
    )


def _statement_element(content: bytes) -> ET.Element:
    refuse_hostile_xml(content)
    try:
        root = ET.fromstring(content)  # noqa: S314  (no DTD, no entities: checked above)
    except ET.ParseError as exc:
        raise FileRefused(
            _("The file is not well-formed XML (%(error)s).") % {"error": exc}
        ) from exc
    statements = list(_descendants(_child(root, "BkToCstmrStmt"), "Stmt"))
    if _local(root.tag) != "Document" or not statements:
        raise FileRefused(_("The file is not an ISO 20022 camt.053 bank statement."))
    if len(statements) > 1:
        raise FileRefused(
            _("The file holds %(count)s statements: import one statement per file.")
            % {"count": len(statements)}
        )
    return statements[0]


def parse_camt053(content: bytes) -> ParsedStatement:
    """A camt.053 statement (any version 001.02–001.08). Raises FileRefused for a file that
    cannot be read; a movement that cannot be read is a problem naming its number."""
    stmt = _statement_element(content)
    problems: list[Problem] = []
    warnings: list[str] = []
    lines: list[ParsedLine] = []
    for number, ntry in enumerate(_children(stmt, "Ntry"), start=1):
        status = _text(ntry, "Sts") or _text(ntry, "Sts", "Cd")
        if status and status != "BOOK":
            warnings.append(
                _("Movement %(line)s is not booked (%(status)s) and was left out.")
                % {"line": number, "status": status}
            )
            continue
        try:
            lines.append(_entry(ntry, len(lines) + 1))
        except ValueError as exc:
            problems.append(Problem(number, str(exc)))
    try:
        balances = _balances(stmt)
    except ValueError as exc:
        problems.append(Problem(0, _("A balance cannot be read: %(error)s.") % {"error": exc}))
        balances = {}
    period = _child(stmt, "FrToDt")
    starts = _date_text(_text(period, "FrDtTm") or _text(period, "FrDt"))
    ends = _date_text(_text(period, "ToDtTm") or _text(period, "ToDt"))
    return _finish(
        statement_id=_text(stmt, "Id")[:100],
        currency=_text(stmt, "Acct", "Ccy").upper(),
        starts=starts or (balances["OPBD"][1] if "OPBD" in balances else None),
        ends=ends or (balances["CLBD"][1] if "CLBD" in balances else None),
        opening=balances["OPBD"][0] if "OPBD" in balances else None,
        closing=balances["CLBD"][0] if "CLBD" in balances else None,
        lines=lines,
        problems=problems,
        warnings=warnings,
    )


def _date_text(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _finish(
    *,
    statement_id: str,
    currency: str,
    starts: dt.date | None,
    ends: dt.date | None,
    opening: int | None,
    closing: int | None,
    lines: list[ParsedLine],
    problems: list[Problem],
    warnings: list[str],
) -> ParsedStatement:
    """The statement with its period completed from the lines and its currency checked."""
    currencies = {line.currency for line in lines}
    if not currency and len(currencies) == 1:
        currency = currencies.pop()
    elif currencies - {currency}:
        problems.append(
            Problem(
                0,
                _("Every movement must be in the statement's currency %(currency)s.")
                % {"currency": currency or "?"},
            )
        )
    if len(lines) > MAX_LINES:
        problems.append(
            Problem(0, _("At most %(count)s movements per file.") % {"count": MAX_LINES})
        )
    dates = [line.booking_date for line in lines]
    return ParsedStatement(
        statement_id=statement_id,
        currency=currency,
        starts=starts or (min(dates) if dates else None),
        ends=ends or (max(dates) if dates else None),
        opening_balance=opening,
        closing_balance=closing,
        lines=tuple(lines),
        problems=tuple(problems),
        warnings=tuple(warnings),
    )


# --- CSV --------------------------------------------------------------------------------

COLUMNS = {
    "date": ("date", "booking date", "fecha", "fecha operacion", "fecha de operacion"),
    "value_date": ("value date", "fecha valor"),
    "description": ("description", "concepto", "descripcion"),
    "reference": ("reference", "referencia"),
    "counterparty": ("counterparty", "contraparte"),
    "amount": ("amount", "importe", "monto"),
    "debit": ("debit", "cargo", "cargos"),
    "credit": ("credit", "abono", "abonos"),
    "currency": ("currency", "moneda", "divisa"),
}
_ACCENTS = str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU")


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _header_map(header: list[str]) -> dict[str, int]:
    names = {}
    for index, raw in enumerate(header):
        key = " ".join(raw.strip().lower().translate(_ACCENTS).replace("_", " ").split())
        for column, aliases in COLUMNS.items():
            if key in aliases and column not in names:
                names[column] = index
    return names


def _delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") >= first_line.count(",") else ","


def detect_decimal_separator(values: Iterable[str]) -> str:
    """ "," when the amounts end in a comma and one or two digits ("1.234,56"), else "."."""
    for value in values:
        match = re.search(r"([.,])\d{1,2}$", value.strip())
        if match:
            return match.group(1)
    return "."


def parse_csv_amount(text: str, decimal: str) -> Decimal:
    """A CSV amount with the file's decimal separator; the other one groups thousands."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").replace("'", "")
    thousands = "." if decimal == "," else ","
    cleaned = cleaned.replace(thousands, "").replace(decimal, ".")
    if cleaned.endswith("-"):
        cleaned = "-" + cleaned[:-1]
    if not re.fullmatch(r"[+-]?\d+(\.\d+)?", cleaned):
        raise ValueError(_("“%(value)s” is not an amount") % {"value": text[:40]})
    return Decimal(cleaned)


def parse_csv_date(text: str) -> dt.date:
    value = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()  # noqa: DTZ007  (a date only)
        except ValueError:
            continue
    raise ValueError(
        _("“%(value)s” is not a date (YYYY-MM-DD or DD/MM/YYYY)") % {"value": value[:40]}
    )


def _csv_amount(row: list[str], columns: dict[str, int], decimal: str) -> Decimal:
    def cell(name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    if "amount" in columns:
        return parse_csv_amount(cell("amount"), decimal)
    debit, credit = cell("debit"), cell("credit")
    if debit and credit:
        raise ValueError(_("both a debit and a credit are given"))
    if not debit and not credit:
        raise ValueError(_("the amount is missing"))
    return parse_csv_amount(credit, decimal) if credit else -abs(parse_csv_amount(debit, decimal))


def _csv_line(
    row: list[str], columns: dict[str, int], decimal: str, currency: str, sequence: int
) -> ParsedLine:
    def cell(name: str) -> str:
        index = columns.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    line_currency = (cell("currency") or currency).upper()
    if line_currency not in CURRENCIES:
        raise ValueError(
            _("the currency %(currency)s is not one the ledger keeps")
            % {"currency": line_currency or "?"}
        )
    amount = to_minor(_csv_amount(row, columns, decimal), line_currency)
    if amount == 0:
        raise ValueError(_("the amount is zero"))
    value_date = cell("value_date")
    return ParsedLine(
        sequence=sequence,
        booking_date=parse_csv_date(cell("date")),
        value_date=parse_csv_date(value_date) if value_date else None,
        amount=amount,
        currency=line_currency,
        reference=cell("reference")[:200],
        counterparty=cell("counterparty")[:200],
        description=cell("description")[:500],
    )


def parse_csv(content: bytes, *, currency: str) -> ParsedStatement:
    """A CSV statement in the layout above; `currency` is the bank account's, for files
    without a currency column. Raises FileRefused when the header is not recognized."""
    text = _decode(content)
    first = text.lstrip().split("\n", 1)[0]
    rows = list(csv.reader(io.StringIO(text.lstrip()), delimiter=_delimiter(first)))
    columns = _header_map(rows[0] if rows else [])
    has_amount = "amount" in columns or ("debit" in columns and "credit" in columns)
    if "date" not in columns or not has_amount:
        raise FileRefused(
            _("The CSV header must name a date column and an amount column (or debit and credit).")
        )
    body = [
        (number, row) for number, row in enumerate(rows[1:], start=2) if any(c.strip() for c in row)
    ]
    amount_cells = [
        row[columns[name]]
        for _number, row in body
        for name in ("amount", "debit", "credit")
        if name in columns and columns[name] < len(row) and row[columns[name]].strip()
    ]
    decimal = detect_decimal_separator(amount_cells)
    lines: list[ParsedLine] = []
    problems: list[Problem] = []
    for number, row in body:
        try:
            lines.append(_csv_line(row, columns, decimal, currency, len(lines) + 1))
        except ValueError as exc:
            problems.append(Problem(number, str(exc)))
    return _finish(
        statement_id="",
        currency=currency,
        starts=None,
        ends=None,
        opening=None,
        closing=None,
        lines=lines,
        problems=problems,
        warnings=[],
    )


def parse_statement(content: bytes, *, file_format: str, currency: str) -> ParsedStatement:
    """Either format; FileRefused for a file that cannot be read at all."""
    if file_format == "camt053":
        return parse_camt053(content)
    if file_format == "csv":
        return parse_csv(content, currency=currency)
    raise FileRefused(_("Unknown file format."))
