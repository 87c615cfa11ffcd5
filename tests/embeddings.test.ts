/**
 * Local embeddings: the shipped offline model through the real transformers.js
 * pipeline, fallback when the configured model cannot be loaded, and a reproducible
 * model build. Offline: the only network use is loopback.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { AutoTokenizer, env, pipeline } from "@xenova/transformers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULTS, loadSettings, PROJECT_ROOT } from "../src/config/settings.ts";
import { knownModel } from "../src/embeddings/known-models.ts";
import { buildOfflineModel } from "../src/embeddings/offline-model/build-offline-model.ts";
import { gb2312Hanzi } from "../src/embeddings/offline-model/vocabulary.ts";
import { gatherModelBytes } from "../src/embeddings/offline-model/onnx-gather-model.ts";
import { poolHiddenStates } from "../src/embeddings/pool-hidden-states.ts";
import { StaticEmbeddingModel } from "../src/embeddings/static-embedding-model.ts";
import { openStaticTable } from "../src/embeddings/static-token-table.ts";
import { UnigramTokenizer } from "../src/embeddings/unigram-tokenizer.ts";
import { loadCorpus } from "../src/corpus/load-corpus.ts";
import { PassageTable } from "../src/retrieval/passage-table.ts";
import onnxProto from "onnx-proto";
import {
  createEmbeddings,
  EmbeddingModelUnavailableError,
  TransformersEmbeddings,
} from "../src/embeddings/transformers-embeddings.ts";
import { createLogger } from "../src/logging/logger.ts";

const MODELS_DIR = path.join(PROJECT_ROOT, DEFAULTS.localModelDir);
const OFFLINE_DIR = path.join(MODELS_DIR, "policybot", "offline-zh");
const CLOSED_PORT_HOST = "http://127.0.0.1:9/";

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ sink: (l) => lines.push(l), minLevel: "info" }) };
}

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "policybot-embeddings-"));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe("the shipped offline model", () => {
  const embeddings = new TransformersEmbeddings({ remoteHost: CLOSED_PORT_HOST });

  it("loads from models/ and returns unit vectors of the registered size", async () => {
    const active = await embeddings.activeModel();
    expect(active).toMatchObject({ id: "policybot/offline-zh", source: "local", fallback: false, pooling: "mean" });
    expect(active.dimensions).toBe(knownModel("policybot/offline-zh")!.dimensions);

    const [a, b] = await embeddings.embedDocuments(["职业院校学生学籍管理", "技工院校招生计划"]);
    const q = await embeddings.embedQuery("中职学生能转学吗？");
    for (const v of [a!, b!, q]) {
      expect(v).toHaveLength(active.dimensions);
      expect(norm(v)).toBeCloseTo(1, 4);
    }
    expect(dot(a!, b!)).toBeLessThan(0.99);
  });

  it("keeps document order and gives the same vector for the same text", async () => {
    const texts = ["很长的一段文字：推进职普融通、产教融合、科教融汇，优化职业教育类型定位", "短句", "技工教育"];
    const [batch, single] = await Promise.all([embeddings.embedDocuments(texts), embeddings.embedDocuments([texts[1]!])]);
    expect(dot(batch[1]!, single[0]!)).toBeCloseTo(1, 5);
    expect(dot(batch[0]!, batch[2]!)).not.toBeCloseTo(1, 2);
  });

  it("scores a paraphrase with abbreviations above unrelated text", async () => {
    const query = await embeddings.embedQuery("中职和普高的学籍能互转吗");
    const [related, unrelated, otherTopic] = await embeddings.embedDocuments([
      "探索中职学校与普通高中学生学籍互转，推进职普融通。",
      "建设省级思政名师工作室，加强思想政治工作。",
      "职业院校混合所有制改革的指导意见由省国资委参与制定。",
    ]);
    expect(dot(query, related!)).toBeGreaterThan(dot(query, unrelated!) + 0.2);
    expect(dot(query, related!)).toBeGreaterThan(dot(query, otherTopic!) + 0.2);
  });

  it("treats word order and shared characters as similar (学籍互转 / 互转学籍)", async () => {
    const [a, b, c] = await embeddings.embedDocuments(["学籍互转", "互转学籍", "招生计划"]);
    expect(dot(a!, b!)).toBeGreaterThan(0.9);
    expect(dot(a!, c!)).toBeLessThan(0.3);
  });

  it("prefixes queries, not documents, with the query instruction", async () => {
    const instructed = new TransformersEmbeddings({ remoteHost: CLOSED_PORT_HOST, queryInstruction: "为这个句子生成表示以用于检索相关文章：" });
    const query = await instructed.embedQuery("技校招生");
    const [asDocument, withInstruction] = await instructed.embedDocuments(["技校招生", "为这个句子生成表示以用于检索相关文章：技校招生"]);
    expect(dot(query, withInstruction!)).toBeCloseTo(1, 5);
    expect(dot(query, asDocument!)).toBeLessThan(0.999);
  });

  it("gives empty and punctuation-only text a finite unit vector", async () => {
    const [empty, punct] = await embeddings.embedDocuments(["", "？！。"]);
    for (const v of [empty!, punct!]) {
      expect(v.every(Number.isFinite)).toBe(true);
      expect(norm(v)).toBeCloseTo(1, 4);
    }
  });
});

describe("pooling", () => {
  it("matches the transformers.js pipeline's own mean pooling on a padded batch", async () => {
    env.localModelPath = MODELS_DIR + path.sep;
    env.allowRemoteModels = false;
    const extractor = await pipeline("feature-extraction", "policybot/offline-zh", { quantized: false, local_files_only: true });
    const texts = ["推进职普融通、产教融合、科教融汇", "技校", "By 2025, what share of teachers?"];
    const reference = (await extractor(texts, { pooling: "mean", normalize: true })).tolist() as number[][];
    const ours = await new TransformersEmbeddings({ remoteHost: CLOSED_PORT_HOST }).embedDocuments(texts);
    ours.forEach((v, i) => v.forEach((x, k) => expect(x).toBeCloseTo(reference[i]![k]!, 5)));
  });

  it("takes the first token for cls pooling and skips masked tokens for mean pooling", () => {
    // batch 2, seq 3, dims 2; the second row's last token is padding.
    const hidden = { dims: [2, 3, 2], data: [1, 0, 3, 4, 5, 6, 0, 2, 2, 0, 9, 9] };
    const mask = { data: [1n, 1n, 1n, 1n, 1n, 0n] };
    expect(poolHiddenStates(hidden, mask, "cls", false)).toEqual([[1, 0], [0, 2]]);
    const [first, second] = poolHiddenStates(hidden, mask, "mean", false);
    expect(first![0]).toBeCloseTo(3, 12);
    expect(first![1]).toBeCloseTo(10 / 3, 12);
    expect(second).toEqual([1, 1]);
    const [unit] = poolHiddenStates(hidden, mask, "mean", true);
    expect(Math.hypot(...unit!)).toBeCloseTo(1, 10);
  });
});

describe("the offline tokenizer", () => {
  it("segments Chinese into words and has a token for every common (GB 2312) character", async () => {
    env.localModelPath = MODELS_DIR + path.sep;
    env.allowRemoteModels = false;
    const tokenizer = await AutoTokenizer.from_pretrained("policybot/offline-zh", { local_files_only: true });
    const tokens = (text: string) => tokenizer.model.convert_ids_to_tokens(tokenizer.encode(text)) as string[];

    const words = tokens("中职和普高的学籍能互转吗");
    expect(words).toEqual(["[CLS]", "中职", "和", "普高", "的", "学籍", "能", "互转", "吗"]);
    const vocabulary = new Set(tokenizer.model.vocab as string[]);
    const missing = gb2312Hanzi().filter((ch) => !vocabulary.has(ch));
    expect(missing).toEqual([]);
    // A character outside the vocabulary costs only itself, not the words around it.
    expect(tokens("技校𪚥学籍")).toEqual(["[CLS]", "技校", "[UNK]", "学籍"]);
    expect(tokens("Vocational SCHOOLS")).toEqual(["[CLS]", "vocational", "schools"]);
  });
});

describe("the static model path (no transformers.js at run time)", () => {
  /** Every seed passage, every question of the project's sets, and awkward input. */
  async function sampleTexts(): Promise<string[]> {
    const passages = PassageTable.build(await loadCorpus(path.join(PROJECT_ROOT, DEFAULTS.seedsDir)));
    const texts = [...passages.texts()];
    for (const set of ["dev", "train", "probe"]) {
      const file = path.join(PROJECT_ROOT, "eval", "questions", `${set}.jsonl`);
      for (const line of (await fs.readFile(file, "utf8")).split("\n").filter(Boolean)) texts.push(JSON.parse(line).question);
    }
    texts.push(
      "", "   ", "[CLS]中职[UNK]x[PAD]", "技校𪚥𪚥学籍", "ＡＢＣ１２３，Ⅻ ﬁ ㍿", "a\u0000b\ud800x", "İstanbul", "职业教育。。。！！", "𪚥,𪚥",
      "x".repeat(5000),
    );
    return texts;
  }

  it("tokenizes exactly as transformers.js does", async () => {
    env.localModelPath = MODELS_DIR + path.sep;
    env.allowRemoteModels = false;
    const reference = await AutoTokenizer.from_pretrained("policybot/offline-zh", { local_files_only: true });
    const ours = UnigramTokenizer.fromJson(
      JSON.parse(await fs.readFile(path.join(OFFLINE_DIR, "tokenizer.json"), "utf8")),
      JSON.parse(await fs.readFile(path.join(OFFLINE_DIR, "tokenizer_config.json"), "utf8")),
    )!;
    const texts = await sampleTexts();
    expect(texts.length).toBeGreaterThan(500);
    for (const text of texts) {
      const { input_ids } = reference(text, { truncation: true });
      expect(ours.encode(text), text.slice(0, 40)).toEqual(Array.from(input_ids.data as BigInt64Array, Number));
    }
  });

  it("gives the vectors of the ONNX runtime path bit for bit", async () => {
    env.localModelPath = MODELS_DIR + path.sep;
    env.allowRemoteModels = false;
    const extractor = await pipeline("feature-extraction", "policybot/offline-zh", { quantized: false, local_files_only: true });
    const texts = (await sampleTexts()).filter((_, i) => i % 3 === 0);
    const model = (await StaticEmbeddingModel.open(OFFLINE_DIR, false))!;
    expect(model.dimensions).toBe(384);
    const ours = model.embed(texts, "mean", true);
    for (let i = 0; i < texts.length; i += 16) {
      // The path used before: tokenizer and ONNX model in batches, then poolHiddenStates.
      const inputs = extractor.tokenizer(texts.slice(i, i + 16), { padding: true, truncation: true });
      const outputs = await extractor.model(inputs);
      expect(poolHiddenStates(outputs.last_hidden_state, inputs.attention_mask, "mean", true)).toEqual(ours.slice(i, i + 16));
    }
    const embeddings = new TransformersEmbeddings({ remoteHost: CLOSED_PORT_HOST });
    expect(await embeddings.activeModel()).toMatchObject({ id: "policybot/offline-zh", source: "local" });
    expect(await embeddings.embedDocuments(texts.slice(0, 20))).toEqual(ours.slice(0, 20));
  });

  it("declines any graph other than one Gather (and a cast)", async () => {
    const { onnx } = onnxProto;
    const table = Float32Array.from({ length: 6 * 4 }, (_, i) => i / 10);
    const file = async (bytes: Uint8Array) => {
      const f = path.join(tmp, `model-${createHash("sha256").update(bytes).digest("hex").slice(0, 8)}.onnx`);
      await fs.writeFile(f, bytes);
      return f;
    };
    const bytes = gatherModelBytes({ table, vocabSize: 6, dims: 4, float16: true });
    const read = openStaticTable(await file(bytes))!;
    expect(read).toMatchObject({ rows: 6, dims: 4, half: true });
    const plain = openStaticTable(await file(gatherModelBytes({ table, vocabSize: 6, dims: 4, float16: false })))!;
    expect([...plain.row(2)]).toEqual([...table.subarray(8, 12)]);
    expect(() => plain.row(6)).toThrow(/outside the model's table of 6 rows/);

    const model = onnx.ModelProto.decode(bytes);
    model.graph!.node!.push(onnx.NodeProto.create({ opType: "Relu", input: ["last_hidden_state"], output: ["relu"], name: "extra" }));
    expect(openStaticTable(await file(onnx.ModelProto.encode(model).finish()))).toBeUndefined();
    expect(openStaticTable(await file(new Uint8Array([0x3a, 0xff, 0x01])))).toBeUndefined();
    expect(openStaticTable(await file(bytes.subarray(0, bytes.length - 100)))).toBeUndefined();
    expect(openStaticTable(path.join(tmp, "no-such-model.onnx"))).toBeUndefined();
  });
});

describe("fallback to the offline model", () => {
  it("falls back when the model is neither local nor cached and the remote host is unreachable", async () => {
    const { lines, logger } = capture();
    const settings = loadSettings({
      EMBEDDING_MODEL: "Xenova/bge-small-zh-v1.5",
      MODEL_LOCAL_DIR: path.join(tmp, "no-models"),
      MODEL_CACHE_DIR: path.join(tmp, "empty-cache"),
      MODEL_REMOTE_HOST: CLOSED_PORT_HOST,
    });
    const embeddings = createEmbeddings(settings.embedding, logger);

    const vector = await embeddings.embedQuery("中职学生学籍");
    const active = await embeddings.activeModel();
    expect(active).toMatchObject({ id: "policybot/offline-zh", fallback: true, queryInstruction: "" });
    expect(vector).toHaveLength(active.dimensions);
    expect(active.reason).toContain("127.0.0.1:9");

    const warnings = lines.filter((l) => / WARN /.test(l));
    expect(warnings).toHaveLength(1);
    expect(lines).toHaveLength(1);
    for (const hint of [
      "Xenova/bge-small-zh-v1.5", "policybot/offline-zh", "EMBEDDING_MODEL", "MODEL_REMOTE_HOST", "MODEL_LOCAL_DIR", "MODEL_CACHE_DIR",
    ]) {
      expect(warnings[0]).toContain(hint);
    }
  });

  it("falls back when the local copy of the model is corrupt", async () => {
    const models = path.join(tmp, "corrupt-models");
    const broken = path.join(models, "policybot", "broken");
    await fs.mkdir(path.join(broken, "onnx"), { recursive: true });
    for (const f of ["config.json", "tokenizer.json", "tokenizer_config.json"]) {
      await fs.copyFile(path.join(OFFLINE_DIR, f), path.join(broken, f));
    }
    const original = await fs.readFile(path.join(OFFLINE_DIR, "onnx", "model.onnx"));
    await fs.writeFile(path.join(broken, "onnx", "model.onnx"), original.subarray(0, 1000)); // truncated download

    const { lines, logger } = capture();
    const embeddings = new TransformersEmbeddings(
      {
        model: "policybot/broken",
        localModelDir: models,
        cacheDir: path.join(tmp, "empty-cache"),
        remoteHost: CLOSED_PORT_HOST,
        quantized: false,
      },
      logger,
    );
    const vectors = await embeddings.embedDocuments(["技工院校", "职业教育"]);
    expect(vectors).toHaveLength(2);
    const active = await embeddings.activeModel();
    expect(active.fallback).toBe(true);
    expect(active.reason).toMatch(/local copy in .*broken is unusable/);
    expect(lines.filter((l) => / WARN /.test(l))).toHaveLength(1);
  });

  it("gives up on a remote host that never answers after the load timeout", async () => {
    const sockets = new Set<import("node:net").Socket>();
    const server = http.createServer(() => {
      /* never answers */
    });
    server.on("connection", (s) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const { lines, logger } = capture();
      const embeddings = new TransformersEmbeddings(
        {
          model: "Xenova/bge-small-zh-v1.5",
          localModelDir: path.join(tmp, "no-models"),
          cacheDir: path.join(tmp, "empty-cache-2"),
          remoteHost: `http://127.0.0.1:${port}/`,
          loadTimeoutMs: 800,
        },
        logger,
      );
      const started = Date.now();
      const active = await embeddings.activeModel();
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(active.fallback).toBe(true);
      expect(active.reason).toMatch(/took longer than 800 ms/);
      expect(lines.filter((l) => / WARN /.test(l))).toHaveLength(1);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("rejects with a clear error when even the offline model is missing", async () => {
    const { lines, logger } = capture();
    const embeddings = new TransformersEmbeddings(
      {
        model: "policybot/offline-zh",
        localModelDir: path.join(tmp, "no-models"),
        offlineModelDir: path.join(tmp, "no-models"),
        cacheDir: path.join(tmp, "empty-cache"),
        remoteHost: CLOSED_PORT_HOST,
      },
      logger,
    );
    await expect(embeddings.embedQuery("职业教育")).rejects.toBeInstanceOf(EmbeddingModelUnavailableError);
    await expect(embeddings.embedQuery("职业教育")).rejects.toThrow(/npm run build:model/);
    expect(lines.filter((l) => / ERROR /.test(l))).toHaveLength(1);
  });
});

describe("the offline model build", () => {
  async function hashTree(dir: string): Promise<string> {
    const hash = createHash("sha256");
    const walk = async (d: string): Promise<void> => {
      for (const entry of (await fs.readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const p = path.join(d, entry.name);
        if (entry.isDirectory()) await walk(p);
        else hash.update(path.relative(dir, p)).update(await fs.readFile(p));
      }
    };
    await walk(dir);
    return hash.digest("hex");
  }

  it("writes the same bytes on every build, and a model the pipeline loads", async () => {
    const seedsDir = path.join(PROJECT_ROOT, DEFAULTS.seedsDir);
    const first = await buildOfflineModel({ seedsDir, outDir: path.join(tmp, "build-1"), vocabularyDir: loadSettings().vocabularyDir });
    const second = await buildOfflineModel({ seedsDir, outDir: path.join(tmp, "build-2"), vocabularyDir: loadSettings().vocabularyDir });
    expect(first.files).toEqual(["config.json", "tokenizer_config.json", "tokenizer.json", path.join("onnx", "model.onnx")]);
    expect(await hashTree(first.modelDir)).toBe(await hashTree(second.modelDir));

    let size = 0;
    for (const f of first.files) size += (await fs.stat(path.join(first.modelDir, f))).size;
    expect(size).toBeLessThan(20 * 1024 * 1024);

    const embeddings = new TransformersEmbeddings({ localModelDir: path.join(tmp, "build-1"), remoteHost: CLOSED_PORT_HOST });
    const active = await embeddings.activeModel();
    expect(active).toMatchObject({ fallback: false, dimensions: first.dims });
  });
});
