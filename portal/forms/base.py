"""The base of every portal form: Flask-WTF's CSRF check, and errors as the pages show them."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field

#: Shown when the form's security token is missing or stale (CSRFProtect usually answers first).
FORM_TROUBLE = _l("Something went wrong with the form. Please try again.")


def anchor_of(field: Field) -> str:
    """The id the error summary links to for *field* (a kit field may point at one of its inputs)."""
    return getattr(field, "anchor", field.id)


class Form(FlaskForm):
    """A question's form. After `validate`, each field shows its first error beside it, and
    `error_summary` lists those errors in field order, linked to the fields."""

    class Meta:
        def wrap_formdata(self, form, formdata):
            wrapped = super().wrap_formdata(form, formdata)
            # Flask-WTF reads a post with no fields as no post, and the fields would keep their
            # starting values; but nothing ticked is an answer ("stop using none of them").
            if wrapped is None and formdata is not None and form.is_submitted():
                return request.form
            return wrapped

    def _question_fields(self) -> list[Field]:
        return [field for field in self if field.name != "csrf_token"]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        token = self._fields.get("csrf_token")
        questions = self._question_fields()
        if token is not None and token.errors and questions:
            # Nothing posted with a bad token is read, so say only that, by the first question.
            for field in questions:
                field.errors = []
            token.errors = []
            self.add_error(questions[0], FORM_TROUBLE)
        return valid

    def add_error(self, field: Field, message, *, value: str | None = None) -> None:
        """Note an error found after the form's own checks (a wrong answer, a refused change).
        *value* names the option of a radio or checkbox field the error is about."""
        if value is not None:
            field.error_value = value
        field.errors = [*field.errors, message]

    def error_summary(self) -> list[tuple[str, str]]:
        """(field anchor, message) for each field with an error, its first one, in field order."""
        return [(anchor_of(field), str(field.errors[0])) for field in self._question_fields() if field.errors]
