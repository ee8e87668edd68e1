// Legends for the map colour scales.
import { accuracyColor, cssColor, deltaColor, ERROR_KM_DOMAIN, errorColor } from "@/lib/colors";
import { formatKm } from "@/lib/format";

function gradient(color: (t: number) => string): string {
  const stops = Array.from({ length: 11 }, (_, i) => `${color(i / 10)} ${i * 10}%`);
  return `linear-gradient(to right, ${stops.join(", ")})`;
}

export function ErrorLegend({ label = "error (log scale)" }: { label?: string }) {
  const [lo, hi] = ERROR_KM_DOMAIN;
  return (
    <div className="legend" data-testid="error-legend">
      <span>{label}</span>
      <span>{formatKm(lo)}</span>
      <span className="bar" style={{ background: gradient((t) => cssColor(errorColor(lo * (hi / lo) ** t))) }} />
      <span>{formatKm(hi)}</span>
    </div>
  );
}

export function AccuracyLegend({ label }: { label: string }) {
  return (
    <div className="legend" data-testid="accuracy-legend">
      <span>{label}</span>
      <span>0%</span>
      <span className="bar" style={{ background: gradient((t) => cssColor(accuracyColor(t))) }} />
      <span>100%</span>
    </div>
  );
}

/** The bins' scale: their mean error (geometric mean, the error scale) or their accuracy at a threshold. */
export function BinLegend({ colourBy, thresholdKm }: { colourBy: "error" | "accuracy"; thresholdKm: number }) {
  return (
    <span data-testid="bin-legend">
      {colourBy === "error" ? (
        <ErrorLegend label="bins: mean error (log scale)" />
      ) : (
        <AccuracyLegend label={`bins: accuracy ≤ ${thresholdKm} km`} />
      )}
    </span>
  );
}

export function DeltaLegend({ label }: { label: string }) {
  return (
    <div className="legend" data-testid="delta-legend">
      <span>{label}</span>
      <span>−50 pp</span>
      <span className="bar" style={{ background: gradient((t) => cssColor(deltaColor((t - 0.5) * 2))) }} />
      <span>+50 pp</span>
    </div>
  );
}
