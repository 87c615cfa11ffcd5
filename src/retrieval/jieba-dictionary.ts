/**
 * jieba with its dictionary, loaded lazily and once. The dictionary text is read the
 * first time a segmenter is wanted (not at import: @node-rs/jieba/dict.js also reads the
 * 6 MB IDF table nobody here uses). A segmenter with the same extra words as the last
 * one is reused; a new one is filled in slices (jieba's loadDict adds words, and slices
 * give the same segmenter as one load: tests compare them), so that building one while
 * the bot answers never stalls the event loop for the ~100 ms a whole load takes.
 */
import { promises as fs } from "node:fs";
import { createRequire } from "node:module";
import { Jieba } from "@node-rs/jieba";
import { timeSlicer } from "../util/time-slice.ts";

/** Dictionary lines per loadDict call. */
const LINES_PER_SLICE = 20_000;

let dictionaryLines: Promise<string[]> | undefined;
let last: { key: string; jieba: Promise<Jieba> } | undefined;

function readDictionary(): Promise<string[]> {
  dictionaryLines ??= fs.readFile(createRequire(import.meta.url).resolve("@node-rs/jieba/dict.txt"), "utf8").then((t) => t.split("\n"));
  return dictionaryLines;
}

/**
 * A segmenter with jieba's dictionary plus `extraWords` (kept whole: each gets a high
 * frequency). The same words give the same instance.
 */
export function jiebaWith(extraWords: readonly string[]): Promise<Jieba> {
  const extra = extraWords.map((w) => `${w} 200000 n`).join("\n");
  if (last?.key === extra) return last.jieba;
  const jieba = (async () => {
    const lines = await readDictionary();
    const slice = timeSlicer();
    const segmenter = new Jieba();
    for (let at = 0; at < lines.length; at += LINES_PER_SLICE) {
      segmenter.loadDict(Buffer.from(lines.slice(at, at + LINES_PER_SLICE).join("\n")));
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
