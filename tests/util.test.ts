/**
 * The shared primitives of src/util/: the bounded map, the serial queue, and JSON Lines
 * files, including what a full disk does to an append (issue 12 §7): a short write, a
 * write that fails half-way with ENOSPC, a cut that cannot be undone, a file left
 * without its last newline. Faults are injected through the appender's file operations.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as z from "../src/util/zod.ts";
import { PROJECT_ROOT } from "../src/config/settings.ts";
import { DataFileError } from "../src/lexicon/data-file.ts";
import { loadVocabulary } from "../src/lexicon/vocabulary.ts";
import { BoundedMap } from "../src/util/bounded-map.ts";
import { forEachJsonLine, JsonLinesFile, NODE_APPEND_IO, readJsonLines, type AppendIo } from "../src/util/json-lines.ts";
import { SerialQueue } from "../src/util/serial-queue.ts";
import { BACKGROUND_NICE } from "../src/util/thread-priority.ts";
import { forkModule } from "../src/util/child-process.ts";
import { statFields } from "./helpers/proc-stat.ts";

const dirs: string[] = [];
afterAll(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function tempFile(name = "log.jsonl"): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-util-"));
  dirs.push(d);
  return path.join(d, name);
}

const Rec = z.object({ n: z.number(), text: z.string() });
const rec = (n: number) => ({ n, text: `记录${n}` });
const enospc = () => Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });

/** The node operations, with writes that stop after `budget` bytes: a disk that fills up. */
function fillingDisk(budget: number, options: { truncateFails?: boolean } = {}) {
  const state = { budget, writes: 0 };
  const io: AppendIo = {
    ...NODE_APPEND_IO,
    write(fd, buffer, offset, length) {
      state.writes++;
      if (state.budget <= 0) throw enospc();
      const n = Math.min(length, state.budget);
      state.budget -= n;
      // A short write: the kernel took part of the buffer (as write(2) may).
      return NODE_APPEND_IO.write(fd, buffer, offset, n);
    },
    truncate(fd, length) {
      if (options.truncateFails) throw Object.assign(new Error("EIO: i/o error, ftruncate"), { code: "EIO" });
      NODE_APPEND_IO.truncate(fd, length);
    },
  };
  return { io, state };
}

describe("BoundedMap", () => {
  it("keeps the newest entries up to its capacity; setting a key again makes it the newest", () => {
    const m = new BoundedMap<string, number>(3);
    m.set("a", 1).set("b", 2).set("c", 3);
    m.set("a", 10);
    m.set("d", 4);
    expect([...m.entries()]).toEqual([["c", 3], ["a", 10], ["d", 4]]);
    expect(m.has("b")).toBe(false);
    expect(() => new BoundedMap(0)).toThrow(/capacity/);
  });
});

describe("SerialQueue", () => {
  it("runs tasks one at a time in order; a failure rejects its own caller only", async () => {
    const q = new SerialQueue();
    const log: string[] = [];
    let running = 0;
    const task = (name: string, ms: number, fail = false) => async () => {
      running++;
      expect(running).toBe(1);
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${name}`);
      running--;
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([q.run(task("a", 20)), q.run(task("b", 1, true)), q.run(task("c", 5))]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual(["a", "b", "c"]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
    await q.idle();
  });
});

describe("JSON Lines files", () => {
  it("round trip: appended records come back in order; malformed lines are counted and skipped", async () => {
    const file = tempFile();
    const f = new JsonLinesFile(file);
    await f.append([rec(1), rec(2)]);
    f.write([rec(3)]);
    await f.sync();
    fs.appendFileSync(file, "not json\n{\"n\":\"x\"}\n\n");
    await f.close();
    const read = await readJsonLines(file, Rec);
    expect(read.records).toEqual([rec(1), rec(2), rec(3)]);
    expect(read.malformed).toBe(2);
    expect(await readJsonLines(tempFile("missing.jsonl"), Rec)).toEqual({ records: [], malformed: 0 });
  });

  it("reads from a byte offset, skipping the line the offset falls into", async () => {
    const file = tempFile();
    const f = new JsonLinesFile(file);
    await f.append([1, 2, 3, 4].map(rec));
    await f.close();
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const startOf3 = Buffer.byteLength(lines.slice(0, 2).join("\n") + "\n");
    const seen = (from: number) => {
      const out: number[] = [];
      return forEachJsonLine(file, Rec, (r) => out.push(r.n), { fromByte: from }).then(() => out);
    };
    expect(await seen(startOf3)).toEqual([3, 4]);
    expect(await seen(startOf3 - 3)).toEqual([3, 4]);
    expect(await seen(startOf3 + 1)).toEqual([4]);
    expect(await seen(0)).toEqual([1, 2, 3, 4]);
  });

  it("a short write is continued until the record is whole", async () => {
    const file = tempFile();
    let calls = 0;
    const io: AppendIo = { ...NODE_APPEND_IO, write: (fd, b, o, l) => (calls++, NODE_APPEND_IO.write(fd, b, o, Math.min(l, 7))) };
    const f = new JsonLinesFile(file, { io });
    await f.append([rec(1), rec(2)]);
    expect(calls).toBeGreaterThan(5);
    expect((await readJsonLines(file, Rec)).records).toEqual([rec(1), rec(2)]);
  });

  it("ENOSPC half-way through a record: the append fails, and the records before and after it are whole", async () => {
    const file = tempFile();
    const first = JSON.stringify(rec(1)).length + 1;
    const disk = fillingDisk(first + 10);
    const f = new JsonLinesFile(file, { io: disk.io });
    await f.append([rec(1)]);
    await expect(f.append([rec(2)])).rejects.toMatchObject({ code: "ENOSPC" });
    // Space is freed; the next record must not be glued to the cut one.
    disk.state.budget = 1_000;
    await f.append([rec(3)]);
    await f.close();
    expect(await readJsonLines(file, Rec)).toEqual({ records: [rec(1), rec(3)], malformed: 0 });
  });

  it("ENOSPC and the cut cannot be undone: the cut line is skipped, the next record starts on its own line", async () => {
    const file = tempFile();
    const disk = fillingDisk(JSON.stringify(rec(1)).length + 1 + 10, { truncateFails: true });
    const f = new JsonLinesFile(file, { io: disk.io });
    await f.append([rec(1)]);
    await expect(f.append([rec(2)])).rejects.toMatchObject({ code: "ENOSPC" });
    disk.state.budget = 1_000;
    await f.append([rec(3)]);
    expect(await readJsonLines(file, Rec)).toEqual({ records: [rec(1), rec(3)], malformed: 1 });
  });

  it("a file left without its last newline (a crash mid-write) gets one before the next record", async () => {
    const file = tempFile();
    fs.writeFileSync(file, JSON.stringify(rec(1)) + "\n" + JSON.stringify(rec(2)).slice(0, 9));
    const f = new JsonLinesFile(file);
    await f.append([rec(3)]);
    expect(await readJsonLines(file, Rec)).toEqual({ records: [rec(1), rec(3)], malformed: 1 });
  });

  it("concurrent syncs share fsyncs, and every caller resolves only after its record is on disk", async () => {
    const file = tempFile();
    let syncs = 0;
    let onDiskAtSync: number[] = [];
    const io: AppendIo = {
      ...NODE_APPEND_IO,
      sync: async (fd) => {
        syncs++;
        onDiskAtSync.push(fs.readFileSync(file, "utf8").split("\n").filter(Boolean).length);
        await new Promise((r) => setTimeout(r, 5));
        return NODE_APPEND_IO.sync(fd);
      },
    };
    const f = new JsonLinesFile(file, { io });
    const done: number[] = [];
    await Promise.all(Array.from({ length: 40 }, (_, k) => f.append([rec(k)]).then(() => done.push(k))));
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, k) => k));
    expect(syncs).toBeLessThanOrEqual(2);
    // The first append's fsync started alone; the 39 written while it ran shared the next.
    expect(onDiskAtSync.at(-1)).toBe(40);
    onDiskAtSync = [];
    await f.sync();
    expect(onDiskAtSync).toEqual([]);
  });

  it("replace() rewrites the file and keeps what was appended while it ran", async () => {
    const file = tempFile();
    const f = new JsonLinesFile(file);
    await f.append([1, 2, 3].map(rec));
    const replacing = f.replace([rec(2)]);
    f.write([rec(4)]);
    await new Promise((r) => setTimeout(r, 0));
    f.write([rec(5)]);
    await replacing;
    await f.append([rec(6)]);
    expect((await readJsonLines(file, Rec)).records.map((r) => r.n)).toEqual([2, 4, 5, 6]);
    expect(fs.existsSync(`${file}.tmp`)).toBe(false);
  });

  it("redacts every record before it is written", async () => {
    const file = tempFile();
    const f = new JsonLinesFile(file, { redact: <T>(r: T) => JSON.parse(JSON.stringify(r).replaceAll("秘密", "[redacted]")) as T });
    await f.append([{ n: 1, text: "我的秘密" }]);
    expect(fs.readFileSync(file, "utf8")).toBe('{"n":1,"text":"我的[redacted]"}\n');
  });
});

describe("the vocabulary folder", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-vocabulary-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is read again only when a file changed, and a glossary entry with an empty spelling is an error naming its line", () => {
    fs.cpSync(path.join(PROJECT_ROOT, "data"), dir, { recursive: true });
    const first = loadVocabulary(dir);
    expect(loadVocabulary(dir)).toBe(first);
    expect(first.english.size).toBeGreaterThan(1000);

    const file = path.join(dir, "en-zh.json");
    const glossary = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string[]>;
    fs.writeFileSync(file, JSON.stringify({ ...glossary, "vocational school": [""] }, null, 1));
    const error = (() => {
      try {
        loadVocabulary(dir);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DataFileError);
    expect((error as Error).message).toMatch(/^en-zh\.json line \d+: /);

    // A key starting with "_" is a comment; keys are matched in lower case, hyphens and runs of whitespace as one space.
    const edited = { ...glossary, "vocational school": ["职业学校"], _note: ["注释"], "Dual-Track\t \tPilot": ["双轨试点"] };
    fs.writeFileSync(file, JSON.stringify(edited));
    const again = loadVocabulary(dir);
    expect(again).not.toBe(first);
    expect(again.english.get("vocational school")).toEqual(["职业学校"]);
    expect(again.english.get("dual track pilot")).toEqual(["双轨试点"]);
    expect([...again.english.keys()].filter((k) => k.startsWith("_") || /[A-Z-]|\s\s/.test(k))).toEqual([]);
    expect(again.english.has("_note")).toBe(false);
  });
});

/** The nice value of one thread of a process (this one by default), from /proc (field 19 of its stat line). */
const niceOf = (tid: number, pid = process.pid): number => Number(statFields(pid, tid)![16]);

describe.runIf(process.platform === "linux")("lowering a process's priority (the index build's)", () => {
  it("lowers every thread of a child process, and none of its parent's", async () => {
    const before = new Set(fs.readdirSync(`/proc/${process.pid}/task`).map((t) => niceOf(Number(t))));
    const child = forkModule("background-process", "../tests/helpers/background-process.ts");
    try {
      const { threads } = await new Promise<{ threads: number | null }>((resolve, reject) => {
        child.once("message", (m) => resolve(m as { threads: number | null }));
        child.once("error", reject);
      });
      // Node starts several threads before any code runs (V8's workers, libuv's), and all are lowered.
      expect(threads).toBeGreaterThan(1);
      const tasks = fs.readdirSync(`/proc/${child.pid}/task`).map(Number);
      expect(tasks.length).toBeGreaterThanOrEqual(threads!);
      expect(new Set(tasks.map((t) => niceOf(t, child.pid)))).toEqual(new Set([BACKGROUND_NICE]));
      expect(new Set(fs.readdirSync(`/proc/${process.pid}/task`).map((t) => niceOf(Number(t))))).toEqual(before);
    } finally {
      child.disconnect();
      await new Promise((r) => child.once("exit", r));
    }
  });
});
