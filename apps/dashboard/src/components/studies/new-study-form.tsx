"use client";
// Starts a study: a name, a dataset, seeds, a budget and two or more arms, each an experiment
// config as JSON — typed, or taken from an existing experiment (without what the study sets per
// run). The form only shapes the input: the API validates the whole design and its messages name
// the arm and the field.
import { type FormEvent, useState } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "@/gql";
import { armConfigFromExperiment, parseSeeds, prettyConfig } from "@/lib/study";
import { useHydrated } from "@/lib/use-hydrated";
import { describeError } from "../states";

const StudyFormChoicesQuery = graphql(`
  query StudyFormChoices {
    datasets {
      name
    }
    experiments(first: 100) {
      edges {
        node {
          id
          name
          dataset
          kind
          config
        }
      }
    }
  }
`);

const CreateStudyMutation = graphql(`
  mutation CreateStudy($input: CreateStudyInput!) {
    createStudy(input: $input) {
      id
      name
    }
  }
`);

type Arm = { name: string; config: string };

const pretty = prettyConfig;
const START_ARMS: Arm[] = [
  { name: "chain", config: pretty({ model: { head: "chain" } }) },
  { name: "flat", config: pretty({ model: { head: "flat" } }) },
];

/** "flat=0.8, regress=0.9" → { flat: 0.8, regress: 0.9 }; empty → null (every head costs the same). */
function parseStepCost(text: string): Record<string, number> | null {
  const parts = text
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) return null;
  return Object.fromEntries(
    parts.map((p) => {
      const m = /^([a-z]+)=([0-9.]+)$/.exec(p);
      if (!m || !Number.isFinite(Number(m[2])))
        throw new RangeError(`step cost: "${p}" is not head=cost (e.g. flat=0.8)`);
      return [m[1], Number(m[2])];
    }),
  );
}

/** The design as CreateStudyInput, or a RangeError naming the field a person must fix. */
function toInput(
  form: { name: string; dataset: string; seeds: string; control: string; tags: string },
  arms: Arm[],
  budget: { sftSteps: string; stepCost: string },
) {
  const parsedArms = arms.map((a, i) => {
    try {
      return { name: a.name.trim(), config: JSON.parse(a.config || "{}") as unknown };
    } catch (e) {
      throw new RangeError(`arm ${i + 1} "${a.name}": its config is not JSON (${(e as Error).message})`);
    }
  });
  const sftSteps = budget.sftSteps.trim();
  if (sftSteps && !/^\d+$/.test(sftSteps))
    throw new RangeError(`budget: "${sftSteps}" SFT steps is not a whole number`);
  return {
    name: form.name.trim(),
    dataset: form.dataset,
    arms: parsedArms,
    seeds: parseSeeds(form.seeds),
    control: form.control || null,
    tags: form.tags
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
    budget: sftSteps ? { sftSteps: Number(sftSteps), stepCost: parseStepCost(budget.stepCost) } : null,
  };
}

export function NewStudyForm({ onCreated }: { onCreated: (id: string) => void }) {
  const hydrated = useHydrated();
  const [{ data: choices, error: choicesError }] = useQuery({ query: StudyFormChoicesQuery });
  const [{ fetching, error }, create] = useMutation(CreateStudyMutation);
  const [form, setForm] = useState({ name: "", dataset: "", seeds: "0-2", control: "", tags: "" });
  const [budget, setBudget] = useState({ sftSteps: "100", stepCost: "" });
  const [arms, setArms] = useState<Arm[]>(START_ARMS);
  const [formError, setFormError] = useState<string | null>(null);
  // An external run's config is its client's, not one this platform can train.
  const experiments = (choices?.experiments.edges ?? []).map((e) => e.node).filter((x) => x.kind === "BUILTIN");
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));
  const setArm = (i: number, patch: Partial<Arm>) =>
    setArms((all) => all.map((a, j) => (j === i ? { ...a, ...patch } : a)));
  const armNames = arms.map((a) => a.name.trim()).filter(Boolean);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFormError(null);
    let input: ReturnType<typeof toInput>;
    try {
      input = toInput(form, arms, budget);
    } catch (e) {
      setFormError((e as Error).message);
      return;
    }
    const result = await create({ input });
    if (result.data?.createStudy) onCreated(result.data.createStudy.id);
  };

  const shownError = formError ?? (error ? describeError(error) : null);
  return (
    <form className="panel" onSubmit={submit} data-testid="new-study-form" style={{ marginBottom: 12 }}>
      <div className="toolbar">
        <label>
          Name
          <input value={form.name} onChange={set("name")} name="name" placeholder="e.g. chain-vs-flat" />
        </label>
        <label>
          Dataset
          <select value={form.dataset} onChange={set("dataset")} name="dataset">
            <option value="">— choose —</option>
            {(choices?.datasets ?? []).map((d) => (
              <option key={d.name}>{d.name}</option>
            ))}
          </select>
        </label>
        <label>
          Seeds
          <input value={form.seeds} onChange={set("seeds")} name="seeds" placeholder="0-4 or 0, 1, 2" size={10} />
        </label>
        <label>
          Control
          <select value={form.control} onChange={set("control")} name="control">
            <option value="">{armNames[0] ? `${armNames[0]} (the first)` : "the first arm"}</option>
            {armNames.slice(1).map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </label>
        <label title="Equal compute: the CoR chain trains this many SFT steps, other heads the steps of the same cost. Empty: every arm states config.train.steps.">
          Budget: chain SFT steps
          <input
            value={budget.sftSteps}
            onChange={(e) => setBudget((b) => ({ ...b, sftSteps: e.target.value }))}
            name="sftSteps"
            inputMode="numeric"
            size={6}
          />
        </label>
        <label title="Each head's SFT step cost relative to the chain's, as `geor ablate --budget-clock steps` measures it. Empty: equal steps.">
          Step cost
          <input
            value={budget.stepCost}
            onChange={(e) => setBudget((b) => ({ ...b, stepCost: e.target.value }))}
            name="stepCost"
            placeholder="flat=0.8, regress=0.9"
            disabled={!budget.sftSteps.trim()}
            size={18}
          />
        </label>
        <label>
          Tags
          <input value={form.tags} onChange={set("tags")} name="tags" placeholder="comma, separated" />
        </label>
      </div>
      <h2 style={{ fontSize: 15, margin: "12px 0 6px" }}>Arms</h2>
      <div className="study-arms">
        {arms.map((arm, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: arms are edited in place and have no id.
          <fieldset key={i} className="panel study-arm" data-testid="study-arm">
            <div className="row" style={{ justifyContent: "space-between", flexWrap: "nowrap", alignItems: "end" }}>
              <label>
                Arm {i + 1}
                <input
                  value={arm.name}
                  onChange={(e) => setArm(i, { name: e.target.value })}
                  name={`arm-${i}-name`}
                  aria-label={`arm ${i + 1} name`}
                  size={14}
                />
              </label>
              <label>
                Config from
                <select
                  value=""
                  name={`arm-${i}-from`}
                  aria-label={`arm ${i + 1} config from an experiment`}
                  onChange={(e) => {
                    const source = experiments.find((x) => x.id === e.target.value);
                    if (source)
                      setArm(i, {
                        config: pretty(armConfigFromExperiment(source.config, budget.sftSteps.trim() !== "")),
                        ...(arm.name.trim() ? {} : { name: source.name }),
                      });
                  }}
                >
                  <option value="">an experiment…</option>
                  {experiments.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.name} · {x.dataset}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                disabled={arms.length <= 2}
                onClick={() => setArms((all) => all.filter((_, j) => j !== i))}
                aria-label={`remove arm ${i + 1}`}
              >
                Remove
              </button>
            </div>
            <textarea
              value={arm.config}
              onChange={(e) => setArm(i, { config: e.target.value })}
              name={`arm-${i}-config`}
              aria-label={`arm ${i + 1} config (JSON)`}
              spellCheck={false}
              rows={10}
            />
          </fieldset>
        ))}
      </div>
      <div className="row" style={{ marginTop: 8 }}>
        <button
          type="button"
          onClick={() => setArms((all) => [...all, { name: "", config: pretty({ model: { head: "chain" } }) }])}
          data-testid="add-arm"
        >
          Add arm
        </button>
        <button type="submit" className="primary" disabled={!hydrated || fetching}>
          {fetching ? "Starting…" : "Start study"}
        </button>
        <span className="muted" style={{ fontSize: 12 }}>
          Leave out train.seed / rl.seed (the study's seeds) and, with a budget, train.steps / epochs.
        </span>
      </div>
      {choicesError && <div className="error-text">Datasets unavailable: {describeError(choicesError)}</div>}
      {shownError && (
        <div className="error-text" role="alert" data-testid="form-error">
          {shownError}
        </div>
      )}
    </form>
  );
}
