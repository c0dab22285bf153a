"""Import accounts from an uploaded CSV, as `import-accounts` does, for one of the person's
creditors; the result lists every row by line, and the rows not imported can be downloaded.

The result and those rows (which hold personal data) are kept on the server, in the instance
folder under a random name joined to the staff session's id, for a day at most; the browser
only ever sends the random part, checked against a pattern, so no path comes from it.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import secrets
import time
from pathlib import Path
from typing import BinaryIO

from flask import Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.validators import ValidationError

from portal.collector.csv_records import Records
from portal.collector.file_text import ImportFileError, open_text
from portal.collector.import_report import safe_cell
from portal.collector.importer import ImportReport, import_accounts
from portal.console import acting
from portal.console.access import creditors, signed_in, staff
from portal.console.blueprint import bp
from portal.forms.base import Form
from portal.forms.choices import RadiosField
from portal.forms.files import FileField

#: How long a result and its rows not imported are kept.
KEEP_SECONDS = 24 * 60 * 60
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{24}$")
#: The start of an .xlsx (or any zip) file: a common upload that is no CSV at all.
ZIP_MAGIC = b"PK\x03\x04"

ENCODINGS = [
    ("auto", _l("UTF-8, or as the file's byte-order mark says (most files)")),
    ("cp1252", _l("Windows-1252 (a “CSV” saved by older Excel)")),
    ("latin-1", _l("Latin-1 (ISO 8859-1)")),
]


class ImportForm(Form):
    creditor = RadiosField(
        _l("Creditor the accounts are owed to"),
        choices=(),
        required=_l("Choose the creditor the accounts are owed to"),
    )
    file = FileField(_l("CSV file"))
    encoding = RadiosField(
        _l("The file's encoding"),
        choices=ENCODINGS,
        required=_l("Choose the file's encoding"),
        default="auto",
    )

    def validate_file(self, field):
        if field.data is None:
            raise ValidationError(_("Choose the CSV file to import"))


def _form(**kwargs) -> ImportForm:
    mine = creditors()
    if len(mine) == 1:
        kwargs.setdefault("data", {"creditor": mine[0].slug})
    form = ImportForm(**kwargs)
    form.creditor.choices = [(creditor.slug, creditor.name) for creditor in mine]
    return form


def _render_form(form: ImportForm, *, status: int = 200):
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    page = render_template(
        "console/import.html",
        form=form,
        errors=form.error_summary(),
        limit_mb=limit // (1024 * 1024) if limit else None,
    )
    return page, status


# The navigation knows this page as console.import_accounts; the function is named apart from
# the importer it calls.
@bp.route("/import", methods=["GET", "POST"], endpoint="import_accounts")
@signed_in
def import_page():
    _sweep()
    form = _form()
    if not form.is_submitted():
        return _render_form(form)
    if not form.validate():
        return _render_form(form, status=400)
    creditor = next(c for c in creditors() if c.slug == form.creditor.data)
    upload = form.file.data
    encoding = None if form.encoding.data == "auto" else form.encoding.data
    # The upload is read as a stream (the importer's memory stays flat), twice: once to import,
    # once to copy out the rows not imported.
    try:
        with _text(form, upload.stream, encoding) as text:
            if text is None:
                return _render_form(form, status=400)
            report = import_accounts(
                text, actor=acting.actor(), by=staff().email, only_creditor=creditor.slug, keep=None
            )
    except ImportFileError as error:
        form.add_error(form.file, _("Nothing was imported: %(reason)s.", reason=str(error)))
        return _render_form(form, status=400)
    token = secrets.token_urlsafe(18)
    name = Path(upload.filename or "").name[:100]
    _save(token, "json", json.dumps(_result(report, creditor.name, name)))
    upload.stream.seek(0)
    with _text(form, upload.stream, encoding) as text, _saving(token, "csv") as out:
        _rows_not_imported(text, _reasons(report), out)
    flash(_("The file was read and every good row imported; what happened to each row is below."))
    return redirect(url_for("console.import_result", token=token))


@bp.route("/import/<token>")
@signed_in
def import_result(token: str):
    _sweep()
    result = json.loads(_load(token, "json"))
    return render_template("console/import_result.html", result=result, token=token)


@bp.route("/import/<token>/rows-not-imported.csv")
@signed_in
def import_rejected(token: str):
    _sweep()
    body = _load(token, "csv")
    return Response(
        body.encode("utf-8-sig"),  # the mark tells Excel the file is UTF-8
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="rows-not-imported.csv"'},
    )


@bp.errorhandler(413)
def _too_large(error):
    # Raised as the body is read (by the CSRF check or the form), before the page can answer.
    if request.endpoint != "console.import_accounts" or not current_user.is_authenticated:
        return error
    form = _form(formdata=None)
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    form.add_error(
        form.file,
        _(
            "The file is larger than %(mb)s MB, so nothing was imported. Split it into smaller files.",
            mb=limit // (1024 * 1024),
        ),
    )
    return _render_form(form, status=413)


@contextlib.contextmanager
def _text(form: ImportForm, stream: BinaryIO, encoding: str | None):
    """The upload as text to stream; None, with the reason beside the file field, when it is not
    text. The upload itself is left open, to be read again."""
    if stream.read(len(ZIP_MAGIC)) == ZIP_MAGIC:
        form.add_error(
            form.file,
            _(
                "Nothing was imported: this is a spreadsheet workbook, not a CSV file. Save it as "
                "“CSV UTF-8” in your spreadsheet program and upload that file."
            ),
        )
        yield None
        return
    stream.seek(0)
    try:
        text = open_text(stream, encoding)
    except ImportFileError as error:
        # The importer's words name the command's --encoding option; this page has its own.
        where = re.search(r"line \d+", str(error))
        form.add_error(
            form.file,
            _(
                "Nothing was imported: the file is not text in the encoding chosen (%(where)s). Save it "
                "as “CSV UTF-8” in your spreadsheet program, or choose its encoding, and upload it again.",
                where=where.group(0) if where else _("at its start"),
            ),
        )
        yield None
        return
    try:
        yield text
    finally:
        text.detach()


# --- What the result page and the download hold -------------------------------------------


def _result(report: ImportReport, creditor_name: str, file_name: str) -> dict:
    """The report as the result page shows it: lines, accounts and reasons, never a row's values."""
    cleaned = dict(report.cleaned)
    changes = {change.line: change for change in report.changes}
    accepted = []
    for row in report.accepted:
        change = changes.get(row.line)
        accepted.append(
            {
                "line": row.line,
                "outcome": row.outcome,
                "account": row.account,
                "account_id": row.account_id,
                "columns": list(change.columns) if change else [],
                "review": change.review if change else None,
                "cleaned": list(cleaned.get(row.line, ())),
            }
        )
    not_imported = [{"line": line, "kind": "rejected", "reason": reason} for line, reason in report.rejected]
    not_imported += [{"line": line, "kind": "refused", "reason": reason} for line, reason in report.refused]
    return {
        "creditor": creditor_name,
        "file": file_name,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "flagged": report.flagged_count,
        "accepted": accepted,
        "not_imported": sorted(not_imported, key=lambda row: row["line"]),
    }


def _reasons(report: ImportReport) -> dict[int, str]:
    reasons = dict(report.rejected)
    reasons.update((line, f"refused, nothing changed: {reason}") for line, reason in report.refused)
    return reasons


def _rows_not_imported(text, reasons: dict[int, str], out) -> None:
    """The rows not imported as they were in the file, each after its reason.

    The file is read again exactly as the importer reads it, so the lines are the report's.
    The reason comes first, so it heads its column however many values a row has.
    """
    reader = Records(text)
    try:
        header = reader.header()
    except ImportFileError:
        header = []
    column = "import_reason" if "reason" in (name.strip().lower() for name in header) else "reason"
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in [column, *header]])
    for line, values, _reason in reader:
        if line in reasons:
            # A line the importer could not read either has no values; its reason says so.
            writer.writerow([safe_cell(cell) for cell in [reasons[line], *(values or [])]])


# --- Kept on the server for a day ----------------------------------------------------------


def _folder() -> Path:
    """CONSOLE_IMPORTS_FOLDER, else console-imports/ in the instance folder (made on first save)."""
    configured = current_app.config.get("CONSOLE_IMPORTS_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "console-imports"


def _path(token: str, suffix: str) -> Path:
    """The file for *token*, in this staff session's name: another session's token finds nothing."""
    if not _TOKEN.match(token):
        abort(404)
    return _folder() / f"{g.staff_session.id}-{token}.{suffix}"


def _save(token: str, suffix: str, text: str) -> None:
    with _saving(token, suffix) as file:
        file.write(text)


@contextlib.contextmanager
def _saving(token: str, suffix: str):
    """A new file for *token*, open for writing text."""
    # Readable by the portal's own user only: the rows hold names, addresses and amounts owed.
    _folder().mkdir(mode=0o700, parents=True, exist_ok=True)
    handle = os.open(_path(token, suffix), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
        yield file


def _load(token: str, suffix: str) -> str:
    try:
        return _path(token, suffix).read_text(encoding="utf-8")
    except FileNotFoundError:
        abort(404)


def _sweep() -> None:
    """Remove what is older than a day (there is no other clean-up: it runs as imports are used)."""
    folder = _folder()
    if not folder.is_dir():
        return
    oldest = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < oldest:
                path.unlink()
        except FileNotFoundError:
            pass  # another request removed it first
