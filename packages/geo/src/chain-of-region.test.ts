import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadAdminData } from "./admin-units.ts";
import { type ChainOfRegion, loadChainOfRegion } from "./chain-of-region.ts";

/**
 * Landmarks: [name, lat, lon, country ISO2, admin-1 code, city name]. `undefined` = not checked,
 * `null` = must be null. Capitals, coastal points (beaches, harbours), islands, border towns
 * and open ocean.
 */
const LANDMARKS: Array<[string, number, number, string | null, string | null | undefined, string | null | undefined]> =
  [
    ["Washington, D.C.", 38.8977, -77.0365, "US", "US-DC", "Washington, D.C."],
    ["Ottawa", 45.4215, -75.6972, "CA", "CA-ON", "Ottawa"],
    ["Mexico City", 19.4326, -99.1332, "MX", "MX-DIF", "Mexico City"],
    ["Brasília", -15.7939, -47.8828, "BR", "BR-DF", "Brasília"],
    ["Buenos Aires", -34.6037, -58.3816, "AR", "AR-C", "Buenos Aires"],
    ["Lima", -12.0464, -77.0428, "PE", undefined, "Lima"],
    ["Madrid", 40.4168, -3.7038, "ES", "ES-M", "Madrid"],
    ["Lisbon", 38.7223, -9.1393, "PT", undefined, "Lisbon"],
    ["Rome", 41.9028, 12.4964, "IT", "IT-RM", "Rome"],
    ["Vatican City", 41.9029, 12.4534, "VA", undefined, "Vatican City"],
    ["Berlin", 52.52, 13.405, "DE", "DE-BE", "Berlin"],
    ["Warsaw", 52.2297, 21.0122, "PL", "PL-MZ", "Warsaw"],
    ["Kyiv", 50.4501, 30.5234, "UA", undefined, "Kyiv"],
    ["Moscow", 55.7558, 37.6173, "RU", "RU-MOS", "Moscow"],
    ["Cairo", 30.0444, 31.2357, "EG", undefined, "Cairo"],
    ["Nairobi", -1.2921, 36.8219, "KE", undefined, "Nairobi"],
    ["Lagos", 6.5244, 3.3792, "NG", "NG-LA", "Lagos"],
    ["Addis Ababa", 9.03, 38.74, "ET", undefined, "Addis Ababa"],
    ["Kinshasa", -4.4419, 15.2663, "CD", undefined, "Kinshasa"],
    ["Tehran", 35.6892, 51.389, "IR", undefined, "Tehran"],
    ["New Delhi", 28.6139, 77.209, "IN", "IN-DL", "Delhi"],
    ["Beijing", 39.9042, 116.4074, "CN", "CN-BJ", "Beijing"],
    ["Seoul", 37.5665, 126.978, "KR", undefined, "Seoul"],
    ["Manila", 14.5995, 120.9842, "PH", undefined, "Manila"],
    ["Canberra", -35.2809, 149.13, "AU", "AU-ACT", "Canberra"],
    ["Wellington", -41.2865, 174.7762, "NZ", undefined, "Wellington"],
    ["Singapore", 1.3521, 103.8198, "SG", undefined, "Singapore"],
    ["Monaco", 43.7384, 7.4246, "MC", undefined, "Monaco"],
    // coastal: beaches, harbours, waterfronts
    ["Copacabana beach", -22.9711, -43.1822, "BR", "BR-RJ", "Rio de Janeiro"],
    ["Bondi Beach", -33.8908, 151.2743, "AU", "AU-NSW", "Sydney"],
    ["Nice, Promenade des Anglais", 43.6947, 7.2653, "FR", "FR-06", "Nice"],
    ["Barcelona beach", 41.3784, 2.1925, "ES", undefined, "Barcelona"],
    ["Cape Town waterfront", -33.9036, 18.4205, "ZA", "ZA-WC", "Cape Town"],
    ["Reykjavík harbour", 64.15, -21.94, "IS", undefined, "Reykjavík"],
    ["Waikiki", 21.2767, -157.8267, "US", "US-HI", "Honolulu"],
    ["Dubai Marina", 25.0805, 55.1403, "AE", undefined, "Dubai"],
    ["Venice, Piazza San Marco", 45.4341, 12.3388, "IT", undefined, "Venice"],
    ["Istanbul, Bosphorus", 41.0451, 29.0345, "TR", "TR-34", "Istanbul"],
    ["5 km off Brighton", 50.77, -0.14, "GB", undefined, "Brighton"],
    // islands
    ["Valletta", 35.8989, 14.5146, "MT", undefined, "Valletta"],
    ["Papeete, Tahiti", -17.5516, -149.5585, "PF", undefined, "Papeete"],
    ["Port Louis, Mauritius", -20.1609, 57.5012, "MU", undefined, "Port Louis"],
    ["Malé", 4.1755, 73.5093, "MV", undefined, undefined],
    ["Puerto Ayora, Galápagos", -0.7432, -90.3132, "EC", "EC-W", "Puerto Ayora"],
    ["Tenerife", 28.2916, -16.6291, "ES", "ES-TF", undefined],
    ["Hobart, Tasmania", -42.8821, 147.3272, "AU", "AU-TAS", "Hobart"],
    ["Zanzibar", -6.1659, 39.2026, "TZ", undefined, "Zanzibar"],
    ["Fiji near the antimeridian", -16.7, 179.9, "FJ", undefined, undefined],
    // borders
    ["Strasbourg", 48.5734, 7.7521, "FR", "FR-67", "Strasbourg"],
    ["Kehl, across the Rhine", 48.5725, 7.815, "DE", "DE-BW", "Kehl"],
    ["Detroit", 42.3314, -83.0458, "US", "US-MI", "Detroit"],
    ["Windsor, Ontario", 42.3149, -83.0364, "CA", "CA-ON", "Windsor"],
    ["El Paso", 31.7619, -106.485, "US", "US-TX", "El Paso"],
    ["Ciudad Juárez", 31.6904, -106.4245, "MX", undefined, "Juárez"],
    // countryside and the far south
    ["Sand Hills, Nebraska", 41.9, -100.5, "US", "US-NE", null],
    ["Sahara, Niger", 23.0, 12.0, "NE", undefined, null],
    ["South Pole", -90, 0, "AQ", undefined, null],
    // open ocean
    ["mid-Atlantic", 30, -40, null, null, null],
    ["mid-Pacific", 0, -150, null, null, null],
    ["southern Indian Ocean", -40, 80, null, null, null],
    ["North Pole (sea ice)", 90, 0, null, null, null],
    ["60 km off Lisbon", 38.7, -9.9, null, null, null],
  ];

describe("Chain of Region", () => {
  let cor: ChainOfRegion;
  before(async () => {
    cor = await loadChainOfRegion();
  });

  for (const [name, lat, lon, iso2, admin1, city] of LANDMARKS) {
    it(`locates ${name}`, () => {
      const chain = cor.locate(lat, lon);
      assert.equal(chain.country?.iso2 ?? null, iso2, `country of ${name}`);
      if (admin1 !== undefined) assert.equal(chain.admin1?.code ?? null, admin1, `admin-1 of ${name}`);
      if (city !== undefined) assert.equal(chain.city?.name ?? null, city, `city of ${name}`);
      assert.equal(chain.lat, lat);
      assert.equal(chain.lon, lon);
      if (iso2 === null) {
        assert.deepEqual([chain.continent, chain.admin1, chain.city], [null, null, null]);
      } else {
        assert.ok(chain.continent && chain.admin1, `${name} has a continent and an admin-1`);
      }
    });
  }

  it("gives English names, continents and stable codes", () => {
    const paris = cor.locate(48.8566, 2.3522);
    assert.deepEqual(paris.continent, { code: "EU", name: "Europe" });
    assert.deepEqual(paris.country, { iso2: "FR", name: "France" });
    assert.equal(paris.city?.name, "Paris");
    assert.ok(paris.city && paris.city.population > 2_000_000 && Number.isInteger(paris.city.id));
    assert.equal(cor.locate(35.6762, 139.6503).continent?.name, "Asia");
    assert.equal(cor.locate(-33.87, 151.21).continent?.name, "Oceania");
    const units = cor.listUnits();
    for (const u of units) {
      assert.match(u.country.iso2, /^[A-Z]{2}$/);
      assert.match(u.admin1.code, /^[A-Z]{2}-[A-Z0-9]+$/);
    }
    // ISO 3166-2 files a few territories under another country's code (NL-SX, US-PR, …).
    const foreign = units.filter((u) => !u.admin1.code.startsWith(`${u.country.iso2}-`));
    assert.ok(foreign.length < 10, `${foreign.length} units with a foreign admin-1 prefix`);
    assert.equal(new Set(units.map((u) => u.admin1.code)).size, units.length, "admin-1 codes are unique");
  });

  it("applies the coastal tolerance: near water takes the nearest land, far water is null", async () => {
    // 5 km off Brighton is kept by the default 25 km tolerance, dropped with tolerance 0.
    const strict = await loadChainOfRegion({ coastalToleranceKm: 0 });
    assert.equal(strict.locate(50.77, -0.14).country, null);
    assert.equal(cor.locate(50.77, -0.14).country?.iso2, "GB");
    const wide = await loadChainOfRegion({ coastalToleranceKm: 80 });
    assert.equal(wide.locate(38.7, -9.9).country?.iso2, "PT");
  });

  it("is deterministic; locateMany and unitOf equal locate", () => {
    const lats = Float64Array.from(LANDMARKS, (l) => l[1]);
    const lons = Float64Array.from(LANDMARKS, (l) => l[2]);
    const many = cor.locateMany(lats, lons);
    many.forEach((chain, i) => {
      assert.deepEqual(chain, cor.locate(lats[i], lons[i]));
      assert.equal(cor.admin1Of(lats[i], lons[i]), chain.admin1?.code ?? null);
      const unit = cor.unitOf(lats[i], lons[i]);
      assert.deepEqual(
        [unit?.continent ?? null, unit?.country ?? null, unit?.admin1 ?? null],
        [chain.continent, chain.country, chain.admin1],
      );
    });
    assert.equal(cor.countryOf(48.5725, 7.815), "DE");
  });

  it("throws a RangeError naming the value on invalid input", () => {
    assert.throws(() => cor.locate(91, 0), /latitude 91 out of range/);
    assert.throws(() => cor.locate(0, 181), /longitude 181 out of range/);
    assert.throws(() => cor.locate(Number.NaN, 0), /latitude NaN/);
    assert.throws(
      () => cor.locateMany(Float64Array.of(0, 0), Float64Array.of(0, -200)),
      /longitude -200 .* at index 1/,
    );
  });

  it("agrees with brute-force point-in-polygon on the real boundaries", () => {
    // Points scattered around real boundary vertices, where an index is most likely to err.
    const { polygons } = loadAdminData();
    const boxes = polygons.map((p) => {
      let x0 = 180;
      let y0 = 90;
      let x1 = -180;
      let y1 = -90;
      for (const r of p.rings)
        for (let i = 0; i < r.length; i += 2) {
          x0 = Math.min(x0, r[i]);
          x1 = Math.max(x1, r[i]);
          y0 = Math.min(y0, r[i + 1]);
          y1 = Math.max(y1, r[i + 1]);
        }
      return [x0, y0, x1, y1];
    });
    const strict = loadChainOfRegion({ coastalToleranceKm: 0 });
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    return strict.then((s) => {
      let wrong = 0;
      for (let k = 0; k < 1500; k++) {
        const p = polygons[Math.floor(rand() * polygons.length)];
        const ring = p.rings[0];
        const v = 2 * Math.floor((rand() * ring.length) / 2);
        const lon = Math.max(-180, Math.min(180, ring[v] + (rand() - 0.5) * 0.2));
        const lat = Math.max(-90, Math.min(90, ring[v + 1] + (rand() - 0.5) * 0.2));
        const hits = new Set<number>();
        polygons.forEach((q, qi) => {
          const b = boxes[qi];
          if (lon < b[0] || lon > b[2] || lat < b[1] || lat > b[3]) return;
          let inside = false;
          for (const r of q.rings) {
            for (let i = 0, j = r.length - 2; i < r.length; j = i, i += 2) {
              const yi = Math.fround(r[i + 1]);
              const yj = Math.fround(r[j + 1]);
              const xi = Math.fround(r[i]);
              const xj = Math.fround(r[j]);
              if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
            }
          }
          if (inside) hits.add(q.label);
        });
        const expected = hits.size === 0 ? null : s.listUnits()[Math.min(...hits)].admin1.code;
        if ((s.locate(lat, lon).admin1?.code ?? null) !== expected) wrong++;
      }
      assert.equal(wrong, 0, `${wrong} of 1500 boundary points disagree with brute force`);
    });
  });
});
