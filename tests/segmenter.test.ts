/**
 * Questions are cut by a jieba holding only the dictionary words they contain (plus one
 * made-up word that keeps the frequency total): it must cut every text exactly as jieba
 * with its whole dictionary does, in both modes the analyzer uses.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULTS, PROJECT_ROOT } from "../src/config/settings.ts";
import { loadCorpus } from "../src/corpus/load-corpus.ts";
import { dictionaryText, jiebaWith, KEPT_WORD_FREQUENCY } from "../src/retrieval/jieba-dictionary.ts";
import { loadVocabulary } from "../src/lexicon/vocabulary.ts";
import { matchForm } from "../src/text/normalize.ts";
import { PassageTable } from "../src/retrieval/passage-table.ts";
import { SegmenterDictionary } from "../src/retrieval/segmenter.ts";
import { keptWords } from "../src/retrieval/text-analysis.ts";
import { responsibleNames } from "../src/corpus/corpus-units.ts";

describe("the question segmenter", () => {
  it("cuts every seed passage and question exactly as jieba with its whole dictionary", async () => {
    const corpus = await loadCorpus(path.join(PROJECT_ROOT, DEFAULTS.seedsDir));
    const kept = keptWords(loadVocabulary(path.join(PROJECT_ROOT, "data")), responsibleNames(corpus));
    const full = await jiebaWith(kept);
    const saved = SegmenterDictionary.build(await dictionaryText(), kept.map((w) => [w, KEPT_WORD_FREQUENCY] as const));
    const segmenter = SegmenterDictionary.decode(Buffer.concat(saved.encode())).segmenter();

    const passages = PassageTable.build(corpus);
    const texts = [...passages.texts()].map(matchForm);
    for (const set of ["dev", "train", "probe"]) {
      for (const line of (await fs.readFile(path.join(PROJECT_ROOT, "eval", "questions", `${set}.jsonl`), "utf8"))
        .split("\n")
        .filter(Boolean)) {
        const q = JSON.parse(line).question as string;
        texts.push(q, matchForm(q));
      }
    }
    // Mixed scripts, the private-use characters of the made-up word, empty and blank text.
    texts.push("", "   ", "\ue000\ue001中职学校", "4S店和1号店 abc 123", "中华人民共和国教育部关于职业教育的通知", "𪚥學籍互轉");
    expect(texts.length).toBeGreaterThan(900);
    for (const text of texts) {
      expect(segmenter.cut(text, true), text.slice(0, 30)).toEqual(full.cut(text, true));
      expect(segmenter.cutForSearch(text, true), text.slice(0, 30)).toEqual(full.cutForSearch(text, true));
    }
  });
});
