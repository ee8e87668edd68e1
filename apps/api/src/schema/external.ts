/** Runs from any framework over GraphQL: start, log metric points, add predictions, finish. */

import type { GraphQLResolveInfo } from "graphql";
import { GraphQLJSON } from "graphql-scalars";
import GraphQLUpload from "graphql-upload/GraphQLUpload.mjs";
import type { FileUpload } from "graphql-upload/processRequest.mjs";
import { Arg, Ctx, Field, Float, ID, Info, InputType, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { jsonBodyLimit } from "../config.ts";
import { badInput } from "../input.ts";
import { argumentRows, uploadRows } from "../services/prediction-rows.ts";
import { type Context, callerName } from "./context.ts";
import { Experiment, toExperiment } from "./experiment.ts";
import { takePrechecked } from "./prechecked-lists.ts";

@InputType()
export class ExternalExperimentInput {
  @Field(() => String) name!: string;
  @Field(() => String, { description: "The dataset its predictions are of (a name under $GEOR_HOME/datasets)." })
  dataset!: string;
  @Field(() => String, { defaultValue: "test", description: "train | val | test" }) split!: string;
  @Field(() => GraphQLJSON, {
    nullable: true,
    description: "The run's settings (any JSON object), shown and compared.",
  })
  config?: unknown;
  @Field(() => [String], { defaultValue: [] }) tags!: string[];
  @Field(() => String, { defaultValue: "" }) notes!: string;
}

@InputType()
export class MetricPointInput {
  @Field(() => String) name!: string;
  @Field(() => Int) step!: number;
  @Field(() => Float) value!: number;
}

@InputType({ description: "One prediction by sample id: coordinates, or the model's raw answer, or both." })
export class PredictionInput {
  @Field(() => String, { description: "The dataset's sample id (e.g. IM2GPS3K's IMG_ID)." }) sampleId!: string;
  @Field(() => Float, { nullable: true }) lat?: number | null;
  @Field(() => Float, { nullable: true }) lon?: number | null;
  @Field(() => String, {
    nullable: true,
    description:
      "The model's raw text: Geo-R JSON (Coordinates / LOC, Country, State, City), (lat, lon) or [Lat. x, Long. y].",
  })
  answer?: string | null;
  @Field(() => Float, { nullable: true }) confidence?: number | null;
}

@ObjectType()
export class AddPredictionsResult {
  @Field(() => Int, { description: "Predictions stored." }) added!: number;
  @Field(() => Int, { description: "Of those, answers with no readable coordinate (misses)." }) unparsed!: number;
  @Field(() => Int, {
    description: "The predictions the run holds once this call's are stored: the next chunk's expectStored.",
  })
  stored!: number;
}

@ObjectType({ description: "How this server takes predictions best: what a client sends them by." })
export class IngestSettings {
  @Field(() => Int, {
    description:
      "Rows per addPredictions(predictions:) call the server stores fastest (20,000 on SQLite, 10,000 on PostgreSQL, or GEOR_INGEST_CHUNK_ROWS). The Python client sends chunks of this many unless told a size.",
  })
  chunkRows!: number;
  @Field(() => Int, {
    description: "The largest JSON request body the server reads, in bytes: a chunk must stay under it.",
  })
  maxRequestBytes!: number;
}

@Resolver()
export class ExternalRunResolver {
  @Query(() => IngestSettings, { description: "How this server takes predictions best (chunk size, body limit)." })
  ingestSettings(@Ctx() ctx: Context): IngestSettings {
    const { config, store } = ctx.services;
    return {
      chunkRows: config.ingestChunkRows ?? store.predictions.ingestCallRows,
      maxRequestBytes: jsonBodyLimit(config),
    };
  }

  @Mutation(() => Experiment, { description: "Starts a run trained elsewhere (status RUNNING) to log to." })
  async startExternalExperiment(
    @Arg("input", () => ExternalExperimentInput) input: ExternalExperimentInput,
    @Ctx() ctx: Context,
  ): Promise<Experiment> {
    return toExperiment(await ctx.services.externalRuns.start(input, callerName(ctx)));
  }

  @Mutation(() => Int, { description: "Adds metric points to a running external run; returns how many were stored." })
  logMetrics(
    @Arg("experimentId", () => ID) experimentId: string,
    @Arg("points", () => [MetricPointInput]) points: MetricPointInput[],
    @Ctx() ctx: Context,
  ): Promise<number> {
    return ctx.services.externalRuns.logMetrics(experimentId, points);
  }

  @Mutation(() => AddPredictionsResult, {
    description:
      "Scores and stores predictions of a running external run, given as rows or as an uploaded CSV / JSON-lines file. All or nothing: a bad row refuses the call, naming every bad row.",
  })
  async addPredictions(
    @Arg("experimentId", () => ID) experimentId: string,
    @Arg("predictions", () => [PredictionInput], { nullable: true }) predictions: PredictionInput[] | null,
    @Arg("file", () => GraphQLUpload, { nullable: true }) file: Promise<FileUpload> | null,
    @Arg("expectStored", () => Int, {
      nullable: true,
      description:
        "Store the rows only when the run then holds this many predictions (the last call's stored): a client's chunks sent without waiting for each other are stored in its order or not at all. A call that finds fewer waits while another call of the run is under way, then is refused (CONFLICT, extensions.stored).",
    })
    expectStored: number | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<AddPredictionsResult> {
    if (predictions) predictions = takePrechecked(ctx, info, "predictions", predictions);
    if ((predictions == null) === (file == null)) throw badInput("predictions", "give predictions or file, not both");
    const runs = ctx.services.externalRuns;
    if (predictions) return runs.addPredictions(experimentId, argumentRows(predictions), "predictions", expectStored);
    const upload = await (file as Promise<FileUpload>);
    return runs.addPredictions(
      experimentId,
      uploadRows(upload.createReadStream(), upload.filename || "upload"),
      "file",
      expectStored,
    );
  }

  @Mutation(() => Experiment, {
    description: "Ends an external run: SUCCEEDED with its summary, or FAILED with error.",
  })
  async finishExperiment(
    @Arg("id", () => ID) id: string,
    @Arg("failed", () => Boolean, { defaultValue: false }) failed: boolean,
    @Arg("error", () => String, { nullable: true }) error: string | null,
    @Ctx() ctx: Context,
  ): Promise<Experiment> {
    return toExperiment(await ctx.services.externalRuns.finish(id, failed, error));
  }
}
