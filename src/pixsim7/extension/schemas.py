from __future__ import annotations

from pydantic import BaseModel


class BundleRead(BaseModel):
    """The built extension this server offers for download."""

    available: bool  # false until the extension is built (`make`)
    version: str | None
    size_bytes: int | None
    sha256: str | None
    download_url: str
    # The unpacked build, file by file (`files_url` + a path from `files`): for a script
    # that keeps a loaded copy up to date without unzipping.
    files_url: str
    files: list[str]


class SessionCookies(BaseModel):
    """An account's stored browser session, for the extension to set on the provider's own
    domain (the extension decides the domain; the server names only the provider)."""

    account_id: int
    provider_id: str
    cookies: dict[str, str]
