/**
 * Each question kind on small circulars of other layouts (tests/fixtures/: a 第一章/第一条
 * regulation with its cover letter, and two yearly work points of an invented city), with
 * the project's vocabulary and fitted decision: what each kind detects, what it answers
 * and how it writes the lead.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { kindNamed } from "../src/answer/kinds/table.ts";
import { resolveReference } from "../src/answer/question/references.ts";
import type { Item, ParsedDocument } from "../src/corpus/types.ts";
import type { Engine } from "../src/service/qa-service.ts";
import { answer, cites, fixtureCorpus, fixtureEngine } from "./helpers/answer-engine.ts";

let engine: Engine;
const kindOf = (q: string) => engine.analyser.analyse(q).questions.map((x) => x.kind);

beforeAll(async () => {
  engine = await fixtureEngine(fixtureCorpus(["circular-articles.txt", "points-2030.txt", "points-2032.txt"]));
});

describe("detection: the first kind of the table that accepts a question", () => {
  it.each([
    ["实训基地建设由哪些单位负责？", "who"],
    ["市教育局负责哪些任务？", "list"],
    ["学生岗位实习时间最长多少个月？", "number"],
    ["实施细则什么时候开始施行？", "meta"],
    ["专业教师能在合作企业兼职取酬吗？", "yesno"],
    ["2030年和2032年的实训基地建设有什么不同？", "compare"],
    ["实施细则第四条", "reference"],
    ["实习考核结果怎么处理？", "fact"],
    ["How many months can a student internship last at most?", "number"],
  ])("%s → %s", (q, kind) => {
    expect(kindOf(q)[0]).toBe(kind);
  });
});

describe("who", () => {
  it("answers with the units an item names, in its order, and no lead it does not name", async () => {
    const a = await answer(engine, "兼职取酬这件事由哪些单位负责？");
    expect(cites(a)[0]).toBe("points-2030:3");
    expect(a.lead).toBe("责任单位：市人社局、市财政局、市教育局");
  });

  it("lifts items that name units in search", () => {
    const who = kindNamed("who");
    const [item] = engine.corpus.documents[1]!.items.filter((i) => i.label === "1");
    expect(who.lift!(engine.analyser.analyse("谁负责")!.questions[0]!, item!, engine.corpus.documents[1]!.meta)).toBeGreaterThan(0);
  });
});

describe("number", () => {
  it("answers with a figure written in the asked measure, about the asked subject", async () => {
    const a = await answer(engine, "2030年要建成多少个市级公共实训基地？");
    expect(cites(a)[0]).toBe("points-2030:1");
    expect(a.lead).toContain("8个");
  });

  it("refuses when no figure is in the asked measure (a month count is not money)", async () => {
    const a = await answer(engine, "学生岗位实习每月补贴多少钱？");
    expect(a.refused).toBe(true);
    expect(a.citations).toEqual([]);
  });
});

describe("when", () => {
  it("leads with the clause that holds the date", async () => {
    const a = await answer(engine, "2030年市级公共实训基地什么时候建成？");
    expect(cites(a)[0]).toBe("points-2030:1");
    expect(a.lead).toContain("2031年底前");
  });
});

describe("yes/no", () => {
  it("reads the verdict from the cited sentence, turned by a negation before the asked action", async () => {
    const yes = await answer(engine, "专业教师能在合作企业兼职取酬吗？");
    expect(yes.lead).toMatch(/^能。/);
    const no = await answer(engine, "2030年中职和普高的学籍能互转吗？");
    expect(cites(no)[0]).toBe("points-2030:2");
    expect(no.lead).toMatch(/^不能。/);
  });

  it("answers a wrong premise with 不是 and what the circular says", async () => {
    const a = await answer(engine, "省级技能大赛是由西城区承办吗？");
    expect(cites(a)[0]).toBe("points-2030:4");
    expect(a.lead).toMatch(/^不是。.*东城区/);
  });
});

describe("list", () => {
  it("lists every item a unit takes part in, from the structured units, as a plain scan finds them", async () => {
    const a = await answer(engine, "2030年要点里市财政局负责哪些任务？");
    const scan = engine.corpus.documents
      .filter((d) => d.meta.year === 2030)
      .flatMap((d) => d.items.filter((i) => i.responsible?.includes("市财政局")).map((i) => `${d.meta.file.replace(/\.txt$/, "")}:${i.label}`));
    expect(cites(a)).toEqual(scan);
    expect(a.lead).toBe(`市财政局负责或参与的共${scan.length}条`);
  });
});

describe("list and references over many copies of one circular", () => {
  // Seven documents with the same task list, as a large corpus has every year's.
  const text = readFileSync(path.join(import.meta.dirname, "fixtures", "points-2030.txt"), "utf8");
  const copies = Array.from({ length: 7 }, (_, k) => ({ name: `copy-${k}.txt`, text }));
  let many: Engine;
  beforeAll(async () => {
    many = await fixtureEngine(fixtureCorpus(copies));
  });

  it("lists the items of five documents, and says how many more hold them", async () => {
    const a = await answer(many, "市财政局负责哪些任务？");
    const perDocument = many.corpus.documents[0]!.items.filter((i) => i.responsible?.includes("市财政局")).length;
    expect(perDocument).toBeGreaterThan(1);
    expect(new Set(a.citations.map((c) => c.file)).size).toBe(5);
    expect(a.citations).toHaveLength(5 * perDocument);
    expect(a.lead).toBe(
      `市财政局负责或参与的共${7 * perDocument}条，在7份文件中；下面是其中5份的${5 * perDocument}条（问题里写明文件名称，可以只看那一份）`,
    );
  });

  it("finds a numbered item in each copy, and in one copy when the question names it", () => {
    const all = resolveReference("第3条", many.corpus.documents, []);
    expect(all).toMatchObject({ key: "3", exists: true, item: null });
    expect(all!.documents).toHaveLength(7);
    const one = resolveReference("第3条", many.corpus.documents, ["copy-4.txt"]);
    expect(one!.item).toMatchObject({ file: "copy-4.txt", label: "3" });
    expect(resolveReference("第99条", many.corpus.documents, [])).toMatchObject({ exists: false, item: null });
  });
});

describe("references inside one document", () => {
  const article = (label: string, order: number): Item => ({
    file: "rules.txt",
    label,
    kind: "article",
    path: [label],
    heading: "",
    text: `${label}的内容。`,
    responsible: null,
    order,
  });
  const meta = { file: "rules.txt", title: "某某管理办法", docNumber: null, issuer: null, date: null, year: null };
  const doc: ParsedDocument = { meta, items: [article("第一章第四条", 0), article("第二章第四条", 1), article("第二章第五条", 2)] };

  it("a number two articles share is ambiguous; one only one has resolves to it", () => {
    expect(resolveReference("第四条怎么规定的", [doc], [])).toMatchObject({ style: "numbered", key: "4", exists: true, item: null });
    expect(resolveReference("第五条怎么规定的", [doc], [])!.item).toBe(doc.items[2]);
    expect(resolveReference("第六条怎么规定的", [doc], [])).toMatchObject({ exists: false, item: null });
  });
});

describe("meta", () => {
  it("answers facts about a circular from its cover letter, citing it", async () => {
    const a = await answer(engine, "实习管理实施细则的联系人是谁？");
    expect(a.refused).toBe(false);
    expect(a.lead).toContain("王明");
    expect(a.citations[0]!.label).toBeNull();
    expect(a.citations[0]!.text).toContain("联系人：王明");
  });

  it("names the document by its number", async () => {
    const a = await answer(engine, "临教职〔2032〕5号是什么文件？");
    expect(a.lead).toBe("《2032年临海市职业教育工作要点》（临教职〔2032〕5号）");
  });

  it("says what a document does not state, citing nothing", async () => {
    const a = await answer(engine, "2032年要点的联系电话是多少？");
    expect(a.refused).toBe(true);
    expect(a.lead).toBe("《2032年临海市职业教育工作要点》中没有写明联系人和联系方式。");
  });
});

describe("compare", () => {
  it("answers each year from its own document, newer first", async () => {
    const a = await answer(engine, "2030年和2032年的市级公共实训基地建设目标有什么不同？");
    expect(cites(a)).toEqual(["points-2032:1", "points-2030:1"]);
    expect(a.lead).toMatch(/^2032年：.*12个.*；2030年：.*8个/);
  });
});

describe("references", () => {
  it("answers an item that exists with the item", async () => {
    const a = await answer(engine, "实施细则第四条");
    expect(cites(a)).toEqual(["circular-articles:第二章第四条"]);
    expect(a.lead).toBe("学生岗位实习时间一般为6个月，不得超过12个月");
  });

  it("answers an item that does not exist with what does, citing nothing", async () => {
    const a = await answer(engine, "2030年要点第9条说了什么？");
    expect(a.refused).toBe(true);
    expect(a.citations).toEqual([]);
    expect(a.lead).toBe("没有“第9条”：《2030年临海市职业教育工作要点》共4条（第1–4条）。");
  });

  it("answers a document of a year there is none of with the years there are", async () => {
    const a = await answer(engine, "2031年要点里实训基地建几个？");
    expect(a.refused).toBe(true);
    expect(a.lead).toBe("文件中没有“2031年要点”。现有文件的年份：2023年、2030年、2032年。");
  });
});

describe("fact", () => {
  it("leads with the sentence, or the clause of it that covers the question", async () => {
    const a = await answer(engine, "实习考核结果记入哪里？");
    expect(cites(a)[0]).toBe("circular-articles:第二章第五条");
    expect(a.lead).toContain("记入学生档案");
  });
});
