/**
 * The front-end-neutral commands on a corpus of thousands of documents: ids that stay
 * unambiguous where three-character prefixes collide, /docs that pages and searches
 * instead of sending dozens of messages, and short item-not-found messages.
 */
import { describe, expect, it } from "vitest";
import { pageText } from "../src/chat/format/reply-text.ts";
import { docsReply } from "../src/commands/docs.ts";
import { itemReply } from "../src/commands/item.ts";
import { directoryOf, fileHash } from "../src/corpus/lookup.ts";
import type { Corpus, DocumentFacts, Item, ParsedDocument } from "../src/corpus/types.ts";

/** A synthetic corpus: `n` task lists named like real seed files, with years and issuers varying. */
function corpus(n: number, extra: readonly string[] = []): Corpus {
  const issuers = ["山东省教育厅", "山东省人力资源和社会保障厅", "淄博市教育和体育局"];
  const doc = (file: string, k: number): ParsedDocument => {
    const year = 2015 + (k % 10);
    const items: Item[] = Array.from({ length: 12 }, (_, i) => ({
      file, label: String(i + 1), kind: "row", path: [], heading: "", text: `第${k}号文件第${i + 1}项任务。\n${issuers[k % 3]}`,
      responsible: [issuers[k % 3]!], order: i,
    }));
    return {
      meta: {
        file, title: `${year}年职业教育工作要点（第${k}号）`, docNumber: `鲁教职字〔${year}〕${k}号`, issuer: issuers[k % 3]!,
        date: `${year}-03-01`, year,
      },
      items,
    };
  };
  const files = [...Array.from({ length: n }, (_, k) => `${String(k).padStart(4, "0")}_${(k * 7919).toString(16)}.txt`), ...extra];
  return { documents: files.map((f, k) => doc(f, k)), problems: [] };
}

describe("documents at scale", () => {
  it("names every document by an id no other file shares, and finds it by that id", () => {
    // Two files share the prefix 0007: both are shown by their whole name.
    const c = corpus(1500, ["0007_duplicate-prefix.txt"]);
    const dir = directoryOf(c);
    const ids = c.documents.map((d) => dir.shortId(d.meta.file));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(0, 3)).toEqual(["0000", "0001", "0002"]);
    expect(dir.shortId("0007_d889.txt")).toBe("0007_d889");
    expect(dir.shortId("0007_duplicate-prefix.txt")).toBe("0007_duplicate-prefix");
    for (const d of c.documents.filter((_, k) => k % 97 === 0)) {
      const found = dir.resolve(dir.shortId(d.meta.file));
      expect(found.kind === "found" && found.document.meta.file).toBe(d.meta.file);
      const byHash = dir.resolve(fileHash(d.meta.file));
      expect(byHash.kind === "found" && byHash.document.meta.file).toBe(d.meta.file);
    }
    // "0007" alone is now ambiguous, and lists only the two files it could mean.
    const ambiguous = dir.resolve("0007");
    const candidates = ambiguous.kind === "ambiguous" && ambiguous.candidates.map((d) => d.meta.file);
    expect(candidates).toEqual(["0007_d889.txt", "0007_duplicate-prefix.txt"]);
  });

  it("pages /docs ten at a time, and searches by year, issuer and title words", () => {
    const c = corpus(2000);
    const all = docsReply(c);
    expect(all.pageCount).toBe(200);
    const first = all.page(0);
    expect(first.more).toEqual({ kind: "count", remaining: 1990, unit: "份" });
    expect(pageText(first).split("\n").slice(0, 3)).toEqual([
      "已收录 2000 份文件",
      "0000 《2015年职业教育工作要点（第0号）》",
      "　鲁教职字〔2015〕0号，山东省教育厅，2015-03-01，共12项（1–12）",
    ]);
    expect(pageText(all.page(199)).split("\n")[0]).toBe("（续）第1991–2000份，共2000份");
    // 2023, from the 淄博 issuer: every third year-matching document.
    const found = docsReply(c, "2023 淄博");
    const text = Array.from({ length: found.pageCount }, (_, k) => pageText(found.page(k))).join("\n");
    const lines = text.split("\n").filter((l) => l.includes("《"));
    expect(pageText(found.page(0)).split("\n")[0]).toBe(`与“2023 淄博”相符的文件共 ${lines.length} 份`);
    expect(lines.length).toBe(c.documents.filter((d) => d.meta.year === 2023 && d.meta.issuer!.startsWith("淄博")).length);
    expect(lines.every((l) => l.includes("2023年"))).toBe(true);
    // One match is shown as a card with its facts.
    expect(pageText(docsReply(c, "第1234号").page(0))).toBe(
      "《2019年职业教育工作要点（第1234号）》\n编号：1234\n文号：鲁教职字〔2019〕1234号\n发文单位：山东省人力资源和社会保障厅\n印发日期：2019-03-01\n共12项（1–12）\n\n/item 1234 1",
    );
  });

  it("shows every fact the corpus read on a document's card", () => {
    const c = corpus(3);
    const d = c.documents[1]!;
    const source = { order: 0, label: null, quote: "…" };
    const fact = <T>(value: T) => ({ value, source });
    const facts: DocumentFacts = {
      issuer: fact(d.meta.issuer!), docNumber: fact(d.meta.docNumber!), date: fact(d.meta.date!), printed: null,
      addressees: fact(["各市教育局", "各职业院校"]), publicity: fact("on-request"),
      basis: [fact({ title: "职业教育法", docNumber: null }), fact({ title: "关于深化改革的意见", docNumber: "中办发〔2022〕65号" })],
      contactOffice: fact("职教处"), contactPerson: fact("王老师"), contactPhone: fact("0531-12345678"),
      effective: fact({ from: "2024-01-01", onIssue: false }), validity: fact({ until: null, term: "5年" }),
      attachments: [fact({ number: 1, title: "任务分工表" }), fact({ number: 2, title: "联系人回执" })],
      counts: { numbered: 12, byKind: { row: 12 } },
    };
    const withFacts: Corpus = { ...c, documents: [c.documents[0]!, { ...d, meta: { ...d.meta, facts } }, c.documents[2]!] };
    expect(pageText(docsReply(withFacts, "0001").page(0)).split("\n")).toEqual([
      "《2016年职业教育工作要点（第1号）》",
      "编号：0001",
      "文号：鲁教职字〔2016〕1号",
      "发文单位：山东省人力资源和社会保障厅",
      "印发日期：2016-03-01",
      "主送：各市教育局，各职业院校",
      "公开方式：依申请公开",
      "依据：《职业教育法》；《关于深化改革的意见》（中办发〔2022〕65号）",
      "施行：自2024-01-01起施行",
      "有效期：5年",
      "联系：职教处，王老师，0531-12345678",
      "附件：1. 任务分工表；2. 联系人回执",
      "共12项（1–12）",
      "",
      "/item 0001 1",
    ]);
  });

  it("keeps item-not-found messages to one short line, whatever the corpus size", () => {
    const c = corpus(3000);
    const missing = itemReply(c, "1234 99");
    expect(missing.failed).toBe(true);
    expect(pageText(missing.page(0))).toBe("《2019年职业教育工作要点（第1234号）》没有“99”。共12项，请输入1–12。");
    const unknown = itemReply(c, "99999 1");
    expect(pageText(unknown.page(0))).toBe("没有找到文件“99999”。用 /docs 查看文件列表。");
  });
});

describe("a long item", () => {
  it("is paged a few thousand characters at a time behind 更多, not sent as hundreds of messages", () => {
    const c = corpus(1);
    const doc = c.documents[0]!;
    const text = Array.from({ length: 20_000 }, (_, i) => `（${i + 1}）第${i + 1}项要求。`).join("\n");
    const long: Item = { file: doc.meta.file, label: "1", kind: "row", path: [], heading: "", text, responsible: null, order: 0 };
    const one: Corpus = { documents: [{ meta: doc.meta, items: [long] }], problems: [] };
    const reply = itemReply(one, `${doc.meta.file.replace(/\.txt$/, "")} 1`);
    expect(reply.failed).toBeUndefined();
    const first = pageText(reply.page(0));
    expect(first.length).toBeLessThan(4096);
    expect(reply.pageCount).toBeGreaterThan(1);
    // One page per press: the first press shows one page, not the whole item.
    expect(pageText(reply.page(1))).not.toBe(first);
    expect(pageText(reply.page(reply.pageCount - 1))).toContain("第20000项要求");
  });
});
