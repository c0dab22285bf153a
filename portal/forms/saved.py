"""Filling a question's form from the answers saved in a draft, so a person who comes back to a
page finds what they answered, checked again as if posted (it may no longer be right)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from werkzeug.datastructures import MultiDict

from portal.forms.base import Form
from portal.forms.fields import DayMonthYearField


def _posted(form: Form, saved: Mapping[str, object]) -> MultiDict:
    """The saved answers as a browser would post them: a date as its three boxes, ticks repeated."""
    pairs = MultiDict()
    for field in form:
        value = saved.get(field.name)
        if value is None:
            continue
        if isinstance(field, DayMonthYearField):
            if isinstance(value, date):
                for part in ("day", "month", "year"):
                    pairs.add(field.part_name(part), str(getattr(value, part)))
        elif isinstance(value, list | tuple | set | frozenset):
            for each in value:
                pairs.add(field.name, str(each))
        else:
            pairs.add(field.name, str(value))
    return pairs


def from_saved(form_class: type[Form], saved: Mapping[str, object], **kwargs) -> Form:
    """*form_class* filled with *saved* (field name: answer; a date as a date, an amount as typed)
    and validated. Only the saved fields keep their errors: a question not answered yet is not
    an error on a page shown, not posted. Nothing is posted, so there is no token to check."""
    blank = form_class(formdata=None, meta={"csrf": False}, **kwargs)
    form = form_class(formdata=_posted(blank, saved), meta={"csrf": False}, **kwargs)
    form.validate()
    for field in form:
        if field.name not in saved:
            field.errors = []
    return form
