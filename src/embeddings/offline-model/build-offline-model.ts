/**
 * Builds the offline default embedding model (`policybot/offline-zh`) from the seeds
 * corpus, jieba's dictionary and the alias/stop-word data files, and writes it in the
 * folder layout transformers.js loads (`<outDir>/policybot/offline-zh/...`). The same
 * inputs always produce the same bytes.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { PreTrainedTokenizer } from "@xenova/transformers";
import { loadCorpus } from "../../corpus/load-corpus.ts";
import { loadVocabulary } from "../../lexicon/vocabulary.ts";
import { gatherModelBytes } from "./onnx-gather-model.ts";
import { buildTokenTable, type TableRecipe } from "./token-vectors.ts";
import { modelConfigJson, tokenizerConfigJson, tokenizerJson } from "./tokenizer-files.ts";
import { buildVocabulary, normalizeText, readJiebaIdf } from "./vocabulary.ts";

/** The model id the build writes; `<outDir>/<id>/` is its folder. */
export const OFFLINE_MODEL_ID = "policybot/offline-zh";

/** The recipe the shipped model is built with (chosen by scripts/measure-dense.ts). */
export const DEFAULT_RECIPE: TableRecipe = {
  seed: "policybot-1:",
  dims: 384,
  charWeight: 0.6,
  ownWeight: 0.8,
  contextWeight: 0.3,
  contextWindow: 4,
  generalIdfBlend: 0.5,
  aliasMode: "replace",
  float16: true,
  extraDictionaryWords: 5000,
};

/** How much a stop word's vector counts next to a content word's. */
const STOPWORD_SCALE = 0.15;

/** A data file of the build is missing or malformed. */
export class OfflineModelBuildError extends Error {
  override readonly name = "OfflineModelBuildError";
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

export interface BuildOptions {
  readonly seedsDir: string;
  /** Models root; the model goes to `<outDir>/policybot/offline-zh`. */
  readonly outDir: string;
  /** The word lists (data/): aliases and the glossary shape the table, stop words are left out. */
  readonly vocabularyDir: string;
  readonly recipe?: TableRecipe;
}

export interface BuildResult {
  readonly modelDir: string;
  readonly vocabSize: number;
  readonly dims: number;
  readonly files: readonly string[];
}

/** Splits an item into sentences for co-occurrence counting. */
function sentencesOf(text: string): string[] {
  return text.split(/[。；;！!？?\n]+/u).filter((s) => s.trim().length > 0);
}

/** Builds the model and writes its files; returns where and how big. */
export async function buildOfflineModel(options: BuildOptions): Promise<BuildResult> {
  const recipe = options.recipe ?? DEFAULT_RECIPE;
  const corpus = await loadCorpus(options.seedsDir);
  const items = corpus.documents.flatMap((d) => d.items.map((item) => item.text));
  if (items.length === 0) {
    throw new OfflineModelBuildError(
      `no corpus items found in ${options.seedsDir}: ${corpus.problems.map((p) => p.message).join("; ")}`,
      options.seedsDir,
    );
  }
  // The same word lists retrieval uses (data/): each alias stands for its first target;
  // English glossary words (single words: the tokenizer splits on spaces) likewise.
  const lexicon = loadVocabulary(options.vocabularyDir);
  const aliasMap = new Map<string, string>();
  for (const [key, targets] of lexicon.aliases) if (targets[0] && targets[0] !== key) aliasMap.set(normalizeText(key), targets[0]);
  for (const [key, targets] of lexicon.english) if (!key.includes(" ") && targets[0]) aliasMap.set(normalizeText(key), targets[0]);
  const aliasEntries = [...aliasMap.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const stopwords = [...lexicon.stopwords].sort();

  const vocab = buildVocabulary(items, aliasEntries.map(([k]) => k), stopwords, {
    extraDictionaryWords: recipe.extraDictionaryWords,
  });
  const tokJson = tokenizerJson(vocab);
  const tokConfig = tokenizerConfigJson();
  // Segment the corpus with the very tokenizer the model ships, so that IDF and
  // co-occurrence are counted over the same tokens queries will produce.
  const tokenizer = new PreTrainedTokenizer(tokJson, tokConfig);
  const clsId = vocab.tokens.indexOf("[CLS]");
  const encode = (text: string): number[] =>
    (tokenizer.encode(text) as number[]).filter((id) => id !== clsId);

  const idOf = new Map(vocab.tokens.map((t, i) => [t, i]));
  const aliases = new Map<number, number[]>();
  for (const [key, target] of aliasEntries) {
    const id = idOf.get(key);
    if (id === undefined) continue;
    aliases.set(id, encode(target).filter((t) => t !== id));
  }

  const table = buildTokenTable(
    {
      tokens: vocab.tokens,
      units: items.map(encode),
      sentences: items.flatMap(sentencesOf).map(encode),
      aliases,
      stopwords: new Set(stopwords.map(normalizeText)),
      stopwordScale: STOPWORD_SCALE,
      generalIdf: readJiebaIdf(),
    },
    recipe,
  );

  const modelDir = path.join(options.outDir, ...OFFLINE_MODEL_ID.split("/"));
  await fs.mkdir(path.join(modelDir, "onnx"), { recursive: true });
  const files: [string, string | Uint8Array][] = [
    ["config.json", JSON.stringify(modelConfigJson(recipe.dims, vocab.tokens.length, recipe), null, 2) + "\n"],
    ["tokenizer_config.json", JSON.stringify(tokConfig, null, 2) + "\n"],
    ["tokenizer.json", JSON.stringify(tokJson) + "\n"],
    [
      path.join("onnx", "model.onnx"),
      gatherModelBytes({ table, vocabSize: vocab.tokens.length, dims: recipe.dims, float16: recipe.float16 }),
    ],
  ];
  for (const [name, content] of files) await fs.writeFile(path.join(modelDir, name), content);
  return { modelDir, vocabSize: vocab.tokens.length, dims: recipe.dims, files: files.map(([name]) => name) };
}
