/**
 * jieba with its dictionary, loaded lazily and once. The dictionary file is read the
 * first time a segmenter is wanted (not at import: @node-rs/jieba/dict.js also reads the
 * 6 MB IDF table nobody here uses). A segmenter with the same extra words as the last
 * one is reused; a new one is filled in slices of whole lines (jieba's loadDict adds
 * words, and slices give the same segmenter as one load: tests compare them), so that
 * building one while the bot answers never stalls the event loop for the ~100 ms a
 * whole load takes. Slices are views of the file's bytes: no text is decoded here.
 */
import { promises as fs } from "node:fs";
import { createRequire } from "node:module";
import { Jieba } from "@node-rs/jieba";
import { timeSlicer } from "../util/time-slice.ts";

/** Dictionary bytes per loadDict call (about 20,000 lines, 10 ms). */
const BYTES_PER_SLICE = 300_000;

let dictionary: Promise<Buffer> | undefined;
let last: { key: string; jieba: Promise<Jieba> } | undefined;

function readDictionary(): Promise<Buffer> {
  dictionary ??= fs.readFile(createRequire(import.meta.url).resolve("@node-rs/jieba/dict.txt"));
  return dictionary;
}

/** Frequency given to words that must stay whole: high enough that jieba prefers them over their parts. */
export const KEPT_WORD_FREQUENCY = 200_000;

/** jieba's dictionary file as text (read once). */
export async function dictionaryText(): Promise<string> {
  return (await readDictionary()).toString("utf8");
}

/**
 * A segmenter with jieba's dictionary plus `extraWords` (kept whole: each gets a high
 * frequency). The same words give the same instance.
 */
export function jiebaWith(extraWords: readonly string[]): Promise<Jieba> {
  const extra = extraWords.map((w) => `${w} ${KEPT_WORD_FREQUENCY} n`).join("\n");
  if (last?.key === extra) return last.jieba;
  const jieba = (async () => {
    const dict = await readDictionary();
    const slice = timeSlicer();
    const segmenter = new Jieba();
    for (let at = 0; at < dict.length; ) {
      const newline = dict.indexOf(10, Math.min(dict.length, at + BYTES_PER_SLICE));
      const end = newline < 0 ? dict.length : newline + 1;
      segmenter.loadDict(dict.subarray(at, end));
      at = end;
      if (slice.due()) await slice.pause();
    }
    if (extra !== "") segmenter.loadDict(Buffer.from(extra));
    return segmenter;
  })();
  last = { key: extra, jieba };
  jieba.catch(() => {
    if (last?.jieba === jieba) last = undefined;
  });
  return jieba;
}
