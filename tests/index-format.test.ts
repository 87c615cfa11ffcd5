/**
 * The index format that scales: binary sections, the saved corpus, passages, lexical
 * index and substring frequencies. Save → load gives back exactly what was built;
 * damaged files are found (by checksum, and by structure when the checksum was
 * forged); an index of the previous format is rebuilt; a start whose seeds did not
 * change reads no seed.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULTS, loadSettings, PROJECT_ROOT } from "../src/config/settings.ts";
import { loadCorpus } from "../src/corpus/load-corpus.ts";
import type { Corpus } from "../src/corpus/types.ts";
import { createEmbeddings } from "../src/embeddings/transformers-embeddings.ts";
import { encodeSections, Sections, SectionFormatError } from "../src/index/binary-sections.ts";
import { encodeCorpus, openCorpus } from "../src/index/corpus-file.ts";
import { responsibleNames } from "../src/corpus/corpus-units.ts";
import { INDEX_FORMAT_VERSION, ManifestSchema, MANIFEST_FILE, sha256Hex } from "../src/index/manifest.ts";
import { fingerprintSeeds } from "../src/index/source-fingerprint.ts";
import { createLogger, type Logger } from "../src/logging/logger.ts";
import { LexicalIndex } from "../src/retrieval/lexical-index.ts";
import { loadVocabulary } from "../src/lexicon/vocabulary.ts";
import { squash } from "../src/text/normalize.ts";
import { PassageTable } from "../src/retrieval/passage-table.ts";
import { frequencyText, SubstringFrequency } from "../src/retrieval/substring-frequency.ts";
import { analyzerFor } from "../src/service/assemble-engine.ts";
import { indexInputsHash } from "../src/service/index-inputs.ts";
import { loadGraph, loadSearchIndex, openSavedIndex, type LoadedIndex, type WhileGraphLoads } from "../src/service/load-search-index.ts";
import type { ExpectedIndex } from "../src/index/open-index.ts";
import { VectorShards, type VectorSearch } from "../src/index/vector-shards.ts";
import { WorkerVectors } from "../src/retrieval/worker-vectors.ts";
import { seededUnitVector } from "../src/embeddings/offline-model/seeded-vectors.ts";

const SEEDS = path.join(PROJECT_ROOT, DEFAULTS.seedsDir);
const VOCABULARY = path.join(PROJECT_ROOT, "data");

function capture(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  return { lines, logger: createLogger({ sink: (l) => lines.push(l), minLevel: "info" }) };
}

let tmp: string;
/**
 * A corpus as plain objects: a saved corpus reads its items' fields and documents' facts
 * when asked (getters), which toEqual does not see.
 */
const plain = (c: Corpus) => ({
  problems: c.problems,
  documents: c.documents.map(({ meta: m, items }) => ({
    meta: { file: m.file, title: m.title, docNumber: m.docNumber, issuer: m.issuer, date: m.date, year: m.year, facts: m.facts },
    items: items.map((i) => {
      const { file, label, kind, heading, text, responsible, order, lead } = i;
      return { file, label, kind, path: i.path, heading, text, responsible, order, lead };
    }),
  })),
});
let corpus: Corpus;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "policybot-index-format-"));
  corpus = await loadCorpus(SEEDS);
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe("binary sections", () => {
  const sample = () =>
    Buffer.concat(
      encodeSections("test-kind", { n: 3 }, { a: Uint32Array.from([1, 2, 3]), b: Float64Array.from([0.5, -1]), c: new Uint8Array([7]) }),
    );

  it("round-trips typed sections and the header", () => {
    const s = Sections.decode(sample(), "test-kind");
    expect(s.meta).toEqual({ n: 3 });
    expect([...s.get("a", "u32", 3)]).toEqual([1, 2, 3]);
    expect([...s.get("b", "f64")]).toEqual([0.5, -1]);
    expect([...s.bytesOf("c")]).toEqual([7]);
    // Read in place from a misaligned copy too.
    const shifted = Buffer.concat([Buffer.alloc(3), sample()]).subarray(3);
    expect([...Sections.decode(shifted, "test-kind").get("a", "u32")]).toEqual([1, 2, 3]);
  });

  it("refuses other kinds, truncation, garbage and sections out of range, with a reason", () => {
    const bytes = sample();
    expect(() => Sections.decode(bytes, "other-kind")).toThrow(/holds test-kind, expected other-kind/);
    expect(() => Sections.decode(bytes.subarray(0, bytes.length - 8), "test-kind")).toThrow(SectionFormatError);
    expect(() => Sections.decode(Buffer.from("not a container at all"), "test-kind")).toThrow(/not a test-kind file/);
    const s = Sections.decode(bytes, "test-kind");
    expect(() => s.get("a", "f64")).toThrow(/holds u32, expected f64/);
    expect(() => s.get("a", "u32", 4)).toThrow(/holds 3 values, expected 4/);
    expect(() => s.get("zz", "u8")).toThrow(/section zz is missing/);
    const header = JSON.parse(bytes.toString("utf8", 12, 12 + bytes.readUInt32LE(8)));
    header.sections[0].length = 1e9;
    const forged = JSON.stringify(header);
    const head = Buffer.alloc(12);
    head.writeUInt32LE(bytes.readUInt32LE(0), 0);
    head.writeUInt32LE(1, 4);
    head.writeUInt32LE(forged.length, 8);
    expect(() => Sections.decode(Buffer.concat([head, Buffer.from(forged), Buffer.alloc(64)]), "test-kind")).toThrow(
      /lies outside the file/,
    );
  });

  it("read a section left on disk as it is written, whatever reads it keeps and drops", async () => {
    const data = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251);
    const file = path.join(tmp, "sections.bin");
    await fs.writeFile(file, Buffer.concat(encodeSections("test-kind", {}, { data, small: new Uint8Array([1, 2]) })));
    const s = await Sections.open(file, "test-kind", (name, bytes) => name === "data" && bytes === data.length);
    expect([...s.get("small", "u8")]).toEqual([1, 2]);
    expect(() => s.get("data", "u8")).toThrow(/left on disk/);
    // Kept up to 32 kB: reads of 4 to 8 kB come back from memory until pushed out by others.
    const source = s.source("data", 32 * 1024);
    let seed = 5;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let k = 0; k < 400; k++) {
      const start = rnd(40) * 4096;
      const length = [100, 4096, 8192, 20_000][rnd(4)]!;
      expect(Buffer.from(source.read(start, length)).equals(Buffer.from(data.subarray(start, start + length)))).toBe(true);
    }
    const into = new Uint8Array(10_000);
    expect(source.read(50, 5000, into).buffer).toBe(into.buffer);
    expect(() => source.read(data.length - 10, 20)).toThrow(/outside the section/);
  });
});

describe("the saved corpus and search structures", () => {
  it("decode to exactly what was built", async () => {
    // Opened from the file, the texts are read into memory (small) or stay there and are read per item.
    await fs.writeFile(path.join(tmp, "corpus.bin"), Buffer.concat(encodeCorpus(corpus)));
    const decoded = await openCorpus({ file: path.join(tmp, "corpus.bin") });
    expect(plain(decoded)).toEqual(corpus);
    expect(plain(await openCorpus({ file: path.join(tmp, "corpus.bin") }, { textsInMemory: 0 }))).toEqual(corpus);
    // The unit names, worked out from the saved tables: as reading every item gives them.
    expect(corpus.unitNames).toBeUndefined();
    expect(decoded.unitNames).toEqual(responsibleNames(corpus));
    expect(decoded.unitNames).toContain("省财政厅");
    // Fields are decoded when first read, in any order, and read the same again.
    const fresh = (await openCorpus({ file: path.join(tmp, "corpus.bin") }, { textsInMemory: 0 })).documents.flatMap((d) => d.items);
    const original = corpus.documents.flatMap((d) => d.items);
    for (let k = fresh.length - 1; k >= 0; k--) {
      expect([fresh[k]!.text, fresh[k]!.path, fresh[k]!.label]).toEqual([original[k]!.text, original[k]!.path, original[k]!.label]);
    }

    const table = PassageTable.build(corpus);
    const again = await PassageTable.decode(Buffer.concat(table.encode()), decoded);
    expect(again.size).toBe(table.size);
    for (let p = 0; p < table.size; p++) {
      expect([again.text(p), again.chunk(p), again.item(p).item.order]).toEqual([table.text(p), table.chunk(p), table.item(p).item.order]);
      // A passage is its item's context line and a piece of its text.
      const { item, meta } = table.item(p);
      expect(table.text(p).startsWith(meta.title)).toBe(true);
      expect(item.text.replace(/\s/g, "")).toContain(table.chunkText(p).replace(/\s/g, ""));
    }
    expect(table.size).toBeGreaterThan(table.items.length); // long items are split

    const analyzer = await analyzerFor(corpus, loadVocabulary(path.join(PROJECT_ROOT, "data")));
    const lexical = LexicalIndex.build(Array.from({ length: table.size }, (_, p) => table.text(p)), analyzer);
    const file = path.join(tmp, "lexical.bin");
    await fs.writeFile(file, Buffer.concat(lexical.encode()));
    // From bytes in memory, and from the file with its lists left on disk.
    const questions = ["中职和普高的学籍能互转吗", "省财政厅负责哪些任务", "职业教育活动周", "不相干的问题"];
    for (const reloaded of [await LexicalIndex.decode(await fs.readFile(file)), await LexicalIndex.decode({ file })]) {
      for (const q of questions) {
        const terms = analyzer.analyzeQuery(q);
        expect(reloaded.rank(terms, 60)).toEqual(lexical.rank(terms, 60));
      }
    }
    // Both families ranked by worker threads: the same numbers; once the workers are stopped, ranked here.
    const split = await LexicalIndex.decode({ file }, { inWorkers: true });
    expect(split.size).toBe(lexical.size);
    const inWorkers = "this index ranks its terms in worker threads: use search()";
    expect(() => split.rank(analyzer.analyzeQuery(questions[0]!), 60)).toThrow(inWorkers);
    await expect(split.ready()).resolves.toBeUndefined(); // the workers have opened their tables
    const together = await Promise.all(questions.map((q) => split.search(analyzer.analyzeQuery(q), 60)));
    expect(together).toEqual(questions.map((q) => lexical.rank(analyzer.analyzeQuery(q), 60)));
    expect([split.rankedIn("words"), split.rankedIn("bigrams")]).toEqual(["worker", "worker"]);
    await split.close();
    await expect(split.ready()).resolves.toBeUndefined(); // a stopped worker is not waited for, nor an error
    for (const q of questions) expect(await split.search(analyzer.analyzeQuery(q), 60)).toEqual(lexical.rank(analyzer.analyzeQuery(q), 60));
    expect([split.rankedIn("words"), split.rankedIn("bigrams")]).toEqual(["this thread", "this thread"]);
    expect(() => split.encode()).toThrow(inWorkers);
    const fewer = { documents: corpus.documents.slice(1), problems: [] };
    await expect(PassageTable.decode(Buffer.concat(table.encode()), fewer)).rejects.toThrow(/do not belong/);
  });

  it("refuse a saved corpus whose offset tables are out of order", async () => {
    const bytes = Buffer.concat(encodeCorpus(corpus));
    const header = JSON.parse(bytes.subarray(12, 12 + bytes.readUInt32LE(8)).toString("utf8")) as {
      sections: { name: string; offset: number; length: number }[];
    };
    const damages = [
      ["strings.start", /strings are out of order/],
      ["texts.start", /item texts are out of order/],
      ["lists.start", /list table is out of order/],
    ] as const;
    for (const [name, message] of damages) {
      const section = header.sections.find((e) => e.name === name)!;
      expect(section.length, name).toBeGreaterThan(3);
      // The second offset past the third: an entry would end before it starts.
      const damaged = Buffer.from(bytes);
      damaged.writeUInt32LE(damaged.readUInt32LE(section.offset + 8) + 1, section.offset + 4);
      const file = path.join(tmp, `out-of-order-${name}.bin`);
      await fs.writeFile(file, damaged);
      await expect(openCorpus({ file }), name).rejects.toThrow(message);
      await expect(openCorpus({ file }, { textsInMemory: 0 }), name).rejects.toThrow(message);
    }
  });

  it("count substrings exactly as scanning every item's text does", async () => {
    const texts = corpus.documents.flatMap((d) => d.items.map((i) => frequencyText(d.meta, i)));
    const documentOf = corpus.documents.flatMap((d, k) => d.items.map(() => k));
    const file = path.join(tmp, "frequency.bin");
    const built = SubstringFrequency.build(texts, documentOf);
    await fs.writeFile(file, Buffer.concat(built.encode()));
    // Built in memory; saved and read back whole, or with its texts left on disk, read a megabyte or 64 bytes at a time.
    const indexes = [
      built,
      await SubstringFrequency.decode({ file }),
      await SubstringFrequency.decode({ file }, { textsInMemory: 0 }),
      await SubstringFrequency.decode({ file }, { textsInMemory: 0, readRun: 64 }),
    ];
    const scan = (term: string) => {
      const t = squash(term);
      return t === "" ? 0 : texts.filter((x) => x.includes(t)).length;
    };
    const terms = new Set(["", " ", "职业教育", "职 业", "ＡＢＣ", "𪚥", "2025年", "（一）", "省教育厅", "不存在的词语", "\n", "绩效工资", "5倍"]);
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 1500; i++) {
      const t = texts[Math.floor(rnd() * texts.length)]!;
      const at = Math.floor(rnd() * t.length);
      terms.add(t.slice(at, at + 1 + Math.floor(rnd() * 9)));
      terms.add(t.slice(at, at + 3) + t.slice(at + 5, at + 8)); // pairs all present, term absent
    }
    // Which items: all of them, or only where the term starts past each item's first `skip` code units.
    const skip = (i: number) => (i * 7) % 11;
    const items = (term: string, from?: (i: number) => number) => {
      const t = squash(term);
      return texts.flatMap((x, i) => (x.indexOf(t, from?.(i) ?? 0) >= 0 ? [i] : []));
    };
    const few = Uint32Array.from(texts.flatMap((_, i) => (i % 13 === 5 ? [i] : [])));
    const most = Uint32Array.from(texts.flatMap((_, i) => (i % 5 !== 0 ? [i] : [])));
    for (const index of indexes) {
      for (const term of terms) {
        // Presence first (df's count would answer it from the cache).
        expect(index.has(term), JSON.stringify(term)).toBe(scan(term) > 0);
        expect(index.df(term), JSON.stringify(term)).toBe(scan(term));
        if (term === "") continue;
        expect([...index.itemsWith(term)], JSON.stringify(term)).toEqual(items(term));
        expect([...index.itemsWith(term, skip)], JSON.stringify(term)).toEqual(items(term, skip));
        // Among some items only: a few (searched one by one) or most (a single code unit: one pass over all).
        for (const within of [few, most]) {
          const among = (found: number[]) => found.filter((i) => within.includes(i));
          expect([...index.itemsWith(term, undefined, within)], JSON.stringify(term)).toEqual(among(items(term)));
          expect([...index.itemsWith(term, skip, within)], JSON.stringify(term)).toEqual(among(items(term, skip)));
        }
        // The documents among whose items each of the term's pairs is written (texts are squashed: a pair with a space is in none).
        for (let k = 0; k + 1 < term.length; k++) {
          const pair = term.slice(k, k + 2);
          if (squash(pair) !== pair) {
            expect(index.documentsWithPair(pair)).toBe(0);
            continue;
          }
          expect(index.documentsWithPair(pair), JSON.stringify(pair)).toBe(new Set(items(pair).map((i) => documentOf[i])).size);
        }
      }
      expect(index.total).toBe(texts.length);
    }
  });

  it("estimate a longer term's count from a sample once thousands of items hold its pairs", () => {
    // Every text holds 职业, 业教 and 教育; a third hold 职业教育 itself.
    const texts = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? `第${i}条职业教育` : `第${i}条职业学校，业教，教育`));
    const index = SubstringFrequency.build(texts);
    const exact = texts.filter((t) => t.includes("职业教育")).length;
    // 256 of 20,000 candidates sampled: a standard error of 2.9 % of them (590 items), here 208 off.
    expect(Math.abs(index.df("职业教育") - exact)).toBeLessThan(0.029 * texts.length);
    expect(index.df("职业教育")).not.toBe(exact); // estimated, not counted
    expect(index.df("条职业")).toBe(texts.length); // every sampled candidate holds it
    expect(index.df("职业教育学校")).toBe(0);
    expect(index.itemsWith("职业教育")).toHaveLength(exact); // the items themselves stay exact
    // Presence: in the first items holding the rarest pair, or else counted (a term one late item holds).
    expect(index.has("职业教育")).toBe(true);
    expect(index.has("第10000条职业学")).toBe(true);
    expect(index.has("第10000条职业教")).toBe(false);
    expect(index.has("职业教育学校")).toBe(false);
  });

  it("never match across a code-unit boundary or between items", () => {
    // 中文 is 2d 4e 87 65 in UTF-16LE: 蝎 (U+874E) is those middle bytes, and must not match.
    const index = SubstringFrequency.build(["中文", "文中", "𪚥x", "ab"]);
    expect(index.df("蝎")).toBe(0);
    expect(index.df("中文")).toBe(1);
    expect(index.df("文中文")).toBe(0);
    expect(index.df("𪚥")).toBe(1);
    expect(index.df("ba")).toBe(0);
    expect(index.df("中")).toBe(2);
  });
});

describe("the index on disk", () => {
  let seeds: string;
  let indexDir: string;

  async function open<T = undefined>(logger: Logger, whileGraphLoads?: WhileGraphLoads<T>): Promise<LoadedIndex<T>> {
    const settings = loadSettings({ POLICYBOT_SEEDS_DIR: seeds, POLICYBOT_INDEX_DIR: indexDir });
    const embeddings = createEmbeddings(settings.embedding, logger);
    const model = await embeddings.activeModel();
    return loadSearchIndex(
      { seedsDir: seeds, indexDir, vocabularyDir: settings.vocabularyDir, embedding: settings.embedding },
      embeddings,
      model,
      logger,
      whileGraphLoads,
    );
  }

  /** What a start of the current seeds expects of the index. */
  async function expectedIndex(): Promise<ExpectedIndex> {
    const settings = loadSettings({ POLICYBOT_SEEDS_DIR: seeds, POLICYBOT_INDEX_DIR: indexDir });
    const embeddings = createEmbeddings(settings.embedding);
    const model = await embeddings.activeModel();
    const inputsHash = await indexInputsHash(await fingerprintSeeds(seeds), embeddings, settings.vocabularyDir);
    return { model: model.id, dimensions: model.dimensions, inputsHash };
  }

  async function liveDir(): Promise<string> {
    return path.join(indexDir, (await fs.readFile(path.join(indexDir, "CURRENT"), "utf8")).trim());
  }

  beforeAll(async () => {
    seeds = path.join(tmp, "seeds");
    indexDir = path.join(tmp, "index");
    await fs.cp(SEEDS, seeds, { recursive: true });
  });

  it("is built once, then opened as saved: the same corpus, without parsing the seeds again", async () => {
    const first = capture();
    const built = await open(first.logger);
    expect(built.origin).toBe("built");
    expect(first.lines.some((l) => /no index yet/.test(l))).toBe(true);

    const again = capture();
    const opened = await open(again.logger);
    expect(opened.origin).toBe("opened");
    expect(again.lines.some((l) => /building|rebuilding/.test(l))).toBe(false);
    expect(plain(opened.parts.corpus)).toEqual(await loadCorpus(seeds));
    expect(opened.graph.size).toBe(opened.parts.passages.size);

    // Touched but unchanged: still current. Changed: rebuilt.
    const file = path.join(seeds, (await fs.readdir(seeds))[0]!);
    const later = new Date(Date.now() + 60_000);
    await fs.utimes(file, later, later);
    expect((await open(capture().logger)).origin).toBe("opened");
    await fs.appendFile(file, "\n十、新增的一条措施。\n");
    const changed = capture();
    expect((await open(changed.logger)).origin).toBe("built");
    expect(changed.lines.some((l) => /is stale \(manifest: built from other inputs/.test(l))).toBe(true);
  }, 180_000);

  it("reuses the recorded hash of a file whose size and time did not change", async () => {
    // Files older than the racy window, so that their times are recorded.
    const hourAgo = new Date(Date.now() - 3_600_000);
    for (const name of await fs.readdir(seeds)) await fs.utimes(path.join(seeds, name), hourAgo, hourAgo);
    const saved = await fingerprintSeeds(seeds);
    expect(saved.every((f) => f.mtimeMs >= 0)).toBe(true);
    const forged = saved.map((f) => ({ ...f, sha256: f.mtimeMs >= 0 ? "recorded" : f.sha256 }));
    const again = await fingerprintSeeds(seeds, forged);
    expect(again.filter((f) => f.sha256 === "recorded").length).toBe(saved.filter((f) => f.mtimeMs >= 0).length);
    // A recorded size that is not the file's: that file is read and hashed again, the others trusted, in name order.
    const resized = forged.map((f, i) => (i === 1 ? { ...f, bytes: f.bytes + 1 } : f));
    const third = await fingerprintSeeds(seeds, resized);
    expect(third.map((f) => f.name)).toEqual(saved.map((f) => f.name));
    expect([third[1]!.bytes, third[1]!.sha256]).toEqual([saved[1]!.bytes, saved[1]!.sha256]);
    expect(third.filter((f) => f.sha256 === "recorded").length).toBe(saved.filter((f, i) => f.mtimeMs >= 0 && i !== 1).length);
  });

  it("hands the decoded parts over while the vectors load, and the index out once they have loaded", async () => {
    await open(capture().logger);
    const calls: { passages: number; graph: Promise<VectorSearch>; builtAt: string }[] = [];
    const opened = await open(capture().logger, async (parts, graph, builtAt) => {
      calls.push({ passages: parts.passages.size, graph, builtAt });
      return "assembled";
    });
    expect(opened.origin).toBe("opened");
    expect(opened.prepared).toBe("assembled");
    expect(calls).toHaveLength(1);
    expect(await calls[0]!.graph).toBe(opened.graph); // the same graph, loaded
    expect([calls[0]!.passages, calls[0]!.builtAt]).toEqual([opened.graph.size, opened.builtAt]);
    // What fails while the vectors load makes the index unusable, with the reason.
    const failed = await openSavedIndex(indexDir, await expectedIndex(), VOCABULARY, () => Promise.reject(new Error("no engine")));
    expect(failed.status === "corrupt" && failed.reason).toMatch(/^gen-[^/]+\/no engine$/);
  });

  it("loads a large index's vectors into a worker, which searches them as this thread would", async () => {
    await open(capture().logger);
    const dir = await liveDir();
    const manifest = ManifestSchema.parse(JSON.parse(await fs.readFile(path.join(dir, MANIFEST_FILE), "utf8")));
    const here = await loadGraph(dir, manifest); // a few circulars: below VECTORS_IN_WORKER_FROM
    const inWorker = await loadGraph(dir, manifest, here.size);
    expect([here instanceof VectorShards, inWorker instanceof WorkerVectors]).toEqual([true, true]);
    const queries = [3, 50, here.size - 1].map((n) => seededUnitVector(`query ${n}`, manifest.embedding.dimensions));
    for (const q of queries) expect(await inWorker.search(q, 10)).toEqual(await here.search(q, 10));
    expect((inWorker as WorkerVectors).searchedIn).toBe("worker");
    await (inWorker as WorkerVectors).close();
  });

  it("finds a damaged file, by checksum or, when the checksum was rewritten, by structure; then rebuilds", async () => {
    await open(capture().logger);
    const expected = await expectedIndex();
    expect((await openSavedIndex(indexDir, expected, VOCABULARY)).status).toBe("ok");
    const dir = await liveDir();
    const manifestFile = path.join(dir, MANIFEST_FILE);
    const manifest = await fs.readFile(manifestFile);
    const names = ["corpus.bin", "passages.bin", "lexical.bin", "frequency.bin", "sources.json", "vectors.hnsw"];
    for (const name of names) {
      const file = path.join(dir, name);
      const original = await fs.readFile(file);
      const bytes = Buffer.from(original);
      bytes[Math.floor(bytes.length / 2)]! ^= 0x20;
      await fs.writeFile(file, bytes);
      const opened = await openSavedIndex(indexDir, expected, VOCABULARY);
      expect(opened.status === "corrupt" && opened.reason, name).toMatch(new RegExp(`${name.replace(".", "\\.")}: checksum mismatch`));

      if (name !== "vectors.hnsw" && name !== "sources.json") {
        // Damage that a forged checksum hides is still found by the file's own structure.
        bytes.writeUInt32LE(0xdeadbeef, 0);
        await fs.writeFile(file, bytes);
        const m = JSON.parse(manifest.toString("utf8"));
        m.files[name].sha256 = sha256Hex(bytes);
        await fs.writeFile(manifestFile, JSON.stringify(m));
        const forged = await openSavedIndex(indexDir, expected, VOCABULARY);
        expect(forged.status === "corrupt" && forged.reason, name).toMatch(new RegExp(`${name.replace(".", "\\.")}: not a policybot-`));
        await fs.writeFile(manifestFile, manifest);
      }
      await fs.writeFile(file, original);
      expect((await openSavedIndex(indexDir, expected, VOCABULARY)).status, name).toBe("ok");
    }
    // Through the service: a damaged file found at start means a rebuild.
    const file = path.join(dir, "frequency.bin");
    const bytes = await fs.readFile(file);
    bytes[100]! ^= 1;
    await fs.writeFile(file, bytes);
    const log = capture();
    expect((await open(log.logger)).origin).toBe("built");
    expect(log.lines.some((l) => /frequency\.bin: checksum mismatch.*rebuilding/.test(l))).toBe(true);
  }, 180_000);

  it("rebuilds an index of the previous format (one lexical.json and a JSON docstore)", async () => {
    await open(capture().logger);
    const dir = await liveDir();
    const manifest = JSON.parse(await fs.readFile(path.join(dir, MANIFEST_FILE), "utf8"));
    const old = {
      ...manifest,
      formatVersion: 1,
      files: { "vectors.hnsw": manifest.files["vectors.hnsw"], "lexical.json": { bytes: 2, sha256: sha256Hex("{}") } },
    };
    await fs.writeFile(path.join(dir, "lexical.json"), "{}");
    await fs.writeFile(path.join(dir, MANIFEST_FILE), JSON.stringify(old));
    const log = capture();
    const rebuilt = await open(log.logger);
    expect(rebuilt.origin).toBe("built");
    const stale = new RegExp(`index format version 1, this program reads version ${INDEX_FORMAT_VERSION}\\); rebuilding`);
    expect(log.lines.some((l) => stale.test(l))).toBe(true);
    expect((await open(capture().logger)).origin).toBe("opened");
  }, 120_000);
});
