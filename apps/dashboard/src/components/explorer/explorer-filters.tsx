"use client";
// The explorer's toolbar: the experiment and every filter, each written to the URL state. Text and
// number fields apply on blur or Enter, and are re-created when the URL changes their value. The
// answer and consistency filters matter for external runs: unreadable answers (no coordinate) and
// coordinates outside the country the answer states.
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

  // A yes / no filter as a select: "" is any.
  const yesNoSelect = (
    key: "hit" | "parsed" | "consistent",
    label: string,
    yes: string,
    no: string,
    testId: string,
  ) => (
    <label>
      {label}
      <select
        value={state[key] === null ? "" : String(state[key])}
        onChange={(e) => setState({ [key]: e.target.value === "" ? null : e.target.value === "true" })}
        data-testid={testId}
      >
        <option value="">any</option>
        <option value="true">{yes}</option>
        <option value="false">{no}</option>
      </select>
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
      {yesNoSelect("hit", "Hit / miss", "hit", "miss", "filter-hit")}
      {yesNoSelect("parsed", "Answer", "readable", "unreadable", "filter-answer")}
      {yesNoSelect("consistent", "Consistency", "consistent", "inconsistent", "filter-consistency")}
      {state.bounds && (
        <span className="field" data-testid="filter-bounds">
          <span>Area</span>
          <span>
            {`${state.bounds.south.toFixed(2)}…${state.bounds.north.toFixed(2)}° N, ${state.bounds.west.toFixed(2)}…${state.bounds.east.toFixed(2)}° E`}{" "}
            <button type="button" onClick={() => setState({ bounds: null })} aria-label="clear the area filter">
              ✕
            </button>
          </span>
        </span>
      )}
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
