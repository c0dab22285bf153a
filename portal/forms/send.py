"""The form of a "check your answers" page: its one button, "send", and the security token."""

from __future__ import annotations

from portal.forms.base import FORM_TROUBLE, Form

#: The id of the check page's button, where the error summary links (layouts/check.html).
SEND = "send"


class SendForm(Form):
    """Nothing to answer: only the token is checked, and its trouble links to the button."""

    def error_summary(self) -> list[tuple[str, str]]:
        token = self._fields.get("csrf_token")
        return [(SEND, str(FORM_TROUBLE))] if token is not None and token.errors else []
