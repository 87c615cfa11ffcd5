/**
 * Retrieval: BM25 and coverage on toy passages, rank fusion, and the hybrid retriever
 * over the real seeds (paraphrases, abbreviations, reordered words, explicit references).
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadSettings } from "../src/config/settings.ts";
import { silentLogger } from "../src/logging/logger.ts";
import { encodeSections, Sections } from "../src/index/binary-sections.ts";
import { Bm25Index, BM25_DEFAULTS } from "../src/retrieval/bm25.ts";
import { topK } from "../src/retrieval/top-k.ts";
import { fuseRanks } from "../src/retrieval/fusion.ts";
import { PolicyRetriever } from "../src/retrieval/langchain-retriever.ts";
import { buildEngine, createQaService } from "../src/service/create-qa-service.ts";
import type { PolicyQaService } from "../src/service/qa-service.ts";

describe("BM25 and coverage", () => {
  const docs = [
    ["人才", "人才", "人才", "研究"],
    ["产业", "人才", "供需", "报告"],
    ["产业", "发展"],
  ];
  const index = Bm25Index.build(docs);
  const query = new Map([["产业", 1], ["人才", 1], ["供需", 1], ["报告", 1]]);

  it("coverage is the IDF-weighted share of distinct query terms a passage holds", () => {
    const c = index.coverage(query);
    expect(c[1]).toBeCloseTo(1, 10);
    expect(c[0]).toBeGreaterThan(0);
    expect(c[0]).toBeLessThan(0.5);
    // Repeating one term does not buy coverage.
    expect(c[0]).toBeCloseTo(index.idfOf("人才") / ["产业", "人才", "供需", "报告"].reduce((s, t) => s + index.idfOf(t), 0), 10);
    expect(index.coverage(new Map([["不存在", 1]]))[0]).toBe(0);
  });

  it("scores, serialises and reloads to the same numbers", () => {
    const bytes = Buffer.concat(encodeSections("test", {}, index.sections("bm25")));
    const again = Bm25Index.fromSections(Sections.decode(bytes, "test"), "bm25", BM25_DEFAULTS);
    expect([...again.score(query)]).toEqual([...index.score(query)]);
    expect([...again.coverage(query)]).toEqual([...index.coverage(query)]);
    expect(again.idfOf("人才")).toBe(index.idfOf("人才"));
    expect(again.idfOf("不存在")).toBe(0);
  });

  it("keeps the best k by a bounded heap exactly as a full sort would, ties by lower index", () => {
    let seed = 3;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let round = 0; round < 50; round++) {
      const scores = Array.from({ length: 300 }, () => (rnd() < 0.2 ? 0 : Math.floor(rnd() * 20) / 4));
      const candidates = scores.map((_, i) => i).sort(() => rnd() - 0.5);
      const limit = 1 + Math.floor(rnd() * 80);
      const sorted = scores
        .map((score, index) => ({ index, score }))
        .filter((e) => e.score > 0)
        .sort((a, b) => b.score - a.score || a.index - b.index)
        .slice(0, limit);
      expect(topK(candidates, scores, limit)).toEqual(sorted);
    }
  });

  it("ranks a large index, where long lists are skipped when they cannot change the top k, exactly as scoring every list", () => {
    // Lists longer than 16,384 passages are read last and skipped once the top k is settled:
    // 40,000 passages of words drawn with a skew give common words such lists.
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const word = () => `w${Math.floor(Math.pow(rnd(), 3) * 400)}`;
    const docs = Array.from({ length: 40_000 }, () => Array.from({ length: 5 + Math.floor(rnd() * 30) }, word));
    const df = new Map<string, number>();
    for (const d of docs) for (const w of new Set(d)) df.set(w, (df.get(w) ?? 0) + 1);
    const big = Bm25Index.build(docs);
    let skipped = 0;
    for (let round = 0; round < 200; round++) {
      const query = new Map(Array.from({ length: 2 + Math.floor(rnd() * 12) }, () => [word(), rnd() < 0.3 ? 0.6 : 1] as const));
      const limit = 1 + Math.floor(rnd() * 60);
      const all = Array.from({ length: 40_000 }, (_, i) => i);
      const ranked = big.rank(query, limit);
      expect(ranked.scores).toEqual(topK(all, big.score(query), limit));
      expect(ranked.coverage).toEqual(topK(all, big.coverage(query), limit));
      // Without coverage, nothing else brings a passage in: the BM25 top k stands alone.
      expect(big.rank(query, limit, false).scores).toEqual(ranked.scores);
      if ([...query.keys()].some((t) => (df.get(t) ?? 0) > 16_384)) skipped++;
    }
    // The long-list path was taken, not only the short one.
    expect(skipped).toBeGreaterThan(10);
  });

  it("fuses by rank with weights; a zero weight list is ignored", () => {
    const fused = fuseRanks(
      [
        { ranking: [{ index: 5 }, { index: 7 }], weight: 1 },
        { ranking: [{ index: 7 }], weight: 2 },
        { ranking: [{ index: 9 }], weight: 0 },
      ],
      10,
    );
    expect(fused.get(5)).toBeCloseTo(1 / 11, 12);
    expect(fused.get(7)).toBeCloseTo(1 / 12 + 2 / 11, 12);
    expect(fused.has(9)).toBe(false);
  });
});

describe("the hybrid retriever on the real seeds", () => {
  let service: PolicyQaService;
  const top = async (q: string) => {
    const hits = await service.search(q, 10);
    return hits.map((h) => `${h.item.file.slice(0, 3)}:${h.item.label}`);
  };

  beforeAll(async () => {
    service = await createQaService(
      loadSettings({ POLICYBOT_INDEX_DIR: path.join(process.env.TMPDIR ?? "/tmp", `pb-retrieval-${process.pid}`) }),
      silentLogger,
    );
  });

  it("finds the item through abbreviations and reordered words", async () => {
    expect((await top("普高和中职学籍可以互相转吗"))[0]).toBe("004:9");
    // 落户 appears in one item only; the item about equal treatment in 招聘 must not win.
    expect((await top("职校毕业生落户和大学生待遇一样吗"))[0]).toBe("002:四、（十三）");
  });

  it("prefers the item holding the whole phrase over one repeating part of it", async () => {
    // 004:40 repeats 人才/供需/产业 (研究院, 供需研究) without 供需报告; 000:17 has the whole title.
    expect((await top("产业人才供需报告是谁发布的"))[0]).toBe("000:17");
  });

  it("runs the caller's work once while a search is under way, and finds the same", async () => {
    const settings = loadSettings({ POLICYBOT_INDEX_DIR: path.join(process.env.TMPDIR ?? "/tmp", `pb-retrieval-${process.pid}`) });
    const { retriever } = await buildEngine(settings, silentLogger);
    let ran = 0;
    const found = await retriever.search({ text: "绩效工资改革谁牵头" }, 10, () => ran++);
    expect(ran).toBe(1);
    expect(found).toEqual(await retriever.search({ text: "绩效工资改革谁牵头" }, 10));
  });

  it("is a LangChain retriever too: items as Documents with the citation in metadata", async () => {
    const settings = loadSettings({ POLICYBOT_INDEX_DIR: path.join(process.env.TMPDIR ?? "/tmp", `pb-retrieval-${process.pid}`) });
    const retriever = new PolicyRetriever({ search: (await buildEngine(settings, silentLogger)).retriever, k: 3 });
    const docs = await retriever.invoke("公办职业院校绩效工资水平可以提高到基准线的几倍");
    expect(docs).toHaveLength(3);
    expect(docs[0]!.metadata).toMatchObject({ file: "004_14cb77bf2456b070.txt", label: "33", title: "山东省工作任务清单" });
    expect(docs[0]!.pageContent).toContain("绩效工资");
  });

  it("searches the same after its warm-up as before it", async () => {
    const questions = ["普高和中职学籍可以互相转吗", "产业人才供需报告是谁发布的", "公办职业院校绩效工资水平可以提高到基准线的几倍"];
    const settings = loadSettings({ POLICYBOT_INDEX_DIR: path.join(process.env.TMPDIR ?? "/tmp", `pb-retrieval-${process.pid}`) });
    const fresh = (await buildEngine(settings, silentLogger)).retriever;
    const before = await Promise.all(questions.map((q) => fresh.search({ text: q })));
    await fresh.warm();
    expect(await Promise.all(questions.map((q) => fresh.search({ text: q })))).toEqual(before);
  });

  it("returns distinct items, best first, and an explicit reference first", async () => {
    const items = await top("任务清单第33项说了什么");
    expect(items[0]).toBe("004:33");
    expect(new Set(items).size).toBe(items.length);
    expect(items.length).toBe(10);
  });
});
