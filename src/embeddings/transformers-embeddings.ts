/**
 * LangChain embeddings computed locally with transformers.js. The configured model is
 * loaded once, lazily, from the local model folder, the cache or a remote host (a
 * mirror such as https://hf-mirror.com/ where the hub is blocked). When it cannot be
 * loaded — no network, wrong name, corrupt file, timeout — one log line says why and
 * what to set, and the offline model the project ships is used instead: embedding
 * never crashes or hangs because a download failed.
 */
import path from "node:path";
import { Embeddings } from "@langchain/core/embeddings";
import { DEFAULTS, PROJECT_ROOT, type Settings } from "../config/settings.ts";
import { silentLogger, type Logger } from "../logging/logger.ts";
import { knownModel } from "./known-models.ts";
import { loadFeatureExtractor, type LoadedExtractor, type ModelSource } from "./load-feature-extractor.ts";
import { finishPooling, poolHiddenStates, type Pooling } from "./pool-hidden-states.ts";

export type { Pooling };

export interface TransformersEmbeddingsOptions {
  /** Model id, e.g. Xenova/bge-small-zh-v1.5 or the offline policybot/offline-zh. */
  readonly model: string;
  /** Folder holding `<model id>/config.json …` (checked first). */
  readonly localModelDir: string;
  /** Download cache; undefined: transformers.js's default, inside node_modules. */
  readonly cacheDir: string | undefined;
  /** Where to download from when neither folder has the model. */
  readonly remoteHost: string;
  /** Overrides the registry's pooling for the configured model. */
  readonly pooling: Pooling | undefined;
  /** Overrides the registry's normalisation for the configured model. */
  readonly normalize: boolean | undefined;
  /** Prefix for queries (not documents); overrides the registry's. */
  readonly queryInstruction: string | undefined;
  /** Load model_quantized.onnx instead of model.onnx; overrides the registry's. */
  readonly quantized: boolean | undefined;
  /** Time allowed to load the configured model (all sources together). */
  readonly loadTimeoutMs: number;
  /** The offline fallback model and the folder it ships in. */
  readonly offlineModel: string;
  readonly offlineModelDir: string;
  /** Texts per forward pass; bounds memory for large models. */
  readonly batchSize: number;
}

/** Every option's default. */
export const EMBEDDING_DEFAULTS: TransformersEmbeddingsOptions = {
  model: DEFAULTS.offlineModel,
  localModelDir: path.join(PROJECT_ROOT, DEFAULTS.localModelDir),
  cacheDir: undefined,
  remoteHost: DEFAULTS.modelRemoteHost,
  pooling: undefined,
  normalize: undefined,
  queryInstruction: undefined,
  quantized: undefined,
  loadTimeoutMs: DEFAULTS.modelLoadTimeoutMs,
  offlineModel: DEFAULTS.offlineModel,
  offlineModelDir: path.join(PROJECT_ROOT, DEFAULTS.localModelDir),
  batchSize: 32,
};

/** The model actually producing vectors; the index manifest records it. */
export interface ActiveModel {
  readonly id: string;
  readonly dimensions: number;
  readonly source: ModelSource;
  /** True when the configured model could not be loaded and the offline one is used. */
  readonly fallback: boolean;
  /** Why the configured model was not used (only when `fallback`). */
  readonly reason?: string;
  readonly pooling: Pooling;
  readonly normalize: boolean;
  readonly queryInstruction: string;
  readonly quantized: boolean;
}

/** Neither the configured model nor the offline model could be loaded. */
export class EmbeddingModelUnavailableError extends Error {
  override readonly name = "EmbeddingModelUnavailableError";
  constructor(
    message: string,
    readonly model: string,
    readonly offlineModel: string,
  ) {
    super(message);
  }
}

interface LoadedModel {
  readonly extractor: LoadedExtractor;
  readonly info: ActiveModel;
}

/** The text used to measure a model's output size when it loads. */
const PROBE_TEXT = "职业教育";

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Embeddings over a transformers.js feature-extraction pipeline, with offline fallback. */
export class TransformersEmbeddings extends Embeddings {
  readonly options: TransformersEmbeddingsOptions;
  private readonly logger: Logger;
  private loading: Promise<LoadedModel> | undefined;

  constructor(options: Partial<TransformersEmbeddingsOptions> = {}, logger: Logger = silentLogger) {
    super({});
    this.options = { ...EMBEDDING_DEFAULTS, ...stripUndefined(options) };
    this.logger = logger;
  }

  /** Which model is in use (loading it if needed). */
  async activeModel(): Promise<ActiveModel> {
    return (await this.ready()).info;
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    const { extractor, info } = await this.ready();
    // Similar lengths in one batch keep padding (wasted work) small.
    const order = documents.map((_, i) => i).sort((a, b) => documents[a]!.length - documents[b]!.length);
    const out: number[][] = new Array(documents.length);
    for (let start = 0; start < order.length; start += this.options.batchSize) {
      const ids = order.slice(start, start + this.options.batchSize);
      const vectors = await run(extractor, info, ids.map((i) => documents[i]!));
      ids.forEach((id, k) => (out[id] = vectors[k]!));
    }
    return out;
  }

  override async embedQuery(document: string): Promise<number[]> {
    const { extractor, info } = await this.ready();
    const [vector] = await run(extractor, info, [info.queryInstruction + document]);
    return vector!;
  }

  private ready(): Promise<LoadedModel> {
    this.loading ??= this.load();
    return this.loading;
  }

  private async load(): Promise<LoadedModel> {
    const o = this.options;
    const known = knownModel(o.model);
    const settings = {
      pooling: o.pooling ?? known?.pooling ?? "mean",
      normalize: o.normalize ?? known?.normalize ?? true,
      queryInstruction: o.queryInstruction ?? known?.queryInstruction ?? "",
      quantized: o.quantized ?? known?.quantized ?? true,
    };
    let why: string;
    try {
      const { loaded: extractor, source } = await loadFeatureExtractor(
        { model: o.model, localModelDir: o.localModelDir, cacheDir: o.cacheDir, remoteHost: o.remoteHost, quantized: settings.quantized },
        o.loadTimeoutMs,
      );
      const info = await probe(extractor, { id: o.model, source, fallback: false, ...settings });
      this.logger.debug("embedding model loaded", { model: info.id, dimensions: info.dimensions, source });
      return { extractor, info };
    } catch (err) {
      why = reasonOf(err);
    }

    try {
      const loaded = await this.loadOffline(why);
      this.logger.warn(
        `embedding model "${o.model}" could not be loaded (${why}); using the offline model ${o.offlineModel} instead, ` +
          `which finds mostly shared words. To use "${o.model}", put it under MODEL_LOCAL_DIR (${path.join(o.localModelDir, o.model)}), ` +
          `point MODEL_CACHE_DIR at a folder that holds it, or set MODEL_REMOTE_HOST to a reachable mirror (e.g. https://hf-mirror.com/); ` +
          `or set EMBEDDING_MODEL to a model you have.`,
      );
      return loaded;
    } catch (err) {
      const message =
        `no embedding model could be loaded: "${o.model}" failed (${why}) and the offline model ${o.offlineModel} ` +
        `in ${o.offlineModelDir} failed too (${reasonOf(err)}). Run \`npm run build:model\` to rebuild the offline model.`;
      this.logger.error(message);
      throw new EmbeddingModelUnavailableError(message, o.model, o.offlineModel);
    }
  }

  private async loadOffline(reason: string): Promise<LoadedModel> {
    const o = this.options;
    const known = knownModel(o.offlineModel);
    const settings = {
      pooling: known?.pooling ?? "mean",
      normalize: known?.normalize ?? true,
      queryInstruction: known?.queryInstruction ?? "",
      quantized: known?.quantized ?? false,
    };
    const { loaded: extractor, source } = await loadFeatureExtractor(
      {
        model: o.offlineModel,
        localModelDir: o.offlineModelDir,
        cacheDir: undefined,
        remoteHost: undefined,
        quantized: settings.quantized,
      },
      o.loadTimeoutMs,
    );
    const info = await probe(extractor, { id: o.offlineModel, source, fallback: true, reason, ...settings });
    return { extractor, info };
  }
}

/** Embeds one probe text to learn the output size and prove the model runs. */
async function probe(extractor: LoadedExtractor, info: Omit<ActiveModel, "dimensions">): Promise<ActiveModel> {
  const [vector] = await run(extractor, { ...info, dimensions: 0 }, [PROBE_TEXT]);
  if (!vector || vector.length === 0 || !vector.every(Number.isFinite)) {
    throw new Error(`model ${info.id} returned no usable vector for a test sentence`);
  }
  return { ...info, dimensions: vector.length };
}

/**
 * Tokenize, run the model, pool: what the feature-extraction pipeline does, with faster
 * pooling; a static model sums its table rows directly, and a model whose output is
 * already one vector per text (`sentence_embedding`, or a 2-D output) is not pooled again.
 */
async function run(loaded: LoadedExtractor, info: ActiveModel, texts: string[]): Promise<number[][]> {
  if (texts.length === 0) return [];
  if (loaded.kind === "static") return loaded.model.embed(texts, info.pooling, info.normalize);
  const { extractor } = loaded;
  const inputs = extractor.tokenizer(texts, { padding: true, truncation: true });
  const outputs = await extractor.model(inputs);
  const pooled = outputs.sentence_embedding ?? Object.values(outputs).find((t) => t?.dims.length === 2);
  if (pooled) {
    const [batch, dims] = pooled.dims as [number, number];
    return Array.from({ length: batch }, (_, b) =>
      finishPooling(
        Float64Array.from({ length: dims }, (_, d) => Number(pooled.data[b * dims + d])),
        1,
        info.normalize,
      ),
    );
  }
  const hidden = outputs.last_hidden_state ?? outputs.logits ?? outputs.token_embeddings;
  if (!hidden || hidden.dims.length !== 3) throw new Error(`model ${info.id} returned no token vectors`);
  return poolHiddenStates(hidden as { dims: number[]; data: ArrayLike<number> }, inputs.attention_mask, info.pooling, info.normalize);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Embeddings as configured by the environment (EMBEDDING_MODEL, MODEL_LOCAL_DIR,
 * MODEL_CACHE_DIR, MODEL_REMOTE_HOST); `overrides` set what the environment does not.
 */
export function createEmbeddings(
  settings: Settings["embedding"],
  logger: Logger = silentLogger,
  overrides: Partial<TransformersEmbeddingsOptions> = {},
): TransformersEmbeddings {
  return new TransformersEmbeddings(
    {
      model: settings.model,
      localModelDir: settings.localModelDir,
      cacheDir: settings.cacheDir,
      remoteHost: settings.remoteHost,
      loadTimeoutMs: settings.loadTimeoutMs,
      ...overrides,
    },
    logger,
  );
}
