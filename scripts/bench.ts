/**
 * `npm run bench`: speed and memory of policybot on this corpus, in one run, with a
 * baseline assembled from popular parts (fixed 500-character chunks + BM25 over jieba
 * tokens) answering the same questions side by side.
 *
 *   parse      parse all seeds (median of 20)
 *   build      index build from scratch: embed passages, HNSW, BM25, write atomically
 *   cold start a fresh process answering its first question (index on disk)
 *   retrieval  p50/p95 retrieval and whole-answer latency in process over the question set
 *   quality    CONTRACT §4 scores, ours and the baseline's
 *   chat       20 users × 25 questions through the Bot API emulator; then 1,000 questions
 *              from 50 users with memory growth from the first 100 to the last 100
 *
 * Usage: npm run bench [-- QUESTIONS.jsonl] [--skip-chat]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Jieba } from "@node-rs/jieba";
import { dict } from "@node-rs/jieba/dict.js";
import { evaluateFile } from "../src/cli/eval-command.ts";
import { loadSettings } from "../src/config/settings.ts";
import { loadCorpus } from "../src/corpus/load-corpus.ts";
import type { Corpus } from "../src/corpus/types.ts";
import { readQuestionSet, type EvalQuestion } from "../src/eval/score-answers.ts";
import { silentLogger } from "../src/logging/logger.ts";
import { Bm25Index } from "../src/retrieval/bm25.ts";
import { buildEngine, createQaService } from "../src/service/create-qa-service.ts";
import { PolicyQaService } from "../src/service/qa-service.ts";
import { runChatLoad } from "../tests/helpers/chat-load.ts";

const args = process.argv.slice(2);
const questionFile = args.find((a) => !a.startsWith("--")) ?? path.resolve("eval/questions/dev.jsonl");
const skipChat = args.includes("--skip-chat");
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
const results: Record<string, unknown> = {};
const line = (label: string, value: string) => console.log(`${label.padEnd(34)} ${value}`);

/** The baseline: the corpus as plain text in 500-character windows, BM25 over jieba tokens. */
function baseline(corpus: Corpus, questions: readonly EvalQuestion[]) {
  const jieba = Jieba.withDict(dict);
  const tokens = (t: string) => jieba.cut(t, true).filter((w) => w.trim() !== "" && !/^[\p{P}\p{S}]+$/u.test(w));
  const chunks: { file: string; text: string }[] = [];
  for (const d of corpus.documents) {
    const text = d.items.map((i) => i.text).join("\n");
    for (let at = 0; at < text.length; at += 500) chunks.push({ file: d.meta.file, text: text.slice(at, at + 500) });
  }
  const index = Bm25Index.build(chunks.map((c) => tokens(c.text)));
  const squash = (s: string) => s.replace(/\s+/g, "").replace(/\*\*/g, "");
  let h1 = 0;
  let h5 = 0;
  let mrr = 0;
  const times: number[] = [];
  const answerable = questions.filter((q) => q.expected.length > 0);
  for (const q of answerable) {
    const t = performance.now();
    const weights = new Map<string, number>();
    for (const w of tokens(q.question)) weights.set(w, 1);
    const scores = index.score(weights);
    const ranked = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, 10);
    times.push(performance.now() - t);
    const rank = ranked.findIndex((c) =>
      q.expected.some((e) => e.file === chunks[c]!.file && squash(chunks[c]!.text).includes(squash(e.evidence))),
    );
    if (rank === 0) h1++;
    if (rank >= 0 && rank < 5) h5++;
    if (rank >= 0) mrr += 1 / (rank + 1);
  }
  const n = answerable.length;
  return {
    chunks: chunks.length,
    hitAt1: h1 / n,
    hitAt5: h5 / n,
    mrr: mrr / n,
    p50: pct(times, 50),
    p95: pct(times, 95),
    meanChunkChars: Math.round(chunks.reduce((a, c) => a + c.text.length, 0) / chunks.length),
  };
}

async function main() {
  const settings = loadSettings({ ...process.env, POLICYBOT_INDEX_DIR: mkdtempSync(path.join(os.tmpdir(), "pb-bench-index-")) });
  const questions = readQuestionSet(questionFile);
  console.log(`policybot bench — ${questions.length} questions from ${questionFile}; node ${process.version}, ${os.cpus().length} cores\n`);

  // Parse.
  const parseTimes: number[] = [];
  let corpus = await loadCorpus(settings.seedsDir);
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    corpus = await loadCorpus(settings.seedsDir);
    parseTimes.push(performance.now() - t);
  }
  const items = corpus.documents.reduce((n, d) => n + d.items.length, 0);
  line("parse seeds (median of 20)", `${ms(pct(parseTimes, 50))}  (${corpus.documents.length} documents, ${items} items)`);
  results.parseMs = pct(parseTimes, 50);

  // Build from scratch (includes loading the embedding model once).
  let t = performance.now();
  const engine = await buildEngine(settings, silentLogger);
  const buildMs = performance.now() - t;
  line("index build from scratch", `${ms(buildMs)}  (model ${engine.embeddingModel})`);
  results.buildMs = buildMs;

  // Cold start: a new process with the index on disk, to its first answer (the program run as `npx policybot` runs it).
  t = performance.now();
  const child = spawnSync(path.resolve("bin/policybot.mjs"), ["ask", "--json", "公办职校绩效工资最高能到基准线的几倍"], {
    env: { ...process.env, POLICYBOT_INDEX_DIR: settings.indexDir },
    encoding: "utf8",
  });
  const coldMs = performance.now() - t;
  const coldOk = child.status === 0 && JSON.parse(child.stdout).citations?.[0]?.item === "33";
  line("cold start to first answer", `${ms(coldMs)}  (new process, index on disk; answer ${coldOk ? "correct" : "WRONG"})`);
  results.coldStartMs = coldMs;

  // Retrieval and answers in process.
  gc();
  const service = new PolicyQaService(engine, async () => engine, silentLogger);
  await service.ask("预热");
  const metrics = await evaluateFile(engine, questionFile);
  gc();
  const rss = process.memoryUsage().rss;
  line("retrieval latency p50 / p95", `${ms(metrics.retrievalMs.p50)} / ${ms(metrics.retrievalMs.p95)}`);
  line("whole answer latency p50 / p95", `${ms(metrics.latencyMs.p50)} / ${ms(metrics.latencyMs.p95)}`);
  line("resident memory (service loaded)", `${mb(rss)} MB`);
  results.retrieval = metrics.retrievalMs;
  results.answer = metrics.latencyMs;
  results.rssMb = mb(rss);

  // Quality side by side.
  const base = baseline(corpus, questions);
  const p = (x: number | null) => (x === null ? "n/a" : `${(x * 100).toFixed(1)}%`);
  console.log(
    `\n${"".padEnd(24)}${"policybot".padEnd(14)}` +
      `baseline (500-char chunks + BM25/jieba, ${base.chunks} chunks of ~${base.meanChunkChars} chars)`,
  );
  console.log(`${"hit@1".padEnd(24)}${p(metrics.hitAt[1]).padEnd(14)}${p(base.hitAt1)}`);
  console.log(`${"hit@5".padEnd(24)}${p(metrics.hitAt[5]).padEnd(14)}${p(base.hitAt5)}`);
  console.log(`${"MRR".padEnd(24)}${metrics.mrr.toFixed(3).padEnd(14)}${base.mrr.toFixed(3)}`);
  console.log(`${"label@1".padEnd(24)}${p(metrics.labelAt1).padEnd(14)}n/a (chunks have no item labels)`);
  console.log(`${"cite@1".padEnd(24)}${p(metrics.citeAt1).padEnd(14)}n/a (no answer stage)`);
  console.log(`${"refusal recall".padEnd(24)}${p(metrics.refusalRecall).padEnd(14)}0.0% (always returns chunks)`);
  console.log(
    `${"retrieval p50 / p95".padEnd(24)}` +
      `${`${ms(metrics.retrievalMs.p50)} / ${ms(metrics.retrievalMs.p95)}`.padEnd(22)}${ms(base.p50)} / ${ms(base.p95)}`,
  );
  results.quality = { policybot: { ...metrics, misses: undefined }, baseline: base };

  // Our own questions (eval/questions/probe.jsonl), written apart from the dev set to check that changes generalise.
  const probeFile = path.resolve("eval/questions/probe.jsonl");
  if (existsSync(probeFile) && path.resolve(questionFile) !== probeFile) {
    const probe = readQuestionSet(probeFile);
    const pm = await evaluateFile(engine, probeFile);
    const pb = baseline(corpus, probe);
    console.log(`\nprobe set (${probe.length} questions of our own, eval/questions/probe.jsonl)`);
    console.log(
      `${"hit@1 / hit@5 / MRR".padEnd(24)}${`${p(pm.hitAt[1])} / ${p(pm.hitAt[5])} / ${pm.mrr.toFixed(3)}`.padEnd(26)}` +
        `baseline ${p(pb.hitAt1)} / ${p(pb.hitAt5)} / ${pb.mrr.toFixed(3)}`,
    );
    console.log(`${"label@1 / cite@1".padEnd(24)}${p(pm.labelAt1)} / ${p(pm.citeAt1)}`);
    console.log(`${"refusal / false refusal".padEnd(24)}${p(pm.refusalRecall)} / ${p(pm.falseRefusalRate)}`);
    results.probe = { policybot: { ...pm, misses: undefined }, baseline: pb };
  }

  if (!skipChat) {
    const chatService = await createQaService(settings, silentLogger);
    const texts = questions.map((q) => q.question);
    const env = { RATE_LIMIT_PER_MINUTE: "100000" };
    const summarize = (label: string, r: Awaited<ReturnType<typeof runChatLoad>>) => {
      const once = r.perQuestion.filter((q) => q.answers === 1).length;
      const lost = r.perQuestion.filter((q) => q.answers === 0).length;
      const dup = r.perQuestion.filter((q) => q.answers > 1).length;
      line(
        label,
        `${r.perQuestion.length} questions: ${once} answered exactly once, ${lost} lost, ${dup} duplicated, ${r.errors.length} errors`,
      );
      line("  reply latency p50 / p95", `${ms(pct(r.latenciesMs, 50))} / ${ms(pct(r.latenciesMs, 95))}`);
      line("  throughput", `${(r.perQuestion.length / (r.wallMs / 1000)).toFixed(1)} questions/s (wall ${ms(r.wallMs)})`);
      return {
        questions: r.perQuestion.length,
        once,
        lost,
        dup,
        errors: r.errors.length,
        p50: pct(r.latenciesMs, 50),
        p95: pct(r.latenciesMs, 95),
        wallMs: r.wallMs,
      };
    };
    console.log("");
    gc();
    const before = process.memoryUsage().rss;
    const chat = summarize(
      "chat 20 users × 25",
      await runChatLoad({ service: chatService, users: 20, questionsPerUser: 25, questions: texts, env }),
    );
    gc();
    const after = process.memoryUsage().rss;
    line("  resident memory before / after", `${mb(before)} MB / ${mb(after)} MB`);
    results.chat = { ...chat, rssBeforeMb: mb(before), rssAfterMb: mb(after) };

    // 1,000 questions from 50 users: the first 100, then the remaining 900.
    const first = await runChatLoad({ service: chatService, users: 50, questionsPerUser: 2, questions: texts, env });
    gc();
    const rssFirst = process.memoryUsage().rss;
    const rest = await runChatLoad({
      service: chatService,
      users: 50,
      questionsPerUser: 18,
      questions: texts.slice(7).concat(texts.slice(0, 7)),
      env,
    });
    gc();
    const rssLast = process.memoryUsage().rss;
    const all = {
      perQuestion: [...first.perQuestion, ...rest.perQuestion],
      latenciesMs: [...first.latenciesMs, ...rest.latenciesMs],
      errors: [...first.errors, ...rest.errors],
      wallMs: first.wallMs + rest.wallMs,
    };
    const load = summarize("load 50 users, 1,000 questions", all);
    const growth = (rssLast - rssFirst) / rssFirst;
    line("  memory after first 100 / last", `${mb(rssFirst)} MB / ${mb(rssLast)} MB (growth ${(growth * 100).toFixed(1)}%)`);
    results.load = { ...load, rssFirst100Mb: mb(rssFirst), rssEndMb: mb(rssLast), growth };
  }
  console.log(`\nJSON ${JSON.stringify(results)}`);
}

await main();
process.exit(0);
