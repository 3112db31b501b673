"""The error a bad or missing configuration value raises, worded as @datapark/config words it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConfigProblem:
    """One problem with one key: where its value came from, and how to fix it."""

    key: str
    #: ``environment variable DATAPARK_X``, ``endpoints file /path``, ``option``, ``default``.
    source: str
    #: The offending value as shown to the user; a secret is ``<redacted>``.
    shown_value: str
    expected: str
    fix: str


class ConfigError(ValueError):
    """Configuration is missing or invalid. The message lists every problem at once, each
    naming the key, the bad value (never a secret) and the fix.

    >>> print(error)
    Invalid Data Park configuration:
      - postgres.port = "abc" (from environment variable DATAPARK_POSTGRES_PORT): expected a port number.
        Fix: set DATAPARK_POSTGRES_PORT to PostgreSQL port (e.g. 15432), or unset it to use the …
    """

    def __init__(self, problems: list[ConfigProblem], heading: str = "Invalid Data Park configuration"):
        self.problems = tuple(problems)
        super().__init__(
            f"{heading}:\n"
            + "\n".join(
                f"  - {p.key} = {p.shown_value} (from {p.source}): {p.expected}.\n    Fix: {p.fix}"
                for p in problems
            )
        )
