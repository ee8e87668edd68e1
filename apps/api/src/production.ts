/**
 * The API's processes run in production mode unless NODE_ENV says otherwise (the tests set
 * "test"). Outside production graphql-js checks every type test for a second copy of itself
 * (jsutils/instanceOf.js), and coercing the 10,000 rows of an addPredictions call then takes about
 * half as long again (decisions.md, "External ingest, sixteenth pass"). Imported first by the entry
 * points, before anything loads graphql, which reads NODE_ENV once as it loads.
 */
process.env.NODE_ENV ||= "production";
