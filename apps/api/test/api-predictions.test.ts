/**
 * A trained experiment's predictions over the API, on SQLite and on PostgreSQL: pages and filters,
 * aggregates equal to the numbers computed from the rows, and predict on uploaded images.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import sharp from "sharp";
import {
  allPredictions,
  close,
  type Exp,
  median,
  PRED_FIELDS,
  type Pred,
  tinyTrainedExperiment,
} from "./api-fixtures.ts";
import { DIALECTS, gql, ok, startApi, type TestApi, TOKEN } from "./helpers.ts";

for (const dialect of DIALECTS) {
  describe(`predictions over the API on ${dialect}`, () => {
    let api: TestApi;
    let trained: Exp;

    before(async () => {
      api = await startApi(dialect);
      trained = await tinyTrainedExperiment(api);
    });
    after(async () => {
      await api?.stop();
    });

    test("predictions page by id and by error, and every filter keeps exactly the matching rows", async () => {
      const id = trained.id;
      const all = await allPredictions(api, { experimentId: id });
      assert.equal(all.length, 25);
      assert.equal(new Set(all.map((p) => p.id)).size, 25);
      const byError = await allPredictions(api, { experimentId: id }, "ERROR_DESC", 6);
      assert.deepEqual(
        byError.map((p) => p.errorKm),
        [...all.map((p) => p.errorKm)].sort((a, b) => b - a),
      );
      const country = all.find((p) => p.trueChain.country)?.trueChain.country?.code as string;
      const inCountry = await allPredictions(api, { experimentId: id, trueCountry: country.toLowerCase() });
      assert.equal(inCountry.length, all.filter((p) => p.trueChain.country?.code === country).length);
      const mid = median(all.map((p) => p.errorKm));
      const near = await allPredictions(api, { experimentId: id, maxErrorKm: mid });
      assert.equal(near.length, all.filter((p) => p.errorKm <= mid).length);
      const missed = await allPredictions(api, { experimentId: id, level: "COUNTRY", hit: false });
      assert.equal(missed.length, all.filter((p) => !p.hits.country).length);
      const r = await gql(
        api,
        `{ predictions(filter: { experimentId: "${id}", level: COUNTRY }) { edges { cursor } } }`,
      );
      assert.match(r.errors?.[0].message ?? "", /^filter\.level: /);
      const one = await ok<{ prediction: Pred }>(api, `query($id: ID!) { prediction(id: $id) { ${PRED_FIELDS} } }`, {
        id: all[0].id,
      });
      assert.equal(one.prediction.sampleId, all[0].sampleId);
      const withSample = await ok<{
        prediction: {
          trueChain: { lat: number; lon: number };
          sample: { id: string; lat: number; lon: number; thumbnail: { url: string; size: number } };
        };
      }>(
        api,
        `query($id: ID!) { prediction(id: $id) { trueChain { lat lon } sample { id lat lon thumbnail { url size } } } }`,
        { id: all[0].id },
      );
      const { sample, trueChain } = withSample.prediction;
      assert.equal(sample.id, all[0].sampleId);
      // The stored truth is a REAL column (float4 on PostgreSQL): equal to the sample's to ~1e-5°.
      assert.ok(Math.abs(sample.lat - trueChain.lat) < 1e-4 && Math.abs(sample.lon - trueChain.lon) < 1e-4);
      const sprite = await fetch(new URL(sample.thumbnail.url, api.url));
      assert.equal(sprite.status, 200);
      assert.match(sprite.headers.get("content-type") ?? "", /^image\//);
      const count = await ok<{ predictions: { totalCount: number } }>(
        api,
        `{ predictions(filter: { experimentId: "${id}", maxErrorKm: ${mid} }, first: 1) { totalCount } }`,
      );
      assert.equal(count.predictions.totalCount, near.length);
    });

    test("aggregates equal the same numbers computed from the rows", async () => {
      const id = trained.id;
      const all = await allPredictions(api, { experimentId: id });
      const errors = all.map((p) => p.errorKm);
      const d = await ok<{
        accuracyAtThresholds: {
          n: number;
          medianKm: number;
          meanKm: number;
          thresholds: Array<{ km: number; accuracy: number }>;
          levels: { country: number };
        };
        errorHistogram: Array<{ loKm: number; hiKm: number; count: number }>;
        countryBreakdown: Array<{
          iso2: string;
          n: number;
          medianKm: number;
          thresholds: Array<{ km: number; accuracy: number }>;
          countryAccuracy: number;
        }>;
      }>(
        api,
        `query($f: PredictionFilter!) {
          accuracyAtThresholds(filter: $f) { n medianKm meanKm geoScore thresholds { km accuracy } levels { country admin1 place } }
          errorHistogram(filter: $f, binsPerDecade: 4, minKm: 1) { loKm hiKm count }
          countryBreakdown(filter: $f) { iso2 name n medianKm meanKm thresholds { km accuracy } countryAccuracy }
        }`,
        { f: { experimentId: id } },
      );
      const s = d.accuracyAtThresholds;
      assert.equal(s.n, 25);
      close(s.medianKm, median(errors), "median");
      close(s.meanKm, errors.reduce((a, b) => a + b, 0) / errors.length, "mean");
      assert.deepEqual(
        s.thresholds.map((t) => t.km),
        [1, 25, 200, 750, 2500],
      );
      for (const t of s.thresholds) close(t.accuracy, errors.filter((e) => e <= t.km).length / 25, `acc@${t.km}`);
      close(s.levels.country, all.filter((p) => p.hits.country).length / 25, "country level");
      const h = d.errorHistogram;
      assert.equal(
        h.reduce((a, b) => a + b.count, 0),
        25,
      );
      for (const bin of h) {
        const inBin = errors.filter((e) => (bin.loKm === 0 ? e < bin.hiKm : e >= bin.loKm && e < bin.hiKm)).length;
        assert.equal(bin.count, inBin, `bin [${bin.loKm}, ${bin.hiKm})`);
      }
      assert.equal(
        d.countryBreakdown.reduce((a, c) => a + c.n, 0),
        25,
      );
      for (const c of d.countryBreakdown) {
        const rows = all.filter((p) => (p.trueChain.country?.code ?? "") === c.iso2);
        assert.equal(c.n, rows.length);
        close(c.medianKm, median(rows.map((p) => p.errorKm)), `median of ${c.iso2}`);
        close(c.countryAccuracy, rows.filter((p) => p.hits.country).length / rows.length, `country acc of ${c.iso2}`);
      }
      const cmp = await ok<{
        compareExperiments: {
          countries: Array<{
            iso2: string;
            deltaMedianKm: number;
            nA: number;
            nB: number;
            thresholds: Array<{ delta: number }>;
          }>;
        };
      }>(
        api,
        `query($a: ID!) { compareExperiments(a: $a, b: $a) { a { n } b { n } countries { iso2 name nA nB medianKmA medianKmB deltaMedianKm thresholds { km a b delta } } } }`,
        { a: id },
      );
      assert.equal(cmp.compareExperiments.countries.length, d.countryBreakdown.length);
      for (const c of cmp.compareExperiments.countries) {
        assert.equal(c.deltaMedianKm, 0);
        assert.equal(c.nA, c.nB);
        for (const t of c.thresholds) assert.equal(t.delta, 0);
      }
    });

    test("predict: base64 and multipart uploads give a chain; non-images and oversize bytes are clean errors", async () => {
      const png = await sharp({ create: { width: 48, height: 48, channels: 3, background: { r: 20, g: 120, b: 40 } } })
        .png()
        .toBuffer();
      const q = `mutation($id: ID!, $b: String) { predict(experimentId: $id, imageBase64: $b, topK: 2) { imageType channelsFilled chains { text probability country { code name probability } lat lon } } }`;
      const d = await ok<{
        predict: { imageType: string; chains: Array<{ text: string; probability: number; lat: number; lon: number }> };
      }>(api, q, {
        id: trained.id,
        b: png.toString("base64"),
      });
      assert.equal(d.predict.imageType, "png");
      assert.equal(d.predict.chains.length, 2);
      assert.ok(d.predict.chains[0].probability >= d.predict.chains[1].probability);
      assert.ok(Math.abs(d.predict.chains[0].lat) <= 90);

      const garbage = await gql(
        api,
        q,
        { id: trained.id, b: Buffer.from("just some text, not an image").toString("base64") },
        TOKEN,
      );
      assert.equal(garbage.errors?.[0].extensions?.code, "BAD_USER_INPUT");
      assert.match(garbage.errors?.[0].message ?? "", /^imageBase64: is not a JPEG/);
      // A PNG signature on broken bytes: sniffing passes, decoding fails cleanly.
      const broken = Buffer.concat([png.subarray(0, 40), Buffer.alloc(40, 7)]);
      const bad = await gql(api, q, { id: trained.id, b: broken.toString("base64") }, TOKEN);
      assert.equal(bad.errors?.[0].extensions?.code, "BAD_USER_INPUT", JSON.stringify(bad.errors));
      assert.doesNotMatch(bad.errors?.[0].message ?? "", /\/tmp\//);

      const form = new FormData();
      form.append(
        "operations",
        JSON.stringify({
          query: `mutation($f: Upload) { predict(experimentId: "${trained.id}", image: $f) { imageType chains { text } } }`,
          variables: { f: null },
        }),
      );
      form.append("map", JSON.stringify({ 0: ["variables.f"] }));
      form.append("0", new Blob([png], { type: "application/octet-stream" }), "photo.bin");
      const res = await fetch(api.url, {
        method: "POST",
        body: form,
        headers: { authorization: `Bearer ${TOKEN}`, "apollo-require-preflight": "true" },
      });
      const body = (await res.json()) as {
        data?: { predict: { imageType: string; chains: unknown[] } };
        errors?: unknown;
      };
      assert.equal(body.data?.predict.imageType, "png", JSON.stringify(body));
      assert.equal(body.data?.predict.chains.length, 3);
    });
  });
}
