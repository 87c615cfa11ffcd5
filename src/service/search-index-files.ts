/**
 * The files of an index generation besides the vector graph, and how the search
 * structures are written to and read from them:
 *
 *   corpus.bin      the parsed corpus (index/corpus-file.ts)
 *   passages.bin    which item each passage belongs to (retrieval/passage-table.ts)
 *   lexical.bin     BM25 over words and bigrams, IDF precomputed (retrieval/lexical-index.ts)
 *   frequency.bin   substring document frequencies (retrieval/substring-frequency.ts)
 *   segmenter.bin   jieba's dictionary with the words kept whole, for segmenting questions (retrieval/segmenter.ts)
 *   sources.json    the seed files the index was built from (index/source-fingerprint.ts)
 *
 * Every file is checked against the manifest's checksums before it is decoded, and
 * decoding checks its own structure too; a file that fails either is a damaged index.
 * The postings lists of lexical.bin and frequency.bin, and the texts of corpus.bin and
 * frequency.bin past TEXTS_IN_MEMORY, stay on disk: only their tables are read into
 * memory, the lists and texts a question needs are read when it asks (see ON_DISK).
 */
import path from "node:path";
import * as z from "../util/zod.ts";
import { encodeCorpus, openCorpus } from "../index/corpus-file.ts";
import { SourceFileSchema, type SourceFile } from "../index/source-fingerprint.ts";
import type { Corpus } from "../corpus/types.ts";
import { LexicalIndex } from "../retrieval/lexical-index.ts";
import { PassageTable } from "../retrieval/passage-table.ts";
import { SegmenterDictionary } from "../retrieval/segmenter.ts";
import { SubstringFrequency } from "../retrieval/substring-frequency.ts";

export const INDEX_FILES = {
  corpus: "corpus.bin",
  passages: "passages.bin",
  lexical: "lexical.bin",
  frequency: "frequency.bin",
  segmenter: "segmenter.bin",
  sources: "sources.json",
} as const;

/** The saved structures, decoded. */
export interface SavedSearchIndex {
  readonly corpus: Corpus;
  readonly passages: PassageTable;
  readonly lexical: LexicalIndex;
  readonly frequency: SubstringFrequency;
  readonly segmenter: SegmenterDictionary;
  readonly sources: readonly SourceFile[];
}

const SourcesSchema = z.object({ seeds: z.array(SourceFileSchema) });

/**
 * Indexes of this many passages (about 800 circulars) or more rank their words and their
 * bigrams in two worker threads (lexical-index.ts); below, a question's ranking is a
 * millisecond or two, about what a message to a worker and back costs.
 * - The words worker came first: at 2,000 circulars it took a quarter off retrieval's
 *   median (11.1 → 8.1 ms) and a quarter to a third off its 95th percentile.
 * - The bigrams left the answering thread next. There they were the longest part of a
 *   heavy question's turn, and at a reindex's swap such a turn, slowed by the loading
 *   beside it, held the event loop 81–119 ms in four probes at 2,000 circulars; 49 and
 *   55 ms with the bigrams in a worker (and a turn between a message's questions,
 *   answer-message.ts), alternated in the same hour. Answer times stayed
 *   within the noise (p95 at 2,000: 20.7, 18.7, 23.4 ms against 20.8, 20.7, 23.2).
 */
export const LEXICAL_IN_WORKERS_FROM = 30_000;

/** Files read from disk as questions need them, rather than held whole in memory. */
export const ON_DISK: ReadonlySet<string> = new Set([INDEX_FILES.corpus, INDEX_FILES.lexical, INDEX_FILES.frequency]);

/** The payload files of a generation. */
export function encodeSearchIndex(index: SavedSearchIndex): Record<string, readonly Uint8Array[] | string> {
  return {
    [INDEX_FILES.corpus]: encodeCorpus(index.corpus),
    [INDEX_FILES.passages]: index.passages.encode(),
    [INDEX_FILES.lexical]: index.lexical.encode(),
    [INDEX_FILES.frequency]: index.frequency.encode(),
    [INDEX_FILES.segmenter]: index.segmenter.encode(),
    [INDEX_FILES.sources]: encodeSources(index.sources),
  };
}

export function encodeSources(seeds: readonly SourceFile[]): string {
  // One line per file: no single long line for 10,000 files.
  return `{"seeds":[\n${seeds.map((s) => JSON.stringify(s)).join(",\n")}\n]}\n`;
}

/** The seed list saved in a generation, or undefined when it does not parse. */
export function decodeSources(bytes: Buffer): SourceFile[] | undefined {
  try {
    const parsed = SourcesSchema.safeParse(JSON.parse(bytes.toString("utf8")));
    return parsed.success ? parsed.data.seeds : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decodes a verified generation: the payloads held in memory, and the ON_DISK files
 * opened in `dir`.
 * @throws {Error} naming the file that does not decode (a damaged or foreign file).
 */
export async function decodeSearchIndex(payloads: ReadonlyMap<string, Buffer>, dir: string): Promise<SavedSearchIndex> {
  const file = (name: string) => {
    const data = payloads.get(name);
    if (!data) throw new Error(`${name}: missing from the index`);
    return data;
  };
  const decode = async <T>(name: string, fn: (b: Buffer) => T | Promise<T>): Promise<T> => {
    try {
      return await fn(file(name));
    } catch (err) {
      throw new Error(`${name}: ${(err as Error).message}`, { cause: err });
    }
  };
  const open = async <T>(name: string, fn: (saved: { file: string }) => Promise<T>): Promise<T> => {
    try {
      return await fn({ file: path.join(dir, name) });
    } catch (err) {
      throw new Error(`${name}: ${(err as Error).message}`, { cause: err });
    }
  };
  const corpus = await open(INDEX_FILES.corpus, openCorpus);
  const sources = await decode(INDEX_FILES.sources, (b) => {
    const s = decodeSources(b);
    if (!s) throw new Error("not a list of seed files");
    return s;
  });
  const passages = await decode(INDEX_FILES.passages, (b) => PassageTable.decode(b, corpus));
  const inWorkers = passages.size >= LEXICAL_IN_WORKERS_FROM;
  const lexical = await open(INDEX_FILES.lexical, (saved) => LexicalIndex.decode(saved, { inWorkers }));
  if (lexical.size !== passages.size)
    throw new Error(`${INDEX_FILES.lexical}: covers ${lexical.size} passages, the index has ${passages.size}`);
  const frequency = await open(INDEX_FILES.frequency, SubstringFrequency.decode);
  if (frequency.total !== passages.items.length) {
    throw new Error(`${INDEX_FILES.frequency}: covers ${frequency.total} items, the corpus has ${passages.items.length}`);
  }
  const segmenter = await decode(INDEX_FILES.segmenter, SegmenterDictionary.decode);
  return { corpus, passages, lexical, frequency, segmenter, sources };
}
