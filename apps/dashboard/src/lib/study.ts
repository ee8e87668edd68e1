// What the studies pages compute without the API: a study's progress, how its comparison's numbers
// read (a delta in its unit, mean ± std, p), the seeds a person types, an arm's config taken from an
// existing experiment, and each seed's difference for the dot plot.

/** Counts of a study's runs by status (Study.runCounts). */
export interface RunCounts {
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  total: number;
}

/** Runs that have ended (succeeded, failed or cancelled) of all the study's runs. */
export function studyProgress(c: RunCounts): { done: number; total: number; fraction: number } {
  const done = c.succeeded + c.failed + c.cancelled;
  return { done, total: c.total, fraction: c.total > 0 ? done / c.total : 0 };
}

/** Unit of a comparison's differences, as the API names it. */
export type DeltaUnit = "km" | "pp" | "points" | string;

/** Decimals of a difference: percentage points to 0.1; km and points to 0.1 below 100, whole above. */
function digitsFor(unit: DeltaUnit, magnitude: number): number {
  return unit === "pp" || magnitude < 100 ? 1 : 0;
}

const fixed = (a: number, digits: number) =>
  a.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** "-" for a difference that stays negative at the shown precision, else "+". */
const signOf = (x: number, shown: string) => (x < 0 && /[1-9]/.test(shown) ? "-" : "+");

/** A difference with its sign and unit: "+12.5 pp", "-1,343 km", "+0.0 points". */
export function formatStudyDelta(x: number | null | undefined, unit: DeltaUnit): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  const shown = fixed(Math.abs(x), digitsFor(unit, Math.abs(x)));
  return `${signOf(x, shown)}${shown} ${unit}`;
}

/** A mean difference with the sample std of the differences: "+3.1 ± 2.0 pp"; no std below two pairs. */
export function formatMeanStd(mean: number, std: number | null, unit: DeltaUnit): string {
  if (std === null || !Number.isFinite(std)) return formatStudyDelta(mean, unit);
  const digits = digitsFor(unit, Math.max(Math.abs(mean), std));
  const shown = fixed(Math.abs(mean), digits);
  return `${signOf(mean, shown)}${shown} ± ${fixed(std, digits)} ${unit}`;
}

/** A paired t statistic: two decimals, "–" when there is none (fewer than two pairs, no spread). */
export function formatT(t: number | null | undefined): string {
  if (t === null || t === undefined || !Number.isFinite(t)) return "–";
  return t.toFixed(2);
}

/** A two-sided p-value: three decimals, "< 0.001" below, "–" when there is none. */
export function formatP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return "–";
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}

/**
 * Seeds as a person types them: integers and ranges separated by commas or spaces, "0-4, 7" →
 * [0, 1, 2, 3, 4, 7]. Throws a RangeError naming the part that is not one, or a repeated seed.
 */
export function parseSeeds(text: string): number[] {
  const parts = text
    .split(/[\s,]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) throw new RangeError("seeds: give at least one seed, e.g. 0-2 or 0, 1, 2");
  const seeds: number[] = [];
  for (const part of parts) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (to < from) throw new RangeError(`seeds: "${part}" runs backwards`);
      if (to - from >= 1000) throw new RangeError(`seeds: "${part}" holds more than 1000 seeds`);
      for (let s = from; s <= to; s++) seeds.push(s);
    } else if (/^\d+$/.test(part)) seeds.push(Number(part));
    else throw new RangeError(`seeds: "${part}" is not a seed (an integer ≥ 0) or a range like 0-4`);
  }
  const repeated = seeds.find((s, i) => seeds.indexOf(s) < i);
  if (repeated !== undefined) throw new RangeError(`seeds: seed ${repeated} appears twice`);
  return seeds;
}

type Section = Record<string, unknown>;
const isObject = (v: unknown): v is Section => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * An existing experiment's config as a study arm: without what the study sets per run (train.seed,
 * rl.seed), without a clock (train / rl minutes: a time budget is not equal compute on shared
 * workers) and, when the study has a budget, without the SFT length (train.steps, train.epochs).
 */
export function armConfigFromExperiment(config: unknown, withBudget: boolean): Section {
  if (!isObject(config)) return {};
  const drop = (section: unknown, keys: string[]) =>
    isObject(section) ? Object.fromEntries(Object.entries(section).filter(([k]) => !keys.includes(k))) : section;
  const out: Section = { ...config };
  if (isObject(config.train))
    out.train = drop(config.train, ["seed", "minutes", "clock", ...(withBudget ? ["steps", "epochs"] : [])]);
  if (isObject(config.rl)) out.rl = drop(config.rl, ["seed", "minutes", "clock"]);
  return out;
}

/**
 * A compared metric read from a run's EVAL report (Experiment.finalMetrics), in the unit its
 * differences have: medianKm in km, accuracies (acc@t, country, admin1, place) in percent,
 * geoScore in points — the names and scales of the API's StudyComparison.metric / unit.
 */
export function readComparedMetric(report: unknown, metric: string): number | null {
  if (!isObject(report) || !isObject(report.metrics)) return null;
  const m = report.metrics;
  const levels = isObject(report.levels) ? report.levels : {};
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  const acc = /^acc@(\d+)$/.exec(metric);
  if (metric === "medianKm") return num(m.medianKm);
  if (metric === "geoScore") return num(m.geoScore);
  const fraction = acc
    ? num(isObject(m.acc) ? m.acc[acc[1] as string] : undefined)
    : // Reports from before "place" named the geocell level "city".
      num(levels[metric] ?? (metric === "place" ? levels.city : undefined));
  return fraction === null ? null : fraction * 100;
}

/** A run of a study as the dot plot reads it. */
export interface SeedRun {
  arm: string;
  seed: number;
  finalMetrics: unknown;
}

/** Each compared seed's difference arm − control on `metric` (see readComparedMetric), by seed. */
export function perSeedDeltas(
  runs: readonly SeedRun[],
  arm: string,
  control: string,
  metric: string,
  seeds: readonly number[],
): Array<{ seed: number; delta: number }> {
  return seeds.flatMap((seed) => {
    const value = (a: string) => {
      const run = runs.find((r) => r.arm === a && r.seed === seed);
      return run ? readComparedMetric(run.finalMetrics, metric) : null;
    };
    const a = value(arm);
    const c = value(control);
    return a === null || c === null ? [] : [{ seed, delta: a - c }];
  });
}

/** JSON indented by two, with arrays of numbers, strings or booleans kept on one line: a config to edit. */
export function prettyConfig(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\[\n\s*([^[\]{}]*?)\n\s*\]/g, (_, inner: string) => {
    return `[${inner.split(/,\n\s*/).join(", ")}]`;
  });
}
