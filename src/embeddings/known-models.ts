/**
 * The registry of embedding models whose settings are known (pooling, query
 * instruction, dimensions), read from known-models.json so it can grow without code.
 */
import { readFileSync } from "node:fs";
import * as z from "../util/zod.ts";

const KnownModelSchema = z.object({
  dimensions: z.int().check(z.positive()),
  pooling: z.enum(["mean", "cls"]),
  normalize: z.boolean(),
  quantized: z.boolean(),
  queryInstruction: z.optional(z.string()),
  description: z.string(),
});

const RegistrySchema = z.object({ models: z.record(z.string(), KnownModelSchema) });

/** Settings of one known model. */
export type KnownModel = z.infer<typeof KnownModelSchema>;

/** Known models by id (as on the Hugging Face hub, or the offline model's id). */
export const KNOWN_MODELS: Readonly<Record<string, KnownModel>> = RegistrySchema.parse(
  JSON.parse(readFileSync(new URL("./known-models.json", import.meta.url), "utf8")),
).models;

/** The registry entry for `modelId`, or undefined when the model is not listed. */
export function knownModel(modelId: string): KnownModel | undefined {
  return Object.hasOwn(KNOWN_MODELS, modelId) ? KNOWN_MODELS[modelId] : undefined;
}
