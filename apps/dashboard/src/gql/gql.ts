/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Compare($a: ID!, $b: ID!) {\n    compareExperiments(a: $a, b: $b) {\n      a {\n        ...AccuracySummaryFields\n      }\n      b {\n        ...AccuracySummaryFields\n      }\n      countries {\n        iso2\n        name\n        nA\n        nB\n        thresholds {\n          km\n          a\n          b\n          delta\n        }\n      }\n    }\n  }\n": typeof types.CompareDocument,
    "\n  query ErrorMap($filter: PredictionFilter!, $hitFilter: PredictionFilter!, $withHits: Boolean!) {\n    countryBreakdown(filter: $filter) {\n      iso2\n      name\n      n\n      medianKm\n      thresholds {\n        km\n        accuracy\n      }\n    }\n    levelHits: countryBreakdown(filter: $hitFilter) @include(if: $withHits) {\n      iso2\n      name\n      n\n      medianKm\n      thresholds {\n        km\n        accuracy\n      }\n    }\n    accuracyAtThresholds(filter: $filter) {\n      n\n      unparsed\n    }\n    errorHistogram(filter: $filter, binsPerDecade: 4) {\n      loKm\n      hiKm\n      count\n    }\n  }\n": typeof types.ErrorMapDocument,
    "\n  query ExperimentSummary($filter: PredictionFilter!) {\n    accuracyAtThresholds(filter: $filter) {\n      ...AccuracySummaryFields\n      levels {\n        country\n        admin1\n        place\n      }\n    }\n  }\n": typeof types.ExperimentSummaryDocument,
    "\n  query ExperimentDetail($id: ID!) {\n    experiment(id: $id) {\n      id\n      name\n      dataset\n      kind\n      split\n      createdBy\n      version\n      study {\n        id\n        name\n      }\n      studyArm\n      studySeed\n      status\n      tags\n      notes\n      error\n      config\n      createdAt\n      startedAt\n      finishedAt\n      stages {\n        name\n        status\n        step\n        totalSteps\n        message\n      }\n      metrics {\n        name\n        points {\n          step\n          value\n          stage\n        }\n      }\n      checkpoints {\n        stage\n        step\n        path\n        createdAt\n      }\n      logs(last: 200) {\n        at\n        stage\n        line\n      }\n    }\n  }\n": typeof types.ExperimentDetailDocument,
    "\n  mutation CancelExperiment($id: ID!) {\n    cancelExperiment(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.CancelExperimentDocument,
    "\n  query ExperimentChoices {\n    experiments(first: 100) {\n      edges {\n        node {\n          id\n          name\n          status\n          dataset\n          kind\n        }\n      }\n    }\n  }\n": typeof types.ExperimentChoicesDocument,
    "\n  query ExperimentsTable {\n    experiments(first: 100) {\n      edges {\n        node {\n          id\n          name\n          dataset\n          kind\n          config\n          status\n          tags\n          createdAt\n        }\n      }\n    }\n  }\n": typeof types.ExperimentsTableDocument,
    "\n  subscription ExperimentProgress($id: ID!) {\n    experimentProgress(id: $id) {\n      id\n      status\n      version\n      stages {\n        name\n        status\n        step\n        totalSteps\n      }\n    }\n  }\n": typeof types.ExperimentProgressDocument,
    "\n  query DatasetChoices {\n    datasets {\n      name\n    }\n  }\n": typeof types.DatasetChoicesDocument,
    "\n  mutation CreateExperiment($input: CreateExperimentInput!) {\n    createExperiment(input: $input) {\n      id\n      name\n      status\n    }\n  }\n": typeof types.CreateExperimentDocument,
    "\n  query ExperimentRowSummary($filter: PredictionFilter!) {\n    accuracyAtThresholds(filter: $filter) {\n      n\n      medianKm\n      thresholds {\n        km\n        accuracy\n      }\n    }\n  }\n": typeof types.ExperimentRowSummaryDocument,
    "\n  fragment ExplorerItemFields on Prediction {\n    ...PredictionPointFields\n    trueChain {\n      country {\n        code\n        name\n      }\n    }\n    predictedChain {\n      country {\n        ...PredictedRegionFields\n      }\n    }\n    hits {\n      country\n      admin1\n      place\n    }\n    parsed\n    consistent\n  }\n": typeof types.ExplorerItemFieldsFragmentDoc,
    "\n  query ExplorerPage($filter: PredictionFilter!, $orderBy: PredictionOrder!, $first: Int!, $after: String) {\n    predictions(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...ExplorerItemFields\n        }\n      }\n    }\n  }\n": typeof types.ExplorerPageDocument,
    "\n  query ExplorerItem($id: ID!) {\n    prediction(id: $id) {\n      sampleId\n      ...ExplorerItemFields\n      ...PredictionChainsFields\n    }\n  }\n": typeof types.ExplorerItemDocument,
    "\n  mutation PredictImage($experimentId: ID!, $image: Upload!) {\n    predict(experimentId: $experimentId, image: $image, topK: 3) {\n      imageType\n      channelsFilled\n      chains {\n        text\n        probability\n        lat\n        lon\n        country {\n          ...PredictedRegionFields\n        }\n        admin1 {\n          ...PredictedRegionFields\n        }\n        place {\n          ...PredictedRegionFields\n        }\n      }\n    }\n  }\n": typeof types.PredictImageDocument,
    "\n  query PredictionDetail($id: ID!) {\n    prediction(id: $id) {\n      id\n      experimentId\n      sampleId\n      split\n      errorKm\n      sample {\n        image\n        thumbnail {\n          url\n          x\n          y\n          size\n        }\n      }\n      ...PredictionChainsFields\n    }\n  }\n": typeof types.PredictionDetailDocument,
    "\n  query PredictionExperiment($id: ID!) {\n    experiment(id: $id) {\n      id\n      name\n      kind\n    }\n  }\n": typeof types.PredictionExperimentDocument,
    "\n  query ApiTokens {\n    apiTokens {\n      id\n      name\n      createdAt\n      lastUsedAt\n      revoked\n      user {\n        name\n      }\n    }\n  }\n": typeof types.ApiTokensDocument,
    "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        id\n        name\n      }\n    }\n  }\n": typeof types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revoked\n    }\n  }\n": typeof types.RevokeApiTokenDocument,
    "\n  query Users {\n    users {\n      id\n      name\n      role\n      createdAt\n      hasPassword\n    }\n  }\n": typeof types.UsersDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      id\n      name\n      role\n    }\n  }\n": typeof types.CreateUserDocument,
    "\n  mutation SetUserRole($name: String!, $role: Role!) {\n    setUserRole(name: $name, role: $role) {\n      id\n      role\n    }\n  }\n": typeof types.SetUserRoleDocument,
    "\n  query StudyFormChoices {\n    datasets {\n      name\n    }\n    experiments(first: 100) {\n      edges {\n        node {\n          id\n          name\n          dataset\n          kind\n          config\n        }\n      }\n    }\n  }\n": typeof types.StudyFormChoicesDocument,
    "\n  mutation CreateStudy($input: CreateStudyInput!) {\n    createStudy(input: $input) {\n      id\n      name\n    }\n  }\n": typeof types.CreateStudyDocument,
    "\n  query StudiesTable {\n    studies(first: 100) {\n      id\n      name\n      dataset\n      status\n      control\n      arms\n      seeds\n      tags\n      createdBy\n      createdAt\n      runCounts {\n        queued\n        running\n        succeeded\n        failed\n        cancelled\n        total\n      }\n    }\n  }\n": typeof types.StudiesTableDocument,
    "\n  query StudyDetail($id: ID!) {\n    study(id: $id) {\n      id\n      name\n      dataset\n      status\n      control\n      arms\n      seeds\n      tags\n      createdBy\n      createdAt\n      cancelledAt\n      armConfigs {\n        name\n        head\n        sftSteps\n      }\n      budget {\n        sftSteps\n        stepCost\n      }\n      runCounts {\n        queued\n        running\n        succeeded\n        failed\n        cancelled\n        total\n      }\n      runs {\n        arm\n        seed\n        experiment {\n          id\n          name\n          status\n          error\n        }\n      }\n      comparisons {\n        arm\n        control\n        metric\n        label\n        unit\n        higherIsBetter\n        n\n        meanDelta\n        stdDelta\n        t\n        p\n        ahead\n        seeds\n        missingSeeds\n        note\n      }\n    }\n  }\n": typeof types.StudyDetailDocument,
    "\n  query StudySeedMetrics($id: ID!) {\n    study(id: $id) {\n      id\n      runs {\n        arm\n        seed\n        experiment {\n          id\n          finalMetrics\n        }\n      }\n    }\n  }\n": typeof types.StudySeedMetricsDocument,
    "\n  mutation CancelStudy($id: ID!) {\n    cancelStudy(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.CancelStudyDocument,
    "\n  mutation ExtendStudy($id: ID!, $seeds: [Int!]!) {\n    extendStudy(id: $id, seeds: $seeds) {\n      id\n      status\n      seeds\n    }\n  }\n": typeof types.ExtendStudyDocument,
    "\n  fragment PredictedRegionFields on PredictedRegion {\n    code\n    name\n    probability\n  }\n": typeof types.PredictedRegionFieldsFragmentDoc,
    "\n  fragment PredictionPointFields on Prediction {\n    id\n    errorKm\n    trueChain {\n      lat\n      lon\n    }\n    predictedChain {\n      lat\n      lon\n    }\n  }\n": typeof types.PredictionPointFieldsFragmentDoc,
    "\n  fragment PredictionChainsFields on Prediction {\n    errorKm\n    answer\n    parsed\n    consistent\n    hits {\n      country\n      admin1\n      place\n    }\n    statedHits {\n      country\n      admin1\n      city\n    }\n    statedChain {\n      country {\n        code\n        name\n      }\n      admin1 {\n        code\n        name\n      }\n      city {\n        code\n        name\n      }\n      unresolved {\n        country\n        admin1\n        city\n      }\n    }\n    trueChain {\n      lat\n      lon\n      continent\n      country {\n        code\n        name\n      }\n      admin1 {\n        code\n        name\n      }\n      city\n      cell\n    }\n    predictedChain {\n      lat\n      lon\n      confidence\n      country {\n        ...PredictedRegionFields\n      }\n      admin1 {\n        ...PredictedRegionFields\n      }\n      place {\n        ...PredictedRegionFields\n      }\n    }\n  }\n": typeof types.PredictionChainsFieldsFragmentDoc,
    "\n  fragment AccuracySummaryFields on AccuracySummary {\n    n\n    medianKm\n    meanKm\n    geoScore\n    thresholds {\n      km\n      accuracy\n    }\n    unparsed\n    statedLevels {\n      country\n      admin1\n      city\n    }\n    consistency\n  }\n": typeof types.AccuracySummaryFieldsFragmentDoc,
    "\n  query MapView($filter: PredictionFilter!, $view: MapViewInput!, $thresholdKm: Float!, $budget: Int!) {\n    mapView(filter: $filter, view: $view, thresholdKm: $thresholdKm, budget: $budget) {\n      mode\n      total\n      level\n      points {\n        count\n        ids\n        truePositions\n        predictedPositions\n        errorKm\n      }\n      bins {\n        count\n        bounds\n        counts\n        meanLogErrorKm\n        accuracy\n        worstIds\n      }\n    }\n  }\n": typeof types.MapViewDocument,
    "\n  query MappableTotal($filter: PredictionFilter!) {\n    predictionPoints(filter: $filter, limit: 1) {\n      totalCount\n    }\n  }\n": typeof types.MappableTotalDocument,
};
const documents: Documents = {
    "\n  query Compare($a: ID!, $b: ID!) {\n    compareExperiments(a: $a, b: $b) {\n      a {\n        ...AccuracySummaryFields\n      }\n      b {\n        ...AccuracySummaryFields\n      }\n      countries {\n        iso2\n        name\n        nA\n        nB\n        thresholds {\n          km\n          a\n          b\n          delta\n        }\n      }\n    }\n  }\n": types.CompareDocument,
    "\n  query ErrorMap($filter: PredictionFilter!, $hitFilter: PredictionFilter!, $withHits: Boolean!) {\n    countryBreakdown(filter: $filter) {\n      iso2\n      name\n      n\n      medianKm\n      thresholds {\n        km\n        accuracy\n      }\n    }\n    levelHits: countryBreakdown(filter: $hitFilter) @include(if: $withHits) {\n      iso2\n      name\n      n\n      medianKm\n      thresholds {\n        km\n        accuracy\n      }\n    }\n    accuracyAtThresholds(filter: $filter) {\n      n\n      unparsed\n    }\n    errorHistogram(filter: $filter, binsPerDecade: 4) {\n      loKm\n      hiKm\n      count\n    }\n  }\n": types.ErrorMapDocument,
    "\n  query ExperimentSummary($filter: PredictionFilter!) {\n    accuracyAtThresholds(filter: $filter) {\n      ...AccuracySummaryFields\n      levels {\n        country\n        admin1\n        place\n      }\n    }\n  }\n": types.ExperimentSummaryDocument,
    "\n  query ExperimentDetail($id: ID!) {\n    experiment(id: $id) {\n      id\n      name\n      dataset\n      kind\n      split\n      createdBy\n      version\n      study {\n        id\n        name\n      }\n      studyArm\n      studySeed\n      status\n      tags\n      notes\n      error\n      config\n      createdAt\n      startedAt\n      finishedAt\n      stages {\n        name\n        status\n        step\n        totalSteps\n        message\n      }\n      metrics {\n        name\n        points {\n          step\n          value\n          stage\n        }\n      }\n      checkpoints {\n        stage\n        step\n        path\n        createdAt\n      }\n      logs(last: 200) {\n        at\n        stage\n        line\n      }\n    }\n  }\n": types.ExperimentDetailDocument,
    "\n  mutation CancelExperiment($id: ID!) {\n    cancelExperiment(id: $id) {\n      id\n      status\n    }\n  }\n": types.CancelExperimentDocument,
    "\n  query ExperimentChoices {\n    experiments(first: 100) {\n      edges {\n        node {\n          id\n          name\n          status\n          dataset\n          kind\n        }\n      }\n    }\n  }\n": types.ExperimentChoicesDocument,
    "\n  query ExperimentsTable {\n    experiments(first: 100) {\n      edges {\n        node {\n          id\n          name\n          dataset\n          kind\n          config\n          status\n          tags\n          createdAt\n        }\n      }\n    }\n  }\n": types.ExperimentsTableDocument,
    "\n  subscription ExperimentProgress($id: ID!) {\n    experimentProgress(id: $id) {\n      id\n      status\n      version\n      stages {\n        name\n        status\n        step\n        totalSteps\n      }\n    }\n  }\n": types.ExperimentProgressDocument,
    "\n  query DatasetChoices {\n    datasets {\n      name\n    }\n  }\n": types.DatasetChoicesDocument,
    "\n  mutation CreateExperiment($input: CreateExperimentInput!) {\n    createExperiment(input: $input) {\n      id\n      name\n      status\n    }\n  }\n": types.CreateExperimentDocument,
    "\n  query ExperimentRowSummary($filter: PredictionFilter!) {\n    accuracyAtThresholds(filter: $filter) {\n      n\n      medianKm\n      thresholds {\n        km\n        accuracy\n      }\n    }\n  }\n": types.ExperimentRowSummaryDocument,
    "\n  fragment ExplorerItemFields on Prediction {\n    ...PredictionPointFields\n    trueChain {\n      country {\n        code\n        name\n      }\n    }\n    predictedChain {\n      country {\n        ...PredictedRegionFields\n      }\n    }\n    hits {\n      country\n      admin1\n      place\n    }\n    parsed\n    consistent\n  }\n": types.ExplorerItemFieldsFragmentDoc,
    "\n  query ExplorerPage($filter: PredictionFilter!, $orderBy: PredictionOrder!, $first: Int!, $after: String) {\n    predictions(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...ExplorerItemFields\n        }\n      }\n    }\n  }\n": types.ExplorerPageDocument,
    "\n  query ExplorerItem($id: ID!) {\n    prediction(id: $id) {\n      sampleId\n      ...ExplorerItemFields\n      ...PredictionChainsFields\n    }\n  }\n": types.ExplorerItemDocument,
    "\n  mutation PredictImage($experimentId: ID!, $image: Upload!) {\n    predict(experimentId: $experimentId, image: $image, topK: 3) {\n      imageType\n      channelsFilled\n      chains {\n        text\n        probability\n        lat\n        lon\n        country {\n          ...PredictedRegionFields\n        }\n        admin1 {\n          ...PredictedRegionFields\n        }\n        place {\n          ...PredictedRegionFields\n        }\n      }\n    }\n  }\n": types.PredictImageDocument,
    "\n  query PredictionDetail($id: ID!) {\n    prediction(id: $id) {\n      id\n      experimentId\n      sampleId\n      split\n      errorKm\n      sample {\n        image\n        thumbnail {\n          url\n          x\n          y\n          size\n        }\n      }\n      ...PredictionChainsFields\n    }\n  }\n": types.PredictionDetailDocument,
    "\n  query PredictionExperiment($id: ID!) {\n    experiment(id: $id) {\n      id\n      name\n      kind\n    }\n  }\n": types.PredictionExperimentDocument,
    "\n  query ApiTokens {\n    apiTokens {\n      id\n      name\n      createdAt\n      lastUsedAt\n      revoked\n      user {\n        name\n      }\n    }\n  }\n": types.ApiTokensDocument,
    "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        id\n        name\n      }\n    }\n  }\n": types.CreateApiTokenDocument,
    "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revoked\n    }\n  }\n": types.RevokeApiTokenDocument,
    "\n  query Users {\n    users {\n      id\n      name\n      role\n      createdAt\n      hasPassword\n    }\n  }\n": types.UsersDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      id\n      name\n      role\n    }\n  }\n": types.CreateUserDocument,
    "\n  mutation SetUserRole($name: String!, $role: Role!) {\n    setUserRole(name: $name, role: $role) {\n      id\n      role\n    }\n  }\n": types.SetUserRoleDocument,
    "\n  query StudyFormChoices {\n    datasets {\n      name\n    }\n    experiments(first: 100) {\n      edges {\n        node {\n          id\n          name\n          dataset\n          kind\n          config\n        }\n      }\n    }\n  }\n": types.StudyFormChoicesDocument,
    "\n  mutation CreateStudy($input: CreateStudyInput!) {\n    createStudy(input: $input) {\n      id\n      name\n    }\n  }\n": types.CreateStudyDocument,
    "\n  query StudiesTable {\n    studies(first: 100) {\n      id\n      name\n      dataset\n      status\n      control\n      arms\n      seeds\n      tags\n      createdBy\n      createdAt\n      runCounts {\n        queued\n        running\n        succeeded\n        failed\n        cancelled\n        total\n      }\n    }\n  }\n": types.StudiesTableDocument,
    "\n  query StudyDetail($id: ID!) {\n    study(id: $id) {\n      id\n      name\n      dataset\n      status\n      control\n      arms\n      seeds\n      tags\n      createdBy\n      createdAt\n      cancelledAt\n      armConfigs {\n        name\n        head\n        sftSteps\n      }\n      budget {\n        sftSteps\n        stepCost\n      }\n      runCounts {\n        queued\n        running\n        succeeded\n        failed\n        cancelled\n        total\n      }\n      runs {\n        arm\n        seed\n        experiment {\n          id\n          name\n          status\n          error\n        }\n      }\n      comparisons {\n        arm\n        control\n        metric\n        label\n        unit\n        higherIsBetter\n        n\n        meanDelta\n        stdDelta\n        t\n        p\n        ahead\n        seeds\n        missingSeeds\n        note\n      }\n    }\n  }\n": types.StudyDetailDocument,
    "\n  query StudySeedMetrics($id: ID!) {\n    study(id: $id) {\n      id\n      runs {\n        arm\n        seed\n        experiment {\n          id\n          finalMetrics\n        }\n      }\n    }\n  }\n": types.StudySeedMetricsDocument,
    "\n  mutation CancelStudy($id: ID!) {\n    cancelStudy(id: $id) {\n      id\n      status\n    }\n  }\n": types.CancelStudyDocument,
    "\n  mutation ExtendStudy($id: ID!, $seeds: [Int!]!) {\n    extendStudy(id: $id, seeds: $seeds) {\n      id\n      status\n      seeds\n    }\n  }\n": types.ExtendStudyDocument,
    "\n  fragment PredictedRegionFields on PredictedRegion {\n    code\n    name\n    probability\n  }\n": types.PredictedRegionFieldsFragmentDoc,
    "\n  fragment PredictionPointFields on Prediction {\n    id\n    errorKm\n    trueChain {\n      lat\n      lon\n    }\n    predictedChain {\n      lat\n      lon\n    }\n  }\n": types.PredictionPointFieldsFragmentDoc,
    "\n  fragment PredictionChainsFields on Prediction {\n    errorKm\n    answer\n    parsed\n    consistent\n    hits {\n      country\n      admin1\n      place\n    }\n    statedHits {\n      country\n      admin1\n      city\n    }\n    statedChain {\n      country {\n        code\n        name\n      }\n      admin1 {\n        code\n        name\n      }\n      city {\n        code\n        name\n      }\n      unresolved {\n        country\n        admin1\n        city\n      }\n    }\n    trueChain {\n      lat\n      lon\n      continent\n      country {\n        code\n        name\n      }\n      admin1 {\n        code\n        name\n      }\n      city\n      cell\n    }\n    predictedChain {\n      lat\n      lon\n      confidence\n      country {\n        ...PredictedRegionFields\n      }\n      admin1 {\n        ...PredictedRegionFields\n      }\n      place {\n        ...PredictedRegionFields\n      }\n    }\n  }\n": types.PredictionChainsFieldsFragmentDoc,
    "\n  fragment AccuracySummaryFields on AccuracySummary {\n    n\n    medianKm\n    meanKm\n    geoScore\n    thresholds {\n      km\n      accuracy\n    }\n    unparsed\n    statedLevels {\n      country\n      admin1\n      city\n    }\n    consistency\n  }\n": types.AccuracySummaryFieldsFragmentDoc,
    "\n  query MapView($filter: PredictionFilter!, $view: MapViewInput!, $thresholdKm: Float!, $budget: Int!) {\n    mapView(filter: $filter, view: $view, thresholdKm: $thresholdKm, budget: $budget) {\n      mode\n      total\n      level\n      points {\n        count\n        ids\n        truePositions\n        predictedPositions\n        errorKm\n      }\n      bins {\n        count\n        bounds\n        counts\n        meanLogErrorKm\n        accuracy\n        worstIds\n      }\n    }\n  }\n": types.MapViewDocument,
    "\n  query MappableTotal($filter: PredictionFilter!) {\n    predictionPoints(filter: $filter, limit: 1) {\n      totalCount\n    }\n  }\n": types.MappableTotalDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Compare($a: ID!, $b: ID!) {\n    compareExperiments(a: $a, b: $b) {\n      a {\n        ...AccuracySummaryFields\n      }\n      b {\n        ...AccuracySummaryFields\n      }\n      countries {\n        iso2\n        name\n        nA\n        nB\n        thresholds {\n          km\n          a\n          b\n          delta\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Compare($a: ID!, $b: ID!) {\n    compareExperiments(a: $a, b: $b) {\n      a {\n        ...AccuracySummaryFields\n      }\n      b {\n        ...AccuracySummaryFields\n      }\n      countries {\n        iso2\n        name\n        nA\n        nB\n        thresholds {\n          km\n          a\n          b\n          delta\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ErrorMap($filter: PredictionFilter!, $hitFilter: PredictionFilter!, $withHits: Boolean!) {\n    countryBreakdown(filter: $filter) {\n      iso2\n      name\n      n\n      medianKm\n      thresholds {\n        km\n        accuracy\n      }\n    }\n    levelHits: countryBreakdown(filter: $hitFilter) @include(if: $withHits) {\n      iso2\n      name\n      n\n      medianKm\n      thresholds {\n        km\n        accuracy\n      }\n    }\n    accuracyAtThresholds(filter: $filter) {\n      n\n      unparsed\n    }\n    errorHistogram(filter: $filter, binsPerDecade: 4) {\n      loKm\n      hiKm\n      count\n    }\n  }\n"): (typeof documents)["\n  query ErrorMap($filter: PredictionFilter!, $hitFilter: PredictionFilter!, $withHits: Boolean!) {\n    countryBreakdown(filter: $filter) {\n      iso2\n      name\n      n\n      medianKm\n      thresholds {\n        km\n        accuracy\n      }\n    }\n    levelHits: countryBreakdown(filter: $hitFilter) @include(if: $withHits) {\n      iso2\n      name\n      n\n      medianKm\n      thresholds {\n        km\n        accuracy\n      }\n    }\n    accuracyAtThresholds(filter: $filter) {\n      n\n      unparsed\n    }\n    errorHistogram(filter: $filter, binsPerDecade: 4) {\n      loKm\n      hiKm\n      count\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentSummary($filter: PredictionFilter!) {\n    accuracyAtThresholds(filter: $filter) {\n      ...AccuracySummaryFields\n      levels {\n        country\n        admin1\n        place\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExperimentSummary($filter: PredictionFilter!) {\n    accuracyAtThresholds(filter: $filter) {\n      ...AccuracySummaryFields\n      levels {\n        country\n        admin1\n        place\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentDetail($id: ID!) {\n    experiment(id: $id) {\n      id\n      name\n      dataset\n      kind\n      split\n      createdBy\n      version\n      study {\n        id\n        name\n      }\n      studyArm\n      studySeed\n      status\n      tags\n      notes\n      error\n      config\n      createdAt\n      startedAt\n      finishedAt\n      stages {\n        name\n        status\n        step\n        totalSteps\n        message\n      }\n      metrics {\n        name\n        points {\n          step\n          value\n          stage\n        }\n      }\n      checkpoints {\n        stage\n        step\n        path\n        createdAt\n      }\n      logs(last: 200) {\n        at\n        stage\n        line\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExperimentDetail($id: ID!) {\n    experiment(id: $id) {\n      id\n      name\n      dataset\n      kind\n      split\n      createdBy\n      version\n      study {\n        id\n        name\n      }\n      studyArm\n      studySeed\n      status\n      tags\n      notes\n      error\n      config\n      createdAt\n      startedAt\n      finishedAt\n      stages {\n        name\n        status\n        step\n        totalSteps\n        message\n      }\n      metrics {\n        name\n        points {\n          step\n          value\n          stage\n        }\n      }\n      checkpoints {\n        stage\n        step\n        path\n        createdAt\n      }\n      logs(last: 200) {\n        at\n        stage\n        line\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelExperiment($id: ID!) {\n    cancelExperiment(id: $id) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation CancelExperiment($id: ID!) {\n    cancelExperiment(id: $id) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentChoices {\n    experiments(first: 100) {\n      edges {\n        node {\n          id\n          name\n          status\n          dataset\n          kind\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExperimentChoices {\n    experiments(first: 100) {\n      edges {\n        node {\n          id\n          name\n          status\n          dataset\n          kind\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentsTable {\n    experiments(first: 100) {\n      edges {\n        node {\n          id\n          name\n          dataset\n          kind\n          config\n          status\n          tags\n          createdAt\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExperimentsTable {\n    experiments(first: 100) {\n      edges {\n        node {\n          id\n          name\n          dataset\n          kind\n          config\n          status\n          tags\n          createdAt\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ExperimentProgress($id: ID!) {\n    experimentProgress(id: $id) {\n      id\n      status\n      version\n      stages {\n        name\n        status\n        step\n        totalSteps\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ExperimentProgress($id: ID!) {\n    experimentProgress(id: $id) {\n      id\n      status\n      version\n      stages {\n        name\n        status\n        step\n        totalSteps\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DatasetChoices {\n    datasets {\n      name\n    }\n  }\n"): (typeof documents)["\n  query DatasetChoices {\n    datasets {\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateExperiment($input: CreateExperimentInput!) {\n    createExperiment(input: $input) {\n      id\n      name\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation CreateExperiment($input: CreateExperimentInput!) {\n    createExperiment(input: $input) {\n      id\n      name\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentRowSummary($filter: PredictionFilter!) {\n    accuracyAtThresholds(filter: $filter) {\n      n\n      medianKm\n      thresholds {\n        km\n        accuracy\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExperimentRowSummary($filter: PredictionFilter!) {\n    accuracyAtThresholds(filter: $filter) {\n      n\n      medianKm\n      thresholds {\n        km\n        accuracy\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ExplorerItemFields on Prediction {\n    ...PredictionPointFields\n    trueChain {\n      country {\n        code\n        name\n      }\n    }\n    predictedChain {\n      country {\n        ...PredictedRegionFields\n      }\n    }\n    hits {\n      country\n      admin1\n      place\n    }\n    parsed\n    consistent\n  }\n"): (typeof documents)["\n  fragment ExplorerItemFields on Prediction {\n    ...PredictionPointFields\n    trueChain {\n      country {\n        code\n        name\n      }\n    }\n    predictedChain {\n      country {\n        ...PredictedRegionFields\n      }\n    }\n    hits {\n      country\n      admin1\n      place\n    }\n    parsed\n    consistent\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExplorerPage($filter: PredictionFilter!, $orderBy: PredictionOrder!, $first: Int!, $after: String) {\n    predictions(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...ExplorerItemFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExplorerPage($filter: PredictionFilter!, $orderBy: PredictionOrder!, $first: Int!, $after: String) {\n    predictions(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        node {\n          ...ExplorerItemFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExplorerItem($id: ID!) {\n    prediction(id: $id) {\n      sampleId\n      ...ExplorerItemFields\n      ...PredictionChainsFields\n    }\n  }\n"): (typeof documents)["\n  query ExplorerItem($id: ID!) {\n    prediction(id: $id) {\n      sampleId\n      ...ExplorerItemFields\n      ...PredictionChainsFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PredictImage($experimentId: ID!, $image: Upload!) {\n    predict(experimentId: $experimentId, image: $image, topK: 3) {\n      imageType\n      channelsFilled\n      chains {\n        text\n        probability\n        lat\n        lon\n        country {\n          ...PredictedRegionFields\n        }\n        admin1 {\n          ...PredictedRegionFields\n        }\n        place {\n          ...PredictedRegionFields\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation PredictImage($experimentId: ID!, $image: Upload!) {\n    predict(experimentId: $experimentId, image: $image, topK: 3) {\n      imageType\n      channelsFilled\n      chains {\n        text\n        probability\n        lat\n        lon\n        country {\n          ...PredictedRegionFields\n        }\n        admin1 {\n          ...PredictedRegionFields\n        }\n        place {\n          ...PredictedRegionFields\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PredictionDetail($id: ID!) {\n    prediction(id: $id) {\n      id\n      experimentId\n      sampleId\n      split\n      errorKm\n      sample {\n        image\n        thumbnail {\n          url\n          x\n          y\n          size\n        }\n      }\n      ...PredictionChainsFields\n    }\n  }\n"): (typeof documents)["\n  query PredictionDetail($id: ID!) {\n    prediction(id: $id) {\n      id\n      experimentId\n      sampleId\n      split\n      errorKm\n      sample {\n        image\n        thumbnail {\n          url\n          x\n          y\n          size\n        }\n      }\n      ...PredictionChainsFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PredictionExperiment($id: ID!) {\n    experiment(id: $id) {\n      id\n      name\n      kind\n    }\n  }\n"): (typeof documents)["\n  query PredictionExperiment($id: ID!) {\n    experiment(id: $id) {\n      id\n      name\n      kind\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiTokens {\n    apiTokens {\n      id\n      name\n      createdAt\n      lastUsedAt\n      revoked\n      user {\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query ApiTokens {\n    apiTokens {\n      id\n      name\n      createdAt\n      lastUsedAt\n      revoked\n      user {\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateApiToken($input: CreateApiTokenInput!) {\n    createApiToken(input: $input) {\n      token\n      apiToken {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revoked\n    }\n  }\n"): (typeof documents)["\n  mutation RevokeApiToken($id: ID!) {\n    revokeApiToken(id: $id) {\n      id\n      revoked\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Users {\n    users {\n      id\n      name\n      role\n      createdAt\n      hasPassword\n    }\n  }\n"): (typeof documents)["\n  query Users {\n    users {\n      id\n      name\n      role\n      createdAt\n      hasPassword\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      id\n      name\n      role\n    }\n  }\n"): (typeof documents)["\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      id\n      name\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetUserRole($name: String!, $role: Role!) {\n    setUserRole(name: $name, role: $role) {\n      id\n      role\n    }\n  }\n"): (typeof documents)["\n  mutation SetUserRole($name: String!, $role: Role!) {\n    setUserRole(name: $name, role: $role) {\n      id\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudyFormChoices {\n    datasets {\n      name\n    }\n    experiments(first: 100) {\n      edges {\n        node {\n          id\n          name\n          dataset\n          kind\n          config\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query StudyFormChoices {\n    datasets {\n      name\n    }\n    experiments(first: 100) {\n      edges {\n        node {\n          id\n          name\n          dataset\n          kind\n          config\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateStudy($input: CreateStudyInput!) {\n    createStudy(input: $input) {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  mutation CreateStudy($input: CreateStudyInput!) {\n    createStudy(input: $input) {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudiesTable {\n    studies(first: 100) {\n      id\n      name\n      dataset\n      status\n      control\n      arms\n      seeds\n      tags\n      createdBy\n      createdAt\n      runCounts {\n        queued\n        running\n        succeeded\n        failed\n        cancelled\n        total\n      }\n    }\n  }\n"): (typeof documents)["\n  query StudiesTable {\n    studies(first: 100) {\n      id\n      name\n      dataset\n      status\n      control\n      arms\n      seeds\n      tags\n      createdBy\n      createdAt\n      runCounts {\n        queued\n        running\n        succeeded\n        failed\n        cancelled\n        total\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudyDetail($id: ID!) {\n    study(id: $id) {\n      id\n      name\n      dataset\n      status\n      control\n      arms\n      seeds\n      tags\n      createdBy\n      createdAt\n      cancelledAt\n      armConfigs {\n        name\n        head\n        sftSteps\n      }\n      budget {\n        sftSteps\n        stepCost\n      }\n      runCounts {\n        queued\n        running\n        succeeded\n        failed\n        cancelled\n        total\n      }\n      runs {\n        arm\n        seed\n        experiment {\n          id\n          name\n          status\n          error\n        }\n      }\n      comparisons {\n        arm\n        control\n        metric\n        label\n        unit\n        higherIsBetter\n        n\n        meanDelta\n        stdDelta\n        t\n        p\n        ahead\n        seeds\n        missingSeeds\n        note\n      }\n    }\n  }\n"): (typeof documents)["\n  query StudyDetail($id: ID!) {\n    study(id: $id) {\n      id\n      name\n      dataset\n      status\n      control\n      arms\n      seeds\n      tags\n      createdBy\n      createdAt\n      cancelledAt\n      armConfigs {\n        name\n        head\n        sftSteps\n      }\n      budget {\n        sftSteps\n        stepCost\n      }\n      runCounts {\n        queued\n        running\n        succeeded\n        failed\n        cancelled\n        total\n      }\n      runs {\n        arm\n        seed\n        experiment {\n          id\n          name\n          status\n          error\n        }\n      }\n      comparisons {\n        arm\n        control\n        metric\n        label\n        unit\n        higherIsBetter\n        n\n        meanDelta\n        stdDelta\n        t\n        p\n        ahead\n        seeds\n        missingSeeds\n        note\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudySeedMetrics($id: ID!) {\n    study(id: $id) {\n      id\n      runs {\n        arm\n        seed\n        experiment {\n          id\n          finalMetrics\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query StudySeedMetrics($id: ID!) {\n    study(id: $id) {\n      id\n      runs {\n        arm\n        seed\n        experiment {\n          id\n          finalMetrics\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelStudy($id: ID!) {\n    cancelStudy(id: $id) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation CancelStudy($id: ID!) {\n    cancelStudy(id: $id) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ExtendStudy($id: ID!, $seeds: [Int!]!) {\n    extendStudy(id: $id, seeds: $seeds) {\n      id\n      status\n      seeds\n    }\n  }\n"): (typeof documents)["\n  mutation ExtendStudy($id: ID!, $seeds: [Int!]!) {\n    extendStudy(id: $id, seeds: $seeds) {\n      id\n      status\n      seeds\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PredictedRegionFields on PredictedRegion {\n    code\n    name\n    probability\n  }\n"): (typeof documents)["\n  fragment PredictedRegionFields on PredictedRegion {\n    code\n    name\n    probability\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PredictionPointFields on Prediction {\n    id\n    errorKm\n    trueChain {\n      lat\n      lon\n    }\n    predictedChain {\n      lat\n      lon\n    }\n  }\n"): (typeof documents)["\n  fragment PredictionPointFields on Prediction {\n    id\n    errorKm\n    trueChain {\n      lat\n      lon\n    }\n    predictedChain {\n      lat\n      lon\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PredictionChainsFields on Prediction {\n    errorKm\n    answer\n    parsed\n    consistent\n    hits {\n      country\n      admin1\n      place\n    }\n    statedHits {\n      country\n      admin1\n      city\n    }\n    statedChain {\n      country {\n        code\n        name\n      }\n      admin1 {\n        code\n        name\n      }\n      city {\n        code\n        name\n      }\n      unresolved {\n        country\n        admin1\n        city\n      }\n    }\n    trueChain {\n      lat\n      lon\n      continent\n      country {\n        code\n        name\n      }\n      admin1 {\n        code\n        name\n      }\n      city\n      cell\n    }\n    predictedChain {\n      lat\n      lon\n      confidence\n      country {\n        ...PredictedRegionFields\n      }\n      admin1 {\n        ...PredictedRegionFields\n      }\n      place {\n        ...PredictedRegionFields\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment PredictionChainsFields on Prediction {\n    errorKm\n    answer\n    parsed\n    consistent\n    hits {\n      country\n      admin1\n      place\n    }\n    statedHits {\n      country\n      admin1\n      city\n    }\n    statedChain {\n      country {\n        code\n        name\n      }\n      admin1 {\n        code\n        name\n      }\n      city {\n        code\n        name\n      }\n      unresolved {\n        country\n        admin1\n        city\n      }\n    }\n    trueChain {\n      lat\n      lon\n      continent\n      country {\n        code\n        name\n      }\n      admin1 {\n        code\n        name\n      }\n      city\n      cell\n    }\n    predictedChain {\n      lat\n      lon\n      confidence\n      country {\n        ...PredictedRegionFields\n      }\n      admin1 {\n        ...PredictedRegionFields\n      }\n      place {\n        ...PredictedRegionFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AccuracySummaryFields on AccuracySummary {\n    n\n    medianKm\n    meanKm\n    geoScore\n    thresholds {\n      km\n      accuracy\n    }\n    unparsed\n    statedLevels {\n      country\n      admin1\n      city\n    }\n    consistency\n  }\n"): (typeof documents)["\n  fragment AccuracySummaryFields on AccuracySummary {\n    n\n    medianKm\n    meanKm\n    geoScore\n    thresholds {\n      km\n      accuracy\n    }\n    unparsed\n    statedLevels {\n      country\n      admin1\n      city\n    }\n    consistency\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MapView($filter: PredictionFilter!, $view: MapViewInput!, $thresholdKm: Float!, $budget: Int!) {\n    mapView(filter: $filter, view: $view, thresholdKm: $thresholdKm, budget: $budget) {\n      mode\n      total\n      level\n      points {\n        count\n        ids\n        truePositions\n        predictedPositions\n        errorKm\n      }\n      bins {\n        count\n        bounds\n        counts\n        meanLogErrorKm\n        accuracy\n        worstIds\n      }\n    }\n  }\n"): (typeof documents)["\n  query MapView($filter: PredictionFilter!, $view: MapViewInput!, $thresholdKm: Float!, $budget: Int!) {\n    mapView(filter: $filter, view: $view, thresholdKm: $thresholdKm, budget: $budget) {\n      mode\n      total\n      level\n      points {\n        count\n        ids\n        truePositions\n        predictedPositions\n        errorKm\n      }\n      bins {\n        count\n        bounds\n        counts\n        meanLogErrorKm\n        accuracy\n        worstIds\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MappableTotal($filter: PredictionFilter!) {\n    predictionPoints(filter: $filter, limit: 1) {\n      totalCount\n    }\n  }\n"): (typeof documents)["\n  query MappableTotal($filter: PredictionFilter!) {\n    predictionPoints(filter: $filter, limit: 1) {\n      totalCount\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;