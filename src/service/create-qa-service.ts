/**
 * Creates the question-answering service from settings: loads the corpus, opens or
 * builds the index with the configured embedding model, wires the optional language model.
 */
import type { Settings } from "../config/settings.ts";
import { loadCorpus } from "../corpus/load-corpus.ts";
import { createEmbeddings } from "../embeddings/transformers-embeddings.ts";
import { candidateCitations, CitationLookup } from "../answer/llm/candidates.ts";
import { LlmAnswerer } from "../answer/llm/llm-answerer.ts";
import { loadDecisionModel, type DecisionModel } from "../answer/decide/decision-model.ts";
import type { RetrievalOptions } from "../retrieval/hybrid-retriever.ts";
import { loadVocabulary } from "../lexicon/vocabulary.ts";
import type { Logger } from "../logging/logger.ts";
import { assembleEngine } from "./build-engine.ts";
import { loadSearchIndex } from "./load-search-index.ts";
import { PolicyQaService, type Engine } from "./qa-service.ts";

/** What tools (fitting, tuning) may set instead of the shipped defaults. */
export interface EngineOverrides {
  /** A decision model other than data/decision-model.json (fitting has none yet). */
  readonly decision?: DecisionModel;
  readonly retrieval?: Partial<RetrievalOptions>;
}

/** Not one circular could be read from the seeds folder (each file's reason was logged); nothing to answer from. */
export class NoCircularsError extends Error {
  override readonly name = "NoCircularsError";
  constructor(readonly seedsDir: string) {
    super(`No circulars could be loaded from ${seedsDir}; see the messages above.`);
  }
}

/** Loads seeds, opens or builds the index, assembles retriever and answerer. */
export async function buildEngine(settings: Settings, logger: Logger, overrides: EngineOverrides = {}): Promise<Engine> {
  const corpus = await loadCorpus(settings.seedsDir);
  for (const p of corpus.problems) logger[p.severity === "warning" ? "warn" : p.severity](p.message);
  if (corpus.documents.length === 0) throw new NoCircularsError(settings.seedsDir);
  const embeddings = createEmbeddings(settings.embedding, logger);
  const model = await embeddings.activeModel();
  const vocabulary = loadVocabulary(settings.vocabularyDir);
  const decision = overrides.decision ?? loadDecisionModel(settings.vocabularyDir);
  const index = await loadSearchIndex(corpus, settings.indexDir, embeddings, model, logger, { vocabulary, dir: settings.vocabularyDir });
  const engine = assembleEngine(index.parts, { store: index.store, embeddings, modelId: `${model.id} (${model.dimensions} dims)` }, index.builtAt, decision, overrides.retrieval);
  const llm = LlmAnswerer.fromSettings(settings, { context: engine.answerer.context, logger });
  if (!llm) return engine;
  logger.info(`answers are written by ${settings.llm!.model} at ${settings.llm!.baseUrl}, checked against the cited text, extractive as fallback`);
  const lookup = new CitationLookup(corpus);
  return { ...engine, refine: llm.refiner((draft) => candidateCitations(draft, lookup)) };
}

/** The service every front end uses. */
export async function createQaService(settings: Settings, logger: Logger): Promise<PolicyQaService> {
  const engine = await buildEngine(settings, logger);
  return new PolicyQaService(engine, () => buildEngine(settings, logger), logger);
}
