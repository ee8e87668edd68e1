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
