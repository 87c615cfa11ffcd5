/**
 * Generates a synthetic corpus of N circulars from the seeds' layouts, for the scale
 * benchmark (`npm run bench:scale`). The five real seeds come first, unchanged, so that
 * questions still have their answers; every further document copies one seed's lines —
 * numbering, tables, boxes, cover letter, page numbers, responsible units — and replaces
 * most content words (jieba words of two or more Chinese characters) with dictionary
 * words of the same length, and figures with other figures. Structure words (numerals,
 * 专栏, 附件, 责任单位, dates) are kept, so each document parses like its template.
 * Deterministic: the same seed and N give the same files. Names follow the seeds'
 * pattern (`NNN_<16 hex>.txt`), so past 1,000 files their first three characters repeat.
 */
import { promises as fs } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Jieba } from "@node-rs/jieba";

/** Characters that make a word structural: numerals, dates, numbering and table words. */
const KEEP = /[一二三四五六七八九十百千万零〇两第章节条款项号年月日附件专栏序责牵头表]/;
/** Share of content words replaced. */
const REPLACE = 0.7;

/** mulberry32: small, seedable, good enough to vary text. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Dictionary words of 2–4 Chinese characters by length, common ones only. */
async function wordPool(): Promise<Map<number, string[]>> {
  const dict = await fs.readFile(createRequire(import.meta.url).resolve("@node-rs/jieba/dict.txt"), "utf8");
  const pool = new Map<number, string[]>([[2, []], [3, []], [4, []]]);
  for (const line of dict.split("\n")) {
    const [word, freq] = line.split(" ");
    if (!word || Number(freq) < 30 || !/^[\u4e00-\u9fff]{2,4}$/.test(word) || KEEP.test(word)) continue;
    pool.get(word.length)!.push(word);
  }
  return pool;
}

export interface ScaleCorpus {
  readonly dir: string;
  readonly files: number;
  readonly bytes: number;
}

/** Writes `count` circulars (the seeds first) into `outDir`. */
export async function generateScaleCorpus(seedsDir: string, outDir: string, count: number, seed = 1): Promise<ScaleCorpus> {
  const seedNames = (await fs.readdir(seedsDir)).filter((n) => n.endsWith(".txt")).sort();
  const templates = await Promise.all(seedNames.map((n) => fs.readFile(path.join(seedsDir, n), "utf8")));
  const jieba = Jieba.withDict(await fs.readFile(createRequire(import.meta.url).resolve("@node-rs/jieba/dict.txt")));
  const pool = await wordPool();
  await fs.mkdir(outDir, { recursive: true });
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    let name: string;
    let text: string;
    if (i < seedNames.length) {
      name = seedNames[i]!;
      text = templates[i]!;
    } else {
      const rnd = random(seed * 1_000_003 + i);
      const hex = Array.from({ length: 16 }, () => Math.floor(rnd() * 16).toString(16)).join("");
      name = `${String(i).padStart(3, "0")}_${hex}.txt`;
      text = vary(templates[i % templates.length]!, jieba, pool, rnd);
    }
    await fs.writeFile(path.join(outDir, name), text);
    bytes += Buffer.byteLength(text);
  }
  return { dir: outDir, files: count, bytes };
}

/** A line's leading item number ("12", "3.", "5、", "- 7."), which must keep counting. */
const NUMBERING = /^(\s*(?:[-*]\s*)?\d+[.．、]?)/;

/** One template with its content words and figures replaced. */
function vary(template: string, jieba: Jieba, pool: Map<number, string[]>, rnd: () => number): string {
  return template
    .split("\n")
    .map((line) => {
      const marker = NUMBERING.exec(line)?.[1] ?? "";
      const words = jieba.cut(line.slice(marker.length), false).map((w) => {
        // Figures change; small numbers (sub-item numbers, counts in （3）) and the year's century stay.
        if (/^20\d\d$/.test(w)) return String(2015 + Math.floor(rnd() * 16));
        if (/^\d{3,4}$/.test(w) && rnd() < 0.5) return String(10 ** (w.length - 1) + Math.floor(rnd() * 9 * 10 ** (w.length - 1)));
        const choices = pool.get(w.length);
        if (!choices || !/^[\u4e00-\u9fff]+$/.test(w) || KEEP.test(w) || rnd() >= REPLACE) return w;
        return choices[Math.floor(rnd() * choices.length)]!;
      });
      return marker + words.join("");
    })
    .join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [count = "50", out = "scale-corpus", seed = "1"] = process.argv.slice(2);
  const r = await generateScaleCorpus(path.resolve("seeds"), path.resolve(out), Number(count), Number(seed));
  console.log(`${r.files} circulars, ${(r.bytes / 1e6).toFixed(1)} MB, in ${r.dir}`);
}
