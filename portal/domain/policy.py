"""What a creditor allows without a human: the limits of negotiation, and checks against them."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.domain.money import MoneyError, known_currency, parse_major
from portal.domain.schedules import Frequency, Instalment, schedule, split_by_amount, split_by_count

#: How a person types each setting (set-policy's options, the console's policy form): amounts in
#: major units of the policy's currency, yes or no, whole numbers, and comma-separated lists.
AMOUNTS = ("part_minimum", "instalment_minimum", "down_payment_minimum")
FLAGS = ("part_payments", "settlement", "instalments", "down_payment_required", "small_final_payment")
NUMBERS = (
    "settlement_max_discount_pct",
    "settlement_days",
    "max_instalments",
    "max_duration_days",
    "first_payment_within_days",
    "grace_days",
    "misses_before_broken",
    "hardship_pause_days",
    "contact_limit_7d",
)
LISTS = ("frequencies", "retry_days")

Problem = tuple[str, str]  # (the setting, what is wrong with it)


class PolicyError(ValueError):
    """A policy setting that makes no sense (a discount over 100 %, a negative minimum, ...).

    *problems* names the setting of each reason, so a form can show each beside its field."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()):
        super().__init__(message)
        self.problems: tuple[Problem, ...] = tuple(problems) or (("", message),)

    @classmethod
    def of(cls, problems: Sequence[Problem]) -> PolicyError:
        return cls("; ".join(text for _setting, text in problems), problems)


@dataclass(frozen=True)
class Policy:
    """Amounts are minor units of the policy's currency."""

    currency: str = "USD"
    part_payments: bool = True
    part_minimum: int = 1000
    settlement: bool = True
    settlement_max_discount_pct: int = 20
    settlement_days: int = 30
    instalments: bool = True
    frequencies: tuple[Frequency, ...] = (Frequency.WEEKLY, Frequency.EVERY_TWO_WEEKS, Frequency.MONTHLY)
    instalment_minimum: int = 2500
    max_instalments: int = 24
    max_duration_days: int = 730
    first_payment_within_days: int = 30
    down_payment_required: bool = False
    down_payment_minimum: int = 0
    small_final_payment: bool = True  # may the last instalment be a remainder below the minimum?
    grace_days: int = 3
    retry_days: tuple[int, ...] = field(default=(3, 7))
    misses_before_broken: int = 2
    hardship_pause_days: int = 30  # how long a hardship call-back request pauses reminders
    #: At most this many messages to one person in any 7 days, all channels together.
    contact_limit_7d: int = 3

    def to_dict(self) -> dict:
        data = dataclasses.asdict(self)
        data["frequencies"] = [f.value for f in self.frequencies]
        data["retry_days"] = list(self.retry_days)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Policy:
        values = dict(data)
        if "frequencies" in values:
            values["frequencies"] = tuple(Frequency(f) for f in values["frequencies"])
        if "retry_days" in values:
            values["retry_days"] = tuple(int(d) for d in values["retry_days"])
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in values.items() if k in known})


def validate(policy: Policy) -> list[str]:
    """Every reason the policy is unusable, in plain words; empty when it is fine."""
    return [text for _setting, text in problems_of(policy)]


def problems_of(policy: Policy) -> list[Problem]:
    """Every reason the policy is unusable, each with the setting it is about."""
    problems: list[Problem] = []
    if not 0 <= policy.settlement_max_discount_pct <= 100:
        problems.append(
            ("settlement_max_discount_pct", "settlement_max_discount_pct must be between 0 and 100")
        )
    if policy.settlement and policy.settlement_days < 1:
        problems.append(("settlement_days", "settlement_days must be at least 1"))
    for name in AMOUNTS:
        if getattr(policy, name) < 0:
            problems.append((name, f"{name} cannot be negative"))
    if policy.instalments:
        if not policy.frequencies:
            problems.append(("frequencies", "instalments need at least one frequency"))
        if policy.max_instalments < 2:
            problems.append(("max_instalments", "max_instalments must be at least 2"))
        if policy.max_instalments > 360:
            problems.append(("max_instalments", "max_instalments must be at most 360"))
        if policy.max_duration_days < 7:
            problems.append(("max_duration_days", "max_duration_days must be at least 7"))
        if policy.first_payment_within_days < 0:
            problems.append(("first_payment_within_days", "first_payment_within_days cannot be negative"))
    if policy.grace_days < 0:
        problems.append(("grace_days", "grace_days cannot be negative"))
    if any(d < 1 for d in policy.retry_days) or list(policy.retry_days) != sorted(set(policy.retry_days)):
        problems.append(("retry_days", "retry_days must be increasing whole days, e.g. 3,7"))
    if policy.misses_before_broken < 1:
        problems.append(("misses_before_broken", "misses_before_broken must be at least 1"))
    if not 1 <= policy.hardship_pause_days <= 365:
        problems.append(("hardship_pause_days", "hardship_pause_days must be between 1 and 365"))
    if not 1 <= policy.contact_limit_7d <= 50:
        problems.append(("contact_limit_7d", "contact_limit_7d must be between 1 and 50"))
    return problems


def check_against_balance(policy: Policy, largest_balance: int) -> list[str]:
    """Minimums no account could ever meet are mistakes, not limits."""
    return [text for _setting, text in balance_problems(policy, largest_balance)]


def balance_problems(policy: Policy, largest_balance: int) -> list[Problem]:
    problems: list[Problem] = []
    for name in AMOUNTS:
        if largest_balance and getattr(policy, name) > largest_balance:
            problems.append((name, f"{name} is above the largest balance owed to this creditor"))
    return problems


def read_typed(given: Mapping[str, object], currency: str) -> dict:
    """The settings in *given*, as a person types them, in the policy's own terms.

    None means "not given". Amounts are major units of the given currency, else of *currency*
    (the policy's own); frequencies and retry_days are comma-separated; whole numbers may be text.
    Raises PolicyError naming every value that cannot be read.
    """
    changes: dict = {}
    problems: list[Problem] = []
    typed_currency = given.get("currency")
    if typed_currency:
        currency = str(typed_currency).strip().upper()
        if known_currency(currency):
            changes["currency"] = currency
        else:
            problems.append(("currency", "currency is not a known ISO 4217 code, such as USD"))
    amounts_readable = not problems  # in an unknown currency they cannot be read at all
    for name, value in given.items():
        if value is None or name in ("currency", *LISTS):
            continue
        if name in AMOUNTS:
            if amounts_readable:
                try:
                    changes[name] = parse_major(str(value), currency).minor
                except MoneyError as error:
                    problems.append((name, str(error)))
        elif name in NUMBERS and not isinstance(value, int):
            try:
                changes[name] = int(str(value).strip())
            except ValueError:
                problems.append((name, f"{name} must be a whole number"))
        else:
            changes[name] = value  # yes/no, whole numbers; an unknown name is refused by change
    if given.get("frequencies") is not None:
        try:
            changes["frequencies"] = [
                Frequency(f.strip()).value for f in str(given["frequencies"]).split(",") if f.strip()
            ]
        except ValueError as error:
            problems.append(("frequencies", str(error)))
    if given.get("retry_days") is not None:
        try:
            changes["retry_days"] = [int(d) for d in str(given["retry_days"]).split(",") if d.strip()]
        except ValueError:
            problems.append(("retry_days", "retry_days must be whole days separated by commas, e.g. 3,7"))
    if problems:
        raise PolicyError.of(problems)
    return changes


# --- Offers checked against a policy -------------------------------------------------------


class OutsidePolicy(ValueError):
    """A choice the policy does not allow; *code* says which limit, *limit* its value."""

    def __init__(self, code: str, limit: int | str | None = None):
        super().__init__(code)
        self.code = code
        self.limit = limit


@dataclass(frozen=True)
class Settlement:
    amount: int
    forgiven: int
    pay_by: date


def settlement_offer(policy: Policy, balance: int, today: date) -> Settlement | None:
    """The best settlement the policy allows: the largest discount, rounded in the debtor's favour."""
    if not policy.settlement or policy.settlement_max_discount_pct <= 0 or balance <= 0:
        return None
    forgiven = balance * policy.settlement_max_discount_pct // 100
    if forgiven <= 0:
        return None
    return Settlement(balance - forgiven, forgiven, today + timedelta(days=policy.settlement_days))


def check_part_payment(policy: Policy, balance: int, amount: int) -> None:
    if not policy.part_payments:
        raise OutsidePolicy("part_payments_not_allowed")
    if amount <= 0:
        raise OutsidePolicy("amount_not_positive")
    if amount >= balance:
        raise OutsidePolicy("amount_is_whole_balance", balance)
    if amount < policy.part_minimum:
        raise OutsidePolicy("below_part_minimum", policy.part_minimum)


def build_plan(
    policy: Policy,
    balance: int,
    today: date,
    *,
    frequency: Frequency,
    first_date: date,
    count: int | None = None,
    amount: int | None = None,
    down_payment: int = 0,
) -> list[Instalment]:
    """The schedule for the debtor's choice, or OutsidePolicy naming the limit it breaks.

    A down payment, when there is one, is the first instalment, due on *first_date*.
    """
    if not policy.instalments:
        raise OutsidePolicy("instalments_not_allowed")
    if frequency not in policy.frequencies:
        raise OutsidePolicy("frequency_not_allowed", frequency.value)
    if first_date < today:
        raise OutsidePolicy("first_date_in_past")
    if first_date > today + timedelta(days=policy.first_payment_within_days):
        raise OutsidePolicy("first_date_too_late", policy.first_payment_within_days)
    if (count is None) == (amount is None):
        raise OutsidePolicy("choose_count_or_amount")
    if policy.down_payment_required and down_payment < max(policy.down_payment_minimum, 1):
        raise OutsidePolicy("down_payment_required", policy.down_payment_minimum)
    if down_payment < 0 or down_payment >= balance:
        raise OutsidePolicy("down_payment_invalid", balance)
    rest = balance - down_payment
    smallest_last = 1 if policy.small_final_payment else policy.instalment_minimum
    if count is not None:
        if count < 1:
            raise OutsidePolicy("too_few_instalments", 1)
        if count + (1 if down_payment else 0) > policy.max_instalments:
            raise OutsidePolicy("too_many_instalments", policy.max_instalments)
        if rest // count < policy.instalment_minimum:
            raise OutsidePolicy("below_instalment_minimum", policy.instalment_minimum)
        amounts = split_by_count(rest, count)
    else:
        if amount < policy.instalment_minimum:
            raise OutsidePolicy("below_instalment_minimum", policy.instalment_minimum)
        if -(-rest // amount) > policy.max_instalments + 1:
            raise OutsidePolicy("too_many_instalments", policy.max_instalments)
        amounts = split_by_amount(rest, amount, smallest_last)
        if len(amounts) + (1 if down_payment else 0) > policy.max_instalments:
            raise OutsidePolicy("too_many_instalments", policy.max_instalments)
    body = amounts if policy.small_final_payment is False else amounts[:-1]
    if any(a < policy.instalment_minimum for a in body):
        raise OutsidePolicy("below_instalment_minimum", policy.instalment_minimum)
    if down_payment:
        amounts = [down_payment, *amounts]
    plan = schedule(first_date, frequency, amounts)
    if (plan[-1].due - today).days > policy.max_duration_days:
        raise OutsidePolicy("too_long", policy.max_duration_days)
    return plan
