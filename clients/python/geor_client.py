"""Geo-R Lab's Python client: track a run trained anywhere (PyTorch, JAX, a hosted model) in a
Geo-R Lab API, and have its answers scored there against the dataset's truth.

One file, standard library only (urllib), Python >= 3.9: copy it next to your script.

    from geor_client import Client

    client = Client("http://127.0.0.1:4000")  # or …/graphql; the token from $GEOR_API_TOKEN
    with client.start_run("geo-r-vlm", dataset="im2gps3k", config={"lr": 1e-6}) as run:
        for step, loss in enumerate(losses):
            run.log({"loss": loss}, step=step)       # buffered, sent 1,000 points at a time
        print(run.log_predictions_file("answers.jsonl"))  # {'added': 2997, 'unparsed': 4}
    print(run.status, run.final_metrics["metrics"]["medianKm"])

Leaving the `with` block finishes the run: SUCCEEDED, or FAILED with the exception's text when
the block raised (the exception still propagates). Every failure is a GeorError. The mutations it
calls are described in docs/graphql.md ("External runs").
"""

import json
import math
import operator
import os
import re
import socket
import sys
import time
import traceback
import urllib.error
import urllib.request
import uuid
import warnings
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, Union

__all__ = ["Client", "GeorError", "Run"]

# Metric points Run.log buffers before it sends them (logMetrics takes up to 100,000 a call).
METRICS_BATCH = 1_000
# Rows per addPredictions call of log_predictions when the server does not say (an API from before
# ingestSettings; a newer one says what it stores fastest: 20,000 rows on SQLite, 10,000 on
# PostgreSQL), and the JSON bytes a chunk stops at: under the server's limit (1.4 ×
# GEOR_MAX_UPLOAD_BYTES, 10 MiB by default; less when ingestSettings says its limit is lower), so
# long answers make more chunks. Each call is one write on the server, whose cost a row falls as
# the call grows (its commit writes the run's index pages the call touched).
PREDICTION_CHUNK_ROWS = 10_000
PREDICTION_CHUNK_BYTES = 8 * 1024 * 1024
# Bytes read from a predictions file at a time while it streams into the request.
FILE_BLOCK_BYTES = 1024 * 1024
# The server keeps at most 10,000 characters of a failed run's error.
MAX_ERROR_CHARS = 10_000
# Problems quoted in a refused chunk's message (all of them are in GeorError.problems).
QUOTED_PROBLEMS = 10
# progress=True where stderr is not a terminal (a log file): a line at most this often, and the last.
PROGRESS_LOG_SECONDS = 10.0

_PREDICTION_KEYS = {"sample_id": "sampleId", "sampleId": "sampleId", "id": "sampleId", "lat": "lat", "lon": "lon",
                    "answer": "answer", "confidence": "confidence"}
# A row number in the server's problems: "row 2: …", "… was predicted already at row 1".
_ROW_NUMBER = re.compile(r"(^row |at row )(\d+)(?=:|$)")


class GeorError(Exception):
    """A refused request, a GraphQL error, an HTTP error or an unreachable server.

    ``message``; ``code``, the GraphQL error code (``"UNAUTHENTICATED"``, ``"BAD_USER_INPUT"``, …), None for
    transport errors; ``problems``, the bad rows or points the server listed (at most 100: ``["row 3: lat 95 is
    not a number in [-90, 90]"]``) and ``problem_count`` (all of them); ``extensions``, the error's GraphQL
    extensions (a CONFLICT over ``expectStored`` has ``stored``); ``status`` (HTTP) and ``url``. From
    ``Run.log_predictions`` also ``chunk`` (1-based), ``rows`` (its first and last row) and ``stored``
    (``{"added", "unparsed"}`` of the earlier chunks).

    >>> try:
    ...     run.log_predictions(rows)
    ... except GeorError as e:
    ...     print(e.code, e.problem_count, e.problems[:3])
    """

    def __init__(self, message: str, code: Optional[str] = None, problems: Optional[List[str]] = None,
                 problem_count: Optional[int] = None, status: Optional[int] = None, url: Optional[str] = None,
                 extensions: Optional[Mapping[str, Any]] = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.problems: List[str] = list(problems or [])
        self.problem_count = problem_count if problem_count is not None else len(self.problems)
        self.status = status
        self.url = url
        self.extensions: Dict[str, Any] = dict(extensions or {})
        self.chunk: Optional[int] = None
        self.rows: Optional[Tuple[int, int]] = None
        self.stored: Optional[Dict[str, int]] = None


class Client:
    """A connection to one Geo-R Lab API.

    ``url`` is the server's base URL (``http://127.0.0.1:4000``) or its ``/graphql`` endpoint. ``token`` (for
    every mutation) defaults to the ``GEOR_API_TOKEN`` environment variable. ``dashboard_url``
    (``http://127.0.0.1:3000``), when given, makes ``Run.url`` a link to the run's dashboard page.
    ``timeout``: seconds per request (a large file is scored before the server answers).

    >>> client = Client("http://127.0.0.1:4000", token="…")
    >>> client.query("{ datasets { name } }")
    {'datasets': [{'name': 'im2gps3k'}]}
    """

    def __init__(self, url: str, token: Optional[str] = None, dashboard_url: Optional[str] = None,
                 timeout: float = 600.0):
        base = url.rstrip("/")
        self.endpoint = base if base.endswith("/graphql") else base + "/graphql"
        self.token = token if token is not None else (os.environ.get("GEOR_API_TOKEN") or None)
        self.dashboard_url = dashboard_url.rstrip("/") if dashboard_url else None
        self.timeout = timeout

    def query(self, query: str, variables: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """Runs a GraphQL query or mutation and returns its ``data``; raises GeorError on any error.

        >>> client.query("query($id: ID!) { experiment(id: $id) { status } }", {"id": run.id})
        {'experiment': {'status': 'RUNNING'}}
        """
        body = json.dumps({"query": query, "variables": dict(variables or {})}, default=_plain).encode("utf-8")
        return self._post(body, "application/json", len(body))

    def start_run(self, name: str, dataset: str, split: str = "test", config: Optional[Mapping[str, Any]] = None,
                  tags: Optional[Iterable[str]] = None, notes: Optional[str] = None) -> "Run":
        """Starts an external run (status RUNNING) whose predictions are of ``dataset``'s ``split``.

        ``config`` is any JSON object of the run's settings (shown and compared in the dashboard).

        >>> run = client.start_run("geoclip", dataset="im2gps3k", config={"gallery": "mp16"}, tags=["baseline"])
        >>> run.id
        '42'
        """
        data = self.query(
            "mutation($i: ExternalExperimentInput!) { startExternalExperiment(input: $i) { id name } }",
            {"i": {"name": name, "dataset": dataset, "split": split, "config": dict(config or {}),
                   "tags": list(tags or []), "notes": notes or ""}},
        )
        started = data["startExternalExperiment"]
        return Run(self, started["id"], name=started["name"])

    def _post(self, body: Union[bytes, Iterable[bytes]], content_type: str, length: int,
              extra_headers: Optional[Mapping[str, str]] = None) -> Dict[str, Any]:
        """POSTs a body of ``length`` bytes (bytes, or an iterable of bytes streamed as it is read)."""
        headers = {"Content-Type": content_type, "Content-Length": str(length), "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        headers.update(extra_headers or {})
        request = urllib.request.Request(self.endpoint, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as e:  # the API answers its 4xx in GraphQL's JSON too
            status, raw = e.code, e.read()
        except (urllib.error.URLError, OSError) as e:
            reason = e.reason if isinstance(e, urllib.error.URLError) else e
            if isinstance(reason, socket.timeout):
                raise GeorError(f"{self.endpoint} did not answer within {self.timeout:g} s (Client(timeout=…))",
                                url=self.endpoint) from None
            if isinstance(reason, (BrokenPipeError, ConnectionResetError)) and not isinstance(body, bytes):
                raise GeorError(f"{self.endpoint} closed the connection while the file was being sent ({reason}): "
                                "it stops reading an upload it refuses, e.g. one over its "
                                "GEOR_MAX_PREDICTION_FILE_BYTES", url=self.endpoint) from None
            raise GeorError(f"cannot reach {self.endpoint}: {reason}", url=self.endpoint) from None
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = None
        if isinstance(answer, dict) and answer.get("errors"):
            raise self._error(answer["errors"], status)
        if status >= 400 or not isinstance(answer, dict) or not isinstance(answer.get("data"), dict):
            text = " ".join(re.sub(r"<[^>]*>", " ", raw.decode("utf-8", "replace")).split())[:200]
            raise GeorError(f"{self.endpoint} answered HTTP {status}" + (f": {text}" if text else "")
                            + ("" if status >= 400 else " (not GraphQL: is it the Geo-R Lab API's URL?)"),
                            status=status, url=self.endpoint)
        return answer["data"]

    def _error(self, errors: List[Dict[str, Any]], status: int) -> GeorError:
        first = errors[0]
        extensions = first.get("extensions") or {}
        code = extensions.get("code")
        message = "; ".join(str(e.get("message")) for e in errors)
        if code == "UNAUTHENTICATED" and not self.token:
            message += " (this client has no token: Client(url, token=…) or set GEOR_API_TOKEN)"
        return GeorError(message, code=code, problems=extensions.get("problems"),
                         problem_count=extensions.get("problemCount"), status=status, url=self.endpoint,
                         extensions=extensions)


class Run:
    """One external run: metric points, predictions, then finish. Use it as a context manager.

    ``Run(client, id)`` attaches to a run started elsewhere (another process or machine), e.g. an
    evaluation job uploading the answers of a run its training job started.

    >>> with client.start_run("pigeon", dataset="im2gps3k") as run:
    ...     run.log({"loss": 0.7, "lr": 1e-4}, step=100)
    ...     run.log_predictions({"sample_id": i, "lat": lat, "lon": lon} for i, lat, lon in outputs)
    """

    def __init__(self, client: Client, id: str, name: Optional[str] = None, metrics_batch: int = METRICS_BATCH,
                 chunk_rows: Optional[int] = None, chunk_bytes: int = PREDICTION_CHUNK_BYTES):
        self.client = client
        self.id = str(id)
        self.name = name
        self.metrics_batch = metrics_batch
        # None: the size the server says it stores fastest, asked once by log_predictions.
        self.chunk_rows: Optional[int] = chunk_rows
        self.chunk_bytes = chunk_bytes
        self.status = "RUNNING"
        self.error: Optional[str] = None
        self.final_metrics: Optional[Dict[str, Any]] = None
        self._points: List[Dict[str, Any]] = []
        self._finished = False
        # False once the server turned down expectStored (an API from before it): chunks then go one at a time.
        self._expect_stored = True

    def __repr__(self) -> str:
        return f"Run(id={self.id!r}, name={self.name!r}, status={self.status!r})"

    @property
    def url(self) -> Optional[str]:
        """The run's dashboard page, when the client was given ``dashboard_url``; else None."""
        return f"{self.client.dashboard_url}/experiments/{self.id}" if self.client.dashboard_url else None

    def log(self, metrics: Mapping[str, Any], step: int) -> None:
        """Records one value per metric name at ``step`` (an integer >= 0).

        Values are anything ``float()`` takes (a NumPy scalar, a 0-d tensor). Points are buffered
        and sent ``metrics_batch`` (1,000) at a time, by ``flush()`` and when the run finishes.

        >>> run.log({"loss": loss.item(), "reward/mean": reward}, step=global_step)
        """
        try:
            whole = not isinstance(step, bool) and operator.index(step) >= 0
        except TypeError:
            whole = False
        if not whole:
            raise GeorError(f"log: step {step!r} must be an integer >= 0", code="BAD_USER_INPUT")
        step = operator.index(step)
        for name, value in metrics.items():
            number = _finite(value)
            if number is None:
                raise GeorError(f"log: {name!r} at step {step}: {value!r} is not a finite number",
                                code="BAD_USER_INPUT")
            self._points.append({"name": str(name), "step": step, "value": number})
        if len(self._points) >= self.metrics_batch:
            self.flush()

    def flush(self) -> int:
        """Sends the buffered metric points now; returns how many were stored.

        If the server refuses them as bad (BAD_USER_INPUT: a name it does not take) they are
        dropped; after any other error they stay buffered for the next flush.
        """
        points, self._points = self._points, []
        if not points:
            return 0
        try:
            data = self.client.query(
                "mutation($id: ID!, $p: [MetricPointInput!]!) { logMetrics(experimentId: $id, points: $p) }",
                {"id": self.id, "p": points},
            )
        except GeorError as e:
            if e.code != "BAD_USER_INPUT":
                self._points = points + self._points
            raise
        return int(data["logMetrics"])

    def log_predictions(self, rows: Iterable[Mapping[str, Any]],
                        progress: Union[bool, Callable[[Dict[str, int]], None], None] = None) -> Dict[str, int]:
        """Sends predictions: dicts with ``sample_id`` and ``lat``/``lon``, or ``answer`` (the model's raw text,
        scored by the server), or both, and an optional ``confidence``.

        ``rows`` may be any iterable, a generator of millions included: it is read once and sent in chunks of
        ``chunk_rows`` rows or ``chunk_bytes`` (8 MiB) of JSON, whichever comes first. Unless ``chunk_rows`` was
        given, it is what the server says it stores fastest (``ingestSettings``: 20,000 on SQLite, 10,000 on
        PostgreSQL; 10,000 from an API that does not say), asked once per run. Returns
        ``{"added": n, "unparsed": k}`` over all chunks (``unparsed``: answers with no readable coordinate, misses).

        Each chunk is one all-or-nothing call. After the first, the next chunk is sent while the last is
        being stored (the server scores the one while it writes the other), each saying how many predictions
        the run must hold before it (``expectStored``), so they are stored in order or not at all. When chunk
        k is refused, chunks 1 … k-1 stay stored and nothing of chunk k or later is; the GeorError names the
        chunk (``e.chunk``, ``e.rows``), what is stored (``e.stored``) and every bad row by its position in
        ``rows`` (1-based, ``e.problems``). Fix those rows and send the rows from ``e.rows[0]`` on again.
        An API from before ``expectStored`` refuses the first chunk's query as written; the chunks then go
        one at a time, each once the last is stored.

        ``progress``: ``True`` keeps a line on stderr up to date (``geor: run "geoclip": 45,000 predictions
        stored, 12,310/s``), or a function called with ``{"added", "unparsed"}`` so far each time a chunk is stored.
        An exception the function raises stops the sending; a chunk already sent by then is still stored.

        >>> run.log_predictions({"sample_id": s, "answer": text} for s, text in model_outputs())
        {'added': 2997, 'unparsed': 3}
        """
        self._ask_chunk_size()
        stored = {"added": 0, "unparsed": 0}
        report = _Progress(progress, f'run "{self.name}"' if self.name else f"run {self.id}", _stored_text)
        # The run's predictions once the last chunk answered is stored: the next chunk's expectStored.
        held: Optional[int] = None
        pending: Optional[_Chunk] = None  # sent, its answer not read yet
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="geor-predictions") as pool:
            try:
                for number, first, encoded, problems in self._chunks(rows):
                    if problems:
                        # Refused here, numbered from the start of ``rows`` already: the server is not asked.
                        if pending is not None:
                            held = self._settle(pending, None, stored)
                            pending = None
                        local = GeorError("bad rows", code="BAD_USER_INPUT", problems=problems)
                        raise _chunk_error(local, number, first, len(encoded), stored, offset=0)
                    chunk = _Chunk(number, first, encoded)
                    if held is None or not self._expect_stored:
                        # The first chunk alone: its answer says what the run holds.
                        chunk.future = pool.submit(self._send_chunk, chunk, None)
                        held = self._settle(chunk, None, stored)
                        report.update(stored)
                        continue
                    chunk.expect = held + (len(pending.encoded) if pending is not None else 0)
                    chunk.future = pool.submit(self._send_chunk, chunk, chunk.expect)
                    answered = pending
                    if answered is not None:
                        held = self._settle(answered, chunk, stored)
                    # In flight from here: waited for below even when ``progress`` raises.
                    pending = chunk
                    if answered is not None:
                        report.update(stored)
                if pending is not None:
                    self._settle(pending, None, stored)
                    pending = None
                    report.update(stored)
                report.end(stored)
            finally:
                report.end()
                # Leaving with a chunk in flight (an error raised above, or by ``rows``): wait for its answer.
                if pending is not None and pending.future is not None:
                    wait([pending.future])
        return stored

    def _ask_chunk_size(self) -> None:
        """Sets ``chunk_rows``, when not given, to what the server stores fastest, and keeps ``chunk_bytes`` under
        its body limit with room to spare; an API from before ``ingestSettings`` leaves the defaults."""
        if self.chunk_rows is not None:
            return
        try:
            settings = self.client.query("{ ingestSettings { chunkRows maxRequestBytes } }")["ingestSettings"]
        except GeorError as e:
            if e.code != "GRAPHQL_VALIDATION_FAILED":
                raise
            self.chunk_rows = PREDICTION_CHUNK_ROWS
            return
        self.chunk_rows = int(settings["chunkRows"])
        self.chunk_bytes = min(self.chunk_bytes, int(settings["maxRequestBytes"]) * 4 // 5)

    def _send_chunk(self, chunk: "_Chunk", expect: Optional[int]) -> Dict[str, Any]:
        """Sends one chunk (``expect``: its expectStored, or None) and returns addPredictions' answer. To an
        API from before expectStored a chunk goes without it: sent once the last is stored, so in order anyway."""
        if not self._expect_stored:
            return self._post_chunk(chunk, None)
        try:
            return self._post_chunk(chunk, expect)
        except GeorError as e:
            # Nothing ran: the server refused the query as written. Only the first chunk, which goes alone,
            # can meet this, so no other chunk is in flight.
            if expect is None and e.code == "GRAPHQL_VALIDATION_FAILED" and "expectStored" in e.message:
                self._expect_stored = False
                return self._post_chunk(chunk, None)
            raise

    def _post_chunk(self, chunk: "_Chunk", expect: Optional[int]) -> Dict[str, Any]:
        """One addPredictions call of the chunk's rows, with expectStored unless the API has none."""
        if self._expect_stored:
            query = ('mutation($id: ID!, $p: [PredictionInput!], $e: Int) { addPredictions(experimentId: $id, '
                     'predictions: $p, expectStored: $e) { added unparsed stored } }')
            expect_json = ',"e":' + json.dumps(expect)
        else:
            query = ('mutation($id: ID!, $p: [PredictionInput!]) '
                     '{ addPredictions(experimentId: $id, predictions: $p) { added unparsed } }')
            expect_json = ""
        body = ('{"query":' + json.dumps(query) + ',"variables":{"id":' + json.dumps(self.id) + expect_json
                + ',"p":[' + ",".join(chunk.encoded) + "]}}").encode("utf-8")
        return self.client._post(body, "application/json", len(body))["addPredictions"]

    def _settle(self, chunk: "_Chunk", after: Optional["_Chunk"], stored: Dict[str, int]) -> int:
        """Reads ``chunk``'s answer, adds it to ``stored`` and returns what the run holds after it; raises
        its error once ``after`` (the chunk sent behind it, which the server then refuses) has answered too."""
        assert chunk.future is not None
        try:
            result = chunk.future.result()
        except GeorError as e:
            if (e.code == "CONFLICT" and chunk.expect is not None and isinstance(e.extensions.get("stored"), int)
                    and e.extensions["stored"] < chunk.expect):
                # It reached the server before the chunk it follows had begun (that one is stored now, or this
                # would not be settled): send it again, this time behind it.
                try:
                    result = self._send_chunk(chunk, chunk.expect)
                except GeorError as again:
                    e = again
                    result = None
            else:
                result = None
            if result is None:
                later = _outcome(after)
                error = _chunk_error(e, chunk.number, chunk.first, len(chunk.encoded), stored,
                                     offset=chunk.first - 1)
                if later is not None:
                    # Its answer was lost or wrong, but the chunk behind it was stored, which the server
                    # does only after this one's rows: both are stored.
                    stored["added"] += len(chunk.encoded) + int(later["added"])
                    stored["unparsed"] += int(later["unparsed"])
                    rows = (chunk.first, chunk.first + len(chunk.encoded) - 1)
                    error = GeorError(
                        f"predictions chunk {chunk.number} (rows {rows[0]}–{rows[1]}): {e.message}; yet chunk "
                        f"{after.number} (sent behind it) was stored, so both are: rows "
                        f"1–{after.first + len(after.encoded) - 1} stay stored (e.stored's unparsed leaves out chunk "
                        f"{chunk.number}'s)", status=e.status, url=e.url)
                    error.chunk, error.rows, error.stored = chunk.number, rows, dict(stored)
                raise error from None
        stored["added"] += int(result["added"])
        stored["unparsed"] += int(result["unparsed"])
        # An API from before expectStored does not say; its chunks go one at a time and need no count.
        return int(result.get("stored", 0))

    def _chunks(self, rows: Iterable[Mapping[str, Any]]) -> Iterator[Tuple[int, int, List[str], List[str]]]:
        """(chunk number, its first row number, its rows as JSON, the problems found in them)."""
        encoded: List[str] = []
        problems: List[str] = []
        size = 0
        first = 1
        chunk = 1
        for number, row in enumerate(rows, start=1):
            text = _prediction_json(row, number, problems)
            encoded.append(text)
            size += len(text) + 1
            if len(encoded) >= self.chunk_rows or size >= self.chunk_bytes:
                yield chunk, first, encoded, problems
                chunk, first, encoded, problems, size = chunk + 1, number + 1, [], [], 0
        if encoded:
            yield chunk, first, encoded, problems

    def log_predictions_file(self, path: Union[str, "os.PathLike[str]"],
                             progress: Union[bool, Callable[[int, int], None], None] = None) -> Dict[str, int]:
        """Uploads a CSV (header ``sample_id,lat,lon,answer,confidence``; ``lat, lon`` or ``answer`` may be
        absent) or JSON-lines file (the keys of ``log_predictions``) as it is.

        The file streams into the request in 1 MiB blocks, never read whole, so it may be as large as the
        server's ``GEOR_MAX_PREDICTION_FILE_BYTES`` (4 GiB by default). The whole file is one all-or-nothing
        call: a bad line refuses it, and the GeorError's ``problems`` name every bad line (``"line 7: invalid
        JSON …"``). The format comes from the extension (.csv, .jsonl, .ndjson, .json), else from the first
        character. Returns ``{"added": n, "unparsed": k}``.

        ``progress``: ``True`` keeps a line on stderr up to date (``geor: answers.jsonl: 120.0 of 359.3 MiB
        sent (33%), 8.0 MiB/s``; the server scores the lines as they arrive), or a function called with
        ``(bytes sent, file size)`` after each block. An exception the function raises stops the upload
        (nothing of it is stored).

        >>> run.log_predictions_file("geo-r-vlm-im2gps3k.jsonl")
        {'added': 2997, 'unparsed': 3}
        """
        path = os.fspath(path)
        sending = _Progress(progress, os.path.basename(path), _sent_text)  # a bad ``progress`` fails here
        # Asked first, so a wrong token or a finished run is told before gigabytes are sent (the
        # server refuses such an upload unread, and the broken connection would say less).
        self.client.query("mutation($id: ID!) { logMetrics(experimentId: $id, points: []) }", {"id": self.id})
        file = open(path, "rb")  # a missing or unreadable file fails here, as OSError
        size = os.fstat(file.fileno()).st_size
        boundary = "geor-" + uuid.uuid4().hex
        filename = re.sub(r'["\\\r\n]', "_", os.path.basename(path)) or "predictions"
        operations = json.dumps({
            "query": "mutation($id: ID!, $f: Upload) "
                     "{ addPredictions(experimentId: $id, file: $f) { added unparsed } }",
            "variables": {"id": self.id, "f": None},
        })
        head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\": [\"variables.f\"]}}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"{filename}\"\r\n"
                "Content-Type: application/octet-stream\r\n\r\n").encode("utf-8")
        tail = f"\r\n--{boundary}--\r\n".encode("ascii")

        def body() -> Iterator[bytes]:
            yield head
            left = size
            while left > 0:
                block = file.read(min(FILE_BLOCK_BYTES, left))
                if not block:
                    raise GeorError(f"{path} shrank while it was being sent ({size - left} of {size} bytes)")
                left -= len(block)
                yield block
                sending.update((size - left, size))
            yield tail

        try:
            with file:
                data = self.client._post(body(), f"multipart/form-data; boundary={boundary}",
                                         len(head) + size + len(tail), {"apollo-require-preflight": "true"})
            result = data["addPredictions"]
            stored = {"added": int(result["added"]), "unparsed": int(result["unparsed"])}
            sending.end(stored, _stored_text)
        finally:
            sending.end()
        return stored

    def finish(self, failed: bool = False, error: Optional[str] = None) -> Dict[str, Any]:
        """Sends the buffered metric points and ends the run: SUCCEEDED with its summary (median km, accuracy
        at 1/25/200/750/2500 km, levels; also ``run.final_metrics``), or FAILED with ``error``. Returns the
        experiment: ``{"id", "status", "error", "finalMetrics"}``.

        >>> run.finish(failed=True, error="CUDA out of memory")["status"]
        'FAILED'
        """
        try:
            self.flush()
        except GeorError:
            if not failed:
                raise
        if error is not None and len(error) > MAX_ERROR_CHARS:
            error = error[: MAX_ERROR_CHARS - 1] + "…"
        data = self.client.query(
            "mutation($id: ID!, $failed: Boolean!, $error: String) "
            "{ finishExperiment(id: $id, failed: $failed, error: $error) { id status error finalMetrics } }",
            {"id": self.id, "failed": failed, "error": error},
        )
        experiment = data["finishExperiment"]
        self._finished = True
        self.status = experiment["status"]
        self.error = experiment["error"]
        self.final_metrics = experiment["finalMetrics"]
        return experiment

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, exc_type: Any, exc: Optional[BaseException], tb: Any) -> bool:
        if self._finished:
            return False
        if exc is None:
            self.finish()
            return False
        text = "".join(traceback.format_exception_only(exc_type, exc)).strip()
        try:
            self.finish(failed=True, error=text)
        except GeorError as e:
            # The block's own exception is what the caller needs to see: this one is a warning.
            warnings.warn(f"run {self.id} could not be marked FAILED: {e}", RuntimeWarning, stacklevel=2)
        return False


def _finite(value: Any) -> Optional[float]:
    """float(value) when it is a finite number (bools and strings are not numbers here); else None."""
    if isinstance(value, (bool, str, bytes)):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _prediction_json(row: Mapping[str, Any], number: int, problems: List[str]) -> str:
    """One row as PredictionInput JSON; a problem (named by the row's number) goes to ``problems``."""
    if not isinstance(row, Mapping):
        problems.append(f"row {number}: expected a dict, got {type(row).__name__}")
        return "null"
    out: Dict[str, Any] = {}
    problems_before = len(problems)
    for key, value in row.items():
        field = _PREDICTION_KEYS.get(key)
        if field is None:
            problems.append(f"row {number}: unknown key {key!r} (sample_id, lat, lon, answer, confidence)")
        elif value is None:
            continue
        elif field == "answer" and isinstance(value, str):
            out[field] = value
        elif field == "sampleId" and isinstance(value, (str, int)) and not isinstance(value, bool):
            out[field] = str(value)
        elif field in ("lat", "lon", "confidence") and _finite(value) is not None:
            out[field] = _finite(value)
        else:
            kind = "text" if field in ("answer", "sampleId") else "a finite number"
            problems.append(f"row {number}: {key} {value!r:.40} is not {kind}")
    if "sampleId" not in out and len(problems) == problems_before:
        problems.append(f"row {number}: no sample_id")
    return json.dumps(out)  # ASCII: its length is its size in bytes


def _plain(value: Any) -> Any:
    """JSON for what json does not know: NumPy scalars and arrays, tensors (their ``tolist()``)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _chunk_error(e: GeorError, chunk: int, first: int, count: int, stored: Dict[str, int], offset: int) -> GeorError:
    """The error of chunk ``chunk`` (rows first … first+count-1), its row numbers moved by ``offset``
    (the server numbers a chunk's rows from 1) so they count from the start of all the rows."""
    problems = [_ROW_NUMBER.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + offset}", p) for p in e.problems]
    last = first + count - 1
    earlier = "chunk 1" if chunk == 2 else f"chunks 1–{chunk - 1}"
    kept = f"rows 1–{first - 1} ({earlier}) stay stored" if chunk > 1 else "nothing was stored before it"
    if e.code is None:  # the answer was lost: the chunk may or may not have been stored
        message = f"predictions chunk {chunk} (rows {first}–{last}): {e.message}; {kept}; this chunk: unknown"
    elif problems:
        more = f" (and {e.problem_count - QUOTED_PROBLEMS} more)" if e.problem_count > QUOTED_PROBLEMS else ""
        message = (f"predictions chunk {chunk} (rows {first}–{last}) refused: {e.problem_count} bad "
                   f"row{'s' if e.problem_count > 1 else ''}, nothing of it stored: "
                   + "; ".join(problems[:QUOTED_PROBLEMS]) + f"{more}; {kept}")
    else:
        hint = " (set run.chunk_bytes lower)" if e.code == "PAYLOAD_TOO_LARGE" else ""
        message = f"predictions chunk {chunk} (rows {first}–{last}) refused: {e.message}{hint}; {kept}"
    out = GeorError(message, code=e.code, problems=problems, problem_count=e.problem_count, status=e.status, url=e.url)
    out.chunk, out.rows, out.stored = chunk, (first, last), dict(stored)
    return out


class _Progress:
    """What ``progress=`` asks for: nothing (None, False), a status line on stderr (True), or the caller's
    function (called with each update's value; a tuple is spread as its arguments). The line is rewritten
    in place on a terminal; elsewhere (a log file) it is written at most every PROGRESS_LOG_SECONDS, and
    the last one always (once). Without a stderr (pythonw) there is no line."""

    def __init__(self, progress: Any, label: str, text: Callable[[Any, Optional[float]], str]):
        if not (progress is None or isinstance(progress, bool) or callable(progress)):
            raise TypeError(f"progress must be True, False, None or a function, not {type(progress).__name__}")
        self.progress = progress
        self.label = label
        self.text = text
        self.started = time.monotonic()
        # Into a log, the first line after PROGRESS_LOG_SECONDS too: a short job writes only its last.
        self.written = self.started
        self.shown: Any = None  # the value of the last line written into a log
        self.open = False  # a line on the terminal not ended yet
        self.line = progress is True and sys.stderr is not None
        self.terminal = self.line and sys.stderr.isatty()

    def update(self, value: Any) -> None:
        if callable(self.progress):
            if isinstance(value, tuple):
                self.progress(*value)
            else:
                self.progress(dict(value))
        elif self.line:
            self._write(value, self.text, last=False)

    def end(self, value: Any = None, text: Optional[Callable[[Any, Optional[float]], str]] = None) -> None:
        """The last line (``value``'s, in ``text`` if given), or on a terminal the end of the line left open
        (an error follows)."""
        if self.line and value is not None:
            self._write(value, text or self.text, last=True)
        elif self.open:
            sys.stderr.write("\n")
            self.open = False

    def _write(self, value: Any, text: Callable[[Any, Optional[float]], str], last: bool) -> None:
        now = time.monotonic()
        line = f"geor: {self.label}: {text(value, now - self.started)}"
        if self.terminal:
            sys.stderr.write("\r\033[K" + line + ("\n" if last else ""))
            self.open = not last
        elif value != self.shown if last else now - self.written >= PROGRESS_LOG_SECONDS:
            sys.stderr.write(line + "\n")
            self.shown = dict(value) if isinstance(value, dict) else value
        else:
            return
        self.written = now
        sys.stderr.flush()


def _stored_text(stored: Mapping[str, int], seconds: Optional[float]) -> str:
    unreadable = f" ({stored['unparsed']:,} unreadable)" if stored["unparsed"] else ""
    rate = f", {stored['added'] / seconds:,.0f}/s" if seconds and seconds > 0 else ""
    return f"{stored['added']:,} predictions stored{unreadable}{rate}"


def _sent_text(sent_size: Tuple[int, int], seconds: Optional[float]) -> str:
    sent, size = sent_size
    mib = 1024 * 1024
    if sent >= size:
        return f"all {size / mib:,.1f} MiB sent; the server is storing the last lines"
    return (f"{sent / mib:,.1f} of {size / mib:,.1f} MiB sent ({100 * sent / max(size, 1):.0f}%), "
            f"{sent / mib / max(seconds or 0, 1e-3):,.1f} MiB/s")


class _Chunk:
    """One chunk of ``Run.log_predictions``: its number, first row, rows as JSON, expectStored and call."""

    def __init__(self, number: int, first: int, encoded: List[str]):
        self.number = number
        self.first = first
        self.encoded = encoded
        self.expect: Optional[int] = None
        self.future: Optional["Future[Dict[str, Any]]"] = None


def _outcome(chunk: Optional[_Chunk]) -> Optional[Dict[str, Any]]:
    """The answer of a chunk sent (waiting for it), or None when there is none or it was refused."""
    if chunk is None or chunk.future is None:
        return None
    try:
        return chunk.future.result()
    except GeorError:
        return None
