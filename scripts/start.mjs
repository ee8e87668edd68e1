#!/usr/bin/env node
// `npm start`: the main job. The full demo (dataset build, API, worker, dashboard and a live
// experiment) arrives with the API and dashboard; until then this says so and shows what works.
console.log(`Geo-R Lab: \`npm start\` is not yet available — the live demo (API, worker, dashboard) arrives
with the GraphQL API and the dashboard. What works today, from this directory:

  npx geor dataset build bluemarble --size medium      # NASA Blue Marble patches, ~12 s
  npx geor train sft --dataset bluemarble-medium --out cor-sft --minutes 10
  npx geor eval --run cor-sft --split test
  npx geor predict --run cor-sft --at 48.8566,2.3522
  npm test                                             # everything; ends with "N passed, N failed"
  npm run bench                                        # writes bench/results/*.json`);
