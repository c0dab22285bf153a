"""A file to upload: FileField says whether a file was chosen, file_input renders it with its
label, hint, error and what the page puts between them."""

from __future__ import annotations

import io
import re

from werkzeug.datastructures import FileStorage

from tests.forms.forms import UploadForm

FILE_INPUT = '{% from "macros/fields.html" import file_input %}'


def _file(name: str, data: bytes = b"%PDF-1.4") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name, name="upload")


def _input(html: str) -> str:
    return re.search(r'<input class="file-input"[^>]*>', html).group(0)


def test_a_chosen_file_is_the_fields_data(posted):
    form, valid = posted(UploadForm, [("upload", _file("receipt.pdf"))])
    assert valid and form.upload.data.filename == "receipt.pdf"
    assert form.upload.data.stream.read() == b"%PDF-1.4"


def test_no_file_chosen_is_none(posted):
    # Browsers send an empty, nameless part when no file was chosen.
    form, valid = posted(UploadForm, [("upload", _file("", b""))])
    assert valid and form.upload.data is None
    form, valid = posted(UploadForm, [])
    assert valid and form.upload.data is None
    form, valid = posted(UploadForm, [("upload", "not a file")])
    assert valid and form.upload.data is None


def test_a_file_input_has_its_label_hint_and_accepted_kinds(posted, render):
    form, _valid = posted(UploadForm, [])
    html = render(
        FILE_INPUT + '{{ file_input(form.upload, hint_text="A PDF", heading=True, accept=".pdf") }}',
        form=form,
    )
    assert '<label class="label label--heading" for="upload">Your document</label></h1>' in html
    assert '<p class="hint" id="upload-hint">A PDF</p>' in html
    box = _input(html)
    assert 'type="file" id="upload" name="upload" accept=".pdf"' in box
    assert 'aria-describedby="upload-hint"' in box and "aria-invalid" not in box
    assert "error" not in html


def test_a_file_inputs_error_is_beside_it_after_what_the_page_adds(posted, render):
    form, _valid = posted(UploadForm, [])
    form.add_error(form.upload, "The file must be a PDF")
    html = render(
        FILE_INPUT + '{% call file_input(form.upload, hint_text="A PDF", described_by=["upload-added"]) %}'
        '<p id="upload-added">You added: receipt.pdf</p>{% endcall %}',
        form=form,
    )
    assert 'class="form-group form-group--error"' in html
    assert html.index('id="upload-hint"') < html.index('id="upload-added"') < html.index('id="upload-error"')
    box = _input(html)
    assert 'aria-describedby="upload-hint upload-added upload-error"' in box and 'aria-invalid="true"' in box
    assert form.error_summary() == [("upload", "The file must be a PDF")]
