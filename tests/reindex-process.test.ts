/**
 * A rebuild runs in a child process: on a generated corpus of 50 circulars, questions
 * keep being answered from the old index while the new one is built, the answering
 * thread is never held for long (perf_hooks.monitorEventLoopDelay; the bound is loose
 * on purpose, the benchmark reports the figure), and the new circular is found once
 * the new index is swapped in; the build's process has ended by then. A restart then
 * opens that index as saved.
 */
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSettings, PROJECT_ROOT } from "../src/config/settings.ts";
import { createLogger } from "../src/logging/logger.ts";
import { buildEnvironment } from "../src/service/build-in-child-process.ts";
import { createQaService } from "../src/service/create-qa-service.ts";
import { generateScaleCorpus } from "../scripts/scale-corpus.ts";

/** A circular only the added document holds. */
const NEW_CIRCULAR = `关于开展职业院校海洋牧场实训基地建设试点的通知

一、海洋牧场实训基地建设试点由省海洋渔业厅牵头，2026年9月底前遴选首批试点院校12所。
二、试点院校每年为海洋牧场企业培训技术人员不少于300人次。
`;
const NEW_QUESTION = "海洋牧场实训基地首批试点院校有多少所？";
const OLD_QUESTION = "中职和普高的学籍能互转吗？";

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "policybot-rebuild-"));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe("a rebuild in a child process", () => {
  it("answers from the old index meanwhile, never holds the event loop long, then answers from the new one", async () => {
    const seeds = path.join(tmp, "seeds");
    await generateScaleCorpus(path.join(PROJECT_ROOT, "seeds"), seeds, 50);
    const lines: string[] = [];
    const settings = loadSettings({ POLICYBOT_SEEDS_DIR: seeds, POLICYBOT_INDEX_DIR: path.join(tmp, "index") });
    const service = await createQaService(settings, createLogger({ minLevel: "debug", sink: (l) => lines.push(l) }));
    expect((await service.ask(NEW_QUESTION)).citations.some((c) => c.text.includes("海洋牧场"))).toBe(false);

    await fs.writeFile(path.join(seeds, "050_0123456789abcdef.txt"), NEW_CIRCULAR);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    let rebuilding = true;
    const during: boolean[] = [];
    const asking = (async () => {
      while (rebuilding) {
        const a = await service.ask(OLD_QUESTION);
        during.push(a.citations.some((c) => c.label === "9"));
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    delay.enable();
    const report = await service.reindex();
    delay.disable();
    rebuilding = false;
    await asking;

    expect(report.documents).toBe(51);
    expect(lines.some((l) => /index built in \d+ ms/.test(l))).toBe(true);
    // Built by another process, which is gone once the new index is answering.
    const builder = Number(/index build started \{"process":(\d+)/.exec(lines.join("\n"))?.[1]);
    expect(builder).toBeGreaterThan(0);
    expect(builder).not.toBe(process.pid);
    await expect.poll(() => fs.access(`/proc/${builder}`).then(() => false, () => true), { timeout: 5_000 }).toBe(true);
    // Answered, and rightly, all through the rebuild.
    expect(during.length).toBeGreaterThan(5);
    expect(during.every(Boolean)).toBe(true);
    // Building 51 circulars on this thread would hold it for seconds; built elsewhere, it is not held near that.
    expect(delay.max / 1e6).toBeLessThan(1000);
    const after = await service.ask(NEW_QUESTION);
    expect(after.citations[0]?.file).toBe("050_0123456789abcdef.txt");
    expect(after.text).toContain("12所");

    const restart = createLogger({ minLevel: "info", sink: (l) => lines.push(`restart ${l}`) });
    const reopened = await createQaService(settings, restart);
    expect(lines.some((l) => l.startsWith("restart") && /building|rebuilding/.test(l))).toBe(false);
    expect((await reopened.ask(NEW_QUESTION)).citations[0]?.file).toBe("050_0123456789abcdef.txt");
  }, 240_000);
});

describe("the build's environment", () => {
  it("is this process's without glibc's huge-page malloc, keeping every other setting", () => {
    expect(buildEnvironment({ GLIBC_TUNABLES: "glibc.malloc.hugetlb=1", LOG_LEVEL: "info" })).toEqual({ LOG_LEVEL: "info" });
    expect(buildEnvironment({ GLIBC_TUNABLES: "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1" })).toEqual({
      GLIBC_TUNABLES: "glibc.malloc.arena_max=2",
    });
    expect(buildEnvironment({ GLIBC_TUNABLES: "glibc.malloc.arena_max=2" })).toEqual({ GLIBC_TUNABLES: "glibc.malloc.arena_max=2" });
    expect(buildEnvironment({ PATH: "/usr/bin" })).toEqual({ PATH: "/usr/bin" });
  });
});
