/**
 * An answer engine over a few circulars given as text (lexical search only, no vectors):
 * kind and decision tests run on small fixtures of other layouts, without the seeds or
 * the whole service, so they show nothing is keyed to the five files.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { loadDecisionModel } from "../../src/answer/decide/decision-model.ts";
import { loadSettings } from "../../src/config/settings.ts";
import { ingestFile } from "../../src/corpus/load-corpus.ts";
import type { Corpus } from "../../src/corpus/types.ts";
import { loadVocabulary } from "../../src/lexicon/vocabulary.ts";
import { mergeAnswers, searchFor } from "../../src/service/answer-message.ts";
import { assembleEngine, buildLexicalParts } from "../../src/service/assemble-engine.ts";
import type { Engine } from "../../src/service/qa-service.ts";
import type { DraftAnswer } from "../../src/answer/answer-question.ts";

const FIXTURES = path.join(import.meta.dirname, "..", "fixtures");

/** A corpus of fixture files (names in tests/fixtures/) or of (name, text) pairs. */
export function fixtureCorpus(files: readonly (string | { name: string; text: string })[]): Corpus {
  const documents = files.map((f) => {
    const { name, bytes } =
      typeof f === "string" ? { name: f, bytes: readFileSync(path.join(FIXTURES, f)) } : { name: f.name, bytes: Buffer.from(f.text) };
    const { document, problems } = ingestFile(name, bytes);
    if (!document) throw new Error(`fixture ${name} did not parse: ${problems.map((p) => p.message).join("; ")}`);
    return document;
  });
  return { documents, problems: [] };
}

/** The engine over a corpus with the project's vocabulary and fitted decision. */
export async function fixtureEngine(corpus: Corpus): Promise<Engine> {
  const settings = loadSettings();
  const vocabulary = loadVocabulary(settings.vocabularyDir);
  return assembleEngine(await buildLexicalParts(corpus, vocabulary), undefined, "fixture", loadDecisionModel(settings.vocabularyDir));
}

/** Answers a message the way the service does (without timings and turns). */
export async function answer(engine: Engine, message: string): Promise<DraftAnswer> {
  const analysed = engine.analyser.analyse(message);
  const drafts: DraftAnswer[] = [];
  for (const q of analysed.questions) drafts.push(engine.answerer.answer(q, await searchFor(engine.retriever, q)));
  return mergeAnswers(drafts);
}

/** "file-stem:label" of each citation. */
export function cites(a: Pick<DraftAnswer, "citations">): string[] {
  return a.citations.map((c) => `${c.file.replace(/\.txt$/, "")}:${c.label}`);
}
