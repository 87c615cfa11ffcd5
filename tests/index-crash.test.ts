/**
 * Crash safety of index builds with real processes: a child building an index is
 * killed with SIGKILL at every stage of the build (and at arbitrary moments of big
 * slow builds); afterwards the last complete index must still open. Also: two
 * processes building at once while this one keeps reading.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VectorShards } from "../src/index/vector-shards.ts";
import { hashInputs } from "../src/index/manifest.ts";
import { openIndex, type ExpectedIndex } from "../src/index/open-index.ts";
import { writeIndex, type WriteStage } from "../src/index/write-index.ts";
import { cleanIndexFolder } from "../src/index/clean-index.ts";
import { POINTER_FILE } from "../src/index/index-layout.ts";

const PROJECT = path.resolve(import.meta.dirname, "..");
const DIMS = 24;
const expected: ExpectedIndex = { model: "test/seeded-vectors", dimensions: DIMS, inputsHash: hashInputs({ corpus: "crash-test" }) };

/** Vector i of a fixed pseudo-random set, so parent and child agree without sharing state. */
const VECTOR_SOURCE = `
function vectorFor(i, dims) {
  let a = (i * 2654435761) >>> 0;
  const out = [];
  for (let d = 0; d < dims; d++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out.push(((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5);
  }
  return out;
}`;
const vectorFor = new Function(`${VECTOR_SOURCE}; return vectorFor;`)() as (i: number, dims: number) => number[];

/** The child: builds indexes of N items into ROOT and stops (hangs) at a stage, or keeps building. */
const CHILD_SCRIPT = `
import { VectorShards } from ${JSON.stringify(path.join(PROJECT, "src/index/vector-shards.ts"))};
import { writeIndex } from ${JSON.stringify(path.join(PROJECT, "src/index/write-index.ts"))};
${VECTOR_SOURCE}
const [root, stopAt, n, payloadMb, rounds, inputsHash] = process.argv.slice(2);
const count = Number(n);
// Incompressible-ish payload so writing, flushing and hashing take real time.
const big = Buffer.alloc(Number(payloadMb) * 1024 * 1024);
for (let i = 0; i < big.length; i += 4) big.writeUInt32LE((Math.imul(i, 2654435761) ^ count) >>> 0, i);
for (let round = 0; round < Number(rounds); round++) {
  const graph = VectorShards.create(${DIMS});
  graph.add(Array.from({ length: count }, (_, i) => vectorFor(i, ${DIMS})));
  const result = await writeIndex(root, {
    vectors: graph,
    embedding: { model: ${JSON.stringify(expected.model)}, dimensions: ${DIMS} },
    inputsHash,
    payloads: { "big.bin": big, "bm25.json": JSON.stringify({ count, round }) },
  }, {
    onStage: async (stage, detail) => {
      if (stage !== stopAt) return;
      process.stdout.write("AT " + stage + " " + detail.dir + "\\n");
      setInterval(() => {}, 1000);
      await new Promise(() => {});
    },
  });
  process.stdout.write("BUILT " + result.generation + "\\n");
}
`;

let tmp: string;
let script: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "policybot-index-crash-"));
  script = path.join(tmp, "build-child.mts");
  await fs.writeFile(script, CHILD_SCRIPT);
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

interface Child {
  proc: ChildProcess;
  lines: string[];
  /** Resolves with the first stdout line matching the pattern. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

function startChild(root: string, stopAt: string, n: number, payloadMb: number, rounds: number): Child {
  const proc = spawn(
    process.execPath,
    ["--import", "tsx", script, root, stopAt, String(n), String(payloadMb), String(rounds), expected.inputsHash],
    {
      cwd: PROJECT,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines: string[] = [];
  let stderr = "";
  const waiters: { pattern: RegExp; resolve: (l: string) => void }[] = [];
  let buf = "";
  proc.stdout!.on("data", (chunk: Buffer) => {
    buf += chunk.toString("utf8");
    let nl;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lines.push(line);
      for (const w of [...waiters]) if (w.pattern.test(line)) w.resolve(line);
    }
  });
  proc.stderr!.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return {
    proc,
    lines,
    exited,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const seen = lines.find((l) => pattern.test(l));
        if (seen) return resolve(seen);
        const timer = setTimeout(() => reject(new Error(`child never printed ${pattern}; stderr: ${stderr}`)), timeoutMs);
        exited.then(() => setTimeout(() => reject(new Error(`child exited before ${pattern}; stderr: ${stderr}`)), 50));
        waiters.push({ pattern, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      }),
  };
}

async function killHard(child: Child): Promise<void> {
  child.proc.kill("SIGKILL");
  await child.exited;
}

async function buildHere(root: string, n: number): Promise<string> {
  const graph = VectorShards.create(DIMS);
  graph.add(Array.from({ length: n }, (_, i) => vectorFor(i, DIMS)));
  const r = await writeIndex(root, {
    vectors: graph,
    embedding: { model: expected.model, dimensions: DIMS },
    inputsHash: expected.inputsHash,
    payloads: { "bm25.json": JSON.stringify({ count: n }) },
  });
  return r.generation;
}

async function live(root: string) {
  const opened = await openIndex(root, expected);
  if (opened.status !== "ok") throw new Error(`index does not open: ${opened.status}: ${opened.reason}`);
  return opened;
}

const STAGES: { stage: WriteStage; swapped: boolean }[] = [
  { stage: "build-folder-created", swapped: false },
  { stage: "vectors-saved", swapped: false },
  { stage: "payload-written", swapped: false },
  { stage: "files-synced", swapped: false },
  { stage: "manifest-written", swapped: false },
  { stage: "generation-named", swapped: false },
  { stage: "pointer-written", swapped: false },
  { stage: "pointer-swapped", swapped: true },
  { stage: "cleaned", swapped: true },
];

describe("index builds killed with SIGKILL", () => {
  it("leave the last complete index loadable at every stage", async () => {
    const root = path.join(tmp, "staged");
    let liveGen = await buildHere(root, 40);
    let liveSize = 40;
    for (const [i, { stage, swapped }] of STAGES.entries()) {
      const n = 50 + i;
      const child = startChild(root, stage, n, 2, 1);
      const line = await child.waitFor(/^AT /);
      await killHard(child);
      const newGen = path.basename(line.split(" ")[2]!);
      if (!swapped) {
        // The killed build left something behind (named after its process id).
        expect((await fs.readdir(root)).some((name) => name.includes(`-${child.proc.pid}-`))).toBe(true);
      }
      if (swapped) {
        liveGen = newGen;
        liveSize = n;
      }
      const opened = await live(root);
      expect({ stage, generation: opened.generation, size: opened.graph.size }).toEqual({ stage, generation: liveGen, size: liveSize });
      expect((await opened.graph.search(vectorFor(7, DIMS), 1))[0]!.label).toBe(7);
    }

    // The next build removes what the killed ones left behind.
    const last = await buildHere(root, 30);
    const after = (await fs.readdir(root)).sort();
    expect(after).toEqual([POINTER_FILE, last, liveGen].sort());
    expect((await live(root)).graph.size).toBe(30);
  }, 120_000);

  it("leave a loadable index when killed at arbitrary moments of big builds", async () => {
    const root = path.join(tmp, "timed");
    await buildHere(root, 20);
    for (const delayMs of [0, 40, 90, 160, 300]) {
      const child = startChild(root, "never", 60, 24, 1000);
      await child.waitFor(/^BUILT /, 60_000);
      await new Promise((r) => setTimeout(r, delayMs));
      await killHard(child);
      const opened = await live(root);
      expect(opened.graph.size).toBe(60);
      expect(JSON.parse(opened.payloads.get("bm25.json")!.toString("utf8")).count).toBe(60);
      expect(opened.payloads.get("big.bin")!.length).toBe(24 * 1024 * 1024);
    }
    await cleanIndexFolder(root);
    const left = await fs.readdir(root);
    expect(left.filter((n) => n.startsWith("."))).toEqual([]);
    expect(left.filter((n) => n.startsWith("gen-")).length).toBeLessThanOrEqual(2);
  }, 180_000);
});

describe("concurrent builders", () => {
  it("two processes building at once never break the index for a reader", async () => {
    const root = path.join(tmp, "concurrent");
    await buildHere(root, 20);
    const a = startChild(root, "never", 70, 1, 6);
    const b = startChild(root, "never", 80, 1, 6);
    let done = false;
    const codes = Promise.all([a.exited, b.exited]).then((c) => ((done = true), c));
    let reads = 0;
    const sizes = new Set<number>();
    while (!done) {
      const opened = await live(root);
      sizes.add(opened.graph.size);
      reads++;
    }
    expect(await codes).toEqual([0, 0]);
    expect(a.lines.filter((l) => l.startsWith("BUILT "))).toHaveLength(6);
    expect(b.lines.filter((l) => l.startsWith("BUILT "))).toHaveLength(6);
    expect(reads).toBeGreaterThan(0);
    const final = await live(root);
    expect([70, 80]).toContain(final.graph.size);
    await cleanIndexFolder(root);
    expect((await fs.readdir(root)).filter((n) => n.startsWith("gen-")).length).toBeLessThanOrEqual(2);
  }, 120_000);
});
