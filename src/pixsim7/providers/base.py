"""The contract every provider adapter meets.

Errors raised by adapters form one small tree::

    ProviderError                 any failure talking to a provider
      (error_class says what to do about it:)
      AUTH               credentials rejected, session expired   -> account auth_failed, job moves
      QUOTA              credits used up                         -> account exhausted, job moves
      CONCURRENCY        too many jobs at once on this account   -> account cools down, job retries
      INPUT_MODERATION   prompt or input image refused           -> job fails now
      OUTPUT_MODERATION  generated output refused                -> retry within budget
                         (only a refusal the provider documents as output-side, and not
                         where it asks not to retry: ProviderInfo.retries_output_moderation)
      TRANSIENT          network, 5xx, high load, rate limit     -> retry with backoff
      INVALID            bad parameters or inputs                -> job fails now

Adapters are stateless apart from their HTTP client; everything they need about
an account arrives in an `AccountContext`, so they never touch the database.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any


class ErrorClass(StrEnum):
    AUTH = "auth"
    QUOTA = "quota"
    CONCURRENCY = "concurrency"
    INPUT_MODERATION = "input_moderation"
    OUTPUT_MODERATION = "output_moderation"
    TRANSIENT = "transient"
    INVALID = "invalid"


RETRYABLE: frozenset[ErrorClass] = frozenset(
    {ErrorClass.OUTPUT_MODERATION, ErrorClass.TRANSIENT, ErrorClass.CONCURRENCY}
)
ACCOUNT_PROBLEMS: frozenset[ErrorClass] = frozenset({ErrorClass.AUTH, ErrorClass.QUOTA})


class ProviderError(Exception):
    """A provider call failed; `error_class` decides how the scheduler reacts."""

    def __init__(
        self,
        message: str,
        *,
        error_class: ErrorClass,
        code: str | int | None = None,
        retry_after: float | None = None,
        http_status: int | None = None,
        in_doubt: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.error_class = error_class
        self.code = code
        self.retry_after = retry_after
        self.http_status = http_status
        # The request may have reached the provider and been acted on (the connection
        # failed after it was sent): a create may exist, and may be charged.
        self.in_doubt = in_doubt

    def __repr__(self) -> str:
        return f"ProviderError({self.error_class.value}, code={self.code!r}, {self.message!r})"


class OperationType(StrEnum):
    TEXT_TO_VIDEO = "text_to_video"
    IMAGE_TO_VIDEO = "image_to_video"
    VIDEO_EXTEND = "video_extend"
    VIDEO_TRANSITION = "video_transition"
    FUSION = "fusion"


class ProviderStatus(StrEnum):
    """Normalized provider-side job status (PROVIDERS.md table)."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FILTERED = "filtered"
    FAILED = "failed"
    CANCELLED = "cancelled"
    # The provider has no record of it any more through no fault of the job: the renderer
    # that had it restarted or crashed (our own `local`). Submitted again, not counted as
    # a failed attempt.
    LOST = "lost"


PROVIDER_TERMINAL: frozenset[ProviderStatus] = frozenset(
    {
        ProviderStatus.SUCCEEDED,
        ProviderStatus.FILTERED,
        ProviderStatus.FAILED,
        ProviderStatus.CANCELLED,
        ProviderStatus.LOST,
    }
)


class ParamType(StrEnum):
    STRING = "string"  # one line
    TEXT = "text"  # multi-line prompt
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    ENUM = "enum"
    NUMBER_LIST = "number_list"  # e.g. per-segment durations of a transition
    STRING_LIST = "string_list"  # e.g. per-segment prompts


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: ParamType
    label: str = ""
    help: str = ""
    default: Any = None
    required: bool = False
    choices: Sequence[Any] | None = None  # for ENUM
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None  # strings: characters; lists: items


@dataclass(frozen=True)
class InputSpec:
    """A media input an operation takes, by role (source_image, images, subject, ...)."""

    role: str
    media_type: str  # "image" | "video"
    label: str = ""
    help: str = ""
    required: bool = True
    min_count: int = 1
    max_count: int = 1


@dataclass(frozen=True)
class OperationSpec:
    type: OperationType
    label: str
    params: Sequence[ParamSpec]
    inputs: Sequence[InputSpec] = ()
    help: str = ""

    def param(self, name: str) -> ParamSpec | None:
        return next((p for p in self.params if p.name == name), None)


@dataclass(frozen=True)
class ProviderInfo:
    id: str
    name: str
    description: str
    credit_pools: Sequence[str] = ()
    credential_kinds: Sequence[str] = ()  # which of api_key, jwt_token, cookies it uses
    default_max_concurrency: int = 1
    # Whether `fetch_balance` reports credits: the refresh keeps them fresh and the claim
    # checks jobs against them. A provider that shows none (Sora) runs its jobs unchecked,
    # unless the user sets a budget by hand.
    reports_balance: bool = True
    is_local: bool = False  # renders on this machine, needs no account credentials
    deprecation: str | None = None  # shown to the user when set
    can_find_submissions: bool = True  # can ask "does this attempt exist?" after a crash
    list_polling: bool = False  # one poll call answers for many jobs of one account
    # Jobs run inside the worker process that submitted them (`local`): only that worker
    # can poll them while it lives (jobs.runner_id); after it, they are reported lost.
    runs_in_worker: bool = False
    # Whether the provider's refusal of a generated output may pass on a new attempt; a
    # provider that asks not to retry its moderation failures says False (docs/providers.md).
    retries_output_moderation: bool = True
    poll_interval_s: float = 5.0
    timeout_s: float = 1800.0


@dataclass
class AccountContext:
    """What an adapter knows about the account it acts for (credentials decrypted)."""

    id: int
    provider_id: str
    base_url: str
    api_key: str | None = None
    jwt_token: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)
    provider_user_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. the credit pool to use
    # An admin vouched for `base_url`: it may be a private address (a ComfyUI on the LAN).
    base_url_trusted: bool = False

    def __repr__(self) -> str:  # never print credentials
        return f"AccountContext(id={self.id}, provider_id={self.provider_id!r})"


@dataclass
class PreparedInput:
    """One input file, as the adapter needs it: local file and/or its id at this provider."""

    role: str
    media_type: str
    path: Path | None = None
    mime_type: str | None = None
    remote_id: str | None = None  # id from a previous `upload` to this provider and account
    remote_url: str | None = None
    width: int | None = None
    height: int | None = None
    duration_sec: float | None = None
    asset_id: int | None = None  # the library asset this file is
    cached: bool = False  # remote_id came from the upload cache, not an upload just now


@dataclass
class UploadResult:
    remote_id: str
    remote_url: str | None = None


@dataclass
class SubmitRequest:
    operation: OperationType
    params: Mapping[str, Any]  # already validated and defaulted
    inputs: Mapping[str, Sequence[PreparedInput]]
    idempotency_key: str  # unique per attempt; sent where the provider accepts one
    extra: Mapping[str, Any] = field(default_factory=dict)  # e.g. a ComfyUI workflow template


@dataclass
class SubmitResult:
    provider_job_id: str
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class PollResult:
    provider_job_id: str
    status: ProviderStatus
    progress: float | None = None  # 0..1
    output_url: str | None = None
    thumbnail_url: str | None = None
    width: int | None = None
    height: int | None = None
    duration_sec: float | None = None
    provider_asset_id: str | None = None
    error_class: ErrorClass | None = None
    error_message: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class Balance:
    credits: dict[str, float]  # pool -> amount
    max_concurrency: int | None = None
    daily_cap: int | None = None
    daily_used: int | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportedSession:
    """Credentials and identity read from a browser session (extension import)."""

    provider_user_id: str
    jwt_token: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)
    email: str | None = None
    nickname: str | None = None


class Provider(abc.ABC):
    """One provider. Subclasses implement the abstract calls over HTTP (or locally)."""

    info: ProviderInfo

    @abc.abstractmethod
    def operations(self) -> Sequence[OperationSpec]: ...

    def operation(self, op: OperationType | str) -> OperationSpec | None:
        return next((s for s in self.operations() if s.type == op), None)

    def validate(
        self,
        op: OperationType | str,
        params: Mapping[str, Any],
        input_counts: Mapping[str, int] | None = None,
    ) -> dict[str, Any]:
        """Params with defaults filled in, or ValidationFailed naming each bad field.

        Called when a job is created, before any HTTP call. Adapters with rules that
        span fields (a model that only allows some durations) extend it."""
        from pixsim7.errors import ValidationFailed
        from pixsim7.providers.specs import validate_input_counts, validate_params

        spec = self.operation(op)
        if spec is None:
            raise ValidationFailed(
                "unknown operation", fields={"operation_type": f"{self.info.id} cannot do {op}"}
            )
        clean = validate_params(spec, params)
        if input_counts is not None:
            validate_input_counts(spec, input_counts)
        return clean

    @abc.abstractmethod
    def estimate_cost(
        self, op: OperationType, params: Mapping[str, Any], pool: str | None = None
    ) -> tuple[float, str]:
        """Credits this job will cost in `pool` (the provider's first when None), and that
        pool. Pools may price the same job differently (Pixverse web vs platform API)."""

    def pool_for(self, account: AccountContext) -> str | None:
        """The credit pool this account spends from; None for providers without credits.
        Raises ProviderError(AUTH) when the account has no credential for any pool."""
        return self.info.credit_pools[0] if self.info.credit_pools else None

    @abc.abstractmethod
    async def submit(self, account: AccountContext, request: SubmitRequest) -> SubmitResult: ...

    @abc.abstractmethod
    async def poll(
        self, account: AccountContext, provider_job_ids: Sequence[str]
    ) -> dict[str, PollResult]:
        """Status of many jobs of one account; ids the provider does not know are absent."""

    def lists_jobs(self, account: AccountContext) -> bool:
        """Whether one `poll` call for this account answers for all its running jobs at the
        cost of one (a list of the account's jobs): then the poller asks for all of them
        whenever any is due."""
        return self.info.list_polling

    def can_cancel(self, account: AccountContext) -> bool:
        """Whether `cancel` reaches the provider for this account (some APIs have no
        cancel or delete call; there a job runs to its end and its result is ignored)."""
        return True

    @abc.abstractmethod
    async def cancel(self, account: AccountContext, provider_job_id: str) -> None:
        """Stop a job at the provider; a job already finished or gone is not an error.
        Returns without a call when `can_cancel(account)` is false."""

    @abc.abstractmethod
    async def upload(self, account: AccountContext, item: PreparedInput) -> UploadResult: ...

    @abc.abstractmethod
    async def fetch_balance(self, account: AccountContext) -> Balance: ...

    async def import_session(self, raw: Mapping[str, Any]) -> ImportedSession:
        raise ProviderError(
            f"{self.info.name} does not support session import", error_class=ErrorClass.INVALID
        )

    def can_find_submissions(self, account: AccountContext) -> bool:
        """Whether `find_submission` can answer for this account (some APIs offer no list)."""
        return self.info.can_find_submissions

    async def find_submission(
        self, account: AccountContext, request: SubmitRequest, submitted_at: float
    ) -> str | None:
        """After a crash mid-submit: the provider job id of this attempt, or None if the
        provider never got it. Only called when `can_find_submissions(account)` is true."""
        raise NotImplementedError

    async def download(
        self, account: AccountContext, result: PollResult, dest: Path, *, max_bytes: int
    ) -> Path:
        """Stream the output of a succeeded job to `dest` (complete or absent), at most
        `max_bytes`. Every adapter implements it; there is no default, because whether the
        link needs the account's credentials (Sora), may have expired (Runway) or must be
        rebuilt against the account's server (ComfyUI) is each adapter's business. (Not
        abstract only so that test doubles that never download need not define it.)"""
        raise NotImplementedError(f"{type(self).__name__} does not download outputs")

    def classify(self, error: BaseException) -> ErrorClass:
        """Map any exception from a call to an error class."""
        if isinstance(error, ProviderError):
            return error.error_class
        return ErrorClass.TRANSIENT

    def own_output_id(self, account: AccountContext, provider_asset_id: str) -> str | None:
        """The remote id by which the account that made an output takes it back as an input
        (e.g. extending a video where it was made); None: upload it like any other file."""
        return None

    def needs_upload(self, item: PreparedInput) -> bool:
        """Whether `item` must be uploaded before `submit` (remote providers: no remote id yet)."""
        return item.remote_id is None

    async def aclose(self) -> None:  # noqa: B027  (optional hook, not abstract)
        """Release HTTP clients."""
