"""How the Pixverse web app puts an input file in its Aliyun OSS bucket.

Not in PROVIDERS.md: this follows public client code of the web app. The session asks
``POST /creative_platform/getUploadToken`` for temporary STS credentials (``Ak``, ``Sk``,
``Token``; no expiry is given, so we ask for fresh ones per upload), then ``PUT``s the bytes
to ``upload/<uuid>.<ext>`` in the ``pixverse-fe-upload`` bucket, then registers the object
with the web API (`client.WebApi.upload`). The PUT is signed with OSS signature version 1,
which Aliyun documents: ``Authorization: OSS <Ak>:base64(hmac-sha1(Sk, StringToSign))``.

A token answer may name ``Endpoint`` and ``Bucket``; the real service sends neither (the
web app has them built in), the fake does, so tests and demos never reach Aliyun.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import hmac
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pixsim7.providers.base import ErrorClass, ProviderError

ENDPOINT = "https://pixverse-fe-upload.oss-accelerate.aliyuncs.com"
BUCKET = "pixverse-fe-upload"


@dataclass(frozen=True)
class UploadCredentials:
    access_key_id: str
    access_key_secret: str
    security_token: str
    endpoint: str = ENDPOINT  # objects are at <endpoint>/<key>
    bucket: str = BUCKET

    def __repr__(self) -> str:  # never print the secret
        return f"UploadCredentials(bucket={self.bucket!r})"


def credentials(resp: Mapping[str, Any]) -> UploadCredentials:
    """Read a getUploadToken answer (a missing field is a failed upload: transient)."""
    ak, sk, token = (resp.get(k) for k in ("Ak", "Sk", "Token"))
    if not (isinstance(ak, str) and isinstance(sk, str) and isinstance(token, str)):
        raise ProviderError(
            "Pixverse gave no upload credentials", error_class=ErrorClass.TRANSIENT, code=500041
        )
    endpoint = str(resp.get("Endpoint") or ENDPOINT).rstrip("/")
    return UploadCredentials(ak, sk, token, endpoint, str(resp.get("Bucket") or BUCKET))


def object_key(suffix: str) -> str:
    return f"upload/{uuid.uuid4()}{suffix.lower()}"


def string_to_sign(
    method: str,
    content_md5: str,
    content_type: str,
    date: str,
    oss_headers: Mapping[str, str],
    resource: str,
) -> str:
    """OSS v1: verb, Content-MD5, Content-Type, Date, then the ``x-oss-*`` headers in
    lowercase, sorted, one ``name:value`` per line, then ``/<bucket>/<key>``."""
    canonical = "".join(
        f"{k.lower()}:{v.strip()}\n"
        for k, v in sorted(oss_headers.items(), key=lambda kv: kv[0].lower())
    )
    return f"{method}\n{content_md5}\n{content_type}\n{date}\n{canonical}{resource}"


def sign(secret: str, text: str) -> str:
    digest = hmac.new(secret.encode(), text.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def put_headers(creds: UploadCredentials, key: str, data: bytes, mime: str) -> dict[str, str]:
    """Headers of a signed ``PUT <endpoint>/<key>`` carrying `data`."""
    date = email.utils.formatdate(time.time(), usegmt=True)
    md5 = base64.b64encode(hashlib.md5(data).digest()).decode()
    oss = {"x-oss-security-token": creds.security_token}
    text = string_to_sign("PUT", md5, mime, date, oss, f"/{creds.bucket}/{key}")
    return {
        **oss,
        "Content-Type": mime,
        "Content-MD5": md5,
        "Date": date,
        "Authorization": f"OSS {creds.access_key_id}:{sign(creds.access_key_secret, text)}",
    }
