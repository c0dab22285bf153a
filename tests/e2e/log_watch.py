"""Everything the portal logs during the e2e run, written to one file and searched for secrets at the end.

The file holds each record as production would write it (level, logger, message, traceback) but with
no timestamp, not even the one werkzeug puts inside its request lines, so a date found in it can only
have come from data. The search looks for secrets of two kinds:

* by shape, whoever they belong to: a magic-link or opt-out token in a path (anything after /l/ or
  /stop/ but "[redacted]"), an email address, a phone number (E.164 or US formats), a card number
  (13 to 19 digits, spaces or dashes allowed, passing the Luhn check);
* exactly, for the people the run created: their dates of birth (ISO, d m yyyy, m d yyyy and the
  day/month/year fields the identity form posts), emails, phone numbers and hardship explanations.

Each line is searched as written and URL-decoded, so "%2Fl%2F<token>" in a query counts too.
"""

from __future__ import annotations

import logging
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

FORMAT = "%(levelname)s in %(module)s [%(name)s]: %(message)s"  # Flask's default, without %(asctime)s

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
# werkzeug writes '127.0.0.1 - - [04/Dec/2026 17:22:28] "GET / HTTP/1.1" 200 -' into the message itself.
_WERKZEUG_TIME = re.compile(r"(\S+ - - )\[\d{2}/\w{3}/\d{4} \d{2}:\d{2}:\d{2}\] ")

SHAPES: dict[str, re.Pattern] = {
    "magic-link token": re.compile(r"/l/(?!\[redacted\])[^\s\"'?#/&<>]+"),
    "opt-out token": re.compile(r"/stop/(?!\[redacted\])[^\s\"'?#/&<>]+"),
    "email address": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"),
    # E.164: a plus, a country code and up to 15 digits in all, with or without separators.
    "phone number (E.164)": re.compile(r"(?<![\w+])\+[1-9](?:[\s.-]?\d){6,14}(?![\d])"),
    # US (NANP): (312) 555-0148, 312-555-0148, 312.555.0148, 312 555 0148, 3125550148, 1-312-555-0148.
    "phone number (US)": re.compile(
        r"(?<![\w+.-])(?:1[\s.-]?)?(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[\s.-]?)[2-9]\d{2}[\s.-]?\d{4}(?![\w])"
    ),
}
_CARD = re.compile(r"(?<![\w.-])\d(?:[ -]?\d){12,18}(?![\w])")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _digits_pattern(number: str) -> str:
    """A regex for these digits with any separators between them (spaces, dots, dashes, brackets)."""
    digits = re.sub(r"\D", "", number)
    return r"(?<!\d)" + r"[\s().-]*".join(digits) + r"(?!\d)"


def date_patterns(born: date) -> list[str]:
    """Every way a date of birth could be written: ISO, d m yyyy and m d yyyy with any separator and
    with or without leading zeros, and the day/month/year fields of the identity form."""
    d, m, y = born.day, born.month, born.year
    day, month = f"0?{d}", f"0?{m}"
    sep = r"[\s/.-]"
    return [
        rf"(?<!\d){y}-{m:02d}-{d:02d}(?!\d)",
        rf"(?<!\d){y}{sep}{month}{sep}{day}(?!\d)",
        rf"(?<!\d){day}{sep}{month}{sep}{y}(?!\d)",
        rf"(?<!\d){month}{sep}{day}{sep}{y}(?!\d)",
        rf"\bday=0?{d}\b(?=.*\bmonth=0?{m}\b)(?=.*\byear={y}\b)",
    ]


@dataclass
class Known:
    """What the run's own accounts hold, to be searched for exactly."""

    births: set[date] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    explanations: set[str] = field(default_factory=set)

    def patterns(self) -> list[tuple[str, re.Pattern]]:
        found = []
        for born in sorted(self.births):
            found += [(f"date of birth {born.isoformat()}", re.compile(p)) for p in date_patterns(born)]
        for email in sorted(self.emails):
            found.append(("email of an account", re.compile(re.escape(email), re.IGNORECASE)))
        for phone in sorted(self.phones):
            if len(re.sub(r"\D", "", phone)) >= 7:
                found.append(("phone of an account", re.compile(_digits_pattern(phone))))
        for text in sorted(self.explanations):
            if len(text.strip()) >= 12:  # a few words at least: short answers would match anything
                found.append(("hardship explanation", re.compile(re.escape(text.strip()))))
        return found


@dataclass
class Finding:
    line_number: int
    kind: str
    match: str
    line: str

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.kind} {self.match!r} in {self.line[:300]!r}"


def search(lines: list[str], known: Known | None = None) -> list[Finding]:
    """Every secret in these log lines, at most one finding per kind per line."""
    exact = (known or Known()).patterns()
    findings: list[Finding] = []
    for number, line in enumerate(lines, 1):
        variants = [line]
        decoded = urllib.parse.unquote_plus(line)
        if decoded != line:
            variants.append(decoded)
        seen: set[str] = set()

        def report(kind: str, match: str, line=line, number=number, seen=seen) -> None:
            if kind not in seen:
                seen.add(kind)
                findings.append(Finding(number, kind, match, line))

        for text in variants:
            for kind, pattern in SHAPES.items():
                for match in pattern.finditer(text):
                    report(kind, match.group())
                    break
            for match in _CARD.finditer(text):
                digits = re.sub(r"\D", "", match.group())
                if 13 <= len(digits) <= 19 and luhn_ok(digits):
                    report("card number", match.group())
                    break
            for kind, pattern in exact:
                match = pattern.search(text)
                if match:
                    report(kind, match.group())
    return findings


class TimelessFormatter(logging.Formatter):
    """The production format without any timestamp: none of its own, none of werkzeug's, no colours."""

    def __init__(self):
        super().__init__(FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        text = _ANSI.sub("", super().format(record))
        if record.name == "werkzeug":
            text = _WERKZEUG_TIME.sub(r"\1", text, count=1)
        return text.rstrip("\n")


class GatedFileHandler(logging.FileHandler):
    """Writes records only while the gate is open (while an e2e test runs), from any thread."""

    def __init__(self, path: Path):
        path.write_text("", encoding="utf-8")
        # Append, so that the handler opens the file again after logging.config closed it (alembic's
        # env.py runs fileConfig, which closes every handler; a closed "w" handler drops records).
        super().__init__(path, mode="a", encoding="utf-8", delay=False)
        self.setFormatter(TimelessFormatter())
        self.setLevel(logging.INFO)
        self.gate = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.gate.is_set():
            super().emit(record)


class LogWatch:
    """Attach a handler to the root logger for the session; collect what to look for; search at the end."""

    #: Loggers that must reach the file at INFO: werkzeug's request log (the access log of the e2e
    #: server) and the portal's own. Others reach it at their level, WARNING by default, as in production.
    INFO_LOGGERS = ("werkzeug", "portal")

    def __init__(self, path: Path):
        self.path = path
        self.known = Known()
        self.handler: GatedFileHandler | None = None
        self.findings: list[Finding] | None = None
        self.lines_searched = 0
        self.portals_served = 0  # live portals whose logs went in the file
        self._levels: dict[str, int] = {}

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handler = GatedFileHandler(self.path)
        for name in self.INFO_LOGGERS:
            self._levels[name] = logging.getLogger(name).level
        self.attach()

    def attach(self) -> None:
        """Put the handler (back) on the root logger and the INFO loggers at INFO.

        Alembic's env.py runs logging.config.fileConfig, which closes every handler and takes them
        all off the root logger: the first app's migrations would silently end the capture."""
        for name in self.INFO_LOGGERS:
            logger = logging.getLogger(name)
            logger.disabled = False
            if logger.level == logging.NOTSET or logger.level > logging.INFO:
                logger.setLevel(logging.INFO)
        root = logging.getLogger()
        if self.handler is not None and self.handler not in root.handlers:
            root.addHandler(self.handler)

    def stop(self) -> None:
        if self.handler is None:
            return
        logging.getLogger().removeHandler(self.handler)
        self.handler.close()
        self.handler = None
        for name, level in self._levels.items():
            logging.getLogger(name).setLevel(level)

    def flush(self) -> None:
        if self.handler is not None:
            self.handler.flush()

    def check(self) -> list[Finding]:
        """Search the file once (later calls return the same findings)."""
        if self.findings is None:
            self.flush()
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
            self.lines_searched = len(lines)
            self.findings = search(lines, self.known)
        return self.findings

    def report(self) -> str:
        findings = self.check()
        shown = "\n".join(str(f) for f in findings[:40])
        more = f"\n... and {len(findings) - 40} more" if len(findings) > 40 else ""
        k = self.known
        searched = (
            f"{len(k.births)} dates of birth, {len(k.emails)} emails, {len(k.phones)} phone numbers and"
            f" {len(k.explanations)} explanations of the run's accounts, and every secret by its shape"
        )
        head = f"{len(findings)} secret(s) in {self.path} ({self.lines_searched} lines"
        return f"{head}; searched for {searched}):\n{shown}{more}"
