import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin/policybot.mjs");
const tmp = mkdtempSync(path.join(os.tmpdir(), "pb-cli-"));
const env = { ...process.env, POLICYBOT_INDEX_DIR: path.join(tmp, "index"), POLICYBOT_DATA_DIR: path.join(tmp, "data"), TELEGRAM_BOT_TOKEN: "" };

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, input, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("policybot command line", () => {
  it("ask --json prints one CONTRACT §3 object", () => {
    const r = run(["ask", "--json", "公办职校绩效工资最高能到基准线的几倍"]);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.out);
    expect(Object.keys(a)).toEqual(expect.arrayContaining(["question", "answer", "refused", "citations", "retrieved", "timings"]));
    expect(a.refused).toBe(false);
    expect(a.citations[0]).toMatchObject({ file: "004_14cb77bf2456b070.txt", item: "33", title: "山东省工作任务清单", docNumber: null });
    expect(a.citations[0].text).toContain("基准线的5倍");
    expect(a.retrieved.length).toBe(10);
    expect(new Set(a.retrieved.map((r: { file: string; item: string }) => `${r.file}|${r.item}`)).size).toBe(10);
    expect(typeof a.timings.totalMs).toBe("number");
  });

  it("ask --json --batch answers every line in order, keeps ids, reports bad lines", () => {
    const file = path.join(tmp, "batch.jsonl");
    writeFileSync(file, ['{"id": "a", "question": "“一市一策”方案最晚啥时候报"}', "not json", '{"id": "b", "question": "技校一年学费收多少？"}', ""].join("\n"));
    const r = run(["ask", "--json", "--batch", file]);
    const lines = r.out.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(["a", "b"]);
    expect(lines[0].refused).toBe(false);
    expect(lines[1].refused).toBe(true);
    expect(lines[1].citations).toEqual([]);
    expect(r.err).toContain(`${file}:2: expected {"id": "...", "question": "..."}; skipped.`);
    expect(r.code).toBe(1);
  });

  it("items --json lists every item with CONTRACT §3 fields", () => {
    const r = run(["items", "--json"]);
    const items = r.out.trim().split("\n").map((l) => JSON.parse(l));
    const row = items.find((i) => i.file.startsWith("004") && i.item === "33");
    expect(row).toMatchObject({ title: "山东省工作任务清单", docNumber: null, responsible: ["各市、县（市、区）人民政府", "省人力资源社会保障厅", "省财政厅", "省教育厅"] });
    expect(items.filter((i) => i.item !== null).length).toBe(20 + 60 + 14 + 37 + 45);
  });

  it("item names the nearest labels when a label does not exist", () => {
    const r = run(["item", "003", "三（二）9"]);
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe("《山东省技工教育“十四五”发展规划》中没有条目“三（二）9”。最接近的条目：三、（二）1.、三、（二）2.、三、（二）3.、一、（二）1.、一、（二）2.");
    const ok = run(["item", "任务清单", "第33项"]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("基准线的5倍");
  });

  it("the terminal chat answers, shows /item, and exits cleanly at end of input when driven by another process", async () => {
    const child = spawn(process.execPath, [BIN, "chat"], { cwd: ROOT, env });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stdin.write("中职和普高的学籍能互转吗？\n");
    child.stdin.write("/item 004 45\n");
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(0);
    expect(out).toContain("能。");
    expect(out).toContain("来源：《山东省工作任务清单》第9项");
    expect(out).toContain("在墨子、鲁班、奚仲故里枣庄市建设中国职业教育博物馆");
  });

  it("refuses a malformed setting with a message naming it", () => {
    const r = spawnSync(process.execPath, [BIN, "docs"], { cwd: ROOT, env: { ...env, ADMIN_USER_IDS: "alice" }, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("ADMIN_USER_IDS must be numeric Telegram ids separated by commas. Fix it in the environment or unset it.");
  });
});
