"use client";
// The choropleth's measure: a distance threshold (1/25/200/750/2500 km) or a chain level.
import { THRESHOLDS_KM } from "@geor/geo/constants";
import type { Measure } from "@/lib/country-measure";
import { type ChainLevel, LEVELS } from "@/lib/explorer-state";

export function MeasureSelector({ measure, onChange }: { measure: Measure; onChange: (m: Measure) => void }) {
  return (
    <div className="row">
      <div className="field">
        <span>Threshold</span>
        <span className="segmented" data-testid="threshold-selector">
          {THRESHOLDS_KM.map((km) => (
            <button
              key={km}
              type="button"
              aria-pressed={measure.kind === "km" && measure.km === km}
              onClick={() => onChange({ kind: "km", km })}
            >
              {km} km
            </button>
          ))}
        </span>
      </div>
      <div className="field">
        <span>Level</span>
        <span className="segmented" data-testid="level-selector">
          {LEVELS.map((level: ChainLevel) => (
            <button
              key={level}
              type="button"
              aria-pressed={measure.kind === "level" && measure.level === level}
              onClick={() => onChange({ kind: "level", level })}
            >
              {level === "ADMIN1" ? "admin1" : level.toLowerCase()}
            </button>
          ))}
        </span>
      </div>
    </div>
  );
}
