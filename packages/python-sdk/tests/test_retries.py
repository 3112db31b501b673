"""The retry policy: status and kill (safe to repeat) are retried after a 5xx or a dropped
connection, with backoff; a submission never is, since the server may have started it."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from datapark_sdk.spark import SparkRestClient, SparkUnreachableError, SubmissionRejectedError
from datapark_sdk.spark.http import backoff_s

BUSY = b'{"action":"ErrorResponse","message":"busy","serverSparkVersion":"4.1.1"}'
SECRET = "A" * 43


class Recorder:
    def __init__(self, behaviour: str):
        self.behaviour = behaviour
        self.requests: list[tuple[str, str, str | None]] = []


@contextmanager
def server(behaviour: str) -> Iterator[tuple[str, Recorder]]:
    """A server that answers every request with 503 ("busy") or drops the connection ("drop"),
    recording method, path and Authorization header."""
    recorder = Recorder(behaviour)

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            recorder.requests.append((self.command, self.path, self.headers.get("Authorization")))
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if recorder.behaviour == "drop":
                self.close_connection = True
                self.connection.close()
                return
            self.send_response(503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(BUSY)))
            self.end_headers()
            self.wfile.write(BUSY)

        do_GET = do_POST = _answer  # noqa: N815

        def log_message(self, *args) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", recorder
    finally:
        httpd.shutdown()
        httpd.server_close()


def client(url: str, waits: list[float]) -> SparkRestClient:
    return SparkRestClient(
        url, "spark://127.0.0.1:7077", rest_secret=SECRET, max_retries=2, sleep=waits.append
    )


def test_a_submission_is_sent_once_even_when_the_server_fails():
    with server("busy") as (url, recorder):
        waits: list[float] = []
        spark = client(url, waits)
        with pytest.raises(SubmissionRejectedError, match="busy"):
            spark.create(spark.python_request(file="/jobs/x.py", name="once"))
        assert [(m, p) for m, p, _ in recorder.requests] == [("POST", "/v1/submissions/create")]
        assert waits == []


def test_a_submission_whose_connection_dropped_is_not_sent_again():
    with server("drop") as (url, recorder):
        waits: list[float] = []
        spark = client(url, waits)
        with pytest.raises(SparkUnreachableError):
            spark.create(spark.python_request(file="/jobs/x.py", name="once"))
        assert len(recorder.requests) == 1


@pytest.mark.parametrize("behaviour", ["busy", "drop"])
def test_status_and_kill_are_retried_twice_with_backoff_and_a_fresh_signature(behaviour):
    with server(behaviour) as (url, recorder):
        waits: list[float] = []
        spark = client(url, waits)
        expected = SubmissionRejectedError if behaviour == "busy" else SparkUnreachableError
        with pytest.raises(expected):
            spark.status("driver-1")
        with pytest.raises(expected):
            spark.kill("driver-1")
        assert [(m, p) for m, p, _ in recorder.requests] == [
            ("GET", "/v1/submissions/status/driver-1"),
        ] * 3 + [("POST", "/v1/submissions/kill/driver-1")] * 3
        assert all(auth and auth.startswith("Bearer ") for _, _, auth in recorder.requests)
        assert len(waits) == 4
        for attempt, wait in zip([0, 1, 0, 1], waits, strict=True):
            assert 0.75 * min(0.5 * 2**attempt, 8) <= wait <= min(0.5 * 2**attempt, 8)


def test_backoff_doubles_from_half_a_second_to_eight_with_at_most_a_quarter_off():
    for attempt, ceiling in enumerate([0.5, 1, 2, 4, 8, 8]):
        waits = [backoff_s(attempt) for _ in range(200)]
        assert all(0.75 * ceiling <= w <= ceiling for w in waits)
        assert max(waits) - min(waits) > 0, "jittered"
