/**
 * `npm run bench:scale`: the bot on the five seeds and on generated corpora of 50, 500,
 * 2,000 and 10,000 circulars (scale-corpus.ts: the seeds' layouts, seeded, written to a
 * temporary folder and removed afterwards; 5 is the seeds themselves). For each size:
 *
 *   build        index build from scratch through the command line (child process), wall
 *                time and the peak resident memory of the command and the build's process
 *   index        size of the index on disk
 *   cold start   `policybot ask` as a new process with the index built (median), beside
 *                `node -e 0` timed in the same loop
 *   serving      resident memory after answering, answer and retrieval p50 / p95 over the
 *                project's questions (dev, train, probe: 351)
 *   reindex      the longest event-loop stall while a rebuild runs and questions keep
 *                being answered (sizes up to --reindex-max, default 2,000)
 *
 * Usage: npm run bench:scale [-- --sizes 5,50,500,2000,10000] [--recall 2000] [--runs 9] [--keep]
 */
import { spawn } from "node:child_process";
import { promises as fs, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PROJECT_ROOT } from "../src/config/settings.ts";
import { generateScaleCorpus } from "./scale-corpus.ts";
// @ts-expect-error -- plain JavaScript module without types
import { ensureBuild } from "./build-dist.mjs";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? args[at + 1]! : fallback;
};
const sizes = option("sizes", "5,50,500,2000,10000").split(",").map(Number);
const recallAt = Number(option("recall", "0"));
// Cold starts per size: a median of 9, as the machine's noise moves single runs by 0.1 s.
const runs = Number(option("runs", "9"));
const reindexMax = Number(option("reindex-max", "2000"));
const keep = args.includes("--keep");
const QUESTION = "公办职校绩效工资最高能到基准线的几倍";
/** Run as a program, as `npx policybot` and `npm start` do (its first line sets how node starts). */
const BIN = path.join(PROJECT_ROOT, "bin", "policybot.mjs");
/** What bin/policybot.mjs sets for the node it starts, for the probe that stands in for the bot. */
const AS_LAUNCHED = { GLIBC_TUNABLES: "glibc.malloc.hugetlb=1" };
/** The probe runs compiled (dist/), like the command line: measurements include no TypeScript compiler. */
const PROBE = path.join((await ensureBuild()) as string, "bench-scale-probe.js");

/**
 * Runs a child to its end; wall time and peak resident memory of it and the processes it
 * started (the index build runs in its own), summed, sampled from /proc every 100 ms.
 */
function runChild(
  cmd: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number; peakMb: number }> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    let peakKb = 0;
    const sample = setInterval(() => {
      peakKb = Math.max(peakKb, treeRssKb(child.pid!));
    }, 100);
    child.on("close", (code) => {
      clearInterval(sample);
      resolve({ code, stdout, stderr, ms: performance.now() - started, peakMb: Math.round(peakKb / 1024) });
    });
  });
}

/** Resident memory of a process and its descendants, in kB; 0 when it ended while being read (the sample is lost). */
function treeRssKb(pid: number): number {
  try {
    let kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").split(" ").filter(Boolean)) kb += treeRssKb(Number(c));
    }
    return kb;
  } catch {
    return 0;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await fs.stat(path.join(e.parentPath, e.name))).size;
  }
  return total;
}

async function probe(mode: string, seeds: string, index: string, questions: string): Promise<Record<string, unknown>> {
  const r = await runChild(process.execPath, ["--expose-gc", PROBE, mode, seeds, index, questions], { ...AS_LAUNCHED, LOG_LEVEL: "error" });
  if (r.code !== 0) throw new Error(`probe ${mode} failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, unknown>;
}

async function main() {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "policybot-scale-"));
  const questions = path.join(root, "questions.jsonl");
  const sets = ["dev", "train", "probe"].map((s) => readFileSync(path.join(PROJECT_ROOT, "eval", "questions", `${s}.jsonl`), "utf8"));
  await fs.writeFile(questions, sets.join("\n").split("\n").filter(Boolean).join("\n") + "\n");
  console.log(
    `policybot bench:scale — node ${process.version}, ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}\n`,
  );
  const rows: Record<string, unknown>[] = [];
  try {
    for (const n of sizes) {
      const seeds = path.join(root, `corpus-${n}`);
      const index = path.join(root, `index-${n}`);
      const corpus = await generateScaleCorpus(path.join(PROJECT_ROOT, "seeds"), seeds, n);
      const env = { POLICYBOT_SEEDS_DIR: seeds, POLICYBOT_INDEX_DIR: index };

      const build = await runChild(BIN, ["ask", QUESTION], { ...env, LOG_LEVEL: "info" });
      if (build.code !== 0) throw new Error(`build of ${n} failed: ${build.stderr.slice(-2000)}`);
      const built = /index built in (\d+) ms \((\d+) passages\)[^{]*(\{.*\})?/.exec(build.stderr);
      const stages = built?.[3] ? (JSON.parse(built[3]) as Record<string, number>) : {};
      const live = (await fs.readFile(path.join(index, "CURRENT"), "utf8")).trim();
      const indexBytes = await dirBytes(path.join(index, live));

      const cold: number[] = [];
      const bare: number[] = [];
      for (let i = 0; i < runs; i++) {
        bare.push((await runChild(process.execPath, ["-e", "0"], {})).ms);
        const r = await runChild(BIN, ["ask", QUESTION], env);
        if (r.code !== 0 || /rebuild|building/.test(r.stderr))
          throw new Error(`restart of ${n} did not open the index: ${r.stderr.slice(-1000)}`);
        cold.push(r.ms);
      }
      const serve = await probe("serve", seeds, index, questions);
      const reindex = n <= reindexMax ? await probe("reindex", seeds, index, questions) : undefined;
      const row = {
        documents: n,
        corpusMb: +(corpus.bytes / 1e6).toFixed(1),
        passages: Number(built?.[2] ?? 0),
        buildMs: Number(built?.[1] ?? 0),
        stages,
        buildPeakMb: build.peakMb,
        indexMb: +(indexBytes / 1e6).toFixed(1),
        coldStartMs: Math.round(median(cold)),
        nodeBareMs: Math.round(median(bare)),
        ...serve,
        ...(reindex ? { reindex } : {}),
      };
      rows.push(row);
      console.log(JSON.stringify(row));
      if (recallAt === n) console.log(JSON.stringify({ documents: n, recall: await probe("recall", seeds, index, questions) }));
      if (!keep) await fs.rm(seeds, { recursive: true, force: true }).then(() => fs.rm(index, { recursive: true, force: true }));
    }
  } finally {
    if (!keep) await fs.rm(root, { recursive: true, force: true });
    else console.log(`corpora and indexes kept in ${root}`);
  }
  const f = (x: unknown, d = 0) => (typeof x === "number" ? x.toFixed(d) : "—");
  console.log(
    "\n| documents | passages | build | index on disk | cold start (node -e 0) | memory serving | answer p50 / p95 " +
      "| longest stall during reindex |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of rows) {
    const re = r.reindex as Record<string, number> | undefined;
    console.log(
      `| ${Number(r.documents).toLocaleString("en")} | ${Number(r.passages).toLocaleString("en")} ` +
        `| ${f(Number(r.buildMs) / 1000, 1)} s | ${f(r.indexMb, 1)} MB | ` +
        `${f(Number(r.coldStartMs) / 1000, 2)} s (${f(Number(r.nodeBareMs) / 1000, 2)} s) | ${f(r.rssMb)} MB ` +
        `| ${f(r.answerP50, 1)} / ${f(r.answerP95, 1)} ms | ` +
        `${re ? `${re.maxStallMs} ms (${re.answeredDuring} answers during a ${f(Number(re.reindexMs) / 1000, 1)} s rebuild)` : "—"} |`,
    );
  }
}

await main();
