"""Tests of geor_client.py against a live Geo-R Lab API (standard library unittest).

apps/api/test/python-client.test.ts starts the API with a tiny dataset and runs this file with:
GEOR_TEST_API (the /graphql URL), GEOR_API_TOKEN, GEOR_TEST_DATASET and GEOR_TEST_SAMPLES (JSON:
six test-split samples in named cities, each {id, lat, lon, country, admin1, city}).
"""

import csv
import io
import json
import os
import re
import socket
import tempfile
import threading
import time
import unittest
from unittest import mock

import geor_client
from geor_client import Client, GeorError, Run

API = os.environ["GEOR_TEST_API"]
BASE = API[: -len("/graphql")]
DATASET = os.environ["GEOR_TEST_DATASET"]
SAMPLES = json.loads(os.environ["GEOR_TEST_SAMPLES"])
# The test server's GEOR_INGEST_CHUNK_ROWS: what its ingestSettings tells clients to send a call.
CHUNK_ROWS = int(os.environ["GEOR_TEST_CHUNK_ROWS"])


def geor_answer(sample, think="The script on the signs and the vegetation."):
    """A Geo-R style completion stating every level of the sample's chain and its coordinate."""
    answer = {"Country": sample["country"], "State": sample["admin1"], "City": sample["city"],
              "Coordinates": [sample["lat"], sample["lon"]]}
    return f"<think>{think}</think><answer>{json.dumps(answer)}</answer>"


class ClientTest(unittest.TestCase):
    def setUp(self):
        self.client = Client(API)
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def start(self, name, **kwargs):
        return self.client.start_run(name, dataset=DATASET, **kwargs)

    def count(self, run):
        data = self.client.query(
            "query($id: ID!) { predictions(filter: { experimentId: $id }, first: 1) { totalCount } }", {"id": run.id})
        return data["predictions"]["totalCount"]

    def series(self, run, name):
        data = self.client.query("query($id: ID!, $n: [String!]) { experiment(id: $id) { metrics(names: $n) "
                                 "{ points { step value } } } }", {"id": run.id, "n": [name]})
        metrics = data["experiment"]["metrics"]
        return [(p["step"], p["value"]) for p in metrics[0]["points"]] if metrics else []

    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        return path

    def test_query_returns_data_and_raises_the_servers_message(self):
        data = self.client.query("query($n: String!) { dataset(name: $n) { name } }", {"n": DATASET})
        self.assertEqual(data, {"dataset": {"name": DATASET}})
        with self.assertRaises(GeorError) as caught:
            self.client.query("{ experiment(id: 1) { nope } }")
        e = caught.exception
        self.assertEqual((e.code, e.status), ("GRAPHQL_VALIDATION_FAILED", 400))
        self.assertIn('Cannot query field "nope" on type "Experiment"', str(e))
        # What an API from before expectStored answers a chunk that names it (OldServer below stands in for one).
        with self.assertRaises(GeorError) as caught:
            self.client.query('mutation { addPredictions(experimentId: "1", predictions: [], bogus: 1) { added } }')
        self.assertEqual(caught.exception.code, "GRAPHQL_VALIDATION_FAILED")
        self.assertIn('Unknown argument "bogus" on field "Mutation.addPredictions"', caught.exception.message)
        with self.assertRaises(GeorError) as caught:
            self.client.query('mutation { finishExperiment(id: "no-such-run") { id } }')
        self.assertEqual(caught.exception.code, "NOT_FOUND")
        self.assertIn("no-such-run", caught.exception.message)

    def test_base_url_and_graphql_endpoint_both_work(self):
        for url in (BASE, BASE + "/", API, API + "/"):
            client = Client(url)
            self.assertEqual(client.endpoint, API, url)
            self.assertEqual(client.query("{ __typename }"), {"__typename": "Query"}, url)

    def test_start_run(self):
        run = self.start("start", config={"model": "Qwen2.5-VL-7B", "lr": 1e-6}, tags=["py"], notes="from python")
        self.assertIsInstance(run, Run)
        self.assertIsNone(run.url)
        data = self.client.query("query($id: ID!) { experiment(id: $id) { name status kind split dataset config tags "
                                 "notes } }", {"id": run.id})
        self.assertEqual(data["experiment"], {
            "name": "start", "status": "RUNNING", "kind": "EXTERNAL", "split": "test", "dataset": DATASET,
            "config": {"model": "Qwen2.5-VL-7B", "lr": 1e-6}, "tags": ["py"], "notes": "from python"})
        linked = Client(API, dashboard_url="http://127.0.0.1:3000/").start_run("linked", dataset=DATASET)
        self.assertEqual(linked.url, f"http://127.0.0.1:3000/experiments/{linked.id}")
        with self.assertRaises(GeorError) as caught:
            self.start("bad split", split="dev")
        self.assertEqual(caught.exception.code, "BAD_USER_INPUT")
        self.assertIn("input.split", caught.exception.message)

    def test_log_buffers_and_flushes_at_the_batch_size(self):
        run = self.start("log")
        run.metrics_batch = 4
        run.log({"loss": 2.5, "lr": 1e-4}, step=1)
        self.assertEqual(self.series(run, "loss"), [], "buffered, not sent yet")
        run.log({"loss": 1.5, "lr": 1e-4}, step=2)
        self.assertEqual(self.series(run, "loss"), [(1, 2.5), (2, 1.5)], "the fourth point sent the batch")
        run.log({"loss": 1.25}, step=3)
        self.assertEqual(run.flush(), 1)
        self.assertEqual(run.flush(), 0)
        self.assertEqual(self.series(run, "loss"), [(1, 2.5), (2, 1.5), (3, 1.25)])
        for step, metrics in ((-1, {"loss": 1}), (1.5, {"loss": 1}), (4, {"loss": float("nan")}), (4, {"loss": "x"})):
            with self.assertRaises(GeorError, msg=repr((step, metrics))):
                run.log(metrics, step=step)
        run.log({"bad name!": 1.0}, step=4)
        with self.assertRaises(GeorError) as caught:
            run.flush()
        self.assertEqual(caught.exception.code, "BAD_USER_INPUT")
        self.assertEqual(caught.exception.problems[0][:32], 'point 1: name "bad name!" must b')
        self.assertEqual(run.flush(), 0, "points the server refused as bad are dropped")

    def test_log_predictions_rows_coordinates_and_answers(self):
        run = self.start("rows")
        run.chunk_rows = 2
        a, b, c, d = SAMPLES[:4]
        rows = iter([
            {"sample_id": a["id"], "lat": a["lat"], "lon": a["lon"], "confidence": 0.9},
            {"sample_id": b["id"], "answer": geor_answer(b)},
            {"sampleId": c["id"], "answer": f"I think ({c['lat']}, {c['lon']})."},
            {"id": d["id"], "answer": "I cannot tell where this is.", "lat": None},
        ])
        self.assertEqual(run.log_predictions(rows), {"added": 4, "unparsed": 1})
        data = self.client.query("query($id: ID!) { accuracyAtThresholds(filter: { experimentId: $id }) { n unparsed "
                                 "thresholds { km accuracy } statedLevels { country admin1 city } } }", {"id": run.id})
        summary = data["accuracyAtThresholds"]
        self.assertEqual((summary["n"], summary["unparsed"]), (4, 1))
        self.assertEqual(summary["thresholds"][0], {"km": 1, "accuracy": 0.75}, "three exact, one unreadable")
        self.assertEqual(summary["statedLevels"], {"country": 0.25, "admin1": 0.25, "city": 0.25})
        self.assertEqual(run.log_predictions([]), {"added": 0, "unparsed": 0})

    def test_chunks_are_the_size_the_server_says_unless_given(self):
        settings = self.client.query("{ ingestSettings { chunkRows maxRequestBytes } }")["ingestSettings"]
        self.assertEqual(settings["chunkRows"], CHUNK_ROWS)
        rows = [{"sample_id": s["id"], "lat": s["lat"], "lon": s["lon"]} for s in SAMPLES[:5]]
        run = self.start("server's chunks")
        self.assertIsNone(run.chunk_rows)
        heard = []
        self.assertEqual(run.log_predictions(rows, progress=heard.append), {"added": 5, "unparsed": 0})
        self.assertEqual(run.chunk_rows, CHUNK_ROWS)
        self.assertEqual([h["added"] for h in heard], list(range(CHUNK_ROWS, 5, CHUNK_ROWS)) + [5])
        self.assertLess(run.chunk_bytes, settings["maxRequestBytes"])
        given = Run(self.client, self.start("given chunks").id, chunk_rows=5)
        heard = []
        self.assertEqual(given.log_predictions(rows, progress=heard.append), {"added": 5, "unparsed": 0})
        self.assertEqual((given.chunk_rows, [h["added"] for h in heard]), (5, [5]))

    def test_a_bad_chunk_raises_with_its_rows_and_earlier_chunks_stay(self):
        run = self.start("bad chunk")
        run.chunk_rows = 2
        s = SAMPLES
        rows = [{"sample_id": x["id"], "lat": x["lat"], "lon": x["lon"]} for x in s[:5]]
        rows[3] = {"sample_id": s[3]["id"], "lat": 95, "lon": 0}
        with self.assertRaises(GeorError) as caught:
            run.log_predictions(rows)
        e = caught.exception
        self.assertEqual((e.code, e.chunk, e.rows), ("BAD_USER_INPUT", 2, (3, 4)))
        self.assertEqual(e.stored, {"added": 2, "unparsed": 0})
        self.assertEqual(e.problems, ["row 4: lat 95 is not a number in [-90, 90]"])
        self.assertIn("chunk 2 (rows 3–4) refused", e.message)
        self.assertIn("rows 1–2 (chunk 1) stay stored", e.message)
        self.assertEqual(self.count(run), 2, "chunk 1 stays; chunk 2 is refused whole, chunk 3 (sent behind it) too")

        # The server numbers a chunk's rows from 1: the client renumbers them from the first row.
        dup = {"sample_id": s[4]["id"], "lat": 0, "lon": 0}
        with self.assertRaises(GeorError) as caught:
            run.log_predictions([rows[2], {"sample_id": s[5]["id"], "lat": 0, "lon": 0}, dup, dup])
        self.assertEqual(caught.exception.problems, [f'row 4: sample "{s[4]["id"]}" was predicted already at row 3'])
        # Rows the client can tell are wrong are refused before their chunk is sent.
        run.chunk_rows = 10
        with self.assertRaises(GeorError) as caught:
            run.log_predictions([{"sample_id": s[5]["id"], "latitude": 1}, {"lat": 1, "lon": 2}, "x"])
        self.assertEqual(caught.exception.problems, [
            "row 1: unknown key 'latitude' (sample_id, lat, lon, answer, confidence)",
            "row 2: no sample_id", "row 3: expected a dict, got str"])
        self.assertEqual(self.count(run), 4)

    def test_chunks_go_behind_each_other_and_are_stored_in_order_or_not_at_all(self):
        run = self.start("pipelined")
        run.chunk_rows = 1
        rows = [{"sample_id": x["id"], "lat": x["lat"], "lon": x["lon"]} for x in SAMPLES]
        rows[4] = dict(rows[4], lat=95)
        sent = []
        post = run.client._post

        def recording(body, *args):
            sent.append(json.loads(body)["variables"]["e"])
            return post(body, *args)

        with mock.patch.object(run.client, "_post", side_effect=recording):
            with self.assertRaises(GeorError) as caught:
                run.log_predictions(rows)
        e = caught.exception
        self.assertEqual((e.code, e.chunk, e.rows), ("BAD_USER_INPUT", 5, (5, 5)))
        self.assertEqual(e.stored, {"added": 4, "unparsed": 0})
        # The first chunk alone; each later one says what the run holds before it, chunk 6 (sent
        # behind the refused chunk 5) included. (Two threads send: a chunk the server hears before
        # the one it follows is refused and sent again.)
        self.assertEqual(sent[0], None)
        self.assertEqual(sorted(set(sent[1:])), [1, 2, 3, 4, 5])
        self.assertEqual(self.count(run), 4, "chunks 1-4; chunk 6 was refused with chunk 5")
        rows[4] = dict(rows[4], lat=SAMPLES[4]["lat"])
        self.assertEqual(run.log_predictions(rows[4:]), {"added": 2, "unparsed": 0})
        data = self.client.query("query($id: ID!) { predictions(filter: { experimentId: $id }, first: 10) "
                                 "{ edges { node { sampleId } } } }", {"id": run.id})
        self.assertEqual([n["node"]["sampleId"] for n in data["predictions"]["edges"]], [x["id"] for x in SAMPLES])

    def test_log_predictions_file_csv(self):
        run = self.start("csv")
        a, b = SAMPLES[:2]
        path = os.path.join(self.tmp.name, "answers.csv")
        with open(path, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["sample_id", "lat", "lon", "answer", "confidence"])
            w.writerow([a["id"], a["lat"], a["lon"], "", 0.5])
            w.writerow([b["id"], "", "", geor_answer(b, think="Hmm, " * 10_000), ""])
        # Blocks of 1 kB: the file streams in about 50 pieces behind a Content-Length given up front.
        sent = []
        with mock.patch.object(geor_client, "FILE_BLOCK_BYTES", 1000):
            self.assertEqual(run.log_predictions_file(path, progress=lambda n, size: sent.append((n, size))),
                             {"added": 2, "unparsed": 0})
        self.assertEqual(self.count(run), 2)
        size = os.path.getsize(path)
        self.assertEqual(len(sent), -(-size // 1000))
        self.assertEqual(sent[-1], (size, size))
        self.assertEqual([n for n, _ in sent], sorted(n for n, _ in sent))

    def test_log_predictions_file_progress_line(self):
        run = self.start("file progress")
        path = self.write("answers.jsonl", "".join(json.dumps({"sample_id": x["id"], "lat": x["lat"], "lon": x["lon"]})
                                                   + "\n" for x in SAMPLES[:3]))
        err = Terminal()
        with mock.patch.object(geor_client.sys, "stderr", err):
            self.assertEqual(run.log_predictions_file(path, progress=True), {"added": 3, "unparsed": 0})
        # Rewritten in place, ended by the stored count once the server has answered.
        self.assertIn("\r\033[Kgeor: answers.jsonl: all 0.0 MiB sent; the server is storing the last lines",
                      err.getvalue())
        self.assertRegex(err.getvalue(), r"\r\033\[Kgeor: answers.jsonl: 3 predictions stored, [\d,]+/s\n$")

    def test_log_predictions_file_jsonl_refused_whole_for_a_bad_line(self):
        run = self.start("jsonl")
        a, b = SAMPLES[:2]
        good = json.dumps({"sample_id": a["id"], "answer": geor_answer(a)})
        bad = self.write("answers.jsonl", good + "\n{not json\n" + json.dumps({"sample_id": b["id"], "x": 1}) + "\n")
        with self.assertRaises(GeorError) as caught:
            run.log_predictions_file(bad)
        e = caught.exception
        self.assertEqual((e.code, e.problem_count), ("BAD_USER_INPUT", 2))
        self.assertTrue(e.problems[0].startswith("line 2: invalid JSON"), e.problems)
        self.assertEqual(e.problems[1], "line 3: unknown key x")
        self.assertEqual(self.count(run), 0, "nothing of the refused file is stored")
        fixed = self.write("fixed.jsonl", good + "\n" + json.dumps({"sample_id": b["id"], "lat": 0, "lon": 0}) + "\n")
        self.assertEqual(run.log_predictions_file(fixed), {"added": 2, "unparsed": 0})

    def test_context_manager_finishes_succeeded_and_flushes(self):
        a = SAMPLES[0]
        with self.start("with ok") as run:
            run.log({"loss": 0.5}, step=7)
            run.log_predictions([{"sample_id": a["id"], "answer": geor_answer(a)}])
        self.assertEqual(run.status, "SUCCEEDED")
        self.assertEqual(run.final_metrics["metrics"]["n"], 1)
        self.assertEqual(self.series(run, "loss"), [(7, 0.5)], "buffered points are sent on exit")
        with self.assertRaises(GeorError) as caught:
            run.log_predictions([{"sample_id": SAMPLES[1]["id"], "lat": 0, "lon": 0}])
        self.assertEqual(caught.exception.code, "CONFLICT")

    def test_context_manager_marks_the_run_failed_with_the_exception(self):
        with self.assertRaises(RuntimeError):
            with self.start("with error") as run:
                run.log({"loss": 9.0}, step=1)
                raise RuntimeError("CUDA out of memory")
        data = self.client.query("query($id: ID!) { experiment(id: $id) { status error } }", {"id": run.id})
        self.assertEqual(data["experiment"], {"status": "FAILED", "error": "RuntimeError: CUDA out of memory"})
        self.assertEqual((run.status, run.error), ("FAILED", "RuntimeError: CUDA out of memory"))
        self.assertEqual(self.series(run, "loss"), [(1, 9.0)])
        with self.start("finished inside") as run:
            self.assertEqual(run.finish()["status"], "SUCCEEDED")
        self.assertEqual(run.status, "SUCCEEDED", "exit does not finish it twice")

    def test_a_wrong_or_missing_token_is_unauthenticated(self):
        with self.assertRaises(GeorError) as caught:
            Client(API, token="wrong-token-0123456789").start_run("x", dataset=DATASET)
        self.assertEqual(caught.exception.code, "UNAUTHENTICATED")
        with self.assertRaises(GeorError) as caught:
            Client(API, token="").start_run("x", dataset=DATASET)
        self.assertEqual(caught.exception.code, "UNAUTHENTICATED")
        self.assertIn("this client has no token", caught.exception.message)
        # An upload asks first, so a wrong token or a finished run is told before the file is sent.
        run = self.start("upload token")
        path = self.write("a.jsonl", json.dumps({"sample_id": SAMPLES[0]["id"], "lat": 0, "lon": 0}) + "\n")
        with self.assertRaises(GeorError) as caught:
            Run(Client(API, token="wrong-token-0123456789"), run.id).log_predictions_file(path)
        self.assertEqual(caught.exception.code, "UNAUTHENTICATED")
        run.finish()
        with self.assertRaises(GeorError) as caught:
            run.log_predictions_file(path)
        self.assertEqual(caught.exception.code, "CONFLICT")
        self.assertIn("is SUCCEEDED; it takes no more", caught.exception.message)

    def test_http_and_connection_errors_name_the_url(self):
        with self.assertRaises(GeorError) as caught:
            Client(BASE + "/nowhere").query("{ __typename }")
        self.assertEqual(caught.exception.status, 404)
        self.assertIn(f"{BASE}/nowhere/graphql answered HTTP 404", caught.exception.message)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        with self.assertRaises(GeorError) as caught:
            Client(f"http://127.0.0.1:{port}").query("{ __typename }")
        self.assertIn(f"cannot reach http://127.0.0.1:{port}/graphql", caught.exception.message)
        self.assertIsNone(caught.exception.code)


class FakeServer:
    """addPredictions as the server answers it, for the client's side of overlapping chunks: a call
    with expectStored waits (up to a second) until the run holds that many, else CONFLICT. ``hooks``
    may stand in for the first call with a given expectStored: ``hooks[e](variables)`` (the chunk's,
    whichever of two overlapping chunks reaches the server first)."""

    def __init__(self, hooks=None):
        self.held = 0
        self.calls = []
        self.hooks = hooks or {}
        self.changed = threading.Condition()

    def post(self, body, content_type, length, extra_headers=None):
        request = json.loads(body)
        if "ingestSettings" in request["query"]:
            # As an API from before ingestSettings answers.
            raise GeorError('Cannot query field "ingestSettings" on type "Query".', code="GRAPHQL_VALIDATION_FAILED")
        variables = request["variables"]
        with self.changed:
            self.calls.append(variables["e"])
            hook = self.hooks.pop(variables["e"], None)
            self.changed.notify_all()
        return hook(variables) if hook else self.store(variables)

    def store(self, variables):
        with self.changed:
            expect = variables["e"]
            if expect is not None:
                self.changed.wait_for(lambda: self.held >= expect, timeout=1)
                if self.held != expect:
                    raise GeorError("conflict", code="CONFLICT", extensions={"stored": self.held})
            self.held += len(variables["p"])
            self.changed.notify_all()
            return {"addPredictions": {"added": len(variables["p"]), "unparsed": 0, "stored": self.held}}


class FakeServerTestCase(unittest.TestCase):
    """Five rows of coordinates for run 7 of a FakeServer, CHUNK_ROWS a chunk."""

    ROWS = [{"sample_id": f"s{i}", "lat": 1.0, "lon": 2.0} for i in range(1, 6)]
    CHUNK_ROWS = 1

    def run_with(self, server):
        run = Run(Client("http://127.0.0.1:9/graphql", token="t"), "7", chunk_rows=self.CHUNK_ROWS)
        run.client._post = server.post
        return run


class OverlappingChunksTest(FakeServerTestCase):
    """The client's side of sending a chunk while the last is stored, against FakeServer."""

    def test_the_next_chunk_is_sent_before_the_last_is_answered(self):
        server = FakeServer()

        def slow(variables):
            # Chunk 2 answers only once chunk 3 has been sent.
            with server.changed:
                sent = server.changed.wait_for(lambda: 2 in server.calls, timeout=5)
            self.assertTrue(sent, "chunk 3 was not sent while chunk 2 was unanswered")
            return server.store(variables)

        server.hooks[1] = slow  # chunk 2: the run holds chunk 1's row
        self.assertEqual(self.run_with(server).log_predictions(self.ROWS), {"added": 5, "unparsed": 0})
        self.assertEqual(server.calls[0], None)
        self.assertEqual(sorted(server.calls[1:]), [1, 2, 3, 4])

    def test_a_chunk_that_came_before_the_one_it_follows_is_sent_again(self):
        server = FakeServer()

        def early(variables):
            raise GeorError("conflict", code="CONFLICT", extensions={"stored": 1})

        server.hooks[2] = early  # chunk 3 (expects 2) refused: it found only chunk 1's row
        self.assertEqual(self.run_with(server).log_predictions(self.ROWS), {"added": 5, "unparsed": 0})
        self.assertEqual(server.held, 5)
        self.assertEqual(sorted(server.calls[1:]), [1, 2, 2, 3, 4], "chunk 3 sent again")

    def test_a_lost_answer_is_told_with_what_the_chunk_behind_it_proves(self):
        server = FakeServer()

        def lost(variables):
            server.store(variables)
            raise GeorError("cannot reach the server: timed out")

        server.hooks[1] = lost  # chunk 2
        with self.assertRaises(GeorError) as caught:
            self.run_with(server).log_predictions(self.ROWS[:3])
        e = caught.exception
        self.assertEqual((e.chunk, e.rows, e.stored["added"]), (2, (2, 2), 3))
        self.assertIn("timed out; yet chunk 3 (sent behind it) was stored, so both are: rows 1–3 stay stored",
                      e.message)


class Clock:
    """geor_client's ``time``, each look at the clock ``step`` seconds after the last."""

    def __init__(self, step):
        self.now, self.step = 0.0, step

    def monotonic(self):
        self.now += self.step
        return self.now


class Terminal(io.StringIO):
    """stderr as a terminal."""

    def isatty(self):
        return True


class OlderApiTest(FakeServerTestCase):
    """log_predictions against an API from before ingestSettings."""

    def test_chunks_keep_the_default_size_when_the_server_does_not_say(self):
        run = self.run_with(FakeServer())
        run.chunk_rows = None
        self.assertEqual(run.log_predictions(self.ROWS), {"added": 5, "unparsed": 0})
        self.assertEqual((run.chunk_rows, run.chunk_bytes),
                         (geor_client.PREDICTION_CHUNK_ROWS, geor_client.PREDICTION_CHUNK_BYTES))


class ProgressTest(FakeServerTestCase):
    """progress= of log_predictions, against FakeServer: a function, a line on a terminal, lines in a log."""

    CHUNK_ROWS = 2

    def test_the_line_names_the_run(self):
        err = io.StringIO()
        run = self.run_with(FakeServer())
        run.name = "geoclip"
        with mock.patch.object(geor_client.sys, "stderr", err):
            run.log_predictions(self.ROWS, progress=True)
        self.assertRegex(err.getvalue(), r'^geor: run "geoclip": 5 predictions stored, [\d,]+/s\n$')

    def test_a_function_hears_each_stored_chunk(self):
        heard = []
        self.assertEqual(self.run_with(FakeServer()).log_predictions(self.ROWS, progress=heard.append),
                         {"added": 5, "unparsed": 0})
        self.assertEqual(heard, [{"added": 2, "unparsed": 0}, {"added": 4, "unparsed": 0},
                                 {"added": 5, "unparsed": 0}])

    def test_a_terminal_line_is_rewritten_and_ended(self):
        err = Terminal()
        with mock.patch.object(geor_client.sys, "stderr", err):
            self.run_with(FakeServer()).log_predictions(self.ROWS, progress=True)
        lines = err.getvalue().split("\r\033[K")[1:]
        self.assertEqual([re.sub(r", [\d,]+/s", "", x) for x in lines],
                         ["geor: run 7: 2 predictions stored", "geor: run 7: 4 predictions stored",
                          "geor: run 7: 5 predictions stored", "geor: run 7: 5 predictions stored\n"])

    def test_a_log_gets_a_line_now_and_then_and_the_last(self):
        err = io.StringIO()
        with mock.patch.object(geor_client.sys, "stderr", err):
            self.run_with(FakeServer()).log_predictions(self.ROWS, progress=True)
        lines = err.getvalue().splitlines()
        # None until PROGRESS_LOG_SECONDS have passed, and the last.
        self.assertEqual(len(lines), 1, lines)
        self.assertRegex(lines[0], r"^geor: run 7: 5 predictions stored, [\d,]+/s$")
        # With 10 s between looks at the clock: every chunk's line, the last one once.
        err = io.StringIO()
        with mock.patch.object(geor_client.sys, "stderr", err), mock.patch.object(geor_client, "time", Clock(10)):
            self.run_with(FakeServer()).log_predictions(self.ROWS, progress=True)
        self.assertEqual([re.sub(r", [\d,.]+/s", "", x) for x in err.getvalue().splitlines()],
                         ["geor: run 7: 2 predictions stored", "geor: run 7: 4 predictions stored",
                          "geor: run 7: 5 predictions stored"])

    def test_a_function_that_raises_stops_the_sending_after_the_chunk_in_flight(self):
        server = FakeServer()

        def stop(totals):
            if totals["added"] == 4:
                raise KeyboardInterrupt

        with self.assertRaises(KeyboardInterrupt):
            self.run_with(server).log_predictions(self.ROWS + self.ROWS, progress=stop)
        # Chunk 3 was on its way when chunk 2's totals were heard: it is stored, and nothing after it.
        self.assertEqual(server.held, 6)
        self.assertEqual(server.calls, [None, 2, 4])

    def test_no_stderr_no_line(self):
        with mock.patch.object(geor_client.sys, "stderr", None):
            self.assertEqual(self.run_with(FakeServer()).log_predictions(self.ROWS, progress=True),
                             {"added": 5, "unparsed": 0})

    def test_a_file_reports_its_blocks(self):
        run = Run(Client("http://127.0.0.1:9/graphql", token="t"), "7")
        lines = "".join(json.dumps({"sample_id": f"s{i}", "lat": 1.0, "lon": 2.0}) + "\n" for i in range(100))
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "answers.jsonl")
            with open(path, "w", encoding="utf-8") as f:
                f.write(lines)

            def post(body, content_type, length, extra_headers=None):
                if isinstance(body, bytes):  # the check of the token and the run before the upload
                    return {"logMetrics": 0}
                sent = b"".join(body)  # the upload's blocks, reported as urllib reads them
                self.assertEqual(len(sent), length)
                return {"addPredictions": {"added": 100, "unparsed": 0}}

            run.client._post = post
            heard, err = [], Terminal()
            with mock.patch.object(geor_client, "FILE_BLOCK_BYTES", 1000):
                run.log_predictions_file(path, progress=lambda n, size: heard.append((n, size)))
                with mock.patch.object(geor_client.sys, "stderr", err):
                    run.log_predictions_file(path, progress=True)
        size = len(lines)
        self.assertEqual(heard, [(min(k * 1000, size), size) for k in range(1, -(-size // 1000) + 1)])
        self.assertIn(f"\r\033[Kgeor: answers.jsonl: 0.0 of 0.0 MiB sent ({100_000 / size:.0f}%), ", err.getvalue())
        self.assertIn("\r\033[Kgeor: answers.jsonl: all 0.0 MiB sent; the server is storing the last lines",
                      err.getvalue())
        self.assertRegex(err.getvalue(), r"\r\033\[Kgeor: answers.jsonl: 100 predictions stored, [\d,]+/s\n$")
        with self.assertRaisesRegex(TypeError, "not int"):
            run.log_predictions_file(os.path.join(tmp, "never-opened.jsonl"), progress=1)

    def test_an_error_ends_the_terminal_line_first(self):
        err = Terminal()

        def refused(variables):
            raise GeorError("bad rows", code="BAD_USER_INPUT", problems=["row 1: lat 95 is not a number in [-90, 90]"])

        server = FakeServer({4: refused})  # chunk 3
        with mock.patch.object(geor_client.sys, "stderr", err):
            with self.assertRaises(GeorError):
                self.run_with(server).log_predictions(self.ROWS, progress=True)
        self.assertRegex(err.getvalue(), r"\r\033\[Kgeor: run 7: 4 predictions stored, [\d,]+/s\n$")

    def test_progress_must_be_a_flag_or_a_function(self):
        with self.assertRaisesRegex(TypeError, "progress must be True, False, None or a function, not str"):
            self.run_with(FakeServer()).log_predictions(self.ROWS, progress="yes")


class OldServerTest(unittest.TestCase):
    """An API from before expectStored: it refuses the query that names it, as any unknown argument."""

    UNKNOWN = ('Unknown argument "expectStored" on field "Mutation.addPredictions".; Cannot query field "stored" '
               'on type "AddPredictionsResult".')

    def setUp(self):
        self.held, self.in_flight, self.most, self.queries = 0, 0, 0, []
        self.lock = threading.Lock()
        self.refusal = self.UNKNOWN
        self.run = Run(Client("http://127.0.0.1:9/graphql", token="t"), "7", chunk_rows=2)
        self.run.client._post = self.post

    def post(self, body, content_type, length, extra_headers=None):
        request = json.loads(body)
        self.queries.append(request["query"])
        if "expectStored" in request["query"]:
            raise GeorError(self.refusal, code="GRAPHQL_VALIDATION_FAILED", status=400)
        with self.lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
        time.sleep(0.02)
        with self.lock:
            self.in_flight -= 1
            self.held += len(request["variables"]["p"])
        return {"addPredictions": {"added": len(request["variables"]["p"]), "unparsed": 0}}

    def rows(self, n):
        return [{"sample_id": f"s{i}", "lat": 1.0, "lon": 2.0} for i in range(1, n + 1)]

    def test_chunks_go_one_at_a_time_without_expect_stored(self):
        self.assertEqual(self.run.log_predictions(self.rows(7)), {"added": 7, "unparsed": 0})
        self.assertEqual(self.held, 7)
        self.assertEqual(self.most, 1, "a chunk was sent before the last was answered")
        # The first chunk once as it is, once again without expectStored; then every chunk without it.
        self.assertEqual(len(self.queries), 5)
        self.assertIn("expectStored", self.queries[0])
        self.assertTrue(all("expectStored" not in q and "stored" not in q for q in self.queries[1:]))
        # The run remembers: its next rows go without expectStored from the first.
        self.assertEqual(self.run.log_predictions(self.rows(3)), {"added": 3, "unparsed": 0})
        self.assertEqual(len(self.queries), 7)
        self.assertTrue(all("expectStored" not in q for q in self.queries[5:]))

    def test_another_refused_query_is_an_error(self):
        self.refusal = 'Variable "$p" got invalid value 1 at "p[0].lat"; Float cannot represent a non numeric value'
        with self.assertRaises(GeorError) as caught:
            self.run.log_predictions(self.rows(3))
        self.assertEqual(caught.exception.code, "GRAPHQL_VALIDATION_FAILED")
        self.assertEqual(len(self.queries), 1, "sent again")
        self.assertEqual(self.held, 0)


if __name__ == "__main__":
    unittest.main()
