"""Text that goes into a CSV file people open in a spreadsheet program.

A cell that starts with =, +, -, @ (or a tab or carriage return, which some programs skip
before reading the formula) is run as a formula: a name typed into a form could call out or
change other cells (CSV or formula injection, OWASP). Every CSV the portal writes passes its
cells through safe_cell, which makes such a cell plain text with a leading apostrophe.
"""

import csv
import io

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(rows, filename):
    """A CSV download: every cell through safe_cell, and a byte-order mark so that spreadsheet
    programs read the Chinese text as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
