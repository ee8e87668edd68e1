/**
 * OSV-5M ships its own reverse-geocoded `country` (ISO 3166-1 alpha-2) per image. Comparing it
 * with our Chain of Region country shows how far the two labelings agree, and where they don't
 * (border areas, disputed territories, coastal points) — worth knowing before training on one
 * and evaluating against the other.
 */

export interface Osv5mDisagreement {
  /** The source's country code ("" never: rows without one are counted in withoutSource). */
  source: string;
  /** Our ISO2, or "" where the Chain of Region has no country (open water). */
  ours: string;
  n: number;
}

export interface Osv5mReport {
  /** Imported samples with a source country. */
  n: number;
  /** How many of them got the same ISO2 from the Chain of Region. */
  agreed: number;
  /** agreed / n; null when n is 0. */
  agreement: number | null;
  /** Imported samples whose `country` cell was empty. */
  withoutSource: number;
  /** The 10 most frequent (source, ours) mismatches, most frequent first. */
  topDisagreements: Osv5mDisagreement[];
}

/** Compares source and ours per imported sample; codes are compared upper-cased and trimmed. */
export function osv5mReport(pairs: Iterable<{ source: string; ours: string | null }>): Osv5mReport {
  let n = 0;
  let agreed = 0;
  let withoutSource = 0;
  const mismatches = new Map<string, Osv5mDisagreement>();
  for (const p of pairs) {
    const source = p.source.trim().toUpperCase();
    if (source === "") {
      withoutSource++;
      continue;
    }
    n++;
    const ours = p.ours ?? "";
    if (source === ours) {
      agreed++;
      continue;
    }
    const key = `${source}\t${ours}`;
    const m = mismatches.get(key);
    if (m) m.n++;
    else mismatches.set(key, { source, ours, n: 1 });
  }
  const topDisagreements = [...mismatches.values()]
    .sort((a, b) => b.n - a.n || a.source.localeCompare(b.source) || a.ours.localeCompare(b.ours))
    .slice(0, 10);
  return { n, agreed, agreement: n > 0 ? agreed / n : null, withoutSource, topDisagreements };
}
