import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EARTH_RADIUS_KM, haversineKm, haversineKmBatch, MAX_DISTANCE_KM } from "./haversine.ts";

const close = (actual: number, expected: number, tol: number) =>
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected} ± ${tol}, got ${actual}`);

describe("haversineKm", () => {
  it("Paris–London is about 343.5 km", () => {
    close(haversineKm({ lat: 48.8566, lon: 2.3522 }, { lat: 51.5074, lon: -0.1278 }), 343.5, 0.5);
  });

  it("crosses the dateline the short way: 1° of equator", () => {
    // 1° of a great circle = πR/180 = 111.1949 km
    close(haversineKm({ lat: 0, lon: 179.5 }, { lat: 0, lon: -179.5 }), (Math.PI * EARTH_RADIUS_KM) / 180, 1e-6);
  });

  it("antipodes are half the circumference, πR ≈ 20015.11 km", () => {
    close(haversineKm({ lat: 10, lon: 20 }, { lat: -10, lon: -160 }), 20015.1143, 1e-3);
    assert.equal(MAX_DISTANCE_KM, Math.PI * EARTH_RADIUS_KM);
  });

  it("handles the poles", () => {
    close(haversineKm({ lat: 90, lon: 0 }, { lat: -90, lon: 123 }), Math.PI * EARTH_RADIUS_KM, 1e-6);
    close(haversineKm({ lat: 90, lon: 0 }, { lat: 0, lon: 77 }), (Math.PI * EARTH_RADIUS_KM) / 2, 1e-6);
    // All longitudes meet at a pole.
    close(haversineKm({ lat: 90, lon: -170 }, { lat: 90, lon: 40 }), 0, 1e-6);
  });

  it("is zero for the same point and symmetric", () => {
    assert.equal(haversineKm({ lat: 12.3, lon: 45.6 }, { lat: 12.3, lon: 45.6 }), 0);
    const a = { lat: -33.9, lon: 18.4 };
    const b = { lat: 35.7, lon: 139.7 };
    assert.equal(haversineKm(a, b), haversineKm(b, a));
  });

  it("throws a RangeError naming the bad value", () => {
    assert.throws(() => haversineKm({ lat: 91, lon: 0 }, { lat: 0, lon: 0 }), /latitude 91 out of range \[-90, 90\]/);
    assert.throws(() => haversineKm({ lat: 0, lon: 0 }, { lat: 0, lon: -180.5 }), /longitude -180.5 out of range/);
    assert.throws(() => haversineKm({ lat: Number.NaN, lon: 0 }, { lat: 0, lon: 0 }), RangeError);
  });
});

describe("haversineKmBatch", () => {
  it("matches the scalar function element-wise", () => {
    const lat1 = Float64Array.of(48.8566, 0, 90);
    const lon1 = Float64Array.of(2.3522, 179.5, 0);
    const lat2 = Float64Array.of(51.5074, 0, -90);
    const lon2 = Float64Array.of(-0.1278, -179.5, 0);
    const out = haversineKmBatch(lat1, lon1, lat2, lon2);
    for (let i = 0; i < 3; i++) {
      assert.equal(out[i], haversineKm({ lat: lat1[i], lon: lon1[i] }, { lat: lat2[i], lon: lon2[i] }));
    }
  });

  it("rejects unequal lengths and names the index of a bad value", () => {
    assert.throws(
      () => haversineKmBatch(new Float64Array(2), new Float64Array(1), new Float64Array(2), new Float64Array(2)),
      /equal length/,
    );
    assert.throws(
      () =>
        haversineKmBatch(Float64Array.of(0, 100), Float64Array.of(0, 0), Float64Array.of(0, 0), Float64Array.of(0, 0)),
      /latitude 100 .* at index 1/,
    );
  });
});
