import { promises as fs, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import iconv from "iconv-lite";
import { beforeAll, describe, expect, it } from "vitest";
import { ingestFile, loadCorpus } from "../src/corpus/load-corpus.ts";
import { labelKey } from "../src/corpus/numbering.ts";
import { parseDocument } from "../src/corpus/parse-document.ts";
import type { Corpus, ParsedDocument } from "../src/corpus/types.ts";

const SEEDS = path.resolve(__dirname, "../seeds");
const DEV = path.resolve(__dirname, "../eval/questions/dev.jsonl");

let corpus: Corpus;
const doc = (prefix: string): ParsedDocument => corpus.documents.find((d) => d.meta.file.startsWith(prefix))!;
const labels = (prefix: string) => doc(prefix).items.filter((i) => i.label !== null).map((i) => i.label);

beforeAll(async () => {
  corpus = await loadCorpus(SEEDS);
});

describe("the five seed circulars", () => {
  it("loads all five with only the expected warning", () => {
    expect(corpus.documents.map((d) => d.meta.file.slice(0, 3))).toEqual(["000", "001", "002", "003", "004"]);
    expect(corpus.problems.filter((p) => p.severity !== "info")).toEqual([]);
  });

  it("reads titles, numbers, issuers and dates from the text", () => {
    expect(doc("000").meta).toMatchObject({
      title: "2023年山东省职业教育工作要点",
      docNumber: "鲁教职处函〔2023〕1号",
      issuer: "山东省教育厅职业教育处",
      date: "2023-02-20",
    });
    expect(doc("001").meta).toMatchObject({ title: "2021年山东省职业教育工作要点", docNumber: "鲁教职处函〔2021〕6号", date: "2021-02-26" });
    expect(doc("002").meta).toMatchObject({
      title: "关于推动淄博高新区现代职业教育高质量发展的若干措施",
      docNumber: null,
      issuer: "淄博高新技术产业开发区管理委员会",
      date: "2023-09-01",
    });
    expect(doc("003").meta).toMatchObject({
      title: "山东省技工教育“十四五”发展规划",
      docNumber: "鲁人社字〔2021〕172号",
      issuer: "山东省人力资源和社会保障厅",
      date: "2021-12-31",
    });
    expect(doc("004").meta).toMatchObject({ title: "山东省工作任务清单", docNumber: null, date: null });
  });

  it("000 has exactly items 1–20", () => {
    expect(labels("000")).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
  });

  it("001 has items 1–20 and the attachment 附件1–附件40", () => {
    expect(labels("001")).toEqual([
      ...Array.from({ length: 20 }, (_, i) => String(i + 1)),
      ...Array.from({ length: 40 }, (_, i) => `附件${i + 1}`),
    ]);
  });

  it("002 has the 14 measures, each with its responsible units, lead first", () => {
    const measures = doc("002").items.filter((i) => i.label !== null);
    expect(measures.map((m) => m.label)).toEqual([
      "一、（一）", "一、（二）", "一、（三）", "一、（四）", "二、（五）", "二、（六）", "三、（七）",
      "三、（八）", "三、（九）", "三、（十）", "四、（十一）", "四、（十二）", "四、（十三）", "四、（十四）",
    ]);
    for (const m of measures) expect(m.responsible?.length).toBeGreaterThan(0);
    expect(measures[0]!.responsible).toEqual(["教育和体育事业中心", "组织人事部", "宣传新闻中心", "人社中心"]);
    expect(measures[13]!.responsible).toEqual(["人社中心", "教育和体育事业中心"]);
    expect(measures[10]!.responsible![0]).toBe("发展改革局");
  });

  it("003 has every numbered item of every section plus 专栏1–专栏4", () => {
    const got = labels("003");
    const expected = [
      ...[1, 2, 3, 4, 5].map((n) => `一、（一）${n}.`), "一、（二）1.", "一、（二）2.",
      "二、（一）", "二、（二）", "专栏1",
      "三、（一）1.", "三、（一）2.", "三、（一）3.", "专栏2",
      "三、（二）1.", "三、（二）2.", "三、（二）3.",
      ...[1, 2, 3, 4].map((n) => `三、（三）${n}.`),
      "三、（四）1.", "三、（四）2.", "三、（四）3.", "专栏3", "三、（四）4.",
      "三、（五）1.", "三、（五）2.", "三、（五）3.",
      "三、（六）1.", "三、（六）2.", "三、（六）3.", "专栏4",
      "四、（一）", "四、（二）", "四、（三）", "四、（四）",
    ];
    expect(got).toEqual(expected);
    const box1 = doc("003").items.find((i) => i.label === "专栏1")!;
    expect(box1.text).toContain("年均招生规模（万人）15.5 >15");
    expect(box1.text).toContain("注：");
    // Numbered lines inside a box belong to the box, not to the section around it.
    expect(doc("003").items.find((i) => i.label === "专栏4")!.text).toContain("3.研究制定全省技工院校学分制");
  });

  it("004 has exactly the 45 table rows, each with its 责任部门, and nothing from the degraded copy", () => {
    const rows = doc("004").items.filter((i) => i.label !== null);
    expect(rows.map((r) => r.label)).toEqual(Array.from({ length: 45 }, (_, i) => String(i + 1)));
    for (const r of rows) {
      expect(r.responsible?.length).toBeGreaterThan(0);
      expect(r.text).not.toContain("?");
    }
    expect(rows[32]!.responsible).toEqual(["各市、县（市、区）人民政府", "省人力资源社会保障厅", "省财政厅", "省教育厅"]);
    expect(rows[1]!.responsible).toEqual(["省教育厅", "省发展改革委", "各市人民政府"]);
    expect(rows[2]!.responsible).toEqual(["省委组织部", "省教育厅", "有关行业主管部门", "各市、县（市、区）人民政府"]);
    const unlabelled = doc("004").items.filter((i) => i.label === null).map((i) => i.text).join("");
    expect(unlabelled).not.toContain("?");
    expect(corpus.problems.some((p) => p.file.startsWith("004") && p.message.includes("repeat the numbered items"))).toBe(true);
  });

  it("keeps unnumbered text searchable as unlabelled segments", () => {
    const text = (prefix: string) => doc(prefix).items.filter((i) => i.label === null).map((i) => i.text).join("\n");
    expect(text("000")).toContain("以部省共建省域现代职业教育体系新模式为主线");
    expect(text("001")).toContain("由更多侧重于实践层面探索");
    expect(text("002")).toContain("本措施自发布之日起实施");
    expect(text("003")).toContain("为深入贯彻习近平总书记关于大力发展技工教育的重要指示");
  });

  it("leaves no layout artefacts in item text", () => {
    for (const d of corpus.documents) {
      for (const item of d.items) {
        expect(item.text).not.toMatch(/\*\*/);
        expect(item.text).not.toMatch(/^\s*[—-]\s*\d+\s*[—-]\s*$/m);
        expect(item.text).not.toMatch(/[\u3000\u00a0]/);
        expect(item.text).not.toContain("校核人");
        // A line break only ever follows closing punctuation, a figure, or a title/heading line.
        for (const line of item.text.split("\n").slice(0, -1)) {
          const ok = /[。！？；：”）)%\d\]》]$/.test(line) || !/[，。；、]/.test(line);
          expect(ok, `${d.meta.file} ${item.label}: break after "${line.slice(-20)}"`).toBe(true);
        }
      }
    }
  });

  it("joins a sentence broken across a page number", () => {
    const item = doc("003").items.find((i) => i.label === "四、（三）")!;
    expect(item.text).toContain("预备技师(技师)班毕业生按规定分别按照中专、大专、本科学历落实公务员招考");
  });

  it("places every dev-set evidence string inside the item its label names", () => {
    const lines = readFileSync(DEV, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const squash = (s: string) => s.replace(/\s+/g, "").replace(/\*\*/g, "");
    let checked = 0;
    for (const q of lines) {
      for (const e of q.expected as { file: string; item: string | null; evidence: string }[]) {
        const d = corpus.documents.find((x) => x.meta.file === e.file)!;
        const candidates = d.items.filter((i) =>
          e.item === null ? i.label === null : i.label !== null && labelKey(i.label) === labelKey(e.item),
        );
        const found = candidates.some((i) => squash(i.text).includes(squash(e.evidence)));
        expect(found, `${q.id}: ${e.file} ${e.item} should contain ${e.evidence}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });
});

describe("other layouts and bad input", () => {
  it("parses 第一章 / 第一条 regulations, with article numbers running on across chapters", () => {
    const text = readFileSync(path.resolve(__dirname, "fixtures/regulation.txt"), "utf8");
    const { document } = parseDocument("regulation.txt", text);
    expect(document.items.filter((i) => i.label).map((i) => i.label)).toEqual([
      "第一章第一条", "第一章第二条", "第二章第三条", "第二章第四条", "第三章第五条",
    ]);
    expect(document.items.find((i) => i.label === "第一章第一条")!.text).toBe("第一条为规范技工院校学生学籍管理，维护学生合法权益，制定本办法。");
    expect(document.meta.title).toBe("山东省技工院校学生学籍管理办法");
  });

  it("does not take a wrapped line that starts with 一、 for a new section", () => {
    const text = "一、总体要求\n（一）目标\n到2025年，完善以理论教学与技能训练融通合\n一、能力培养与工作岗位融通合一为目标的培养模式。\n二、保障措施\n（一）加强领导\n各部门要落实。";
    const { document } = parseDocument("wrap.txt", text);
    expect(document.items.map((i) => i.label)).toEqual(["一、（一）", "二、（一）"]);
    expect(document.items[0]!.text).toContain("融通合一、能力培养");
  });

  it("decodes a GBK file instead of indexing mojibake", () => {
    const text = readFileSync(path.join(SEEDS, "000_346006db63b2c568.txt"), "utf8");
    const { document, problems } = ingestFile("gbk.txt", iconv.encode(text, "gbk"));
    expect(document!.items.filter((i) => i.label).length).toBe(20);
    expect(document!.meta.title).toBe("2023年山东省职业教育工作要点");
    expect(problems.map((p) => p.message)).toContain("gbk.txt: decoded as GB18030 (not UTF-8); consider saving it as UTF-8.");
  });

  it("refuses empty and binary files with a message naming the file", () => {
    expect(ingestFile("empty.txt", new Uint8Array()).problems[0]!.message).toBe(
      "empty.txt: file is empty; remove it or put the circular's text in it.",
    );
    expect(ingestFile("blank.txt", Buffer.from("  \n\n ")).problems[0]!.message).toBe(
      "blank.txt: file holds only whitespace; put the circular's text in it.",
    );
    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]);
    expect(ingestFile("image.txt", binary).problems[0]!.message).toBe(
      "image.txt: not a text file (binary content); save the circular as plain text (.txt, UTF-8).",
    );
  });

  it("indexes a document without numbering as unlabelled text, with a warning", () => {
    const { document, problems } = ingestFile("note.txt", Buffer.from("关于做好寒假安全工作的提示\n各学校要做好寒假期间安全教育。"));
    expect(document!.items).toHaveLength(1);
    expect(document!.items[0]!.label).toBeNull();
    expect(problems[0]!.message).toMatch(/^note\.txt: no numbering recognised/);
  });

  it("keeps loading the good files when others are bad, and skips duplicates", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "seeds-"));
    const good = readFileSync(path.join(SEEDS, "002_79bfe1fd47220794.txt"));
    await fs.writeFile(path.join(dir, "a_good.txt"), good);
    await fs.writeFile(path.join(dir, "b_copy.txt"), good);
    await fs.writeFile(path.join(dir, "c_empty.txt"), "");
    await fs.writeFile(path.join(dir, "d_binary.txt"), Buffer.from([0, 1, 2, 3, 0, 0]));
    const result = await loadCorpus(dir);
    expect(result.documents.map((d) => d.meta.file)).toEqual(["a_good.txt"]);
    expect(result.problems.map((p) => p.message)).toEqual([
      "b_copy.txt: same content as a_good.txt; skipped so answers are not cited twice.",
      "c_empty.txt: file is empty; remove it or put the circular's text in it.",
      "d_binary.txt: not a text file (binary content); save the circular as plain text (.txt, UTF-8).",
    ]);
  });
});
