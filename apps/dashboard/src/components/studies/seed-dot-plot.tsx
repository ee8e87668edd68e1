"use client";
import { scaleLinear } from "d3-scale";
// Each arm against the control, seed by seed: one dot per compared seed at its difference
// arm − control on the chosen metric (read from the two runs' EVAL reports), the mean as a
// diamond, and the line of no difference. Seeds of one arm are spread a little vertically so
// equal differences stay visible.
import {
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatStudyDelta, perSeedDeltas, type SeedRun } from "@/lib/study";
import type { Comparison } from "./comparison-table";

const COLORS = ["#5fb3ff", "#f5b94a", "#4cc38a", "#ff6b6b", "#c38cff", "#5fe0e0"];

type Dot = { x: number; y: number; arm: string; seed: number | null };

export function SeedDotPlot({
  arms,
  control,
  metric,
  comparisons,
  runs,
}: {
  arms: readonly string[];
  control: string;
  metric: string;
  comparisons: readonly Comparison[];
  runs: readonly SeedRun[];
}) {
  const compared = arms.filter((a) => a !== control);
  const rows = compared.map((arm, i) => {
    const c = comparisons.find((x) => x.arm === arm && x.metric === metric);
    const deltas = c ? perSeedDeltas(runs, arm, control, metric, c.seeds) : [];
    const spread = (k: number) => (deltas.length > 1 ? (k / (deltas.length - 1) - 0.5) * 0.4 : 0);
    const dots: Dot[] = deltas.map((d, k) => ({ x: d.delta, y: i + spread(k), arm, seed: d.seed }));
    const mean: Dot[] = c ? [{ x: c.meanDelta, y: i, arm, seed: null }] : [];
    return { arm, c, dots, mean };
  });
  const any = rows.find((r) => r.c);
  if (!any?.c) return <div className="state">No seed compared on this metric yet.</div>;
  const unit = any.c.unit;
  const label = any.c.label;
  const better = any.c.higherIsBetter ? "right" : "left";
  // Round ticks over every dot, every mean and 0, with a margin so no dot sits on the frame.
  const xs = [0, ...rows.flatMap((r) => [...r.dots, ...r.mean].map((d) => d.x))];
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const pad = (hi - lo || 1) * 0.08;
  const x = scaleLinear()
    .domain([lo - pad, hi + pad])
    .nice(6);
  const [xMin, xMax] = x.domain() as [number, number];
  return (
    <div className="panel" data-testid="seed-dot-plot">
      <div className="muted" style={{ fontSize: 12 }}>
        <strong style={{ color: "var(--text)" }}>{label}</strong>: arm − {control} per seed ({unit}); ◆ the mean; the
        arm is better to the {better} of 0.
      </div>
      <div style={{ height: 70 + 56 * compared.length }}>
        <ResponsiveContainer>
          <ScatterChart margin={{ top: 12, right: 24, bottom: 8, left: 8 }}>
            <CartesianGrid stroke="#2c3746" />
            <XAxis
              type="number"
              dataKey="x"
              stroke="#8d99aa"
              fontSize={11}
              domain={[xMin, xMax]}
              ticks={x.ticks(6)}
              tickFormatter={(v: number) => (v === 0 ? "0" : formatStudyDelta(v, unit))}
            />
            <YAxis
              type="number"
              dataKey="y"
              stroke="#8d99aa"
              fontSize={11}
              width={90}
              domain={[-0.5, compared.length - 0.5]}
              ticks={compared.map((_, i) => i)}
              tickFormatter={(v: number) => compared[v] ?? ""}
              reversed
            />
            <ReferenceLine x={0} stroke="#8d99aa" strokeDasharray="4 3" />
            <Tooltip
              cursor={false}
              contentStyle={{ background: "#171e28", border: "1px solid #2c3746" }}
              content={({ payload }) => {
                const d = payload?.[0]?.payload as Dot | undefined;
                if (!d) return null;
                return (
                  <div className="hover-card" style={{ position: "static" }}>
                    {d.arm} − {control}
                    {d.seed === null ? " (mean)" : `, seed ${d.seed}`}: {formatStudyDelta(d.x, unit)}
                  </div>
                );
              }}
            />
            {rows.map((r, i) => (
              <Scatter
                key={r.arm}
                name={r.arm}
                data={r.dots}
                fill={COLORS[i % COLORS.length]}
                isAnimationActive={false}
              />
            ))}
            {rows.map((r, i) => (
              <Scatter
                key={`${r.arm}-mean`}
                name={`${r.arm} mean`}
                data={r.mean}
                shape="diamond"
                fill="none"
                stroke={COLORS[i % COLORS.length]}
                strokeWidth={2}
                isAnimationActive={false}
              />
            ))}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}
