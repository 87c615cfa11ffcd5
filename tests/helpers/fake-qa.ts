/**
 * A small stand-in for the real QaService, for developing and testing front ends until
 * `createQaService` exists. It parses the real seed files roughly (numbered items,
 * 一、/（一）sections, the 004 table) and answers by character-bigram overlap, so its
 * answers quote real text with real labels. It is not the project's retriever.
 */
import fs from "node:fs";
import path from "node:path";
import type { Answer, Citation, Evidence } from "../../src/answer/types.ts";
import type { AboutInfo, AskOptions, ItemHit, QaService } from "../../src/service/contract.ts";
import type { Corpus, DocumentMeta, Item, ItemKind } from "../../src/corpus/types.ts";

/** Knobs for tests: slow answers, slow reindex. */
export interface FakeQaOptions {
  readonly askDelayMs?: number;
  readonly reindexDelayMs?: number;
  /** Below this share of the question's weight an answer is refused. */
  readonly refuseBelow?: number;
}

const DEFAULTS: Required<FakeQaOptions> = { askDelayMs: 0, reindexDelayMs: 0, refuseBelow: 0.34 };

interface Doc {
  readonly meta: DocumentMeta;
  readonly items: Item[];
}

const CN_NUM = "一二三四五六七八九十";

function parseMeta(file: string, raw: string): DocumentMeta {
  const flat = raw.replace(/\*\*/g, "").replace(/\s+/g, "");
  const head = flat.slice(0, 400);
  const title =
    head.match(/《([^》]{4,60})》/)?.[1] ??
    raw
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l && !/^附件\d*$/.test(l)) ??
    file;
  const docNumber = head.match(/([\u4e00-\u9fa5]{1,5}〔\d{4}〕\d+号)/)?.[1] ?? null;
  const d = flat.match(/(\d{4})年(\d{1,2})月(\d{1,2})日/);
  const date = d ? `${d[1]}-${d[2]!.padStart(2, "0")}-${d[3]!.padStart(2, "0")}` : null;
  return { file, title, docNumber, issuer: null, date, year: d ? Number(d[1]) : null };
}

function parseTable(file: string, raw: string): Item[] {
  const items: Item[] = [];
  const seen = new Set<string>();
  for (const m of raw.matchAll(/^\t(\d+)\n\t(.+)\n\t(.+)$/gm)) {
    const label = m[1]!;
    if (seen.has(label)) continue; // the degraded second copy of the table
    seen.add(label);
    const responsible = m[3]!.split(/[、，,]/).map((s) => s.trim()).filter(Boolean);
    items.push({
      file, label, kind: "row", path: [], heading: "", text: m[2]!.trim(),
      responsible, order: items.length,
    });
  }
  return items;
}

function parseOutline(file: string, raw: string): Item[] {
  const lines = raw
    .replace(/\*\*/g, "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^[—-]\s*\d+\s*[—-]$/.test(l));
  const items: { label: string | null; kind: ItemKind; path: string[]; text: string }[] = [
    { label: null, kind: "text", path: [], text: "" },
  ];
  let section = "";
  let sub = "";
  const secRe = new RegExp(`^([${CN_NUM}]+)、`);
  const subRe = new RegExp(`^（([${CN_NUM}]+)）`);
  for (const line of lines) {
    let m: RegExpMatchArray | null;
    if ((m = line.match(secRe))) {
      section = `${m[1]}、`;
      sub = "";
      items.push({ label: section, kind: "section", path: [], text: line });
    } else if (section && (m = line.match(subRe))) {
      sub = `（${m[1]}）`;
      items.push({ label: section + sub, kind: "section", path: [section], text: line });
    } else if ((m = line.match(/^(\d{1,2})[.．](?!\d)/))) {
      const label = section ? `${section}${sub}${m[1]}.` : m[1]!;
      items.push({ label, kind: section ? "subitem" : "item", path: section ? [section + sub] : [], text: line });
    } else if ((m = line.match(/^专栏\s*(\d+)/))) {
      items.push({ label: `专栏${m[1]}`, kind: "box", path: [], text: line });
    } else {
      items[items.length - 1]!.text += line;
    }
  }
  return items
    .filter((it) => it.text)
    .map((it, order) => ({
      file, label: it.label, kind: it.kind, path: it.path, heading: "", text: it.text,
      responsible: null, order,
    }));
}

function loadDocs(seedsDir: string): Doc[] {
  return fs
    .readdirSync(seedsDir)
    .filter((f) => f.endsWith(".txt"))
    .sort()
    .map((file) => {
      const raw = fs.readFileSync(path.join(seedsDir, file), "utf8");
      const table = parseTable(file, raw);
      return { meta: parseMeta(file, raw), items: table.length > 10 ? table : parseOutline(file, raw) };
    });
}

// Question words carry no topic; leaving them out keeps "哪些" from matching everything.
const bigrams = (s: string): Set<string> => {
  const chars = Array.from(s.replace(/哪些|哪几|什么|多少|是否|怎么|[^\p{Script=Han}A-Za-z0-9]|[的了吗呢啥谁是]/gu, ""));
  const out = new Set<string>();
  for (let k = 0; k + 1 < chars.length; k++) out.add(chars[k]! + chars[k + 1]!);
  return out;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The fake service, plus counters tests can read. */
export interface FakeQaService extends QaService {
  readonly calls: { ask: number; search: number; reindex: number };
}

/** Builds the fake over the seed files in `seedsDir`. */
export function createFakeQaService(seedsDir: string, options: FakeQaOptions = {}): FakeQaService {
  const o = { ...DEFAULTS, ...options };
  let docs = loadDocs(seedsDir);
  // One object per load, as the real service keeps one per index (front ends cache by it).
  let corpus: Corpus = { documents: docs, problems: [] };
  const calls = { ask: 0, search: 0, reindex: 0 };

  const all = () =>
    docs.flatMap((d) => d.items.map((item) => ({ item, meta: d.meta, grams: bigrams(item.text + (item.responsible ?? []).join("、")) })));
  let indexed = all();
  let builtAt = new Date().toISOString();

  const idf = (g: string) => Math.log(1 + indexed.length / (1 + indexed.filter((x) => x.grams.has(g)).length));
  const rank = (question: string) => {
    const q = [...bigrams(question)];
    const weights = new Map(q.map((g) => [g, idf(g)]));
    const total = [...weights.values()].reduce((a, b) => a + b, 0) || 1;
    return indexed
      .map((x) => ({ ...x, score: q.reduce((s, g) => s + (x.grams.has(g) ? weights.get(g)! : 0), 0) / total }))
      .sort((a, b) => b.score - a.score || a.item.order - b.item.order);
  };
  const bestSentence = (text: string, question: string): string => {
    const q = bigrams(question);
    const sentences = text.split(/(?<=[。；！？])/).filter((s) => s.trim());
    let best = sentences[0] ?? text;
    let bestScore = -1;
    for (const s of sentences) {
      const score = [...bigrams(s)].filter((g) => q.has(g)).length;
      if (score > bestScore) [best, bestScore] = [s, score];
    }
    return best.trim();
  };
  const cite = (x: { item: Item; meta: DocumentMeta; score: number }): Citation => ({
    file: x.item.file, label: x.item.label, title: x.meta.title, docNumber: x.meta.docNumber,
    date: x.meta.date, kind: x.item.kind, text: x.item.text, score: Number(x.score.toFixed(4)),
  });

  return {
    calls,
    async ask(question: string, _options?: AskOptions): Promise<Answer> {
      calls.ask++;
      const t0 = performance.now();
      if (o.askDelayMs) await sleep(o.askDelayMs);
      const ranked = rank(question);
      const top = ranked[0]!;
      const retrieved = ranked.slice(0, 10).map((x) => ({ file: x.item.file, label: x.item.label, score: x.score }));
      const timings = { totalMs: performance.now() - t0, retrievalMs: 0 };
      if (top.score < o.refuseBelow) {
        const related = ranked.slice(0, 2).map(cite);
        return {
          question, shape: "fact", refused: true, lead: "文件中没有找到相关规定。", evidence: [], citations: [], related,
          text: `文件中没有找到相关规定。\n可能相关：${related.map((c) => `《${c.title}》${c.label ?? ""}`).join("；")}`,
          retrieved, via: "extractive", timings, turn: { question, shape: "fact", refused: true, citations: [], at: Date.now() },
        };
      }
      const wide = /哪些|哪几/.test(question) ? ranked.filter((x) => x.score >= top.score * 0.8).slice(0, 60) : [];
      const isList = wide.length > 1;
      const chosen = isList ? wide : [top];
      const citations = chosen.map(cite);
      const evidence: Evidence[] = chosen.map((x, k) => ({ quote: bestSentence(x.item.text, question), citation: k }));
      const units = top.item.responsible;
      const lead = isList
        ? `共 ${chosen.length} 项，见下。`
        : /谁|哪些|单位|部门/.test(question) && units
          ? `责任单位：${units.join("、")}`
          : evidence[0]!.quote;
      const text = [lead, ...evidence.map((e) => `「${e.quote}」`), ...citations.map((c) => `《${c.title}》${c.label ?? ""}`)].join("\n");
      return {
        question, shape: isList ? "list" : "fact", refused: false, lead, evidence, citations, related: [],
        text, retrieved, via: "extractive", timings,
        turn: {
          question, shape: isList ? "list" : "fact", refused: false,
          citations: citations.map((c) => ({ file: c.file, item: c.label, title: c.title })), at: Date.now(),
        },
      };
    },
    corpus: () => corpus,
    async search(query: string, limit: number): Promise<readonly ItemHit[]> {
      calls.search++;
      return rank(query)
        .filter((x) => x.score > 0)
        .slice(0, limit)
        .map((x) => ({ item: x.item, meta: x.meta, score: x.score }));
    },
    about: (): AboutInfo => ({
      embeddingModel: "fake-bigram (tests only)",
      indexBuiltAt: builtAt,
      documents: docs.length,
      items: indexed.length,
      answerMode: "extractive",
    }),
    async reindex() {
      calls.reindex++;
      const t0 = performance.now();
      if (o.reindexDelayMs) await sleep(o.reindexDelayMs);
      docs = loadDocs(seedsDir);
      corpus = { documents: docs, problems: [] };
      indexed = all();
      builtAt = new Date().toISOString();
      return { documents: docs.length, items: indexed.length, ms: performance.now() - t0, problems: [] };
    },
  };
}
