"""``{variables}`` in typed text: substitution on the device, masking in logs.

The account's password is substituted only into what is sent to the device. Whatever is
written down (log lines, errors, events) goes through `Secrets.mask`, which replaces
every secret value, wherever it appears, with ``***``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,63}$"
ACCOUNT_VARIABLES = ("email", "password", "nickname")
SECRET_VARIABLES = frozenset({"password"})
MASK = "***"


class MissingVariable(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"the variable {{{name}}} has no value")
        self.name = name


def names(template: str) -> set[str]:
    """The variables `template` uses (ValueError when its braces are malformed)."""
    found = set()
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not re.fullmatch(NAME_PATTERN, name) or spec or conversion:
            raise ValueError(f"{{{name}}} is not a variable name")
        found.add(name)
    return found


def substitute(template: str, values: Mapping[str, str]) -> str:
    out = []
    for literal, name, _, _ in string.Formatter().parse(template):
        out.append(literal)
        if name is not None:
            if name not in values:
                raise MissingVariable(name)
            out.append(values[name])
    return "".join(out)


@dataclass
class Secrets:
    """Values never to be written down."""

    values: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, values: Iterable[str | None]) -> Secrets:
        # Longest first, so a secret containing another is masked whole.
        return cls(sorted({v for v in values if v}, key=len, reverse=True))

    def mask(self, text: str) -> str:
        for value in self.values:
            text = text.replace(value, MASK)
        return text
