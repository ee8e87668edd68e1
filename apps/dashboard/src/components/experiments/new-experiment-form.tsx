"use client";
// Starts an experiment. The form only shapes the input; validation is the API's, and its
// messages (which name the offending field) are shown as they come.
import { type FormEvent, useState } from "react";
import { useMutation, useQuery } from "urql";
import { graphql } from "@/gql";
import { useHydrated } from "@/lib/use-hydrated";
import { describeError } from "../states";

const DatasetChoicesQuery = graphql(`
  query DatasetChoices {
    datasets {
      name
    }
  }
`);

const CreateExperimentMutation = graphql(`
  mutation CreateExperiment($input: CreateExperimentInput!) {
    createExperiment(input: $input) {
      id
      name
      status
    }
  }
`);

const HEADS = ["chain", "flat", "regress"] as const;
// Reward specs of core's RL trainer (geor = the Geo-R reference reward; exp:σ with σ in km).
const REWARDS = ["geor", "exp:500", "geoscore", "tiered", "log", "geor+consistency:0.2"] as const;

export function NewExperimentForm({ onCreated }: { onCreated: (id: string) => void }) {
  const hydrated = useHydrated();
  const [{ data: datasets, error: datasetsError }] = useQuery({ query: DatasetChoicesQuery });
  const [{ fetching, error }, create] = useMutation(CreateExperimentMutation);
  const [form, setForm] = useState({
    name: "",
    dataset: "",
    head: "chain" as (typeof HEADS)[number],
    sftEpochs: "1",
    sftMinutes: "",
    rlSteps: "",
    reward: "geor" as (typeof REWARDS)[number],
    tags: "",
  });
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const train: Record<string, number> = {};
    if (form.sftEpochs) train.epochs = Number(form.sftEpochs);
    if (form.sftMinutes) train.minutes = Number(form.sftMinutes);
    const config = {
      model: { head: form.head },
      train,
      rl: form.rlSteps ? { steps: Number(form.rlSteps), reward: form.reward } : null,
    };
    const result = await create({
      input: {
        name: form.name,
        dataset: form.dataset,
        config,
        tags: form.tags
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean),
      },
    });
    if (result.data?.createExperiment) onCreated(result.data.createExperiment.id);
  };

  return (
    <form className="panel" onSubmit={submit} data-testid="new-experiment-form" style={{ marginBottom: 12 }}>
      <div className="toolbar">
        <label>
          Name
          <input value={form.name} onChange={set("name")} name="name" placeholder="e.g. sft-chain-small" />
        </label>
        <label>
          Dataset
          <select value={form.dataset} onChange={set("dataset")} name="dataset">
            <option value="">— choose —</option>
            {(datasets?.datasets ?? []).map((d) => (
              <option key={d.name}>{d.name}</option>
            ))}
          </select>
        </label>
        <label>
          Head
          <select value={form.head} onChange={set("head")} name="head">
            {HEADS.map((h) => (
              <option key={h}>{h}</option>
            ))}
          </select>
        </label>
        <label>
          SFT epochs
          <input value={form.sftEpochs} onChange={set("sftEpochs")} name="sftEpochs" inputMode="decimal" size={6} />
        </label>
        <label>
          SFT minutes
          <input value={form.sftMinutes} onChange={set("sftMinutes")} name="sftMinutes" inputMode="decimal" size={6} />
        </label>
        <label>
          RL steps (empty: no RL)
          <input value={form.rlSteps} onChange={set("rlSteps")} name="rlSteps" inputMode="numeric" size={6} />
        </label>
        <label>
          Reward
          <select value={form.reward} onChange={set("reward")} name="reward" disabled={!form.rlSteps}>
            {REWARDS.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label>
          Tags
          <input value={form.tags} onChange={set("tags")} name="tags" placeholder="comma, separated" />
        </label>
        <button type="submit" className="primary" disabled={!hydrated || fetching}>
          {fetching ? "Starting…" : "Start"}
        </button>
      </div>
      {datasetsError && <div className="error-text">Datasets unavailable: {describeError(datasetsError)}</div>}
      {error && (
        <div className="error-text" role="alert" data-testid="form-error">
          {describeError(error)}
        </div>
      )}
    </form>
  );
}
