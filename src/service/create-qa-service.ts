/**
 * Creates the question-answering service from settings: opens or builds the index with
 * the configured embedding model, wires the optional language model.
 */
import type { Settings } from "../config/settings.ts";
import { loadDecisionModel, type DecisionModel } from "../answer/decide/decision-model.ts";
import { createEmbeddings } from "../embeddings/transformers-embeddings.ts";
import type { Logger } from "../logging/logger.ts";
import type { RetrievalOptions } from "../retrieval/hybrid-retriever.ts";
import { assembleEngine } from "./assemble-engine.ts";
import { loadSearchIndex } from "./load-search-index.ts";
import { PolicyQaService, type Engine } from "./qa-service.ts";

/** What tools (fitting, tuning) may set instead of the shipped defaults. */
export interface EngineOverrides {
  /** A decision model other than data/decision-model.json (fitting has none yet). */
  readonly decision?: DecisionModel;
  readonly retrieval?: Partial<RetrievalOptions>;
  /** The embedding model to use (one per process: a reindex reuses it). */
  readonly embeddings?: ReturnType<typeof createEmbeddings>;
}

/** Opens the index (building it off this thread when the seeds, word lists, model or code changed), assembles retriever and answerer. */
export async function buildEngine(settings: Settings, logger: Logger, overrides: EngineOverrides = {}): Promise<Engine> {
  const embeddings = overrides.embeddings ?? createEmbeddings(settings.embedding, logger);
  const model = await embeddings.activeModel();
  const decision = overrides.decision ?? loadDecisionModel(settings.vocabularyDir);
  const request = {
    seedsDir: settings.seedsDir,
    indexDir: settings.indexDir,
    vocabularyDir: settings.vocabularyDir,
    embedding: settings.embedding,
  };
  const modelId = `${model.id} (${model.dimensions} dims)`;
  // Assembled while hnswlib loads the vectors; handed out once they are loaded.
  const { prepared: engine } = await loadSearchIndex(request, embeddings, model, logger, (parts, graph, builtAt) =>
    assembleEngine(parts, { graph, embeddings, modelId }, builtAt, decision, overrides.retrieval),
  );
  if (!settings.llm) return engine;
  // The language-model answerer (and LangChain's prompts and chat model) load only when configured.
  const [{ LlmAnswerer }, { candidateCitations, CitationLookup }] = await Promise.all([
    import("../answer/llm/llm-answerer.ts"),
    import("../answer/llm/candidates.ts"),
  ]);
  const llm = LlmAnswerer.fromSettings(settings, { context: engine.answerer.context, logger });
  if (!llm) return engine;
  logger.info(
    `answers are written by ${settings.llm.model} at ${settings.llm.baseUrl}, checked against the cited text, extractive as fallback`,
  );
  const lookup = new CitationLookup(engine.corpus);
  return { ...engine, refine: llm.refiner((draft) => candidateCitations(draft, lookup)) };
}

/** The service every front end uses. */
export async function createQaService(settings: Settings, logger: Logger): Promise<PolicyQaService> {
  // One embedding model per process: a reindex reuses it (the model is loaded once, not per
  // rebuild, so swapping in a new index does no tokenizer work on the answering thread;
  // a model retrained on disk takes effect at the next start).
  const embeddings = createEmbeddings(settings.embedding, logger);
  const engine = await buildEngine(settings, logger, { embeddings });
  return new PolicyQaService(engine, () => buildEngine(settings, logger, { embeddings }), logger);
}
