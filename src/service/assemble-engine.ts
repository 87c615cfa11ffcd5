/**
 * Assembles the search-and-answer stack from a parsed corpus: passages and the lexical
 * index, the retriever, and the answer stage (question analysis, kinds, decision).
 */
import { Answerer } from "../answer/answer-question.ts";
import { Contrasts } from "../answer/contrasts.ts";
import type { DecisionModel } from "../answer/decide/decision-model.ts";
import type { KindContext } from "../answer/kinds/kind.ts";
import { QuestionAnalyser } from "../answer/question/analyse-question.ts";
import { ConceptExtractor } from "../answer/question/concepts.ts";
import { DocumentFinder } from "../answer/question/documents.ts";
import { ItemSets } from "../answer/item-sets.ts";
import { HomophoneMatcher } from "../answer/question/homophones.ts";
import { Measures } from "../answer/question/measures.ts";
import { UnitNames } from "../answer/unit-names.ts";
import { responsibleNames } from "../corpus/corpus-units.ts";
import type { Corpus, ParsedDocument } from "../corpus/types.ts";
import type { Vocabulary } from "../lexicon/vocabulary.ts";
import { HybridRetriever, type DenseSearch, type RetrievalOptions } from "../retrieval/hybrid-retriever.ts";
import { LexicalIndex } from "../retrieval/lexical-index.ts";
import { PassageTable } from "../retrieval/passage-table.ts";
import { SubstringFrequency } from "../retrieval/substring-frequency.ts";
import { TextAnalyzer } from "../retrieval/text-analysis.ts";
import { keptIn } from "../util/memo.ts";
import { timeSlicer } from "../util/time-slice.ts";
import type { Engine } from "./qa-service.ts";

/** The dense half of search, when available: the passages' vectors (label = passage number), maybe still loading. */
export interface DenseParts extends DenseSearch {
  readonly modelId: string;
}

/** Everything derived from the corpus that does not need the embedding model. */
export interface LexicalParts {
  readonly corpus: Corpus;
  readonly vocabulary: Vocabulary;
  readonly analyzer: TextAnalyzer;
  readonly passages: PassageTable;
  readonly lexical: LexicalIndex;
  /** How many items contain a term (for weighing question concepts). */
  readonly frequency: SubstringFrequency;
}

/**
 * The analyzer for building an index over a corpus: jieba's whole dictionary, keeping the domain terms and the corpus's
 * unit names whole.
 */
export function analyzerFor(corpus: Corpus, vocabulary: Vocabulary): Promise<TextAnalyzer> {
  return TextAnalyzer.create(vocabulary, responsibleNames(corpus));
}

/**
 * Builds the lexical parts of a corpus in memory, on this thread: for engines over a few
 * circulars (test fixtures). The service builds them in a worker (build-search-index.ts).
 */
export async function buildLexicalParts(corpus: Corpus, vocabulary: Vocabulary): Promise<LexicalParts> {
  const analyzer = await analyzerFor(corpus, vocabulary);
  const passages = PassageTable.build(corpus);
  const lexical = LexicalIndex.build(passages.texts(), analyzer);
  const frequency = SubstringFrequency.ofItems(passages.items);
  return { corpus, vocabulary, analyzer, passages, lexical, frequency };
}

/** Each document's attachment titles, worked out once: a reference looks in every document a question does not narrow. */
const appendixTitles = new WeakMap<ParsedDocument, readonly string[]>();

/** Titles of a document's attachments: the short unnumbered line right before its attachment items (日常工作). */
function appendixNames(doc: ParsedDocument): readonly string[] {
  return keptIn(appendixTitles, doc, findAppendixNames);
}

function findAppendixNames(doc: ParsedDocument): string[] {
  const out: string[] = [];
  doc.items.forEach((item, i) => {
    const next = doc.items[i + 1];
    if (item.label === null && next?.kind === "appendix" && item.text.length <= 20) out.push(item.text.replace(/^附件\s*\d*\s*/, "").trim());
  });
  return out.filter((n) => n !== "");
}

/**
 * Assembles retriever, question analysis and answer stage over built parts, letting the
 * event loop run between the larger pieces (a reindex assembles while questions are
 * answered: at 2,000 circulars the unit names alone take 40 ms).
 */
export async function assembleEngine(
  parts: LexicalParts,
  dense: DenseParts | undefined,
  builtAt: string,
  decision: DecisionModel,
  options?: Partial<RetrievalOptions>,
): Promise<Engine> {
  const { corpus, vocabulary, analyzer, passages, lexical, frequency: stats } = parts;
  const slice = timeSlicer(0);
  const retriever = new HybridRetriever({ corpus, passages, analyzer, lexical, dense, options });
  await slice.pause();
  const units = await UnitNames.of(vocabulary.units, corpus);
  await slice.pause();
  const inCorpus = (t: string) => stats.has(t);
  const measures = new Measures(vocabulary.measures);
  const kinds: KindContext = {
    corpus,
    documents: new Map(corpus.documents.map((d) => [d.meta.file, d])),
    vocabulary,
    units,
    measures,
    contrasts: new Contrasts(vocabulary.contrasts),
    appendixNames,
    inCorpus,
    itemSets: new ItemSets(passages.items, stats, units),
  };
  const concepts = new ConceptExtractor({
    words: (t) => analyzer.words(t),
    startsWordIn: (text, term) => analyzer.startsWordIn(text, term),
    vocabulary,
    df: (term) => stats.df(term),
    contains: inCorpus,
    total: stats.total,
  });
  await slice.pause();
  const knownChars = stats.knownChars();
  const homophones = new HomophoneMatcher({
    contains: inCorpus,
    chars: () => [...knownChars].filter((c) => c >= "\u3400" && c <= "\u9fff"),
    sounds: vocabulary.charSounds,
  });
  await slice.pause();
  const documents = await DocumentFinder.of(corpus.documents, (pair) => stats.documentsWithPair(pair));
  await slice.pause();
  const analyser = new QuestionAnalyser({
    vocabulary,
    corpus,
    concepts,
    homophones,
    documents,
    measures,
    units,
    kinds,
    knownChars,
    inCorpus,
    appendixNames,
  });
  const answerer = new Answerer({ ctx: kinds, decision, stats });
  const items = passages.items.length;
  return { corpus, retriever, analyser, answerer, embeddingModel: dense?.modelId ?? "none (lexical only)", builtAt, items };
}
