/**
 * Facts about a circular itself (issuer, 文号, date, 主送, publicity, basis, contact,
 * effect, validity, attachments, counts) and the lead unit of each item, read by layout:
 * asserted exactly on the five seeds and on synthetic circulars of other layouts, which
 * prove that nothing is keyed to the seed files. Every fact's quote stands in the item
 * it names, so the answer stage can cite it as it is.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { documentsByNumber, findDocNumbers, normalizeDocNumber, sameDocNumber } from "../src/corpus/document-number.ts";
import { ingestFile, loadCorpus } from "../src/corpus/load-corpus.ts";
import type { Corpus, DocumentFacts, Fact, ParsedDocument } from "../src/corpus/types.ts";

const SEEDS = path.resolve(__dirname, "../seeds");
const FIXTURE = readFileSync(path.resolve(__dirname, "fixtures/circular-articles.txt"), "utf8");

let corpus: Corpus;
const doc = (prefix: string): ParsedDocument => corpus.documents.find((d) => d.meta.file.startsWith(prefix))!;
const facts = (d: ParsedDocument): DocumentFacts => d.meta.facts!;
/** A fact with its source. */
function at<T>(value: T, order: number, quote: string, label: string | null = null): Fact<T> {
  return { value, source: { order, label, quote } };
}
/** What a document that states nothing has; each test names the facts its document states. */
const NONE: Omit<DocumentFacts, "counts"> = {
  issuer: null,
  docNumber: null,
  date: null,
  printed: null,
  addressees: null,
  publicity: null,
  basis: [],
  contactOffice: null,
  contactPerson: null,
  contactPhone: null,
  effective: null,
  validity: null,
  attachments: [],
};
const parse = (name: string, text: string) => ingestFile(name, Buffer.from(text)).document!;

beforeAll(async () => {
  corpus = await loadCorpus(SEEDS);
});

/** Every quote is the exact text of the item it names. */
function checkSources(d: ParsedDocument) {
  const { counts, ...rest } = facts(d);
  expect(counts.numbered).toBe(d.items.filter((i) => i.label !== null).length);
  const all = Object.values(rest).flatMap((f) => (Array.isArray(f) ? f : f === null ? [] : [f])) as Fact<unknown>[];
  for (const f of all) {
    const item = d.items[f.source.order]!;
    expect(item.label, `${d.meta.file}: ${f.source.quote}`).toBe(f.source.label);
    expect(item.text, `${d.meta.file}: ${f.source.quote}`).toContain(f.source.quote);
    expect(f.source.quote.length).toBeGreaterThan(0);
  }
}

describe("facts about each seed circular, read from its text", () => {
  it("000: the 2023 work points", () => {
    expect(facts(doc("000"))).toEqual({
      ...NONE,
      issuer: at("山东省教育厅职业教育处", 0, "山东省教育厅职业教育处"),
      docNumber: at("鲁教职处函〔2023〕1号", 0, "鲁教职处函〔2023〕1号"),
      date: at("2023-02-20", 0, "2023年2月20日"),
      addressees: at(["各市教育（教体）局职教科（处）", "各高等职业院校有关处室"], 0, "各市教育（教体）局职教科（处），各高等职业院校有关处室"),
      basis: [
        at({ title: "职业教育法", docNumber: null }, 1, "落实新修订的《职业教育法》和中办、国办《关于深化现代职业教育体系建设改革的意见》（中办发〔2022〕65号）"),
        at(
          { title: "关于深化现代职业教育体系建设改革的意见", docNumber: "中办发〔2022〕65号" },
          1,
          "落实新修订的《职业教育法》和中办、国办《关于深化现代职业教育体系建设改革的意见》（中办发〔2022〕65号）",
        ),
      ],
      counts: { numbered: 20, byKind: { item: 20 } },
    });
  });

  it("001: the 2021 work points, with its attachment 日常工作", () => {
    expect(facts(doc("001"))).toEqual({
      ...NONE,
      issuer: at("山东省教育厅职业教育处", 0, "山东省教育厅职业教育处"),
      docNumber: at("鲁教职处函〔2021〕6号", 0, "鲁教职处函〔2021〕6号"),
      date: at("2021-02-26", 0, "2021年2月26日"),
      addressees: at(["各市教育局职教科（处）", "各高等职业院校办公室"], 0, "各市教育局职教科（处），各高等职业院校办公室"),
      attachments: [at({ number: null, title: "日常工作" }, 22, "日常工作")],
      counts: { numbered: 60, byKind: { item: 20, appendix: 40 } },
    });
  });

  it("002: the Zibo measures (no 文号, public, takes effect on issue)", () => {
    expect(facts(doc("002"))).toEqual({
      ...NONE,
      issuer: at("淄博高新技术产业开发区管理委员会", 0, "淄博高新技术产业开发区管理委员会"),
      date: at("2023-09-01", 0, "2023年9月1日"),
      addressees: at(
        ["各部、局、中心", "四宝山街道、中埠镇", "市驻区各部门、单位", "各直属企事业单位", "各有关单位"],
        0,
        "各部、局、中心，四宝山街道、中埠镇，市驻区各部门、单位，各直属企事业单位，各有关单位",
      ),
      publicity: at("public", 0, "此件公开发布"),
      basis: [
        at(
          { title: "中共中央办公厅、国务院办公厅关于推动现代职业教育高质量发展的意见", docNumber: "中办发〔2021〕43号" },
          1,
          "根据《中共中央办公厅、国务院办公厅关于推动现代职业教育高质量发展的意见》（中办发〔2021〕43号）和省、市有关要求",
        ),
      ],
      effective: at({ from: null, onIssue: true }, 16, "本措施自发布之日起实施"),
      counts: { numbered: 14, byKind: { section: 14 } },
    });
  });

  it("003: the technical-education plan (public, with a contact office)", () => {
    expect(facts(doc("003"))).toEqual({
      ...NONE,
      issuer: at("山东省人力资源和社会保障厅", 0, "山东省人力资源和社会保障厅"),
      docNumber: at("鲁人社字〔2021〕172号", 0, "鲁人社字〔2021〕172号"),
      date: at("2021-12-31", 0, "2021年12月31日"),
      printed: at({ office: "山东省人力资源和社会保障厅办公室", date: "2022-01-14" }, 39, "山东省人力资源和社会保障厅办公室2022年1月14日印发"),
      addressees: at(["各市人力资源社会保障局", "各技工院校"], 0, "各市人力资源社会保障局，各技工院校"),
      publicity: at("public", 0, "此件主动公开"),
      basis: [
        at({ title: "人力资源和社会保障部技工教育“十四五”规划", docNumber: null }, 0, "根据《人力资源和社会保障部技工教育“十四五”规划》"),
        at({ title: "关于推动现代职业教育高质量发展的意见", docNumber: null }, 1, "落实中共中央办公厅、国务院办公厅印发的《关于推动现代职业教育高质量发展的意见》"),
        at({ title: "山东省“十四五”人力资源和社会保障事业发展规划", docNumber: null }, 1, "根据《山东省“十四五”人力资源和社会保障事业发展规划》"),
      ],
      contactOffice: at("省人力资源社会保障厅职业能力建设处", 0, "联系单位：省人力资源社会保障厅职业能力建设处"),
      counts: { numbered: 37, byKind: { subitem: 27, section: 6, box: 4 } },
    });
  });

  it("004: the task list (itself 附件2 of another circular) states none of them", () => {
    expect(facts(doc("004"))).toEqual({
      ...NONE,
      counts: { numbered: 45, byKind: { row: 45 } },
    });
  });

  it("agrees with the document's metadata, and every quote stands in the item it names", () => {
    for (const d of corpus.documents) {
      expect(facts(d).issuer?.value ?? null).toBe(d.meta.issuer);
      expect(facts(d).docNumber?.value ?? null).toBe(d.meta.docNumber);
      expect(facts(d).date?.value ?? null).toBe(d.meta.date);
      checkSources(d);
    }
  });
});

describe("lead units", () => {
  it("are read where a seed says who leads, and null elsewhere", () => {
    const withLead = (d: ParsedDocument) => d.items.filter((i) => i.lead !== null).map((i) => [d.meta.file.slice(0, 3), i.label, i.lead]);
    const leads = corpus.documents.flatMap(withLead);
    expect(leads).toEqual([["004", "5", "教育部门"]]);
    for (const d of corpus.documents) for (const i of d.items) expect(i.lead).not.toBeUndefined();
  });

  it("002 marks its leads in bold only, and the bold is lost: no markup survives, so its leads are unknown", () => {
    const raw = readFileSync(path.join(SEEDS, "002_79bfe1fd47220794.txt"), "utf8");
    expect(raw).toContain("黑体为牵头部门");
    expect(raw).not.toMatch(/\*\*|<b>|<strong>|__/);
    expect(doc("002").items.every((i) => i.lead === null)).toBe(true);
  });

  it("reads 由X牵头, （X牵头，Y配合） and 牵头单位：X", () => {
    const d = parse("leads.txt", [
      "一、重点任务",
      "（一）完善制度。由省教育厅牵头，研究制定实施办法。",
      "（二）加强保障。落实经费投入。（省财政厅、省教育厅牵头，各市配合）",
      "（三）强化督导。开展专项督导。（牵头单位：省政府教育督导室；配合单位：各市）",
      "（四）加强宣传。支持地方政府牵头开展宣传。",
    ].join("\n"));
    expect(d.items.map((i) => [i.label, i.lead])).toEqual([
      ["一、（一）", "省教育厅"],
      ["一、（二）", "省财政厅、省教育厅"],
      ["一、（三）", "省政府教育督导室"],
      ["一、（四）", null],
    ]);
  });
});

describe("a synthetic circular of another layout: cover letter, 第一章/第一条 articles, attachments", () => {
  it("reads every fact from the cover letter and the articles", () => {
    const d = parse("circular-articles.txt", FIXTURE);
    expect(d.meta).toMatchObject({ title: "山东省职业院校学生实习管理实施细则", docNumber: "鲁教职字〔2023〕18号" });
    expect(d.meta).toMatchObject({ issuer: "山东省教育厅", date: "2023-11-20", year: 2023 });
    expect(facts(d)).toEqual({
      ...NONE,
      issuer: at("山东省教育厅", 0, "山东省教育厅"),
      docNumber: at("鲁教职字〔2023〕18号", 0, "鲁教职字[2023]第18号"),
      date: at("2023-11-20", 0, "2023年11月20日"),
      addressees: at(["各市教育局", "各高等职业院校、中等职业学校"], 0, "各市教育局，各高等职业院校、中等职业学校"),
      publicity: at("public", 0, "此件主动公开"),
      basis: [
        at({ title: "职业学校学生实习管理规定", docNumber: "教职成〔2021〕4号" }, 0, "落实《职业学校学生实习管理规定》（教职成〔2021〕4号）"),
        at({ title: "中华人民共和国职业教育法", docNumber: null }, 2, "根据《中华人民共和国职业教育法》和《职业学校学生实习管理规定》", "第一章第一条"),
      ],
      contactOffice: at("省教育厅职业教育处", 0, "联系单位：省教育厅职业教育处"),
      contactPerson: at("王明", 0, "联系人：王明"),
      contactPhone: at("0531-81916000", 0, "联系电话：0531-81916000"),
      effective: at({ from: "2024-01-01", onIssue: false }, 7, "本细则自2024年1月1日起施行", "第三章第六条"),
      validity: at({ until: "2028-12-31", term: null }, 7, "有效期至2028年12月31日", "第三章第六条"),
      attachments: [
        at({ number: 1, title: "山东省职业院校学生实习管理实施细则" }, 0, "1.山东省职业院校学生实习管理实施细则"),
        at({ number: 2, title: "职业学校学生岗位实习三方协议（示范文本）" }, 0, "2.职业学校学生岗位实习三方协议（示范文本）"),
      ],
      counts: { numbered: 6, byKind: { article: 6 } },
    });
    checkSources(d);
  });

  it("keeps the cover letter's numbered attachment list out of the items, and reads each article's lead", () => {
    const d = parse("circular-articles.txt", FIXTURE);
    expect(d.items.filter((i) => i.label !== null).map((i) => [i.label, i.lead])).toEqual([
      ["第一章第一条", null],
      ["第一章第二条", null],
      ["第二章第三条", "省教育厅"],
      ["第二章第四条", null],
      ["第二章第五条", "各职业院校"],
      ["第三章第六条", null],
    ]);
  });

  it("reads a notice without a cover letter: 主送 under the title, one attachment, a signature dated in Chinese numerals", () => {
    const text = [
      "关于做好2024年职业院校招生工作的通知",
      "各设区市教育局，省属各职业院校：",
      "现将有关事项通知如下。",
      "一、严格招生纪律。各校不得虚假宣传。",
      "二、做好信息公开。招生章程向社会公布。本通知自印发之日起施行，有效期为两年。",
      "附件：2024年职业院校招生计划表",
      "山东省教育厅办公室",
      "二〇二四年三月五日",
      "（此件依申请公开）",
      "（联系人：李华；电话：0531-86669999、86668888）",
    ].join("\n");
    const d = parse("notice.txt", text);
    // The signature closes the last section: it and the notes under it are closing text.
    expect(d.items.map((i) => i.label)).toEqual([null, "一、", "二、", null]);
    expect(d.items[3]!.text).toBe("附件：2024年职业院校招生计划表\n山东省教育厅办公室\n二〇二四年三月五日\n（此件依申请公开）\n（联系人：李华；电话：0531-86669999、86668888）");
    expect(d.meta).toMatchObject({ title: "关于做好2024年职业院校招生工作的通知", issuer: "山东省教育厅办公室", date: "2024-03-05", docNumber: null });
    const f = facts(d);
    expect(f.addressees?.value).toEqual(["各设区市教育局", "省属各职业院校"]);
    expect(f.date).toEqual(at("2024-03-05", f.date!.source.order, "二〇二四年三月五日"));
    expect(f.publicity?.value).toBe("on-request");
    expect(f.contactPerson?.value).toBe("李华");
    expect(f.contactPhone?.value).toBe("0531-86669999、86668888");
    expect(f.effective?.value).toEqual({ from: null, onIssue: true });
    expect(f.effective?.source).toMatchObject({ label: "二、", quote: "本通知自印发之日起施行" });
    expect(f.validity?.value).toEqual({ until: null, term: "两年" });
    expect(f.attachments.map((a) => a.value)).toEqual([{ number: null, title: "2024年职业院校招生计划表" }]);
    expect(f.counts).toEqual({ numbered: 2, byKind: { section: 2 } });
    checkSources(d);
  });

  it("does not take a date inside a measure for the circular's effect", () => {
    const d = parse("measure.txt", "一、落实标准\n各地自2024年1月起实施新的办学标准。\n二、加强督导\n开展督导。");
    expect(facts(d).effective).toBeNull();
  });
});

describe("document numbers in any text", () => {
  it("finds and normalises them whatever the brackets, widths, spaces and 第", () => {
    const written = [
      "鲁教职处函〔2023〕1号", "鲁教职处函[2023]1号", "鲁教职处函［2023］1号", "鲁教职处函【2023】1号",
      "鲁教职处函（2023）1号", "鲁教职处函(2023)01号", "鲁教职处函 〔 2023 〕 第 1 号", "鲁教职处函﹝２０２３﹞１号",
    ];
    for (const w of written) expect(normalizeDocNumber(w), w).toBe("鲁教职处函〔2023〕1号");
    expect(normalizeDocNumber("鲁教职处函〔2023〕1号文件")).toBeNull();
    expect(normalizeDocNumber("（2023）")).toBeNull();
  });

  it("finds every number in running text, where it stands", () => {
    const text = "根据《意见》（中办发〔2022〕65号）和鲁人社字[2021]172号，制定本办法。";
    expect(findDocNumbers(text).map((m) => [m.normalized, m.text, text.indexOf(m.text) === m.index])).toEqual([
      ["中办发〔2022〕65号", "中办发〔2022〕65号", true],
      ["和鲁人社字〔2021〕172号", "和鲁人社字[2021]172号", true],
    ]);
    expect(findDocNumbers("招生计划（100）人，2023年1号楼")).toEqual([]);
  });

  it("names the document a question gives the number of, and only that one", () => {
    const named = (q: string) => documentsByNumber(q, corpus.documents).map((d) => d.meta.file.slice(0, 3));
    expect(named("鲁教职处函〔2023〕1号是什么文件")).toEqual(["000"]);
    expect(named("请问鲁教职处函[2021]6号是哪个处室发的")).toEqual(["001"]);
    expect(named("鲁人社字（2021）第172号讲了什么")).toEqual(["003"]);
    expect(named("〔2021〕172号")).toEqual(["003"]);
    expect(named("教职处函〔2021〕6号")).toEqual(["001"]);
    expect(named("鲁教职处函〔2023〕2号是什么文件")).toEqual([]);
    expect(named("鲁人社字〔2021〕6号")).toEqual([]);
    expect(named("2023年要点讲了什么")).toEqual([]);
    const [found] = findDocNumbers("鲁教职处函〔2023〕1号");
    expect(sameDocNumber(found!, "鲁教职处函〔2023〕1号")).toBe(true);
    expect(sameDocNumber(found!, "鲁教职字〔2023〕1号")).toBe(false);
  });
});
