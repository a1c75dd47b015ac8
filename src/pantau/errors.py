"""One exception tree for pantau.

Every error pantau raises on purpose derives from :class:`PantauError`; callers that translate
errors for a user (CLI, web) catch that and print its message. The tree::

    PantauError
    ├── ConfigError                 settings missing, unsafe or contradictory
    ├── StoreError                  database unreachable, migration state wrong
    ├── InputRejected               bad user input (file, row, field, reason); nothing written
    │   └── RosterRejected          a roster file with one or more bad rows
    ├── WatchlistError              a watch-list YAML that fails its schema or symmetry
    ├── RegistryError               registry invariants (unknown agency, duplicate account)
    ├── CollectError                a collector failed for (platform, item)
    │   ├── BlockedError            the platform refused us
    │   │   ├── LoginWallError      content needs a logged-in monitoring session
    │   │   ├── ChallengeError      captcha / checkpoint / suspicious-activity page
    │   │   └── RateLimitedError    HTTP 429 or a platform's rate-limit body
    │   ├── NotFoundError           the account or item does not exist (any more)
    │   ├── PrivateAccountError     the account exists but is private
    │   ├── TruncatedResponseError  empty or cut-off body
    │   ├── ParseError              an identity field (id, url) could not be read
    │   ├── CircuitOpenError        the platform's circuit breaker is open
    │   └── CollectTimeoutError     a page or response did not arrive in time
    ├── EvidenceError               evidence missing or its hash does not match
    ├── ModelError                  base model / trained model missing, wrong hash or format
    ├── ReviewError                 a review action that the rules forbid
    │   ├── PermissionDenied        the user's role does not allow the action
    │   └── TwoPersonRuleError      the same reviewer tried to count twice
    ├── AuditChainBroken            the audit log's hash chain does not verify
    └── SweepError                  a sweep could not be planned, run or resumed
        └── LeaseHeld               another sweep holds the lease
"""

from __future__ import annotations

from dataclasses import dataclass


class PantauError(Exception):
    """Base of every error pantau raises on purpose."""


class ConfigError(PantauError):
    """Settings are missing, unsafe or contradictory."""


class StoreError(PantauError):
    """The database is unreachable or its schema is not at the expected revision."""


@dataclass(frozen=True)
class RowError:
    """One problem in one row of an input file (row numbers count the header as row 1)."""

    file: str
    row: int
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        return f"{self.file}:{self.row}: column {self.column!r} = {shown!r}: {self.reason}"


class InputRejected(PantauError):
    """Bad input; nothing was written. Carries every problem found, not just the first."""

    def __init__(self, message: str, errors: list[RowError] | None = None) -> None:
        self.errors: list[RowError] = list(errors or [])
        detail = "".join(f"\n  {e}" for e in self.errors)
        super().__init__(message + detail)
        self.message = message


class RosterRejected(InputRejected):
    """A roster file had one or more bad rows; the import wrote nothing."""


class WatchlistError(PantauError):
    """A watch-list file fails its schema or the symmetry rule."""


class RegistryError(PantauError):
    """A registry invariant would be broken."""


class CollectError(PantauError):
    """A collector failed; carries the platform and the item (account handle, post id, URL)."""

    reason = "error"

    def __init__(self, message: str, *, platform: str = "", item: str = "") -> None:
        self.platform = platform
        self.item = item
        where = f"[{platform}:{item}] " if platform or item else ""
        super().__init__(where + message)


class BlockedError(CollectError):
    reason = "blocked"


class LoginWallError(BlockedError):
    reason = "login_wall"


class ChallengeError(BlockedError):
    reason = "challenge"


class RateLimitedError(BlockedError):
    reason = "rate_limited"


class NotFoundError(CollectError):
    reason = "not_found"


class PrivateAccountError(CollectError):
    reason = "private"


class TruncatedResponseError(CollectError):
    reason = "truncated"


class ParseError(CollectError):
    reason = "parse_error"


class CircuitOpenError(CollectError):
    reason = "circuit_open"


class CollectTimeoutError(CollectError):
    reason = "timeout"


class EvidenceError(PantauError):
    """Evidence is missing or does not match its recorded SHA-256."""


class ModelError(PantauError):
    """A base or trained model is missing, has the wrong hash or an unknown format."""


class ReviewError(PantauError):
    """A review action that the rules forbid."""


class PermissionDenied(ReviewError):
    """The user's role does not allow the action."""


class TwoPersonRuleError(ReviewError):
    """The same reviewer tried to provide both confirmations."""


class AuditChainBroken(PantauError):
    """The audit log's hash chain does not verify."""


class SweepError(PantauError):
    """A sweep could not be planned, run or resumed."""


class LeaseHeld(SweepError):
    """Another sweep holds the sweep lease."""
