"use client";
// Training curves (loss, reward, KL, entropy, …) over steps, one small chart per metric.
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type MetricSeries = {
  name: string;
  stage?: string | null;
  points: ReadonlyArray<{ step: number; value: number }>;
};

const COLORS = ["#5fb3ff", "#f5b94a", "#4cc38a", "#ff6b6b", "#c38cff", "#5fe0e0"];

export function MetricCurves({ series }: { series: readonly MetricSeries[] }) {
  if (series.length === 0) return <div className="state">No metrics logged yet.</div>;
  return (
    <div
      className="curves"
      style={{ display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(340px, 1fr))", gap: 12 }}
    >
      {series.map((s, i) => (
        <div key={`${s.stage ?? ""}/${s.name}`} className="panel" data-testid={`curve-${s.name}`}>
          <div className="muted" style={{ fontSize: 12 }}>
            {s.stage ? `${s.stage} · ` : ""}
            <strong style={{ color: "var(--text)" }}>{s.name}</strong> ({s.points.length} points
            {s.points.length > 0 ? `, last ${formatValue(s.points[s.points.length - 1]!.value)}` : ""})
          </div>
          <div style={{ height: 160 }}>
            <ResponsiveContainer>
              <LineChart
                data={s.points as Array<{ step: number; value: number }>}
                margin={{ top: 8, right: 12, bottom: 0, left: 0 }}
              >
                <CartesianGrid stroke="#2c3746" />
                <XAxis dataKey="step" type="number" domain={["dataMin", "dataMax"]} stroke="#8d99aa" fontSize={11} />
                <YAxis
                  stroke="#8d99aa"
                  fontSize={11}
                  width={52}
                  tickFormatter={formatValue}
                  domain={["auto", "auto"]}
                />
                <Tooltip
                  contentStyle={{ background: "#171e28", border: "1px solid #2c3746" }}
                  formatter={(v) => formatValue(Number(v))}
                />
                <Line
                  type="monotone"
                  dataKey="value"
                  stroke={COLORS[i % COLORS.length]}
                  dot={false}
                  isAnimationActive={false}
                />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </div>
      ))}
    </div>
  );
}

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.01 || a >= 10000)) return v.toExponential(2);
  return v.toFixed(a < 1 ? 3 : 2);
}
