/**
 * The addPredictions calls of one external run in this API process. They read and score their
 * rows at once, but store them one call at a time (the write turn, held from a call's first write
 * until it has committed or taken its rows out again), so calls' rows and their undoing never
 * interleave. A client may so send its next chunk while the last is being stored: the server
 * scores the one while it writes the other.
 *
 * A call may say how many predictions the run must hold when its rows are stored
 * (`expectStored`): the chunks of one client, sent without waiting for each other's answer, are
 * then stored in the client's order or not at all. A call that finds fewer waits while another
 * call of the run is under way (the chunk before it may be that one, or may not have arrived yet
 * when its answer is slow) and is refused once none is left that could make up the difference.
 */
import { GraphQLError } from "graphql";
import type { IngestSession } from "../store/index.ts";

export class RunCalls {
  /**
   * @param settle Ends what the store kept of the run's calls for a next one (PredictionWriter's
   * settleIngest): run when the last call under way ends, before it answers.
   */
  constructor(private readonly settle: () => Promise<void> = async () => {}) {}

  /** Calls begun and not ended. */
  private active = 0;
  /** Calls waiting for an earlier chunk to be stored. */
  private waiting = 0;
  private turnHeld = false;
  /** Woken when the turn is given back. */
  private turnListeners: Array<() => void> = [];
  /** Woken when what the run holds may have changed: a session ended, a call ended. */
  private storeListeners: Array<() => void> = [];

  /** Runs a call, counting it as under way until it ends. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await call();
    } finally {
      // Still under way, so finishExperiment's settled() waits for this too. A failure leaves the
      // rows to a recovery (the run's next call, finishExperiment, the API's next start).
      if (this.active === 1) await this.settle().catch(() => {});
      this.active--;
      this.storeListeners = wake(this.storeListeners);
    }
  }

  get idle(): boolean {
    return this.active === 0;
  }

  /** Resolves once no call is under way. */
  async settled(): Promise<void> {
    while (this.active > 0) await listen(this.storeListeners);
  }

  /**
   * Takes the write turn and begins the store's session (`begin`), which says what the run holds;
   * with `expectStored`, waits until the run holds that many (see the file comment). The session
   * returned gives the turn back when it commits or aborts.
   */
  async open(begin: () => Promise<IngestSession>, runId: string, expectStored: number | null): Promise<IngestSession> {
    for (;;) {
      while (this.turnHeld) await listen(this.turnListeners);
      this.turnHeld = true;
      let session: IngestSession;
      try {
        session = await begin();
      } catch (err) {
        this.release(false);
        throw err;
      }
      if (expectStored === null || session.held === expectStored) return this.releasing(session);
      // Listening before the turn is given back, so no change after the count goes unheard.
      const { heard: changed, resolve: heard } = listener();
      this.storeListeners.push(heard);
      const stopListening = () => {
        this.storeListeners = this.storeListeners.filter((l) => l !== heard);
      };
      // Nothing written: the calls waiting for the run to change need not look again.
      try {
        await session.abort();
      } catch (err) {
        stopListening();
        throw err;
      } finally {
        this.release(false);
      }
      // Another call under way, and not waiting itself, may be the chunk before this one.
      if (session.held > expectStored || this.active - this.waiting <= 1) {
        stopListening();
        throw storedConflict(runId, session.held, expectStored);
      }
      this.waiting++;
      try {
        await changed;
      } finally {
        this.waiting--;
      }
    }
  }

  /** The session, giving the turn back once it ends (once: a second commit or abort is the session's to refuse). */
  private releasing(session: IngestSession): IngestSession {
    let ended = false;
    const end = async (how: () => Promise<void>) => {
      const first = !ended;
      ended = true;
      try {
        await how();
      } finally {
        if (first) this.release(true);
      }
    };
    return {
      held: session.held,
      write: (batch) => session.write(batch),
      // Another call under way (the client's next chunk, being read) may take the session over.
      commit: () => end(() => session.commit(this.active > 1)),
      abort: () => end(() => session.abort()),
    };
  }

  private release(stored: boolean): void {
    this.turnHeld = false;
    this.turnListeners = wake(this.turnListeners);
    if (stored) this.storeListeners = wake(this.storeListeners);
  }
}

/** A promise and the function that resolves it. */
function listener(): { heard: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const heard = new Promise<void>((r) => {
    resolve = r;
  });
  return { heard, resolve };
}

function listen(listeners: Array<() => void>): Promise<void> {
  const { heard, resolve } = listener();
  listeners.push(resolve);
  return heard;
}

/** Wakes the listeners; the empty list that replaces them. */
function wake(listeners: Array<() => void>): Array<() => void> {
  for (const resolve of listeners) resolve();
  return [];
}

/** A call whose expectStored is not what the run holds: CONFLICT, with both numbers. */
function storedConflict(runId: string, held: number, expectStored: number): GraphQLError {
  const why =
    held > expectStored
      ? "more than that are stored (this chunk or a later one may have been stored already)"
      : "no call under way could store the rest (was an earlier chunk refused or never sent?)";
  return new GraphQLError(
    `experiment "${runId}" holds ${held} predictions, not the ${expectStored} this call expects (expectStored); ${why}; nothing stored`,
    { extensions: { code: "CONFLICT", stored: held, expectStored } },
  );
}
