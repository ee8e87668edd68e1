/**
 * Studies over GraphQL. On both databases: a bad design is refused whole, naming the arm and the
 * field, with nothing stored or queued; names are unique; cancelStudy cancels every run; the list
 * pages by keyset. On SQLite (the embedded default, one run at a time): a tiny 2 × 2 chain-vs-flat
 * study trains and evaluates, its comparison equals one computed here from the runs' stored
 * predictions, and extendStudy adds seeds whose runs the comparison then pools — with one of the
 * new runs failed, so the study ends FAILED and its comparison says which pair it left out.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DATASET, TINY_DATASET_INPUT } from "./api-fixtures.ts";
import { DIALECTS, gql, ok, startApi, type TestApi, TOKEN } from "./helpers.ts";
import {
  assertComparisonsByHand,
  createStudy,
  STUDY_FIELDS,
  type Study,
  studyEnded,
  tinyArm,
} from "./study-fixtures.ts";

const ARMS = [tinyArm("chain", "chain"), tinyArm("flat", "flat")];
/** flat costs 0.8 of a chain step here: 8 chain steps buy 10 flat steps. */
const BUDGET = { sftSteps: 8, stepCost: { flat: 0.8 } };

const counts = (api: TestApi) =>
  ok<{ experiments: { totalCount: number }; studies: Array<{ id: string }> }>(
    api,
    "{ experiments { totalCount } studies(first: 100) { id } }",
  );

for (const dialect of DIALECTS) {
  describe(`studies on ${dialect}`, () => {
    let api: TestApi;
    before(async () => {
      // No worker on PostgreSQL: these tests need no run to train (SQLite's in-process queue
      // takes runs, which the cancel test stops).
      api = await startApi(dialect, {}, { pgWorker: false });
      await ok(api, "mutation($i: BuildDatasetInput!) { buildDataset(input: $i) { name } }", { i: TINY_DATASET_INPUT });
    });
    after(async () => {
      await api?.stop();
    });

    test("a bad design is refused whole, naming the arm and the field; nothing is stored or queued", async () => {
      const before = await counts(api);
      const bad = (input: Record<string, unknown>) =>
        gql(api, `mutation($i: CreateStudyInput!) { createStudy(input: $i) { id } }`, { i: input }, TOKEN);
      const base = { name: "refused", dataset: DATASET, arms: ARMS, seeds: [0, 1], budget: BUDGET };
      const lrTooHigh = tinyArm("flat", "flat", { lr: 5 });
      const cases: Array<[Record<string, unknown>, string, RegExp]> = [
        [
          { ...base, arms: [ARMS[0], lrTooHigh] },
          "input.arms[1].config.train.lr",
          /arms\[1\] "flat": config\.train\.lr: /,
        ],
        [
          { ...base, arms: [tinyArm("a", "chain", { seed: 3 }), ARMS[1]] },
          "input.arms[0].config.train.seed",
          /arms\[0\] "a": config\.train\.seed: set per run/,
        ],
        [
          { ...base, arms: [tinyArm("a", "chain", { steps: 9 }), ARMS[1]] },
          "input.arms[0].config.train.steps",
          /set by the study's budget/,
        ],
        [{ ...base, budget: null }, "input.arms[0].config.train.steps", /every arm states its SFT steps/],
        [{ ...base, arms: [ARMS[0], { ...ARMS[1], name: "chain" }] }, "input.arms[1].name", /appears twice/],
        [{ ...base, seeds: [0, 0] }, "input.seeds[1]", /seed 0 appears twice/],
        [{ ...base, seeds: [] }, "input.seeds", /at least one seed/],
        [{ ...base, arms: [ARMS[0]] }, "input.arms", /at least two arms/],
        [{ ...base, control: "regress" }, "input.control", /no arm "regress"/],
        [{ ...base, seeds: Array.from({ length: 101 }, (_, i) => i) }, "input.seeds", /202 runs, more than 200/],
        [{ ...base, budget: { sftSteps: 8, stepCost: { chain: 1 } } }, "input.budget.stepCost.flat", /missing/],
        [{ ...base, name: "has spaces" }, "input.name", /letters, digits/],
        [{ ...base, dataset: "no-such" }, "input.dataset", /no dataset/],
      ];
      for (const [input, field, message] of cases) {
        const r = await bad(input);
        const e = r.errors?.[0];
        assert.equal(e?.extensions?.code, "BAD_USER_INPUT", JSON.stringify(r.errors));
        assert.equal(e?.extensions?.field, field, e?.message);
        assert.match(e?.message ?? "", message);
      }
      // Every bad arm at once, not the first only.
      const both = await bad({ ...base, arms: [tinyArm("a", "chain", { lr: 5 }), lrTooHigh] });
      const issues = both.errors?.[0]?.extensions?.issues as Array<{ field: string }>;
      assert.deepEqual(
        issues.map((i) => i.field),
        ["input.arms[0].config.train.lr", "input.arms[1].config.train.lr"],
      );
      assert.deepEqual(await counts(api), before, "nothing stored");
    });

    test("cancelStudy cancels every run; a cancelled study takes no seeds; names are unique", async () => {
      const long = { name: "to-cancel", dataset: DATASET, arms: ARMS, seeds: [0, 1], budget: { sftSteps: 5000 } };
      const s = await createStudy(api, long);
      assert.equal(s.runCounts.total, 4);
      assert.equal(s.createdBy, "admin");
      const dup = await gql(
        api,
        `mutation($i: CreateStudyInput!) { createStudy(input: $i) { id } }`,
        { i: long },
        TOKEN,
      );
      assert.equal(dup.errors?.[0]?.extensions?.code, "CONFLICT");
      const c = await ok<{ cancelStudy: Study }>(
        api,
        `mutation($id: ID!) { cancelStudy(id: $id) { ${STUDY_FIELDS} } }`,
        {
          id: s.id,
        },
      );
      assert.ok(c.cancelStudy.cancelledAt);
      const ended = await studyEnded(api, s.id, 60_000);
      assert.equal(ended.status, "CANCELLED");
      assert.deepEqual(
        ended.runs.map((r) => r.experiment.status),
        ["CANCELLED", "CANCELLED", "CANCELLED", "CANCELLED"],
      );
      const more = await gql(
        api,
        `mutation($id: ID!) { extendStudy(id: $id, seeds: [5]) { id } }`,
        { id: s.id },
        TOKEN,
      );
      assert.equal(more.errors?.[0]?.extensions?.code, "CONFLICT");
      const missing = await gql(api, `mutation { cancelStudy(id: "nope") { id } }`, {}, TOKEN);
      assert.equal(missing.errors?.[0]?.extensions?.code, "NOT_FOUND");
    });

    test("studies: newest first, by keyset pages", async () => {
      const names = ["page-a", "page-b", "page-c"];
      for (const name of names) {
        const s = await createStudy(api, {
          name,
          dataset: DATASET,
          arms: ARMS,
          seeds: [0],
          budget: { sftSteps: 5000 },
        });
        await ok(api, `mutation($id: ID!) { cancelStudy(id: $id) { id } }`, { id: s.id });
      }
      const seen: string[] = [];
      let afterId: string | null = null;
      for (;;) {
        const d: { studies: Array<{ id: string; name: string }> } = await ok(
          api,
          "query($a: String) { studies(first: 2, after: $a) { id name } }",
          { a: afterId },
        );
        seen.push(...d.studies.map((x) => x.name));
        if (d.studies.length < 2) break;
        afterId = d.studies[1].id;
      }
      assert.deepEqual(seen.slice(0, 3), [...names].reverse());
      assert.equal(new Set(seen).size, seen.length, "no study twice");
      const bad = await gql(api, `{ studies(after: "no-such-id") { id } }`);
      assert.match(bad.errors?.[0]?.message ?? "", /^after: /);
    });

    if (dialect === "sqlite")
      test("a 2 × 2 study runs one run at a time, compares as computed by hand, and pools the seeds extendStudy adds", async () => {
        const created = await createStudy(api, {
          name: "chain-vs-flat",
          dataset: DATASET,
          arms: ARMS,
          seeds: [0, 1],
          budget: BUDGET,
          tags: ["tiny"],
        });
        assert.equal(created.status, "RUNNING");
        assert.equal(created.control, "chain");
        assert.deepEqual(
          created.armConfigs.map((a) => [a.name, a.head, a.sftSteps]),
          [
            ["chain", "chain", 8],
            ["flat", "flat", 10],
          ],
        );
        assert.deepEqual(
          created.runs.map((r) => [r.arm, r.seed, r.experiment.config.train.steps, r.experiment.config.train.seed]),
          [
            ["chain", 0, 8, 0],
            ["flat", 0, 10, 0],
            ["chain", 1, 8, 1],
            ["flat", 1, 10, 1],
          ],
        );
        for (const r of created.runs) {
          assert.deepEqual(r.experiment.tags.sort(), ["study:chain-vs-flat", "tiny"]);
          assert.equal(r.experiment.study?.id, created.id);
        }
        const tagged = await ok<{ experiments: { totalCount: number } }>(
          api,
          `{ experiments(filter: { tag: "study:chain-vs-flat" }) { totalCount } }`,
        );
        assert.equal(tagged.experiments.totalCount, 4);

        const done = await studyEnded(api, created.id, 300_000);
        assert.equal(done.status, "SUCCEEDED", done.runs.map((r) => r.experiment.error).join(" | "));
        assert.equal(done.runCounts.succeeded, 4);
        // The embedded queue runs one at a time: each run starts after the one before ended.
        const spans = done.runs
          .map((r) => [r.experiment.startedAt as string, r.experiment.finishedAt as string])
          .sort(([a], [b]) => a.localeCompare(b));
        for (let i = 1; i < spans.length; i++)
          assert.ok(spans[i][0] >= spans[i - 1][1], `run ${i} overlaps run ${i - 1}`);
        const compared = await assertComparisonsByHand(api, done, [0, 1]);
        assert.equal(compared, 10, "10 metrics of flat against chain");
        assert.equal(done.comparisons.length, 10);
        assert.ok(done.comparisons.every((c) => c.note === null && c.missingSeeds.length === 0));

        // Two more seeds; one of the new runs fails (marked so while it waits in the queue).
        const extended = await ok<{ extendStudy: Study }>(
          api,
          `mutation($id: ID!) { extendStudy(id: $id, seeds: [2, 3]) { ${STUDY_FIELDS} } }`,
          { id: created.id },
        );
        assert.deepEqual(extended.extendStudy.seeds, [0, 1, 2, 3]);
        assert.equal(extended.extendStudy.status, "RUNNING");
        const failing = extended.extendStudy.runs.find((r) => r.arm === "flat" && r.seed === 3);
        assert.ok(failing);
        await api.server.services.store.experiments.finish(failing.experiment.id, "FAILED", { error: "drill" });
        const again = await gql(
          api,
          `mutation($id: ID!) { extendStudy(id: $id, seeds: [1]) { id } }`,
          { id: created.id },
          TOKEN,
        );
        assert.equal(again.errors?.[0]?.extensions?.field, "seeds[0]");
        assert.match(again.errors?.[0]?.message ?? "", /already has seed 1/);

        const pooled = await studyEnded(api, created.id, 300_000);
        assert.equal(pooled.status, "FAILED");
        assert.deepEqual(pooled.runCounts, { queued: 0, running: 0, succeeded: 7, failed: 1, cancelled: 0, total: 8 });
        await assertComparisonsByHand(api, pooled, [0, 1, 2]);
        for (const c of pooled.comparisons) {
          assert.deepEqual(c.missingSeeds, [3]);
          assert.equal(c.note, "over 3 of 4 seeds; not compared: seed 3 (flat FAILED)");
        }
      });
  });
}
