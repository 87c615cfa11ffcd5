/**
 * The in-process half of `npm run bench:scale`, run as a child process per measurement
 * so that each starts clean. Prints one JSON line.
 *
 *   serve   SEEDS INDEX QUESTIONS   open the index, answer every question; answer and
 *                                   retrieval times, resident memory after a full GC
 *   reindex SEEDS INDEX QUESTIONS   open the index, add a circular, rebuild while asking a
 *                                   question every 20 ms; the longest event-loop stall
 *                                   (perf_hooks.monitorEventLoopDelay), questions answered
 *   recall  SEEDS INDEX QUESTIONS   HNSW recall@10 against exact search, for several
 *                                   m / efConstruction, on the index's passages
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { loadSettings } from "../src/config/settings.ts";
import { createEmbeddings } from "../src/embeddings/transformers-embeddings.ts";
import { HnswGraph } from "../src/index/hnsw-graph.ts";
import { silentLogger, type Logger } from "../src/logging/logger.ts";
import { createQaService } from "../src/service/create-qa-service.ts";
import { loadSearchIndex } from "../src/service/load-search-index.ts";

const [mode, seedsDir, indexDir, questionFile] = process.argv.slice(2) as [string, string, string, string];
const settings = loadSettings({ ...process.env, POLICYBOT_SEEDS_DIR: seedsDir, POLICYBOT_INDEX_DIR: indexDir });
const questions = (await fs.readFile(questionFile, "utf8"))
  .split("\n")
  .filter(Boolean)
  .map((l) => (JSON.parse(l) as { question: string }).question);
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function serve() {
  const started = performance.now();
  const service = await createQaService(settings, silentLogger);
  const openMs = performance.now() - started;
  // As the bot does after its start, in the background (here awaited, so it is not timed with a question).
  await service.warm();
  await service.ask(questions[0]!);
  const total: number[] = [];
  const retrieval: number[] = [];
  for (const q of questions) {
    const t = performance.now();
    const a = await service.ask(q);
    total.push(performance.now() - t);
    retrieval.push(a.timings.retrievalMs);
  }
  gc();
  const m = process.memoryUsage();
  return {
    openMs: Math.round(openMs),
    questions: questions.length,
    answerP50: pct(total, 50),
    answerP95: pct(total, 95),
    retrievalP50: pct(retrieval, 50),
    retrievalP95: pct(retrieval, 95),
    rssMb: mb(m.rss),
    heapMb: mb(m.heapUsed),
    externalMb: mb(m.external),
  };
}

async function reindex() {
  // When the new index was built and saved (then it is opened and warmed here, and swapped in).
  let t = 0;
  let builtAtMs: number | undefined;
  const logger: Logger = {
    ...silentLogger,
    info: (message) => {
      if (message.startsWith("index built")) builtAtMs = Math.round(performance.now() - t);
    },
  };
  const service = await createQaService(settings, logger);
  await service.warm(); // as the bot does after its start
  await service.ask(questions[0]!);
  // A new circular: a copy of the last one under a new name, with one changed line.
  const names = (await fs.readdir(seedsDir)).filter((n) => n.endsWith(".txt")).sort();
  const last = await fs.readFile(path.join(seedsDir, names[names.length - 1]!), "utf8");
  await fs.writeFile(path.join(seedsDir, `999999_${Date.now().toString(16).padStart(16, "0")}.txt`), last + "\n十、新增一条措施：开展职业教育活动周。\n");

  const delay = monitorEventLoopDelay({ resolution: 5 });
  let rebuilding = true;
  const latencies: number[] = [];
  const asking = (async () => {
    for (let i = 0; rebuilding; i++) {
      const t = performance.now();
      await service.ask(questions[i % questions.length]!);
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  delay.enable();
  t = performance.now();
  // When the longest stalls came: during the build (in a worker), or at the swap (the new
  // index opened and warmed on this thread) at the end.
  const gaps: { ms: number; endedAtMs: number }[] = [];
  let tick = t;
  const watch = setInterval(() => {
    const now = performance.now();
    if (now - tick > 40) gaps.push({ ms: Math.round(now - tick), endedAtMs: Math.round(now - t) });
    tick = now;
  }, 5);
  const report = await service.reindex();
  const reindexMs = performance.now() - t;
  clearInterval(watch);
  delay.disable();
  rebuilding = false;
  await asking;
  return {
    reindexMs: Math.round(reindexMs),
    items: report.items,
    maxStallMs: Math.round(delay.max / 1e6),
    p99StallMs: Math.round(delay.percentile(99) / 1e6),
    answeredDuring: latencies.length,
    answerP95During: pct(latencies, 95),
    // A stall as long as the longest answer is that answer's own time, not the rebuild's.
    longestAnswerDuringMs: Math.round(Math.max(0, ...latencies)),
    builtAtMs,
    longestStalls: gaps.sort((a, b) => b.ms - a.ms).slice(0, 3),
  };
}

async function recall() {
  const embeddings = createEmbeddings(settings.embedding, silentLogger);
  const model = await embeddings.activeModel();
  const index = await loadSearchIndex(
    { seedsDir, indexDir, vocabularyDir: settings.vocabularyDir, embedding: settings.embedding },
    embeddings,
    model,
    silentLogger,
  );
  const passages = index.parts.passages;
  const vectors: Float32Array[] = [];
  for (let at = 0; at < passages.size; at += 512) {
    const texts = [...passages.texts(at, Math.min(passages.size, at + 512))];
    for (const v of await embeddings.embedDocuments(texts)) vectors.push(Float32Array.from(v));
  }
  const queries = await Promise.all(questions.map((q) => embeddings.embedQuery(q)));
  // Exact top 10 by cosine (vectors are unit length: the dot product). Near-duplicate
  // passages tie, so a hit counts when it is as close as the exact 10th (within 1e-6).
  const dot = (v: Float32Array, q: number[]) => {
    let s = 0;
    for (let d = 0; d < v.length; d++) s += v[d]! * q[d]!;
    return s;
  };
  const exact = queries.map((q) => {
    const top = vectors
      .map((v, i) => ({ i, s: dot(v, q) }))
      .sort((a, b) => b.s - a.s || a.i - b.i)
      .slice(0, 10);
    return { ids: new Set(top.map((t) => t.i)), tenth: top[top.length - 1]!.s };
  });
  const out = [];
  for (const [m, efConstruction] of [[16, 200], [16, 100], [12, 100], [16, 64]] as const) {
    const started = performance.now();
    const graph = HnswGraph.create(model.dimensions, { m, efConstruction, exhaustiveUpTo: 0 }, vectors.length);
    for (let at = 0; at < vectors.length; at += 1000) graph.add(vectors.slice(at, at + 1000));
    const buildMs = performance.now() - started;
    for (const efSearch of [100, 200, 400]) {
      (graph.config as { efSearch: number }).efSearch = efSearch;
      let sameIds = 0;
      let asClose = 0;
      const searchStarted = performance.now();
      const results = queries.map((q) => graph.search(q, 10));
      const searchMs = (performance.now() - searchStarted) / queries.length;
      results.forEach((hits, k) => {
        for (const h of hits) {
          if (exact[k]!.ids.has(h.label)) sameIds++;
          if (dot(vectors[h.label]!, queries[k]!) >= exact[k]!.tenth - 1e-6) asClose++;
        }
      });
      const n = queries.length * 10;
      out.push({
        m,
        efConstruction,
        efSearch,
        buildMs: Math.round(buildMs),
        recallAt10: asClose / n,
        sameIdsAt10: sameIds / n,
        searchMs: +searchMs.toFixed(2),
      });
    }
  }
  return { passages: vectors.length, queries: queries.length, graphs: out };
}

const run = { serve, reindex, recall }[mode];
if (!run) throw new Error(`unknown mode ${mode}`);
console.log(JSON.stringify(await run()));
process.exit(0);
