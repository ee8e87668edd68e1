/**
 * predict: an uploaded image (GraphQL multipart request) or base64 bytes → the chain and
 * coordinate from an experiment's trained model. Size-capped, type sniffed from the bytes
 * (never from a client's name or MIME type), decoded by core through sharp.
 */
import type { ImagePrediction } from "@geor/core";
import GraphQLUpload from "graphql-upload/GraphQLUpload.mjs";
import type { FileUpload } from "graphql-upload/processRequest.mjs";
import { Arg, Ctx, Field, Float, ID, Int, Mutation, ObjectType, Resolver } from "type-graphql";
import { sniffImageType } from "../images.ts";
import type { ImageInput } from "../services/experiments.ts";
import { badInput, PredictedRegion } from "./common.ts";
import type { Context } from "./context.ts";

@ObjectType()
export class ChainGuess {
  @Field(() => String, { description: "Country › admin-1 › place › lat, lon" }) text!: string;
  @Field(() => Float) probability!: number;
  @Field(() => PredictedRegion, { nullable: true }) country!: PredictedRegion | null;
  @Field(() => PredictedRegion, { nullable: true }) admin1!: PredictedRegion | null;
  @Field(() => PredictedRegion, { nullable: true }) place!: PredictedRegion | null;
  @Field(() => Float) lat!: number;
  @Field(() => Float) lon!: number;
}

@ObjectType()
export class PredictResult {
  @Field(() => String, { description: "The image type found in the bytes." }) imageType!: string;
  @Field(() => [String], { description: "Model channels the image could not supply (set to training means)." })
  channelsFilled!: string[];
  @Field(() => [ChainGuess], { description: "Most probable first." }) chains!: ChainGuess[];
}

async function readUpload(upload: Promise<FileUpload>, cap: number): Promise<Buffer> {
  const file = await upload;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of file.createReadStream()) {
      size += (chunk as Buffer).length;
      if (size > cap) throw badInput("image", `larger than the ${cap}-byte limit`);
      chunks.push(chunk as Buffer);
    }
  } catch (err) {
    // graphql-upload stops the stream itself at maxFileSize (413 PayloadTooLargeError).
    if ((err as { status?: number }).status === 413) throw badInput("image", `larger than the ${cap}-byte limit`);
    throw err;
  }
  return Buffer.concat(chunks);
}

/** The image argument (an upload or base64, exactly one), size-capped and its type sniffed from the bytes. */
async function imageInput(
  image: Promise<FileUpload> | null,
  imageBase64: string | null,
  topK: number,
  cap: number,
): Promise<ImageInput> {
  if ((image == null) === (imageBase64 == null))
    throw badInput("image", "give exactly one of image (upload) or imageBase64");
  if (topK < 1 || topK > 10) throw badInput("topK", "must be in [1, 10]");
  let bytes: Buffer;
  if (imageBase64 != null) {
    if (imageBase64.length > Math.ceil((cap * 4) / 3) + 4)
      throw badInput("imageBase64", `larger than the ${cap}-byte limit`);
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(imageBase64.replace(/^data:[^,]*,/, "")))
      throw badInput("imageBase64", "is not base64");
    bytes = Buffer.from(imageBase64.replace(/^data:[^,]*,/, ""), "base64");
  } else {
    bytes = await readUpload(image as Promise<FileUpload>, cap);
  }
  const field = imageBase64 != null ? "imageBase64" : "image";
  const type = sniffImageType(bytes);
  if (!type) throw badInput(field, "is not a JPEG, PNG, WebP, GIF, TIFF or AVIF image (checked from its bytes)");
  return { bytes, type, field };
}

function toPredictResult(imageType: string, result: ImagePrediction): PredictResult {
  return {
    imageType,
    channelsFilled: result.channelsFilled,
    chains: result.chains.map((c) => ({
      text: c.text,
      probability: c.probability,
      country: c.country ? { code: c.country.iso2, name: c.country.name, probability: c.country.p } : null,
      admin1: c.admin1 ? { code: c.admin1.code, name: c.admin1.name, probability: c.admin1.p } : null,
      place: c.place ? { code: String(c.place.cell), name: c.place.name, probability: c.place.p } : null,
      lat: c.lat,
      lon: c.lon,
    })),
  };
}

@Resolver()
export class PredictResolver {
  @Mutation(() => PredictResult, {
    description: "Predicts where an image was taken with a finished experiment's model. Give image or imageBase64.",
  })
  async predict(
    @Ctx() ctx: Context,
    @Arg("experimentId", () => ID) experimentId: string,
    @Arg("image", () => GraphQLUpload, { nullable: true }) image: Promise<FileUpload> | null,
    @Arg("imageBase64", () => String, { nullable: true }) imageBase64: string | null,
    @Arg("topK", () => Int, { defaultValue: 3 }) topK: number,
  ): Promise<PredictResult> {
    const input = await imageInput(image, imageBase64, topK, ctx.services.config.maxUploadBytes);
    return toPredictResult(input.type, await ctx.services.experiments.predict(experimentId, input, topK));
  }
}
