/**
 * Decision rules: how one answer is chosen among a model's decoded chains, as the CLI and configs
 * spell them. Kept apart from evaluate.ts so that validating a config loads no model code.
 */

/** How one answer is chosen among the decoded chains (see PredictOptions.decision). */
export type DecisionRule =
  | "argmax"
  | "mbr"
  | "marginal"
  | "risk"
  | `within:${number}`
  | "mean"
  | `mean:${number}`
  | "median"
  | `median:${number}`;

/** Parses a decision rule as the CLI and configs spell it; a clear error otherwise. */
export function parseDecision(s: string): DecisionRule {
  if (s === "argmax" || s === "mbr" || s === "marginal" || s === "risk" || s === "mean" || s === "median") return s;
  const m = /^(within|mean|median):(\d+(?:\.\d+)?)$/.exec(s);
  if (m && Number(m[2]) > 0) return `${m[1] as "within" | "mean" | "median"}:${Number(m[2])}`;
  throw new Error(
    `decision must be argmax, mbr, marginal, risk, within:KM (e.g. within:750), mean or mean:T (e.g. mean:2), median or median:T, got "${s}"`,
  );
}

/** The rule as a file-name part: "within:750" → "within-750". */
export const decisionTag = (decision: DecisionRule) => decision.replace(":", "-");
