export {
  type Admin1,
  type Chain,
  ChainOfRegion,
  type ChainOfRegionOptions,
  type City,
  type Continent,
  type Country,
  loadChainOfRegion,
} from "./chain-of-region.ts";
export { cityRadiusKm } from "./cities.ts";
export {
  GEOSCORE_MAX,
  GEOSCORE_SCALE_KM,
  type LevelAccuracy,
  SCORED_LEVELS,
  type ScoredLevel,
  THRESHOLD_NAMES,
} from "./constants.ts";
export {
  buildGeocells,
  type Geocell,
  type GeocellOptions,
  type GeocellPoint,
  Geocells,
  type GeocellsJSON,
  sphericalMean,
} from "./geocells.ts";
export {
  assertCoordinate,
  type Coordinate,
  EARTH_RADIUS_KM,
  haversineKm,
  haversineKmBatch,
  haversineKmUnchecked,
  KM_PER_DEG,
  MAX_DISTANCE_KM,
} from "./haversine.ts";
export { type SphericalMedian, sphericalMedian } from "./median.ts";
export {
  type AccuracyAtThresholds,
  geoScore,
  levelAccuracy,
  type Metrics,
  summarizeErrors,
  THRESHOLDS_KM,
  type ThresholdKm,
} from "./metrics.ts";
export { nameKey } from "./name-keys.ts";
export {
  loadPlaceNames,
  PlaceNames,
  type PlaceNamesOptions,
  type StatedAdmin1,
  type StatedCity,
  type StatedNames,
  type StatedUnits,
} from "./place-names.ts";
