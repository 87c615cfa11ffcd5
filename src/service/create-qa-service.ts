/**
 * Creates the question-answering service from settings: opens or builds the index with
 * the configured embedding model, wires the optional language model.
 */
import type { Settings } from "../config/settings.ts";
import { createEmbeddings } from "../embeddings/transformers-embeddings.ts";
import { UnitNames } from "../answer/unit-names.ts";
import type { Logger } from "../logging/logger.ts";
import { assembleEngine } from "./build-engine.ts";
import { loadSearchIndex } from "./load-search-index.ts";
import { PolicyQaService, type Engine } from "./qa-service.ts";

/** Opens the index (building it off this thread when the seeds or the model changed), assembles retriever and answerer. */
export async function buildEngine(settings: Settings, logger: Logger, embeddings = createEmbeddings(settings.embedding, logger)): Promise<Engine> {
  const model = await embeddings.activeModel();
  const index = await loadSearchIndex({ seedsDir: settings.seedsDir, indexDir: settings.indexDir, embedding: settings.embedding }, embeddings, model, logger);
  const dense = { graph: index.graph, embeddings, modelId: `${model.id} (${model.dimensions} dims)` };
  const engine = assembleEngine(index.parts, dense, index.builtAt);
  if (!settings.llm) return engine;
  // The language-model answerer (and LangChain's prompts and chat model) load only when configured.
  const [{ LlmAnswerer }, { candidateCitations, CitationLookup }] = await Promise.all([
    import("../answer/llm/llm-answerer.ts"),
    import("../answer/llm/candidates.ts"),
  ]);
  const corpus = engine.corpus;
  const llm = LlmAnswerer.fromSettings(settings, { units: UnitNames.load(corpus), logger });
  if (!llm) return engine;
  logger.info(`answers are written by ${settings.llm!.model} at ${settings.llm!.baseUrl}, checked against the cited text, extractive as fallback`);
  const lookup = new CitationLookup(corpus);
  return { ...engine, refine: llm.refiner((_q, draft) => candidateCitations(draft, lookup)) };
}

/** The service every front end uses. */
export async function createQaService(settings: Settings, logger: Logger): Promise<PolicyQaService> {
  // One embedding model per process: a reindex reuses it (the model is loaded once, not per
  // rebuild, so swapping in a new index does no tokenizer work on the answering thread;
  // a model retrained on disk takes effect at the next start).
  const embeddings = createEmbeddings(settings.embedding, logger);
  const engine = await buildEngine(settings, logger, embeddings);
  return new PolicyQaService(engine, () => buildEngine(settings, logger, embeddings), logger);
}
