"""Fields that offer options: radios (choose one) and checkboxes (tick any). Options may come
from a function, read when the form is made (the languages the portal speaks come from config)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from wtforms import Field
from wtforms.validators import StopValidation

Options = Iterable[tuple[str, object]]


class _OptionsField(Field):
    """The options as (value, label), and which option an error is about (`error_value`)."""

    def __init__(
        self,
        label=None,
        validators=None,
        *,
        choices: Options | Callable[[], Options],
        required=None,
        labels_in_own_language: bool = False,
        **kwargs,
    ):
        super().__init__(label, validators, **kwargs)
        self._choices = choices
        #: The error when nothing (or nothing offered) is chosen; None when that is an answer too.
        self.required = required
        #: True when each option names a language in that language (its value is the language).
        self.labels_in_own_language = labels_in_own_language
        #: The option an error is about; the error summary links to it (else to the first).
        self.error_value: str | None = None

    @property
    def choices(self) -> list[tuple[str, object]]:
        return list(self._choices() if callable(self._choices) else self._choices)

    @choices.setter
    def choices(self, choices: Options | Callable[[], Options]) -> None:
        # A form sets its own options when a label depends on the person (the balance they owe).
        self._choices = choices

    def values(self) -> list[str]:
        return [value for value, _label in self.choices]

    def option_id(self, index: int) -> str:
        return f"{self.id}-{index}"

    @property
    def anchor(self) -> str:
        """The option the error is about, or the first option."""
        values = self.values()
        return self.option_id(values.index(self.error_value) if self.error_value in values else 0)

    def checks(self, value: str) -> bool:
        """True if the option *value* shows as chosen or ticked."""
        raise NotImplementedError

    def options(self) -> list[tuple[str, str, object, str | None, bool]]:
        """What the macros render: (id, value, label, language of the label or None, checked)."""
        own = self.labels_in_own_language
        return [
            (self.option_id(i), value, label, value if own else None, self.checks(value))
            for i, (value, label) in enumerate(self.choices)
        ]


class RadiosField(_OptionsField):
    """Choose one. `data` is the value posted (kept even if not offered, so nothing shows as
    chosen); validation refuses anything not offered with the `required` message."""

    def __init__(self, label=None, validators=None, *, required, **kwargs):
        super().__init__(label, validators, required=required, **kwargs)

    def process_formdata(self, valuelist):
        self.data = valuelist[0] if valuelist else None

    def checks(self, value: str) -> bool:
        return self.data == value

    def pre_validate(self, form):
        if self.data not in self.values():
            raise StopValidation(self.required)


class CheckboxesField(_OptionsField):
    """Tick any. `data` is the frozenset of offered values ticked; values not offered are dropped,
    as a stale or tampered page may post them."""

    def process_data(self, value):
        self.data = frozenset(value or ())

    def process_formdata(self, valuelist):
        offered = self.values()
        self.data = frozenset(value for value in valuelist if value in offered)

    def checks(self, value: str) -> bool:
        return value in self.data

    def pre_validate(self, form):
        if self.required is not None and not self.data:
            raise StopValidation(self.required)


class TickField(Field):
    """One box to tick, posted as *value* when ticked; `data` is True or False. With *required*,
    an unticked box is that error (an agreement the next step needs)."""

    def __init__(self, label=None, validators=None, *, value: str = "yes", required=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.value = value
        self.required = required

    def process_data(self, value):
        self.data = bool(value)

    def process_formdata(self, valuelist):
        self.data = self.value in valuelist

    def pre_validate(self, form):
        if self.required is not None and not self.data:
            raise StopValidation(self.required)
