/**
 * Results of ended experiments kept in memory, the most recently used last. An experiment's
 * predictions never change once it has ended (its id is never reused), so a result computed then
 * stays right; a running experiment's results are always computed afresh. The aggregates
 * (aggregates.ts) and the map's views (map-views.ts) each keep their own.
 */
import type { Kysely } from "kysely";
import type { Database } from "../db/tables.ts";
import { type PredictionFilter, TERMINAL_STATUSES } from "./types.ts";

export interface ResultCacheLimits {
  /** Results kept at most. */
  entries: number;
  /** With `weigh`: the largest total weight kept (e.g. bytes). */
  weight?: number;
  weigh?: (value: unknown) => number;
}

export class ResultCache {
  private readonly results = new Map<string, { value: unknown; weight: number }>();
  private weight = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly limits: ResultCacheLimits,
  ) {}

  /** The result of `kind` with `params` for the filter, from memory if its experiment has ended. */
  async get<T>(kind: string, filter: PredictionFilter, params: unknown[], compute: () => Promise<T>): Promise<T> {
    const exp = await this.db
      .selectFrom("experiments")
      .select("status")
      .where("id", "=", filter.experimentId)
      .executeTakeFirst();
    if (!exp || !(TERMINAL_STATUSES as readonly string[]).includes(exp.status)) return compute();
    const key = JSON.stringify([
      kind,
      params,
      Object.entries(filter)
        .filter(([, v]) => v != null)
        .sort(),
    ]);
    const hit = this.results.get(key);
    if (hit) {
      this.results.delete(key);
      this.results.set(key, hit);
      return hit.value as T;
    }
    const value = await compute();
    const weight = this.limits.weigh?.(value) ?? 0;
    this.results.set(key, { value, weight });
    this.weight += weight;
    while (
      this.results.size > this.limits.entries ||
      (this.limits.weight !== undefined && this.weight > this.limits.weight && this.results.size > 1)
    ) {
      const [oldest, entry] = this.results.entries().next().value as [string, { weight: number }];
      this.results.delete(oldest);
      this.weight -= entry.weight;
    }
    return value;
  }
}
