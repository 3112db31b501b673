"""JSON over HTTP with a timeout and retries for what is safe to repeat (standard library only)."""

from __future__ import annotations

import json
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class HttpResult:
    status: int
    json: Any
    text: str


class NetworkError(Exception):
    """A request that got no HTTP answer (refused, reset, timed out)."""


def backoff_s(attempt: int) -> float:
    """0.5 s doubling to 8 s, minus up to 25% jitter (the openai-node schedule spark-client uses)."""
    return min(0.5 * 2**attempt, 8.0) * (1 - random.random() * 0.25)


def request_json(
    url: str,
    *,
    method: str = "GET",
    body: Any = None,
    timeout_s: float,
    retries: int,
    authorization: Callable[[], str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> HttpResult:
    """Sends one request, and again up to ``retries`` times after a network error or a 5xx.

    Only a caller whose request is safe to repeat passes ``retries`` > 0: a POST that creates
    something may have been carried out even when its answer was lost.
    """
    data = None if body is None else json.dumps(body).encode("utf-8")
    for attempt in range(retries + 1):
        headers = {"Content-Type": "application/json;charset=UTF-8", "Accept": "application/json"}
        if authorization:
            # Made afresh for every attempt: signed tokens expire.
            headers["Authorization"] = authorization()
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                result = _result(response.status, response.read())
        except urllib.error.HTTPError as error:
            result = _result(error.code, error.read())
        except (urllib.error.URLError, OSError) as error:
            if attempt < retries:
                sleep(backoff_s(attempt))
                continue
            reason = getattr(error, "reason", error)
            raise NetworkError(f"{method} {url}: {reason}") from error
        if result.status >= 500 and attempt < retries:
            sleep(backoff_s(attempt))
            continue
        return result
    raise AssertionError("unreachable")


def _result(status: int, raw: bytes) -> HttpResult:
    text = raw.decode("utf-8", errors="replace")
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = None
    return HttpResult(status, parsed, text)
