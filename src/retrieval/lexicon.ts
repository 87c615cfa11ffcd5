/**
 * The word lists retrieval uses, read from `data/`: abbreviations people type, the
 * English glossary, stop words, and domain terms jieba should keep whole. They are data
 * so that they grow without code changes; each file is validated when read.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { PROJECT_ROOT } from "../config/settings.ts";

/** Word lists for query analysis. */
export interface Lexicon {
  /** Abbreviation or everyday word → the circulars' wording. */
  readonly aliases: ReadonlyMap<string, readonly string[]>;
  /** English word or phrase (lower case) → Chinese terms. */
  readonly english: ReadonlyMap<string, readonly string[]>;
  readonly stopwords: ReadonlySet<string>;
  /** Words that only say what kind of answer is wanted, or are filler: no topic to look for. */
  readonly questionWords: ReadonlySet<string>;
  readonly domainTerms: readonly string[];
}

/** A data file that is missing or malformed. */
export class LexiconError extends Error {
  override readonly name = "LexiconError";
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

const TermMap = z.record(z.string(), z.union([z.array(z.string().min(1)), z.string()]));

function readTermMap(file: string): Map<string, string[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new LexiconError(`${file}: cannot be read as JSON (${(err as Error).message}); fix or restore it from git.`, file);
  }
  const result = TermMap.safeParse(parsed);
  if (!result.success) throw new LexiconError(`${file}: each entry must map a word to a list of words (${result.error.issues[0]!.message}).`, file);
  const map = new Map<string, string[]>();
  for (const [key, value] of Object.entries(result.data)) {
    if (key.startsWith("_") || typeof value === "string") continue;
    map.set(key.toLowerCase(), value);
  }
  return map;
}

function readWordList(file: string): string[] {
  try {
    return readFileSync(file, "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
  } catch (err) {
    throw new LexiconError(`${file}: cannot be read (${(err as Error).message}); restore it from git.`, file);
  }
}

/** Reads the lexicon from a data folder (default: the project's `data/`). */
export function loadLexicon(dataDir: string = path.join(PROJECT_ROOT, "data")): Lexicon {
  return {
    aliases: readTermMap(path.join(dataDir, "aliases.json")),
    english: readTermMap(path.join(dataDir, "en-zh.json")),
    stopwords: new Set(readWordList(path.join(dataDir, "stopwords.txt"))),
    questionWords: new Set(readWordList(path.join(dataDir, "question-words.txt"))),
    domainTerms: readWordList(path.join(dataDir, "domain-terms.txt")),
  };
}
