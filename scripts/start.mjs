#!/usr/bin/env node
// `npm start`: the main job. The full demo (dataset build, API, worker, dashboard and a live
// experiment) is assembled as those parts land; until then this says so and exits cleanly.
console.log(
  "Geo-R Lab: `npm start` is not yet available — the demo (Blue Marble dataset, API, worker, dashboard)\n" +
    "arrives with the API and dashboard. Today you can run `npm test` and `npm run bench -w @geor/geo`.",
);
