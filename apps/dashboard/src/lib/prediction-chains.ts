// The rows of a prediction's chain table, level by level: the truth, the predicted chain (a built-in
// run's, with each level's probability; an external run's: the chain its coordinate lies in), and,
// when the prediction has an answer, the chain that answer states, each with whether it is right.
// Right or wrong comes from the API: `hits` for the predicted chain, `statedHits` for the stated one.
import type { PredictionChainsFieldsFragment } from "@/gql/graphql";

/** A stated level: resolved to a unit (or a region above admin-1), written but unresolved, or not stated. */
export type StatedCell =
  | { kind: "resolved"; name: string; hit: boolean; region: boolean }
  | { kind: "unresolved"; name: string }
  | { kind: "none" };

export type ChainRow = {
  level: string;
  truth: string | null;
  predicted: string | null;
  /** The predicted level's probability; undefined where the table shows none. */
  probability?: number | null;
  hit?: boolean | null;
  /** The answer's stated level; undefined on rows an answer cannot state (continent, coordinate). */
  stated?: StatedCell;
};

export type ChainTableRows = {
  rows: ChainRow[];
  /** Whether the table has a Stated column: the prediction has an answer or a stated chain. */
  stated: boolean;
};

type Region = { code?: string | null; name: string } | null;

function statedCell(region: Region, unresolved: string | null, hit: boolean, regionAboveAdmin1 = false): StatedCell {
  if (region) return { kind: "resolved", name: region.name, hit, region: regionAboveAdmin1 && region.code === null };
  if (unresolved) return { kind: "unresolved", name: unresolved };
  return { kind: "none" };
}

/** The predicted country as a list or a summary names it. */
export function predictedCountryName(p: {
  parsed: boolean;
  predictedChain: { lat?: number | null; country?: Region };
}): string {
  if (!p.parsed) return "no coordinate";
  return p.predictedChain.country?.name ?? "open water";
}

function formatLatLon(lat: number, lon: number): string {
  return `${lat.toFixed(3)}, ${lon.toFixed(3)}`;
}

export function chainRows(p: PredictionChainsFieldsFragment): ChainTableRows {
  const t = p.trueChain;
  const q = p.predictedChain;
  const s = p.statedChain;
  const sh = p.statedHits;
  const stated = p.answer !== null || s !== null;
  // Probabilities come from a built-in model's chain; an external run sends at most a confidence.
  const scored = [q.country, q.admin1, q.place].some((r) => r?.probability != null);
  const probability = (r: { probability?: number | null } | null | undefined) =>
    scored ? (r?.probability ?? null) : undefined;
  // An unreadable answer has no coordinate, so no chain of its own: no name and no mark.
  const hit = (h: boolean) => (p.parsed ? h : null);
  const statedAt = (level: "country" | "admin1" | "city"): StatedCell | undefined =>
    stated
      ? statedCell(s?.[level] ?? null, s?.unresolved[level] ?? null, sh?.[level] ?? false, level === "admin1")
      : undefined;

  const rows: ChainRow[] = [
    { level: "continent", truth: t.continent ?? null, predicted: null },
    {
      level: "country",
      truth: t.country?.name ?? null,
      predicted: p.parsed ? predictedCountryName(p) : null,
      probability: probability(q.country),
      hit: hit(p.hits.country),
      stated: statedAt("country"),
    },
    {
      level: "admin1",
      truth: t.admin1?.name ?? null,
      predicted: q.admin1?.name ?? null,
      probability: probability(q.admin1),
      hit: hit(p.hits.admin1),
      stated: statedAt("admin1"),
    },
    {
      // The place is a geocell: right when the cells match, whatever the towns are called. A stated
      // city is compared with the true town by name.
      level: "place",
      truth: `${t.city ?? "countryside"} · cell ${t.cell}`,
      predicted: q.place ? `${q.place.name} · cell ${q.place.code}` : null,
      probability: probability(q.place),
      hit: hit(p.hits.place),
      stated: statedAt("city"),
    },
    {
      level: "coordinate",
      truth: formatLatLon(t.lat, t.lon),
      predicted: q.lat === null || q.lon === null ? "unreadable" : formatLatLon(q.lat, q.lon),
    },
  ];
  return { rows, stated };
}
