"""The signature Spark's REST submission server checks (its JWSFilter), made as
@datapark/spark-client makes it (packages/spark-client/src/rest-auth.ts)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

#: How long a signed request stays valid: Spark rejects a token whose ``exp`` has passed.
TOKEN_LIFETIME_S = 300


def rest_authorization(secret: str, now: float | None = None) -> str:
    """The ``Authorization`` header value Spark's ``org.apache.spark.ui.JWSFilter`` accepts: a
    JWS (``<header>.<payload>.<signature>``, HS256) signed with the key the master's filter was
    given (its ``secretKey`` parameter, base64url-encoded: ``spark.restSecret``).
    https://github.com/apache/spark/blob/master/core/src/main/scala/org/apache/spark/ui/JWSFilter.scala

    HS256 is one HMAC-SHA256 over two base64url strings, so the standard library signs it and
    the package needs nothing beside the Python of the Airflow, Spark and Jupyter images. The bytes
    are the TypeScript client's for the same key and time.

    >>> urllib.request.Request(f"{rest_url}/v1/submissions/status/{submission_id}",
    ...                        headers={"Authorization": rest_authorization(secret)})
    """
    iat = int(time.time() if now is None else now)
    header = _encode({"alg": "HS256", "typ": "JWT"})
    payload = _encode({"iss": "datapark", "iat": iat, "exp": iat + TOKEN_LIFETIME_S})
    signed = f"{header}.{payload}"
    key = base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))
    signature = hmac.new(key, signed.encode("ascii"), hashlib.sha256).digest()
    return f"Bearer {signed}.{_base64url(signature)}"


def _encode(value: dict) -> str:
    # JSON.stringify's form: no spaces, keys in insertion order.
    return _base64url(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
