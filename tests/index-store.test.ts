/**
 * The on-disk index: the HNSW graph and the LangChain vector store over it (search,
 * save/load), the manifest, integrity checks on open, atomic generations and cleanup.
 * Embeddings are a deterministic fake (hashed character bigrams): the component under
 * test is the store, not a model.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Document } from "@langchain/core/documents";
import { Embeddings } from "@langchain/core/embeddings";
import { VectorShards } from "../src/index/vector-shards.ts";
import { WorkerVectors } from "../src/retrieval/worker-vectors.ts";
import { HnswVectorStore } from "../src/index/hnsw-vector-store.ts";
import { DimensionMismatchError, IndexLoadError, IndexWriteError } from "../src/index/errors.ts";
import { hashInputs, INDEX_FORMAT_VERSION, MANIFEST_FILE, stableJson } from "../src/index/manifest.ts";
import { writeIndex } from "../src/index/write-index.ts";
import { openIndex, STAMP_FILE, verifyIndex, type ExpectedIndex } from "../src/index/open-index.ts";
import { cleanIndexFolder } from "../src/index/clean-index.ts";
import { POINTER_FILE } from "../src/index/index-layout.ts";
import { seededUnitVector } from "../src/embeddings/offline-model/seeded-vectors.ts";

const DIMS = 64;

/** Hashed character unigrams and bigrams, L2-normalised: similar texts get similar vectors. */
class HashEmbeddings extends Embeddings {
  constructor(readonly dims: number = DIMS) {
    super({});
  }
  embed(text: string): number[] {
    const v = new Array<number>(this.dims).fill(0);
    const chars = [...text];
    const grams = [...chars, ...chars.slice(1).map((c, i) => chars[i] + c)];
    for (const g of grams) {
      let h = 2166136261;
      for (const ch of g) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619) >>> 0;
      v[h % this.dims]! += h & 0x10000 ? 1 : -1;
    }
    const norm = Math.hypot(...v) || 1;
    return v.map((x) => x / norm);
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => this.embed(t));
  }
  async embedQuery(text: string): Promise<number[]> {
    return this.embed(text);
  }
}

function randomVectors(n: number, dims: number, seed: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from(seededUnitVector(`${seed}/${i}`, dims)));
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  a.forEach((x, i) => {
    dot += x * b[i]!;
    na += x * x;
    nb += b[i]! * b[i]!;
  });
  return dot / Math.sqrt(na * nb);
}

const TOPICS = [
  "职业教育产教融合", "中等职业学校办学条件达标", "职业院校教师队伍建设", "技能大赛组织实施", "高职扩招",
  "现代学徒制试点", "职业教育活动周", "学生资助政策落实", "教学诊断与改进", "专业目录调整",
  "校企合作实训基地", "职业技能等级证书", "双高计划建设", "乡村振兴人才培养", "职业教育督导评估",
];

/** Items like the parsed corpus: citation data in metadata, text in pageContent. */
function corpusDocs(count = 150): Document[] {
  return Array.from({ length: count }, (_, i) => {
    const topic = TOPICS[i % TOPICS.length]!;
    return new Document({
      pageContent: `${i + 1}. 推进${topic}工作，第${i}项措施，落实${TOPICS[(i * 7) % TOPICS.length]}。`,
      metadata: {
        file: `00${i % 5}_abcdef0123456789.txt`,
        label: i % 11 === 0 ? null : `${i + 1}`,
        kind: i % 11 === 0 ? "text" : "item",
        order: i,
        responsible: i % 3 === 0 ? ["省教育厅", "省人力资源社会保障厅"] : null,
        chunk: { index: i % 4, of: 4 },
      },
    });
  });
}

const QUERIES = ["产教融合", "教师队伍", "技能大赛怎么组织", "学生资助", "乡村振兴", "督导评估", "双高计划", "不相关的问题"];

let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "policybot-index-"));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await fs.rm(tmp, { recursive: true, force: true });
});

async function searchAll(store: HnswVectorStore, k = 10) {
  const out = [];
  for (const q of QUERIES) {
    const res = await store.similaritySearchWithScore(q, k);
    out.push(res.map(([d, s]) => ({ content: d.pageContent, metadata: d.metadata, id: d.id, score: s })));
  }
  return out;
}

describe("hashInputs", () => {
  it("ignores key order, keeps array order, and changes with content", () => {
    const a = { documents: [{ file: "x", items: [1, 2] }], problems: [] };
    const b = { problems: [], documents: [{ items: [1, 2], file: "x" }] };
    expect(hashInputs(a)).toBe(hashInputs(b));
    expect(hashInputs(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashInputs({ documents: [{ file: "x", items: [2, 1] }], problems: [] })).not.toBe(hashInputs(a));
    expect(hashInputs({ ...a, extra: 1 })).not.toBe(hashInputs(a));
    expect(stableJson({ b: 1, a: [undefined, "x"], c: undefined })).toBe('{"a":[null,"x"],"b":1}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => hashInputs(cyclic)).toThrow(TypeError);
  });
});

describe("HnswVectorStore", () => {
  it("finds the document a query was taken from, with metadata exactly as given", async () => {
    const docs = corpusDocs();
    const store = await HnswVectorStore.fromDocuments(docs, new HashEmbeddings());
    expect(store.size).toBe(docs.length);
    expect(store.dimensions).toBe(DIMS);
    for (const i of [0, 7, 33, 149]) {
      const [[doc, score]] = (await store.similaritySearchWithScore(docs[i]!.pageContent, 1)) as [[Document, number]];
      expect(doc.pageContent).toBe(docs[i]!.pageContent);
      expect(doc.metadata).toEqual(docs[i]!.metadata);
      expect(score).toBeCloseTo(1, 5);
    }
    const results = await store.similaritySearchWithScore("产教融合", 10);
    expect(results).toHaveLength(10);
    const scores = results.map(([, s]) => s);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it("returns exact nearest neighbours on a few hundred vectors", async () => {
    const vectors = randomVectors(400, 32, 7);
    const docs = vectors.map((_, i) => new Document({ pageContent: `v${i}`, metadata: { order: i } }));
    const store = new HnswVectorStore(new HashEmbeddings(32));
    await store.addVectors(vectors, docs);
    for (const q of randomVectors(60, 32, 99)) {
      const expected = vectors
        .map((v, i) => ({ i, s: cosine(q, v) }))
        .sort((a, b) => b.s - a.s || a.i - b.i)
        .slice(0, 10);
      const got = await store.similaritySearchVectorWithScore(q, 10);
      expect(got.map(([d]) => d.metadata.order)).toEqual(expected.map((e) => e.i));
      got.forEach(([, s], j) => expect(s).toBeCloseTo(expected[j]!.s, 4));
    }
  });

  it("breaks ties by insertion order, the same way every time", async () => {
    const dup = Array.from(seededUnitVector("tie", 16));
    const vectors = [...randomVectors(30, 16, 11), ...Array.from({ length: 25 }, () => [...dup]), ...randomVectors(30, 16, 12)];
    const docs = vectors.map((_, i) => new Document({ pageContent: `d${i}`, metadata: { order: i } }));
    const store = new HnswVectorStore(new HashEmbeddings(16));
    await store.addVectors(vectors, docs);
    const first = await store.similaritySearchVectorWithScore(dup, 7);
    expect(first.map(([d]) => d.metadata.order)).toEqual([30, 31, 32, 33, 34, 35, 36]);
    for (let i = 0; i < 5; i++) {
      const again = await store.similaritySearchVectorWithScore(dup, 7);
      expect(again.map(([d]) => d.metadata.order)).toEqual([30, 31, 32, 33, 34, 35, 36]);
    }
    // k larger than the store: everything, once.
    expect(await store.similaritySearchVectorWithScore(dup, 1000)).toHaveLength(85);
  });

  it("filters on metadata", async () => {
    const store = await HnswVectorStore.fromDocuments(corpusDocs(), new HashEmbeddings());
    const res = await store.similaritySearch("产教融合", 8, (d) => d.metadata.file === "002_abcdef0123456789.txt");
    expect(res).toHaveLength(8);
    for (const d of res) expect(d.metadata.file).toBe("002_abcdef0123456789.txt");
  });

  it("rejects wrong dimensions and metadata JSON cannot keep", async () => {
    const store = new HnswVectorStore(new HashEmbeddings(8));
    await store.addVectors([[1, 0, 0, 0, 0, 0, 0, 0]], [new Document({ pageContent: "a", metadata: {} })]);
    await expect(store.addVectors([[1, 2, 3]], [new Document({ pageContent: "b", metadata: {} })])).rejects.toBeInstanceOf(
      DimensionMismatchError,
    );
    await expect(store.similaritySearchVectorWithScore([1, 2], 1)).rejects.toBeInstanceOf(DimensionMismatchError);
    await expect(
      store.addVectors([[0, 1, 0, 0, 0, 0, 0, 0]], [new Document({ pageContent: "c", metadata: { when: new Date() } })]),
    ).rejects.toThrow(/metadata\.when is a Date/);
    expect(store.size).toBe(1);
  });

  it("save → load gives identical search results", async () => {
    const docs = corpusDocs();
    docs[3]!.id = "item-3";
    const store = await HnswVectorStore.fromDocuments(docs, new HashEmbeddings());
    const before = await searchAll(store);
    await store.save(tmp);
    const loaded = await HnswVectorStore.load(tmp, new HashEmbeddings());
    expect(loaded.size).toBe(store.size);
    expect(await searchAll(loaded)).toEqual(before);
    expect(loaded.documents().map((d) => d.metadata)).toEqual(docs.map((d) => d.metadata));
    expect(loaded.documents()[3]!.id).toBe("item-3");
    // Still usable for adding after a load.
    await loaded.addDocuments([new Document({ pageContent: "新增的一条关于招生计划的内容", metadata: { order: 999 } })]);
    const [top] = await loaded.similaritySearch("新增的一条关于招生计划的内容", 1);
    expect(top!.metadata.order).toBe(999);
  });

  it("load reports a docstore that does not match the graph", async () => {
    const store = await HnswVectorStore.fromDocuments(corpusDocs(20), new HashEmbeddings());
    await store.save(tmp);
    await fs.appendFile(path.join(tmp, "vectors.hnsw"), Buffer.alloc(10));
    await expect(HnswVectorStore.load(tmp, new HashEmbeddings())).rejects.toBeInstanceOf(IndexLoadError);
    await store.save(tmp);
    const docstore = path.join(tmp, "docstore.jsonl");
    const lines = (await fs.readFile(docstore, "utf8")).trimEnd().split("\n");
    await fs.writeFile(docstore, lines.slice(0, -1).join("\n") + "\n");
    await expect(HnswVectorStore.load(tmp, new HashEmbeddings())).rejects.toThrow(/holds 19 documents, its header says 20/);
    await fs.writeFile(docstore, lines.join("\n").replace('"pageContent"', '"pageContant"'));
    await expect(HnswVectorStore.load(tmp, new HashEmbeddings())).rejects.toBeInstanceOf(IndexLoadError);
  });
});

describe("vector shards", () => {
  it("search several graphs as one: exact on small shards, labels running on, saved and loaded in parallel", async () => {
    const vectors = randomVectors(600, 24, 5);
    const sharded = VectorShards.create(24, {}, 250);
    sharded.add(vectors.slice(0, 100));
    sharded.add(vectors.slice(100));
    expect(sharded.counts).toEqual([250, 250, 100]);
    for (const q of randomVectors(40, 24, 77)) {
      const exact = vectors
        .map((v, i) => ({ label: i, s: cosine(q, v) }))
        .sort((a, b) => b.s - a.s || a.label - b.label)
        .slice(0, 12);
      expect(sharded.search(q, 12).map((h) => h.label)).toEqual(exact.map((e) => e.label));
    }
    await sharded.save(tmp);
    expect((await fs.readdir(tmp)).sort()).toEqual(["vectors.1.hnsw", "vectors.2.hnsw", "vectors.hnsw"]);
    const loaded = await VectorShards.load(tmp, 24, sharded.config, sharded.counts);
    const q = vectors[321]!;
    expect(loaded.search(q, 5)).toEqual(sharded.search(q, 5));
    expect(loaded.search(q, 1)[0]).toMatchObject({ label: 321 });
  });

  it("are searched by a worker thread as in this one, and here once the worker stops", async () => {
    const vectors = randomVectors(600, 24, 5);
    const sharded = VectorShards.create(24, {}, 250);
    sharded.add(vectors);
    await sharded.save(tmp);
    const data = { dir: tmp, dimensions: 24, config: sharded.config, counts: sharded.counts };
    const inWorker = await WorkerVectors.open(data);
    expect([inWorker.size, inWorker.searchedIn]).toEqual([600, "worker"]);
    const queries = randomVectors(20, 24, 77);
    // Requests in flight together come back each to its own caller.
    expect(await Promise.all(queries.map((q) => inWorker.search(q, 12)))).toEqual(queries.map((q) => sharded.search(q, 12)));
    await expect(inWorker.search([1, 2, 3], 5)).rejects.toThrow("query vector has 3 dimensions, the store holds 24-dimension vectors");
    expect(inWorker.searchedIn).toBe("worker"); // a refused query does not move the graphs
    await inWorker.close();
    expect(await Promise.all(queries.map((q) => inWorker.search(q, 12)))).toEqual(queries.map((q) => sharded.search(q, 12)));
    expect(inWorker.searchedIn).toBe("this thread");
  });

  it("that a worker cannot load fail to open with the file named", async () => {
    const sharded = VectorShards.create(24, {}, 250);
    sharded.add(randomVectors(300, 24, 5));
    await sharded.save(tmp);
    const data = { dir: tmp, dimensions: 24, config: sharded.config, counts: sharded.counts };
    const wrongCount = WorkerVectors.open({ ...data, counts: [250, 60] });
    await expect(wrongCount).rejects.toThrow(IndexLoadError);
    await expect(wrongCount).rejects.toThrow(`${path.join(tmp, "vectors.1.hnsw")}: holds 50 vectors, expected 60`);
    await fs.writeFile(path.join(tmp, "vectors.hnsw"), "not a graph");
    const damaged = await WorkerVectors.open(data).catch((err: unknown) => err);
    expect(damaged).toBeInstanceOf(IndexLoadError);
    expect((damaged as IndexLoadError).path).toBe(path.join(tmp, "vectors.hnsw"));
  });
});

describe("index folder", () => {
  const corpus = { documents: ["a", "b"], version: 1 };
  const expected: ExpectedIndex = { model: "test/hash-embeddings", dimensions: DIMS, inputsHash: hashInputs(corpus) };
  const bm25 = JSON.stringify({ k1: 1.2, b: 0.75, postings: { 职业: [1, 2, 3] } });

  async function build(root: string, docs = corpusDocs(), extra: Record<string, string | Buffer> = {}) {
    const store = VectorShards.create(DIMS);
    store.add(await new HashEmbeddings().embedDocuments(docs.map((d) => d.pageContent)));
    const result = await writeIndex(root, {
      vectors: store,
      embedding: { model: expected.model, dimensions: DIMS },
      inputsHash: expected.inputsHash,
      payloads: { "bm25.json": bm25, "items.bin": Buffer.from([0, 1, 2, 255]), ...extra },
    });
    return { store, result };
  }

  async function expectProblem(root: string, status: string, reason: RegExp, exp: ExpectedIndex = expected) {
    const load = vi.spyOn(VectorShards, "load");
    const res = await openIndex(root, exp);
    expect(res.status).toBe(status);
    if (res.status === "ok") throw new Error("expected a problem");
    expect(res.reason).toMatch(reason);
    // Nothing stale reaches hnswlib; a graph loads (in parallel with the checks) only under a
    // sound, current manifest, and is never handed out when any file is damaged.
    if (status !== "corrupt" || /manifest\.json:|CURRENT:/.test(res.reason)) expect(load).not.toHaveBeenCalled();
    load.mockRestore();
    return res;
  }

  it("writes a generation that opens with identical results and the payloads", async () => {
    const root = path.join(tmp, "index");
    const { store, result } = await build(root);
    expect(result.manifest).toMatchObject({
      formatVersion: INDEX_FORMAT_VERSION,
      embedding: { model: expected.model, dimensions: DIMS },
      inputsHash: expected.inputsHash,
      itemCount: 150,
    });
    expect(Object.keys(result.manifest.files).sort()).toEqual(["bm25.json", "items.bin", "vectors.hnsw"]);
    expect(result.manifest.hnsw).toEqual(store.config);
    expect(result.manifest.shards).toEqual([150]);
    expect((await fs.readFile(path.join(root, POINTER_FILE), "utf8")).trim()).toBe(result.generation);

    const opened = await openIndex(root, expected);
    if (opened.status !== "ok") throw new Error(opened.reason);
    expect(opened.generation).toBe(result.generation);
    expect(opened.payloads.get("bm25.json")!.toString("utf8")).toBe(bm25);
    expect([...opened.payloads.get("items.bin")!]).toEqual([0, 1, 2, 255]);
    expect([...opened.payloads.keys()].sort()).toEqual(["bm25.json", "items.bin"]);
    const queries = await new HashEmbeddings().embedDocuments(QUERIES);
    expect(queries.map((q) => opened.graph.search(q, 10))).toEqual(queries.map((q) => store.search(q, 10)));
  });

  it("stamps the files it verified and hashes only those changed since, even with their time set back", async () => {
    const root = path.join(tmp, "index");
    const { result } = await build(root);
    const dir = path.join(root, result.generation);
    const stampFile = path.join(dir, STAMP_FILE);
    expect((await openIndex(root, expected)).status).toBe("ok");
    type Stamp = { sha256: string; ino: number; mtimeMs: number; ctimeMs: number };
    const stamps = JSON.parse(await fs.readFile(stampFile, "utf8")) as Record<string, Stamp>;
    expect(Object.keys(stamps).sort()).toEqual(Object.keys(result.manifest.files).sort());
    expect(stamps["items.bin"]!.sha256).toBe(result.manifest.files["items.bin"]!.sha256);

    // Same size, time set back: the change time moved, so the file is hashed and the damage found.
    const items = path.join(dir, "items.bin");
    const before = await fs.stat(items);
    await fs.writeFile(items, Buffer.from([0, 1, 2, 254]));
    await fs.utimes(items, before.atime, before.mtime);
    await expectProblem(root, "corrupt", /items.bin: checksum mismatch/);

    // A file exactly as stamped is not hashed again: a stamp forged for the damaged file is
    // believed (the stamp is a cache of checks, like git's index, not a second checksum).
    const now = await fs.stat(items);
    stamps["items.bin"] = { ...stamps["items.bin"]!, ctimeMs: now.ctimeMs, mtimeMs: now.mtimeMs, ino: now.ino };
    await fs.writeFile(stampFile, JSON.stringify(stamps));
    expect((await openIndex(root, expected)).status).toBe("ok");

    // A damaged stamp only means checking every file again.
    await fs.writeFile(stampFile, "{not json");
    await expectProblem(root, "corrupt", /items.bin: checksum mismatch/);
  });

  it("refuses bad payload names and a store of other dimensions", async () => {
    const root = path.join(tmp, "index");
    const store = VectorShards.create(DIMS);
    store.add(await new HashEmbeddings().embedDocuments(corpusDocs(5).map((d) => d.pageContent)));
    const base = { vectors: store, embedding: { model: "m", dimensions: DIMS }, inputsHash: expected.inputsHash };
    for (const name of ["../evil", "sub/x.json", ".hidden", MANIFEST_FILE, "vectors.hnsw"]) {
      await expect(writeIndex(root, { ...base, payloads: { [name]: "x" } })).rejects.toBeInstanceOf(IndexWriteError);
    }
    await expect(writeIndex(root, { ...base, embedding: { model: "m", dimensions: 128 } })).rejects.toThrow(/64-dimension/);
    await expect(writeIndex(root, { ...base, inputsHash: "abc" })).rejects.toBeInstanceOf(IndexWriteError);
    expect((await verifyIndex(root, expected)).status).toBe("missing");
  });

  it("reports a missing index", async () => {
    await expectProblem(path.join(tmp, "nothing-here"), "missing", /nothing-here: folder does not exist/);
    await fs.mkdir(path.join(tmp, "empty"));
    await expectProblem(path.join(tmp, "empty"), "missing", /empty\/CURRENT: not found/);
  });

  it("reports a stale index: other corpus, model, dimensions, format version", async () => {
    const root = path.join(tmp, "index");
    const { result } = await build(root);
    await expectProblem(root, "stale", /built from other inputs/, { ...expected, inputsHash: hashInputs({ other: true }) });
    const stale = await expectProblem(
      root,
      "stale",
      /built with model test\/hash-embeddings \(64 dims\), configured other\/model \(64 dims\)/,
      {
        ...expected,
        model: "other/model",
      },
    );
    expect(stale.manifest?.embedding.model).toBe(expected.model);
    await expectProblem(root, "stale", /\(64 dims\), configured test\/hash-embeddings \(512 dims\)/, { ...expected, dimensions: 512 });

    const manifestPath = path.join(result.dir, MANIFEST_FILE);
    const manifest = JSON.parse(await fs.readFile(manifestPath, "utf8"));
    await fs.writeFile(manifestPath, JSON.stringify({ ...manifest, formatVersion: INDEX_FORMAT_VERSION + 1 }));
    await expectProblem(
      root,
      "stale",
      new RegExp(`format version ${INDEX_FORMAT_VERSION + 1}, this program reads version ${INDEX_FORMAT_VERSION}`),
    );
  });

  it("reports damaged files without loading them", async () => {
    const root = path.join(tmp, "index");
    const { result } = await build(root);
    const file = (name: string) => path.join(result.dir, name);
    const original = new Map<string, Buffer>();
    for (const name of ["vectors.hnsw", "items.bin", "bm25.json", MANIFEST_FILE]) original.set(name, await fs.readFile(file(name)));
    const restore = async () => {
      for (const [name, data] of original) await fs.writeFile(file(name), data);
      expect((await openIndex(root, expected)).status).toBe("ok");
    };
    const gen = result.generation;

    // Truncated vector file.
    await fs.truncate(file("vectors.hnsw"), original.get("vectors.hnsw")!.length - 100);
    await expectProblem(
      root,
      "corrupt",
      new RegExp(`index/${gen}/vectors.hnsw: \\d+ bytes, the manifest says \\d+ \\(truncated or damaged\\)`),
    );
    await restore();

    // One bit flipped in the middle of the graph: same size, other checksum.
    const flipped = Buffer.from(original.get("vectors.hnsw")!);
    flipped[Math.floor(flipped.length / 2)]! ^= 0x10;
    await fs.writeFile(file("vectors.hnsw"), flipped);
    await expectProblem(root, "corrupt", new RegExp(`index/${gen}/vectors.hnsw: checksum mismatch \\(file changed or damaged\\)`));
    await restore();

    // A payload changed.
    await fs.writeFile(file("bm25.json"), bm25.replace("1.2", "9.9"));
    await expectProblem(root, "corrupt", /bm25.json: checksum mismatch/);
    await restore();

    // A file removed.
    await fs.rm(file("items.bin"));
    await expectProblem(root, "corrupt", /items.bin: missing \(listed in the manifest\)/);
    await restore();

    // A symlink in place of a file.
    await fs.rm(file("bm25.json"));
    await fs.symlink(path.join(tmp, "elsewhere.json"), file("bm25.json"));
    await expectProblem(root, "corrupt", /bm25.json: not a regular file/);
    await fs.rm(file("bm25.json"));
    await restore();

    // Garbage, truncated and hostile manifests.
    await fs.writeFile(file(MANIFEST_FILE), "\u0000\u0001garbage{{");
    await expectProblem(root, "corrupt", /manifest.json: not valid JSON/);
    await fs.writeFile(file(MANIFEST_FILE), original.get(MANIFEST_FILE)!.subarray(0, 40));
    await expectProblem(root, "corrupt", /manifest.json: not valid JSON/);
    await fs.writeFile(file(MANIFEST_FILE), JSON.stringify({ hello: "world" }));
    await expectProblem(root, "corrupt", /has no format version/);
    const m = JSON.parse(original.get(MANIFEST_FILE)!.toString("utf8"));
    await fs.writeFile(
      file(MANIFEST_FILE),
      JSON.stringify({ ...m, files: { ...m.files, "../../etc/passwd": { bytes: 1, sha256: "0".repeat(64) } } }),
    );
    await expectProblem(root, "corrupt", /is not a plain file name/);
    const { ["vectors.hnsw"]: _dropped, ...withoutVectors } = m.files;
    await fs.writeFile(file(MANIFEST_FILE), JSON.stringify({ ...m, files: withoutVectors }));
    await expectProblem(root, "corrupt", /does not list vectors.hnsw/);
    await fs.rm(file(MANIFEST_FILE));
    await expectProblem(root, "corrupt", /manifest.json: missing/);
    await restore();

    // A damaged pointer.
    await fs.writeFile(path.join(root, POINTER_FILE), "../../somewhere\n");
    await expectProblem(root, "corrupt", /CURRENT: does not name an index generation/);
    await fs.writeFile(path.join(root, POINTER_FILE), "gen-20990101T000000000Z-1-deadbeef\n");
    await expectProblem(root, "corrupt", /CURRENT: names gen-20990101T000000000Z-1-deadbeef, which does not exist/);
  });

  it("swaps generations, keeps the previous one, removes older ones", async () => {
    const root = path.join(tmp, "index");
    const a = await build(root, corpusDocs(30));
    const b = await build(root, corpusDocs(40));
    expect(b.result.cleaned?.removed).toEqual([]);
    const c = await build(root, corpusDocs(50));
    expect(c.result.cleaned?.removed).toEqual([a.result.generation]);
    const names = (await fs.readdir(root)).sort();
    expect(names).toEqual([POINTER_FILE, b.result.generation, c.result.generation].sort());
    const opened = await openIndex(root, expected);
    expect(opened.status === "ok" && opened.graph.size).toBe(50);
  });

  it("keeps the old index through an abandoned build and removes the leftover later", async () => {
    const root = path.join(tmp, "index");
    const zeroth = await build(root, corpusDocs(20));
    const first = await build(root, corpusDocs(30));
    await fs.writeFile(path.join(root, "README.md"), "not ours\n");

    // A dead process id (a finished child) and one that is alive (our parent).
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    const deadBuild = path.join(root, `.build-${dead}-20240101T000000000Z-0badf00d`);
    await fs.mkdir(deadBuild);
    await fs.writeFile(path.join(deadBuild, "vectors.hnsw"), Buffer.alloc(5000, 7));
    const liveBuild = `.build-${process.ppid}-${new Date().toISOString().replace(/[-:.]/g, "")}-0000beef`;
    await fs.mkdir(path.join(root, liveBuild));
    const deadGen = `gen-20990101T000000000Z-${dead}-00000001`; // named but never made live
    await fs.mkdir(path.join(root, deadGen));
    await fs.writeFile(path.join(root, `.CURRENT-${dead}-12345678.tmp`), "gen-x\n");
    // Another live process: a generation it named just now may be about to go live;
    // one it named long ago cannot be.
    const nowStamp = new Date().toISOString().replace(/[-:.]/g, "");
    const livePending = `gen-${nowStamp}-${process.ppid}-00000002`;
    const liveOld = `gen-20240101T000000000Z-${process.ppid}-00000003`;
    await fs.mkdir(path.join(root, livePending));
    await fs.mkdir(path.join(root, liveOld));

    const opened = await openIndex(root, expected);
    expect(opened.status === "ok" && opened.generation).toBe(first.result.generation);

    const report = await cleanIndexFolder(root);
    expect([...report.removed].sort()).toEqual(
      [`.CURRENT-${dead}-12345678.tmp`, `.build-${dead}-20240101T000000000Z-0badf00d`, deadGen, liveOld].sort(),
    );
    expect((await fs.readdir(root)).sort()).toEqual(
      [POINTER_FILE, "README.md", liveBuild, livePending, zeroth.result.generation, first.result.generation].sort(),
    );
  });

  it("survives concurrent builds in one process", async () => {
    const root = path.join(tmp, "index");
    await build(root, corpusDocs(10));
    const results = await Promise.all([20, 30, 40, 50].map((n) => build(root, corpusDocs(n))));
    const opened = await openIndex(root, expected);
    if (opened.status !== "ok") throw new Error(opened.reason);
    expect(results.map((r) => r.result.generation)).toContain(opened.generation);
    expect([20, 30, 40, 50]).toContain(opened.graph.size);
    expect((await fs.readdir(root)).filter((n) => n.startsWith("."))).toEqual([]);
  });
});
