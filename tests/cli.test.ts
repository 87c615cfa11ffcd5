import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin/policybot.mjs");
const tmp = mkdtempSync(path.join(os.tmpdir(), "pb-cli-"));
const env = {
  ...process.env,
  POLICYBOT_INDEX_DIR: path.join(tmp, "index"),
  POLICYBOT_DATA_DIR: path.join(tmp, "data"),
  TELEGRAM_BOT_TOKEN: "",
};

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

  it("item finds a document by id, number or title, and names the document's real range when a label does not exist", () => {
    const r = run(["item", "003", "三（二）9"]);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toBe("《山东省技工教育“十四五”发展规划》没有“三（二）9”。三、（二）下共3条，请输入三、（二）1.–三、（二）3.\n");
    expect(run(["item", "004", "99"]).err).toBe("《山东省工作任务清单》没有“99”。共45项，请输入1–45。\n");
    for (const args of [["任务清单", "第33项"], ["4", "33"], ["004_14cb77bf2456b070.txt", "33"]]) {
      const ok = run(["item", ...args]);
      expect(ok.code).toBe(0);
      expect(ok.out.startsWith("《山东省工作任务清单》第33项\n\n2020年6月底前")).toBe(true);
      // The units once, as the document wrote them.
      expect(ok.out.endsWith("\n\n责任单位：各市、县（市、区）人民政府，省人力资源社会保障厅、省财政厅、省教育厅\n")).toBe(true);
    }
  });

  it("docs lists documents with their facts, searches by year or word, and pages", () => {
    const all = run(["docs"]);
    expect(all.code).toBe(0);
    expect(all.err).toBe("");
    expect(all.out.split("\n").slice(0, 3)).toEqual([
      "已收录 5 份文件",
      "000 《2023年山东省职业教育工作要点》",
      "　鲁教职处函〔2023〕1号，山东省教育厅职业教育处，2023-02-20，共20条（1–20）",
    ]);
    const titles = (out: string) => out.split("\n").filter((l) => l.includes("《"));
    expect(titles(run(["docs", "2021"]).out)).toEqual(["001 《2021年山东省职业教育工作要点》", "003 《山东省技工教育“十四五”发展规划》"]);
    // One match: its card, with every fact the corpus read from it.
    expect(run(["docs", "技工"]).out).toBe(
      [
        "《山东省技工教育“十四五”发展规划》", "编号：003", "文号：鲁人社字〔2021〕172号", "发文单位：山东省人力资源和社会保障厅", "印发日期：2021-12-31", "主送：各市人力资源社会保障局，各技工院校", "公开方式：主动公开",
        "依据：《人力资源和社会保障部技工教育“十四五”规划》；《关于推动现代职业教育高质量发展的意见》；《山东省“十四五”人力资源和社会保障事业发展规划》", "联系：省人力资源社会保障厅职业能力建设处", "共37条", "",
        "/item 003 一、（一）1.", "",
      ].join("\n"),
    );
    const none = run(["docs", "1999"]);
    expect(none.code).toBe(1);
    expect(none.err).toBe("没有与“1999”相符的文件。发送 /docs 查看全部，或按年份、发文单位、标题中的词查找，例如 /docs 2023。\n");
    expect(run(["docs", "--page", "2"])).toMatchObject({ code: 2, err: "--page 2: there is 1 page.\n" });
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
    expect(out).toContain("《山东省工作任务清单》第9项");
    expect(out).toContain("在墨子、鲁班、奚仲故里枣庄市建设中国职业教育博物馆");
  });

  it("refuses a malformed setting with a message naming it", () => {
    const r = spawnSync(process.execPath, [BIN, "docs"], { cwd: ROOT, env: { ...env, ADMIN_USER_IDS: "alice" }, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("ADMIN_USER_IDS must be numeric Telegram ids separated by commas. Fix it in the environment or unset it.");
    const loud = spawnSync(process.execPath, [BIN, "docs"], { cwd: ROOT, env: { ...env, LOG_LEVEL: "loud" }, encoding: "utf8" });
    expect(loud.status).toBe(2);
    expect(loud.stderr).toBe("LOG_LEVEL must be one of debug, info, warn, error. Fix it in the environment or unset it.\n");
  });

  it("prints only what a user needs; diagnostics come with --verbose or LOG_LEVEL", () => {
    // The seeds' task list carries a degraded second copy of its table, which is dropped with an info message.
    expect(run(["docs"]).err).toBe("");
    expect(run(["docs", "--verbose"]).err).toMatch(/^info: 004_14cb77bf2456b070\.txt: skipped \d+ characters of unnumbered text/);
    const chat = run(["chat"], "/about\n");
    expect(chat.code).toBe(0);
    expect(chat.err).toBe("");
    const debug = spawnSync(process.execPath, [BIN, "ask", "绩效工资最高几倍"], {
      cwd: ROOT,
      env: { ...env, LOG_LEVEL: "info" },
      encoding: "utf8",
    });
    expect(debug.stderr).toMatch(/ INFO /);
  });

  it("stops with one message and no stack trace when the seeds folder is missing", () => {
    const missing = { ...env, POLICYBOT_SEEDS_DIR: path.join(tmp, "no-such-folder") };
    const r = spawnSync(process.execPath, [BIN, "ask", "绩效工资最高几倍"], { cwd: ROOT, env: missing, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`seeds folder ${path.join(tmp, "no-such-folder")} does not exist; set POLICYBOT_SEEDS_DIR or create it.`);
    expect(r.stderr).toContain(`No circulars could be loaded from ${path.join(tmp, "no-such-folder")}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const docs = spawnSync(process.execPath, [BIN, "docs"], { cwd: ROOT, env: missing, encoding: "utf8" });
    expect(docs.status).toBe(1);
    expect(docs.stderr).toBe(
      `error: seeds folder ${path.join(tmp, "no-such-folder")} does not exist; set POLICYBOT_SEEDS_DIR or create it.\n还没有收录任何文件。\n`,
    );
  });
});
