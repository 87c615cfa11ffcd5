/**
 * Retrieval: BM25 and coverage on toy passages, rank fusion, and the hybrid retriever
 * over the real seeds (paraphrases, abbreviations, reordered words, explicit references).
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadSettings } from "../src/config/settings.ts";
import { silentLogger } from "../src/logging/logger.ts";
import { Bm25Index } from "../src/retrieval/bm25.ts";
import { fuseRanks } from "../src/retrieval/fusion.ts";
import { createQaService } from "../src/service/create-qa-service.ts";
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
    const again = Bm25Index.fromJSON(JSON.parse(JSON.stringify(index.toJSON())));
    expect([...again.score(query)]).toEqual([...index.score(query)]);
    expect([...again.coverage(query)]).toEqual([...index.coverage(query)]);
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
    service = await createQaService(loadSettings({ POLICYBOT_INDEX_DIR: path.join(process.env.TMPDIR ?? "/tmp", `pb-retrieval-${process.pid}`) }), silentLogger);
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

  it("returns distinct items, best first, and an explicit reference first", async () => {
    const items = await top("任务清单第33项说了什么");
    expect(items[0]).toBe("004:33");
    expect(new Set(items).size).toBe(items.length);
    expect(items.length).toBe(10);
  });
});
