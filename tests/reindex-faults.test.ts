/**
 * Corpus faults met by a rebuild of the running service: bad files added to seeds/ are
 * named in the report and skipped, good ones (a GBK circular among them) get indexed,
 * the old index answers until the new one is swapped in, and a rebuild killed with
 * SIGKILL through the real command line leaves an index that opens without a rebuild.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Answer } from "../src/answer/types.ts";
import { loadSettings, PROJECT_ROOT } from "../src/config/settings.ts";
import { createLogger, type Logger } from "../src/logging/logger.ts";
import { createQaService } from "../src/service/create-qa-service.ts";
import type { PolicyQaService } from "../src/service/qa-service.ts";
import { hasEnded } from "./helpers/proc-stat.ts";
import { until } from "./helpers/wait.ts";

const SEEDS = path.join(PROJECT_ROOT, "seeds");
const SEED_FILES = fs.readdirSync(SEEDS).filter((n) => n.endsWith(".txt")).sort();
const REGULATION = fs.readFileSync(path.join(PROJECT_ROOT, "tests/fixtures/regulation.txt"), "utf8");

const GBK_FILE = "900_gbk-regulation.txt";
const EMPTY_FILE = "901_empty.txt";
const BINARY_FILE = "902_binary.txt";
const HUGE_FILE = "903_huge.txt";
const TWIN_FILE = "904_copy-of-000.txt";

/** A question only the GBK circular answers. */
const GBK_QUESTION = "技工院校新生入学后多少天内完成学籍注册？";
/** A question the original corpus answers (004 第9项). */
const SEED_QUESTION = "中职和普高的学籍能互转吗？";

let tmp: string;

function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ minLevel: "info", sink: (l) => lines.push(l) }), lines };
}

function copySeeds(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const name of SEED_FILES) fs.copyFileSync(path.join(SEEDS, name), path.join(dir, name));
}

function addBadFiles(dir: string): void {
  fs.writeFileSync(path.join(dir, GBK_FILE), iconv.encode(REGULATION, "gbk"));
  fs.writeFileSync(path.join(dir, EMPTY_FILE), "");
  const binary = Buffer.alloc(4096);
  for (let i = 0; i < binary.length; i++) binary[i] = (i * 131 + 7) % 256;
  fs.writeFileSync(path.join(dir, BINARY_FILE), binary);
  // 50 MB of real text, so that only the size rule can refuse it.
  const chunk = Buffer.from("第一条 本办法适用于全省各类技工院校。\n".repeat(1000), "utf8");
  const fd = fs.openSync(path.join(dir, HUGE_FILE), "w");
  for (let written = 0; written < 50 * 1024 * 1024; written += chunk.length) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  fs.copyFileSync(path.join(dir, SEED_FILES[0]!), path.join(dir, TWIN_FILE));
}

const citedFiles = (a: Answer) => a.citations.map((c) => c.file);

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-reindex-"));
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("a rebuild after bad files were added to seeds/", () => {
  let service: PolicyQaService;
  let seedsDir: string;
  let indexDir: string;
  let log: ReturnType<typeof capturingLogger>;

  beforeAll(async () => {
    seedsDir = path.join(tmp, "seeds");
    indexDir = path.join(tmp, "index");
    copySeeds(seedsDir);
    log = capturingLogger();
    service = await createQaService(loadSettings({ POLICYBOT_SEEDS_DIR: seedsDir, POLICYBOT_INDEX_DIR: indexDir }), log.logger);
  });

  it("names each bad file, indexes the good ones, and answers from the old index until the swap", async () => {
    const before = service.about();
    expect(citedFiles(await service.ask(GBK_QUESTION))).not.toContain(GBK_FILE);
    addBadFiles(seedsDir);

    const rebuilding = service.reindex();
    let done = false;
    void rebuilding.finally(() => (done = true));
    const during: { answer: Answer; items: number }[] = [];
    while (!done) {
      const answer = await service.ask(SEED_QUESTION);
      if (!done) during.push({ answer, items: service.about().items });
      await new Promise((r) => setImmediate(r));
    }
    const report = await rebuilding;

    // Questions kept being answered, by the old engine, while the new one was built.
    expect(during.length).toBeGreaterThan(0);
    for (const d of during) {
      expect(d.items).toBe(before.items);
      expect(d.answer.refused).toBe(false);
      expect(d.answer.citations.map((c) => `${c.file}:${c.label}`)).toContain(`${SEED_FILES[4]}:9`);
    }

    const byFile = new Map(report.problems.map((p) => [p.file, p]));
    expect(byFile.get(GBK_FILE)).toMatchObject({
      severity: "warning",
      message: `${GBK_FILE}: decoded as GB18030 (not UTF-8); consider saving it as UTF-8.`,
    });
    expect(byFile.get(EMPTY_FILE)).toMatchObject({
      severity: "error",
      message: `${EMPTY_FILE}: file is empty; remove it or put the circular's text in it.`,
    });
    expect(byFile.get(BINARY_FILE)).toMatchObject({
      severity: "error",
      message: `${BINARY_FILE}: not a text file (binary content); save the circular as plain text (.txt, UTF-8).`,
    });
    expect(byFile.get(HUGE_FILE)).toMatchObject({
      severity: "error",
      message: `${HUGE_FILE}: file is 50.0 MB, over the 20 MB limit for one circular; split it or remove it from seeds/.`,
    });
    expect(byFile.get(TWIN_FILE)).toMatchObject({
      severity: "warning",
      message: `${TWIN_FILE}: same content as ${SEED_FILES[0]}; skipped so answers are not cited twice.`,
    });
    // The same messages reach the log, one line each.
    for (const file of [GBK_FILE, EMPTY_FILE, BINARY_FILE, HUGE_FILE, TWIN_FILE]) {
      expect(log.lines.filter((l) => l.includes(`${file}:`)).length).toBe(1);
    }

    expect(report.documents).toBe(SEED_FILES.length + 1);
    expect(report.items).toBeGreaterThan(before.items);
    expect(service.about().items).toBe(report.items);

    // The GBK circular is now searchable and cited by its own name, decoded correctly.
    const gbk = await service.ask(GBK_QUESTION);
    expect(gbk.refused).toBe(false);
    expect(citedFiles(gbk)[0]).toBe(GBK_FILE);
    expect(gbk.text).toContain("三十日内");
    // The twin never shows up as a source.
    const ids = (await service.search("职业教育工作要点", 10)).map((h) => h.item.file);
    expect(ids).not.toContain(TWIN_FILE);
  });

  it("saved the rebuilt index: a restart opens it instead of building again", async () => {
    const restarted = capturingLogger();
    const again = await createQaService(loadSettings({ POLICYBOT_SEEDS_DIR: seedsDir, POLICYBOT_INDEX_DIR: indexDir }), restarted.logger);
    expect(again.about().indexBuiltAt).toBe(service.about().indexBuiltAt);
    expect(restarted.lines.some((l) => /rebuilding|building it/.test(l))).toBe(false);
  });

  it("a rebuild that finds no readable circular fails and keeps the old index answering", async () => {
    const lonelySeeds = path.join(tmp, "lonely-seeds");
    fs.mkdirSync(lonelySeeds);
    fs.copyFileSync(path.join(SEEDS, SEED_FILES[4]!), path.join(lonelySeeds, SEED_FILES[4]!));
    const lonely = await createQaService(
      loadSettings({ POLICYBOT_SEEDS_DIR: lonelySeeds, POLICYBOT_INDEX_DIR: path.join(tmp, "lonely-index") }),
      capturingLogger().logger,
    );
    fs.writeFileSync(path.join(lonelySeeds, SEED_FILES[4]!), Buffer.from([0, 1, 2, 3, 0, 255]));
    await expect(lonely.reindex()).rejects.toThrow(`No circulars could be loaded from ${lonelySeeds}; see the messages above.`);
    const a = await lonely.ask(SEED_QUESTION);
    expect(a.refused).toBe(false);
    expect(citedFiles(a)).toContain(SEED_FILES[4]);
  });
});

describe("a rebuild killed with SIGKILL through the command line", () => {
  const KILL_DELAYS_MS = [0, 30, 80, 150, 300, 500];

  /**
   * Runs `policybot ask` until it logs that it rebuilds, then kills it after `delayMs`.
   * Resolves with whether it finished first, once the build's own process (named in its
   * parent's debug line) is gone too: a build whose parent was killed must stop, not swap in later.
   */
  async function killDuringRebuild(seedsDir: string, indexDir: string, delayMs: number): Promise<{ finished: boolean; stderr: string }> {
    const run = await killCli(seedsDir, indexDir, delayMs);
    // Absent when the kill came before the build was started.
    const builder = Number(/index build started \{"process":(\d+)/.exec(run.stderr)?.[1]);
    if (builder) await until(() => hasEnded(builder), `the build's process ${builder} to end`, 10_000);
    return run;
  }

  function killCli(seedsDir: string, indexDir: string, delayMs: number): Promise<{ finished: boolean; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin/policybot.mjs"), "ask", SEED_QUESTION], {
        env: { ...process.env, POLICYBOT_SEEDS_DIR: seedsDir, POLICYBOT_INDEX_DIR: indexDir, LOG_LEVEL: "debug" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      let armed = false;
      child.stdout.resume();
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString("utf8");
        if (!armed && /rebuilding/.test(stderr)) {
          armed = true;
          setTimeout(() => child.kill("SIGKILL"), delayMs);
        }
      });
      child.on("error", reject);
      child.on("exit", (code, signal) => resolve({ finished: signal === null && code === 0, stderr }));
    });
  }

  /** Opens a copy of the index folder for a seeds folder; reports whether it opened without any rebuild. */
  async function opensWithoutRebuild(indexDir: string, seedsDir: string, name: string): Promise<{ opened: boolean; lines: string[] }> {
    const copy = path.join(tmp, name);
    fs.cpSync(indexDir, copy, { recursive: true });
    const log = capturingLogger();
    const s = await createQaService(loadSettings({ POLICYBOT_SEEDS_DIR: seedsDir, POLICYBOT_INDEX_DIR: copy }), log.logger);
    expect((await s.ask(SEED_QUESTION)).refused).toBe(false);
    return { opened: !log.lines.some((l) => /rebuilding|building it/.test(l)), lines: log.lines };
  }

  it("leaves the last complete index loadable, never a damaged one", async () => {
    const oldSeeds = path.join(tmp, "crash-seeds-old");
    const newSeeds = path.join(tmp, "crash-seeds-new");
    const indexDir = path.join(tmp, "crash-index");
    copySeeds(oldSeeds);
    copySeeds(newSeeds);
    fs.writeFileSync(path.join(newSeeds, GBK_FILE), iconv.encode(REGULATION, "gbk"));
    await createQaService(loadSettings({ POLICYBOT_SEEDS_DIR: oldSeeds, POLICYBOT_INDEX_DIR: indexDir }), capturingLogger().logger);

    let killedMidBuild = 0;
    for (const [k, delay] of KILL_DELAYS_MS.entries()) {
      const run = await killDuringRebuild(newSeeds, indexDir, delay);
      expect(run.stderr).toMatch(/is stale .*; rebuilding/);
      const asOld = await opensWithoutRebuild(indexDir, oldSeeds, `check-old-${k}`);
      const asNew = await opensWithoutRebuild(indexDir, newSeeds, `check-new-${k}`);
      // Exactly one complete generation is current: the old one, or the new one if the swap happened.
      expect([asOld.opened, asNew.opened].filter(Boolean)).toHaveLength(1);
      for (const l of [...asOld.lines, ...asNew.lines]) expect(l).not.toMatch(/corrupt|damaged|truncated|checksum/);
      if (!run.finished && asOld.opened) killedMidBuild++;
      // Put the old index back as current for the next round.
      if (asNew.opened)
        await createQaService(loadSettings({ POLICYBOT_SEEDS_DIR: oldSeeds, POLICYBOT_INDEX_DIR: indexDir }), capturingLogger().logger);
    }
    // The kills must really have landed inside builds for this test to show anything.
    expect(killedMidBuild).toBeGreaterThan(0);
  }, 120_000);
});

describe("a damaged index found at start", () => {
  type Damage = (gen: string) => void;
  const DAMAGES: [string, Damage, RegExp][] = [
    [
      "truncated vectors",
      (g) => fs.truncateSync(path.join(g, "vectors.hnsw"), fs.statSync(path.join(g, "vectors.hnsw")).size - 100),
      /vectors\.hnsw: \d+ bytes, the manifest says \d+ \(truncated or damaged\)/,
    ],
    [
      "one bit flipped in the vectors",
      (g) => {
        const bytes = fs.readFileSync(path.join(g, "vectors.hnsw"));
        bytes[Math.floor(bytes.length / 2)]! ^= 0x04;
        fs.writeFileSync(path.join(g, "vectors.hnsw"), bytes);
      },
      /vectors\.hnsw: checksum mismatch/,
    ],
    [
      "a manifest from a model of other dimensions",
      (g) => {
        const file = path.join(g, "manifest.json");
        const m = JSON.parse(fs.readFileSync(file, "utf8")) as { embedding: { model: string; dimensions: number } };
        fs.writeFileSync(file, JSON.stringify({ ...m, embedding: { model: "Xenova/bge-small-zh-v1.5", dimensions: 512 } }));
      },
      /is stale/,
    ],
    ["a missing lexical index", (g) => fs.rmSync(path.join(g, "lexical.bin")), /lexical\.bin: missing/],
  ];

  it.each(DAMAGES)("%s: detected before use, rebuilt, and answers are right", async (_name, damage, expected) => {
    const seedsDir = path.join(tmp, "seeds-integrity");
    if (!fs.existsSync(seedsDir)) copySeeds(seedsDir);
    const indexDir = fs.mkdtempSync(path.join(tmp, "integrity-"));
    const settings = loadSettings({ POLICYBOT_SEEDS_DIR: seedsDir, POLICYBOT_INDEX_DIR: indexDir });
    await createQaService(settings, capturingLogger().logger);
    const current = fs.readFileSync(path.join(indexDir, "CURRENT"), "utf8").trim();
    damage(path.join(indexDir, current));

    const log = capturingLogger();
    const service = await createQaService(settings, log.logger);
    const warning = log.lines.find((l) => /rebuilding/.test(l));
    expect(warning).toMatch(expected);
    const a = await service.ask(SEED_QUESTION);
    expect(a.citations.map((c) => `${c.file}:${c.label}`)).toContain(`${SEED_FILES[4]}:9`);
    // The rebuilt index is a new generation that the next start opens as it is.
    expect(fs.readFileSync(path.join(indexDir, "CURRENT"), "utf8").trim()).not.toBe(current);
    const next = capturingLogger();
    await createQaService(settings, next.logger);
    expect(next.lines.some((l) => /rebuilding|building it/.test(l))).toBe(false);
  });
});
