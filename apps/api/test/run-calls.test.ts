/**
 * RunCalls (services/run-calls.ts) against a fake store: the write turn, expectStored's waiting
 * and refusals, and the turn given back on every error path, without a database or a clock.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { RunCalls } from "../src/services/run-calls.ts";
import type { IngestSession } from "../src/store/index.ts";
import type { PredictionBatch } from "../src/store/prediction-columns.ts";

/** A run's predictions as a number; a session stores `rows` at commit. */
class FakeRun {
  held = 0;
  begun = 0;
  failBegin = false;
  failAbort = false;
  /** Each commit's `more`, in order. */
  readonly mores: boolean[] = [];
  begin = async (): Promise<IngestSession> => {
    this.begun++;
    await Promise.resolve();
    if (this.failBegin) throw new Error("connection refused");
    const run = this;
    let rows = 0;
    return {
      held: this.held,
      async write(batch: PredictionBatch) {
        rows += batch.length;
      },
      async commit(more?: boolean) {
        run.mores.push(more === true);
        run.held += rows;
      },
      async abort() {
        if (run.failAbort) throw new Error("connection lost");
      },
    };
  };
}

const batch = (length: number) => ({ length }) as PredictionBatch;

/** Lets every pending promise callback run (no timers involved). */
async function drain(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

/** A promise's state after the microtasks have run. */
async function state(p: Promise<unknown>): Promise<"pending" | "resolved" | "rejected"> {
  let s: "pending" | "resolved" | "rejected" = "pending";
  p.then(
    () => {
      s = "resolved";
    },
    () => {
      s = "rejected";
    },
  );
  await drain();
  return s;
}

/** A call (counted as under way) that opens a session and holds it until `finish` is called. */
function call(calls: RunCalls, run: FakeRun, expect: number | null, rows: number) {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let opened!: (s: IngestSession) => void;
  const session = new Promise<IngestSession>((resolve) => {
    opened = resolve;
  });
  const done = calls.run(async () => {
    const s = await calls.open(run.begin, "run-1", expect);
    opened(s);
    await s.write(batch(rows));
    await finished;
    await s.commit();
    return s.held + rows;
  });
  done.catch(() => {});
  return { done, session, finish };
}

// A call left waiting for good fails its test instead of hanging the run.
describe("RunCalls", { timeout: 30_000 }, () => {
  test("a chunk that comes while the one before holds the turn waits for it, then stores behind it", async () => {
    const calls = new RunCalls();
    const run = new FakeRun();
    const a = call(calls, run, 0, 4);
    await a.session;
    const b = call(calls, run, 4, 2);
    assert.equal(await state(b.session), "pending", "no turn while chunk 1 holds it");
    a.finish();
    assert.equal(await a.done, 4);
    b.finish();
    assert.equal(await b.done, 6);
    assert.equal(run.held, 6);
  });

  test("a chunk that takes the turn first gives it back and waits for the one before", async () => {
    const calls = new RunCalls();
    const run = new FakeRun();
    // Chunk 1 is under way but has not asked for the turn yet (still reading its rows).
    let read!: () => void;
    const reading = new Promise<void>((resolve) => {
      read = resolve;
    });
    const a = calls.run(async () => {
      await reading;
      const s = await calls.open(run.begin, "run-1", 0);
      await s.write(batch(3));
      await s.commit();
    });
    const b = call(calls, run, 3, 1);
    b.finish();
    assert.equal(await state(b.done), "pending", "chunk 2 waits for chunk 1");
    assert.equal(run.begun, 1, "and looked once, not in a loop");
    read();
    await a;
    assert.equal(await b.done, 4);
  });

  test("waiting chunks are refused once no call that could store is left", async () => {
    const calls = new RunCalls();
    const run = new FakeRun();
    let end!: () => void;
    const other = calls.run(() => new Promise<void>((resolve) => (end = resolve)));
    const b = call(calls, run, 5, 1);
    const c = call(calls, run, 7, 1);
    assert.equal(await state(b.done), "pending");
    assert.equal(await state(c.done), "pending");
    end();
    await other;
    for (const late of [b.done, c.done])
      await assert.rejects(late, (err: Error & { extensions?: Record<string, unknown> }) => {
        assert.equal(err.extensions?.code, "CONFLICT");
        assert.equal(err.extensions?.stored, 0);
        return true;
      });
    assert.ok(calls.idle);
    // The turn is free again: a call that expects what the run holds is stored at once.
    const d = call(calls, run, 0, 2);
    d.finish();
    assert.equal(await d.done, 2);
  });

  test("more stored than expected is refused at once, even with other calls under way", async () => {
    const calls = new RunCalls();
    const run = new FakeRun();
    run.held = 5;
    const other = calls.run(() => new Promise<void>(() => {}));
    other.catch(() => {});
    await assert.rejects(
      calls.run(() => calls.open(run.begin, "run-1", 4)),
      /holds 5 predictions, not the 4 this call expects/,
    );
  });

  test("the turn is given back when the session cannot begin or its abort fails", async () => {
    const calls = new RunCalls();
    const run = new FakeRun();
    run.failBegin = true;
    await assert.rejects(
      calls.run(() => calls.open(run.begin, "run-1", null)),
      /connection refused/,
    );
    run.failBegin = false;
    run.failAbort = true;
    await assert.rejects(
      calls.run(() => calls.open(run.begin, "run-1", 9)),
      /connection lost/,
    );
    run.failAbort = false;
    const a = call(calls, run, null, 1);
    assert.equal(await state(a.session), "resolved", "the turn was free");
    a.finish();
    assert.equal(await a.done, 1);
  });

  test("a session ended twice gives the turn back once", async () => {
    const calls = new RunCalls();
    const run = new FakeRun();
    const first = await calls.run(() => calls.open(run.begin, "run-1", null));
    await first.commit();
    const b = call(calls, run, null, 1);
    await b.session;
    await first.abort();
    const c = call(calls, run, null, 1);
    assert.equal(await state(c.session), "pending", "b still holds the turn");
    b.finish();
    await b.done;
    c.finish();
    assert.equal(await c.done, 2);
  });

  test("a commit says whether another call is under way; the last call to end settles the run before it ends", async () => {
    const order: string[] = [];
    let settling!: () => void;
    const calls = new RunCalls(
      () =>
        new Promise<void>((resolve) => {
          order.push("settle");
          settling = resolve;
        }),
    );
    const run = new FakeRun();
    const a = call(calls, run, 0, 4);
    await a.session;
    const b = call(calls, run, 4, 2);
    a.finish();
    await a.done;
    assert.deepEqual(order, [], "not settled while chunk 2 is under way");
    b.finish();
    assert.equal(await state(b.done), "pending", "chunk 2 ends once the run is settled");
    assert.deepEqual(order, ["settle"]);
    assert.equal(calls.idle, false, "still under way while settling, so finishExperiment waits for it");
    settling();
    assert.equal(await b.done, 6);
    assert.equal(calls.idle, true);
    assert.deepEqual(run.mores, [true, false], "chunk 1 had chunk 2 behind it; chunk 2 was the last");
  });

  test("a settle that fails does not fail the call that ran it", async () => {
    const calls = new RunCalls(async () => {
      throw new Error("connection lost");
    });
    const run = new FakeRun();
    const a = call(calls, run, 0, 3);
    a.finish();
    assert.equal(await a.done, 3);
    assert.equal(calls.idle, true);
  });

  test("settled() waits for every call under way", async () => {
    const calls = new RunCalls();
    const run = new FakeRun();
    const a = call(calls, run, null, 1);
    const settled = calls.settled();
    assert.equal(await state(settled), "pending");
    a.finish();
    await a.done;
    assert.equal(await state(settled), "resolved");
  });
});
