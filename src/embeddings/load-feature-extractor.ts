/**
 * Loads an embedding model from, in order: a local model folder, the download cache,
 * then a remote host (the Hugging Face hub or a mirror). A static model found in a
 * folder (one Gather over a token table, like the offline model) runs without
 * transformers.js (static-embedding-model.ts); anything else is a transformers.js
 * feature-extraction pipeline, imported only then. transformers.js keeps its settings
 * in one global `env`, so loads run one at a time and each sets `env` for itself.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { SerialQueue } from "../util/serial-queue.ts";
import { StaticEmbeddingModel } from "./static-embedding-model.ts";

/** A tensor as transformers.js returns it, reduced to what we read. */
export interface TensorLike {
  readonly dims: number[];
  readonly data: ArrayLike<number> & ArrayLike<bigint | number>;
}

/**
 * What `pipeline("feature-extraction", …)` returns, reduced to the parts we call: its
 * tokenizer and model (we pool ourselves, see pool-hidden-states.ts).
 */
export interface FeatureExtractor {
  tokenizer(texts: string[], options: { padding: boolean; truncation: boolean }): { input_ids: TensorLike; attention_mask: TensorLike };
  model(inputs: Record<string, TensorLike>): Promise<Record<string, TensorLike | undefined>>;
  dispose?: () => Promise<unknown>;
}

export interface LoadRequest {
  readonly model: string;
  readonly localModelDir: string;
  /** Undefined: transformers.js's own cache folder (inside node_modules). */
  readonly cacheDir: string | undefined;
  /** Undefined: never download. */
  readonly remoteHost: string | undefined;
  readonly quantized: boolean;
}

/** Where a model was found. */
export type ModelSource = "local" | "cache" | "remote";

/** A loaded model: a transformers.js pipeline, or a static model run directly. */
export type LoadedExtractor =
  { readonly kind: "pipeline"; readonly extractor: FeatureExtractor } | { readonly kind: "static"; readonly model: StaticEmbeddingModel };

/** No source could provide the model; `attempts` says what each one answered. */
export class ModelLoadError extends Error {
  override readonly name = "ModelLoadError";
  constructor(
    message: string,
    readonly model: string,
    readonly attempts: readonly string[],
  ) {
    super(message);
  }
}

/** Loading took longer than allowed (e.g. a remote host that accepts but never answers). */
export class ModelLoadTimeoutError extends Error {
  override readonly name = "ModelLoadTimeoutError";
  constructor(
    readonly model: string,
    readonly timeoutMs: number,
  ) {
    super(`loading ${model} took longer than ${timeoutMs} ms`);
  }
}

type Transformers = typeof import("@xenova/transformers");
let transformers: Promise<{ lib: Transformers; defaultCacheDir: string }> | undefined;

/** transformers.js, imported on first use; its default cache folder remembered before anything changes `env`. */
function loadTransformers(): Promise<{ lib: Transformers; defaultCacheDir: string }> {
  transformers ??= import("@xenova/transformers").then((lib) => ({ lib, defaultCacheDir: lib.env.cacheDir }));
  return transformers;
}

/** Loads run one at a time: each starts after every earlier load has finished or given up. */
const loads = new SerialQueue();

function message(err: unknown): string {
  return err instanceof Error ? err.message.split("\n")[0]! : String(err);
}

async function open(model: string, quantized: boolean, localFilesOnly: boolean): Promise<LoadedExtractor> {
  const { lib } = await loadTransformers();
  const extractor = await lib.pipeline("feature-extraction", model, { quantized, local_files_only: localFilesOnly });
  return { kind: "pipeline", extractor: extractor as unknown as FeatureExtractor };
}

/**
 * Tries each source in turn and returns the first pipeline that loads. The time limit
 * covers all sources; when it passes, the next load may start (a hung download is
 * left behind, its result ignored).
 * @throws {ModelLoadError} listing why each source failed.
 * @throws {ModelLoadTimeoutError} when `timeoutMs` passes first.
 */
export function loadFeatureExtractor(
  request: LoadRequest,
  timeoutMs: number,
): Promise<{ loaded: LoadedExtractor; source: ModelSource }> {
  return loads.run(() => withTimeout(tryEachSource(request), request.model, timeoutMs));
}

async function tryEachSource(request: LoadRequest): Promise<{ loaded: LoadedExtractor; source: ModelSource }> {
  const attempts: string[] = [];
  const folders: [ModelSource, () => Promise<string>][] = [
    ["local", async () => request.localModelDir],
    ["cache", async () => request.cacheDir ?? (await loadTransformers()).defaultCacheDir],
  ];
  for (const [source, rootOf] of folders) {
    const root = await rootOf();
    const folder = path.join(root, request.model);
    if (!existsSync(path.join(folder, "config.json"))) {
      attempts.push(`not in ${source} folder ${root}`);
      continue;
    }
    const staticModel = await StaticEmbeddingModel.open(folder, request.quantized);
    if (staticModel) return { loaded: { kind: "static", model: staticModel }, source };
    const { env } = (await loadTransformers()).lib;
    env.allowLocalModels = true;
    env.allowRemoteModels = false;
    env.useFSCache = false;
    env.localModelPath = root.endsWith(path.sep) ? root : root + path.sep;
    try {
      return { loaded: await open(request.model, request.quantized, true), source };
    } catch (err) {
      attempts.push(`${source} copy in ${folder} is unusable (${message(err)})`);
    }
  }
  if (request.remoteHost === undefined) {
    throw new ModelLoadError(`${request.model}: ${attempts.join("; ")}`, request.model, attempts);
  }
  const { lib, defaultCacheDir } = await loadTransformers();
  const env = lib.env;
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  env.remoteHost = request.remoteHost.endsWith("/") ? request.remoteHost : request.remoteHost + "/";
  env.useFSCache = true;
  env.cacheDir = request.cacheDir ?? defaultCacheDir;
  try {
    return { loaded: await open(request.model, request.quantized, false), source: "remote" };
  } catch (err) {
    attempts.push(`download from ${env.remoteHost} failed (${message(err)})`);
    throw new ModelLoadError(`${request.model}: ${attempts.join("; ")}`, request.model, attempts);
  }
}

/** Rejects with {@link ModelLoadTimeoutError} when `work` takes longer than `timeoutMs`. */
function withTimeout<T>(work: Promise<T>, model: string, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ModelLoadTimeoutError(model, timeoutMs)), timeoutMs);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
