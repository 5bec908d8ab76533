"""The editors' attachment upload form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField


class UploadForm(FlaskForm):
    file = FileField(_l("File"), description=_l("PDF, Word (.docx), Excel (.xlsx), JPEG or PNG, at most 10 MB. "
                                               "Old .doc and .xls files: save them again as .docx, .xlsx or PDF."))


class DeleteForm(FlaskForm):
    """Only the CSRF token: deleting is a POST."""
