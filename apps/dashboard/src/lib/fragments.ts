// GraphQL fragments shared by several queries.
import { graphql } from "@/gql";

export const PredictedRegionFields = graphql(`
  fragment PredictedRegionFields on PredictedRegion {
    code
    name
    probability
  }
`);

/** What a map needs of a prediction: both points and the error. */
export const PredictionPointFields = graphql(`
  fragment PredictionPointFields on Prediction {
    id
    errorKm
    trueChain {
      lat
      lon
    }
    predictedChain {
      lat
      lon
    }
  }
`);

/**
 * What the chain table of one prediction needs: the true chain, the predicted chain (for an external
 * run, the chain its coordinate lies in) and their hits, and an answer's raw text, stated chain and
 * stated hits.
 */
export const PredictionChainsFields = graphql(`
  fragment PredictionChainsFields on Prediction {
    errorKm
    answer
    parsed
    consistent
    hits {
      country
      admin1
      place
    }
    statedHits {
      country
      admin1
      city
    }
    statedChain {
      country {
        code
        name
      }
      admin1 {
        code
        name
      }
      city {
        code
        name
      }
      unresolved {
        country
        admin1
        city
      }
    }
    trueChain {
      lat
      lon
      continent
      country {
        code
        name
      }
      admin1 {
        code
        name
      }
      city
      cell
    }
    predictedChain {
      lat
      lon
      confidence
      country {
        ...PredictedRegionFields
      }
      admin1 {
        ...PredictedRegionFields
      }
      place {
        ...PredictedRegionFields
      }
    }
  }
`);

/** The metric table of a set of predictions: thresholds, median, GeoScore, and how answers read. */
export const AccuracySummaryFields = graphql(`
  fragment AccuracySummaryFields on AccuracySummary {
    n
    medianKm
    meanKm
    geoScore
    thresholds {
      km
      accuracy
    }
    unparsed
    statedLevels {
      country
      admin1
      city
    }
    consistency
  }
`);
