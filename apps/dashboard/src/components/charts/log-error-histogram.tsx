"use client";
// Histogram of prediction errors on a log-km axis, with the standard thresholds drawn on it.
import { THRESHOLDS_KM } from "@geor/geo/constants";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { cssColor, errorColor } from "@/lib/colors";
import { formatKm } from "@/lib/format";

export type ErrorBin = { loKm: number; hiKm: number; count: number };

export function LogErrorHistogram({ bins, height = 220 }: { bins: readonly ErrorBin[]; height?: number }) {
  if (bins.length === 0) return <div className="state">No predictions to histogram.</div>;
  const data = bins.map((b) => {
    const lo = Math.max(b.loKm, 0.01);
    const mid = Math.sqrt(lo * Math.max(b.hiKm, lo));
    return {
      x: Math.log10(mid),
      count: b.count,
      label: `${formatKm(b.loKm)}–${formatKm(b.hiKm)}`,
      color: errorColor(mid),
    };
  });
  const xs = data.map((d) => d.x);
  const domain: [number, number] = [Math.floor(Math.min(...xs, 0)), Math.ceil(Math.max(...xs, Math.log10(20000)))];
  const ticks: number[] = [];
  for (let t = domain[0]; t <= domain[1]; t++) ticks.push(t);
  return (
    <div data-testid="error-histogram" style={{ width: "100%", height }}>
      <ResponsiveContainer>
        <BarChart data={data} margin={{ top: 16, right: 16, bottom: 4, left: 0 }} barCategoryGap={1}>
          <CartesianGrid stroke="#2c3746" vertical={false} />
          <XAxis
            dataKey="x"
            type="number"
            domain={domain}
            ticks={ticks}
            tickFormatter={(t: number) => formatKm(10 ** t)}
            stroke="#8d99aa"
          />
          <YAxis stroke="#8d99aa" allowDecimals={false} />
          <Tooltip
            contentStyle={{ background: "#171e28", border: "1px solid #2c3746" }}
            labelFormatter={(_, payload) => payload?.[0]?.payload?.label ?? ""}
            formatter={(value) => [value, "predictions"]}
          />
          <Bar dataKey="count" isAnimationActive={false}>
            {data.map((d) => (
              <Cell key={d.x} fill={cssColor(d.color)} />
            ))}
          </Bar>
          {THRESHOLDS_KM.map((km) => (
            <ReferenceLine
              key={km}
              x={Math.log10(km)}
              stroke="#e3e8ef"
              strokeDasharray="3 3"
              label={{ value: formatKm(km), position: "top", fill: "#e3e8ef", fontSize: 11 }}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
