// Natural Earth country outlines (world-atlas TopoJSON) as GeoJSON features keyed by ISO 3166-1
// alpha-2, the code the API uses for countries. world-atlas identifies countries by their ISO
// numeric code; the few Natural Earth units without one are mapped by name.
import type { Feature, FeatureCollection, Geometry, Position } from "geojson";
import countryCodes from "i18n-iso-countries";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";

export type CountryProperties = { iso2: string | null; name: string };
export type CountryFeature = Feature<Geometry, CountryProperties>;

/** Natural Earth units that have no ISO numeric code in world-atlas. */
const ISO2_BY_NAME: Record<string, string> = {
  Kosovo: "XK",
  Somaliland: "SO",
  "N. Cyprus": "CY",
};

export function iso2OfNumeric(id: string | number | undefined, name: string): string | null {
  if (ISO2_BY_NAME[name]) return ISO2_BY_NAME[name];
  if (id === undefined || id === null || id === "") return null;
  return countryCodes.numericToAlpha2(String(id).padStart(3, "0")) ?? null;
}

/**
 * Makes a ring continuous across the antimeridian (a step of more than 180° in longitude is
 * taken the short way, so longitudes may leave [-180, 180]). A repeating map view draws such a
 * ring correctly; without it, a ring that jumps from 180 to -180 is filled across the whole map.
 * Cheaper than deck.gl's wrapLongitude, which cuts every polygon on a grid.
 */
export function unwrapRing(ring: Position[]): Position[] {
  const out: Position[] = new Array(ring.length);
  let shift = 0;
  for (let i = 0; i < ring.length; i++) {
    const [lon, lat] = ring[i]!;
    if (i > 0) {
      const prev = ring[i - 1]![0]!;
      if (lon! - prev > 180) shift -= 360;
      else if (prev - lon! > 180) shift += 360;
    }
    out[i] = [lon! + shift, lat!];
  }
  return out;
}

function unwrapGeometry(geometry: Geometry): Geometry {
  if (geometry.type === "Polygon") return { ...geometry, coordinates: geometry.coordinates.map(unwrapRing) };
  if (geometry.type === "MultiPolygon") {
    return { ...geometry, coordinates: geometry.coordinates.map((polygon) => polygon.map(unwrapRing)) };
  }
  return geometry;
}

export function countriesFromTopology(topology: Topology): FeatureCollection<Geometry, CountryProperties> {
  const object = topology.objects.countries as GeometryCollection<{ name: string }> | undefined;
  if (!object) throw new TypeError('TopoJSON has no "countries" object (expected world-atlas countries-*.json)');
  const collection = feature(topology, object) as FeatureCollection<Geometry, { name: string }>;
  return {
    type: "FeatureCollection",
    features: collection.features.map((f) => ({
      type: "Feature",
      id: f.id,
      geometry: unwrapGeometry(f.geometry),
      properties: { name: f.properties.name, iso2: iso2OfNumeric(f.id, f.properties.name) },
    })),
  };
}
