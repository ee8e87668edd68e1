// The model an experiment ran, as the experiments table names it. A built-in run's config is
// core's resolved RunConfig ({ model: { head, backbone, … }, … }); an external run's config is
// whatever JSON its client sent ({ "model": "Qwen2.5-VL-7B", "lr": 1e-6 }, or nothing), so no
// field is assumed to exist or to have a type.
import type { ExperimentKind } from "@/gql/graphql";

/** What the table shows when the config names no model. */
export const NO_MODEL = "–";

function field(value: unknown, name: string): unknown {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

/**
 * A built-in run: its head and backbone ("chain · cnn"). An external run: config.model when it is
 * a string, or config.model.name when model is an object; otherwise NO_MODEL.
 */
export function modelLabel(kind: ExperimentKind, config: unknown): string {
  const model = field(config, "model");
  if (kind === "BUILTIN") {
    const parts = [text(field(model, "head")), text(field(model, "backbone"))].filter((p) => p !== null);
    return parts.length > 0 ? parts.join(" · ") : NO_MODEL;
  }
  return text(model) ?? text(field(model, "name")) ?? NO_MODEL;
}
