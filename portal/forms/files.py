"""A file to upload. What the file may be is the feature's own check (its form's validator):
the kit only says whether a file was chosen."""

from __future__ import annotations

from werkzeug.datastructures import FileStorage
from wtforms import Field


class FileField(Field):
    """One file input; `data` is the chosen FileStorage, or None when no file was chosen
    (browsers send an empty, nameless part then). Its page must post multipart/form-data."""

    def process_data(self, value):
        self.data = None

    def process_formdata(self, valuelist):
        chosen = valuelist[0] if valuelist else None
        self.data = chosen if isinstance(chosen, FileStorage) and chosen.filename else None
