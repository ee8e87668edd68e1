"use client";
// The explorer's toolbar: the experiment and every filter, each written to the URL state. Text and
// number fields apply on blur or Enter, and are re-created when the URL changes their value.
import { DEFAULT_HIT_LEVEL, type ExplorerState, LEVELS, ORDERS } from "@/lib/explorer-state";
import { ExperimentPicker } from "../experiments/experiment-picker";
import type { SetExplorerState } from "./use-explorer-state";

export function ExplorerFilters({ state, setState }: { state: ExplorerState; setState: SetExplorerState }) {
  const numberInput = (key: "minKm" | "maxKm", label: string) => (
    <label>
      {label}
      <input
        type="number"
        min={0}
        defaultValue={state[key] ?? ""}
        key={`${key}-${state[key]}`}
        data-testid={`filter-${key}`}
        style={{ width: 100 }}
        onBlur={(e) => setState({ [key]: e.target.value === "" ? null : Number(e.target.value) })}
        onKeyDown={(e) => {
          if (e.key === "Enter") (e.target as HTMLInputElement).blur();
        }}
      />
    </label>
  );
  const textInput = (key: "country" | "predictedCountry", label: string) => (
    <label>
      {label}
      <input
        defaultValue={state[key] ?? ""}
        key={`${key}-${state[key]}`}
        placeholder="ISO2, e.g. PT"
        maxLength={2}
        size={6}
        data-testid={`filter-${key}`}
        onBlur={(e) => setState({ [key]: e.target.value.trim() ? e.target.value.trim().toUpperCase() : null })}
        onKeyDown={(e) => {
          if (e.key === "Enter") (e.target as HTMLInputElement).blur();
        }}
      />
    </label>
  );

  return (
    <div className="toolbar">
      <ExperimentPicker value={state.experiment} onChange={(id) => setState({ experiment: id, selected: null })} />
      {textInput("country", "True country")}
      {textInput("predictedCountry", "Predicted country")}
      {numberInput("minKm", "Min error km")}
      {numberInput("maxKm", "Max error km")}
      <label>
        Level
        <select
          value={state.level ?? DEFAULT_HIT_LEVEL}
          onChange={(e) => setState({ level: e.target.value as ExplorerState["level"] })}
          data-testid="filter-level"
        >
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {l.toLowerCase()}
            </option>
          ))}
        </select>
      </label>
      <label>
        Hit / miss
        <select
          value={state.hit === null ? "" : String(state.hit)}
          onChange={(e) => setState({ hit: e.target.value === "" ? null : e.target.value === "true" })}
          data-testid="filter-hit"
        >
          <option value="">any</option>
          <option value="true">hit</option>
          <option value="false">miss</option>
        </select>
      </label>
      <label>
        Order
        <select value={state.order} onChange={(e) => setState({ order: e.target.value as ExplorerState["order"] })}>
          {ORDERS.map((o) => (
            <option key={o} value={o}>
              {o === "ERROR_DESC" ? "worst first" : o === "ERROR_ASC" ? "best first" : "id"}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
