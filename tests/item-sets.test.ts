/**
 * The item sets list questions filter by (answer/item-sets.ts), on the real seeds: each
 * is what testing every item one by one gives — the unit lists as UnitNames.listed
 * decides, the concept lists as a search of each item's headings and text.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ItemSets } from "../src/answer/item-sets.ts";
import { UnitNames } from "../src/answer/unit-names.ts";
import { DEFAULTS, PROJECT_ROOT } from "../src/config/settings.ts";
import { loadCorpus } from "../src/corpus/load-corpus.ts";
import { loadVocabulary } from "../src/lexicon/vocabulary.ts";
import { PassageTable, type CorpusItem } from "../src/retrieval/passage-table.ts";
import { SubstringFrequency } from "../src/retrieval/substring-frequency.ts";
import { squash } from "../src/text/normalize.ts";
import { countShared, intersect, union } from "../src/util/sorted-sets.ts";

let items: CorpusItem[];
let units: UnitNames;
let sets: ItemSets;

beforeAll(async () => {
  const corpus = await loadCorpus(path.join(PROJECT_ROOT, DEFAULTS.seedsDir));
  items = PassageTable.itemsOf(corpus);
  units = await UnitNames.of(loadVocabulary(path.join(PROJECT_ROOT, "data")).units, corpus);
  sets = new ItemSets(items, SubstringFrequency.ofItems(items), units);
});

const numbersWhere = (keep: (c: CorpusItem) => boolean) => items.flatMap((c, n) => (keep(c) ? [n] : []));

describe("item sets", () => {
  it("list a unit's items as UnitNames.listed decides, whole entries only when exact", () => {
    const named = new Set(items.flatMap(({ item }) => (item.responsible ?? []).map((r) => units.canonical(r))));
    expect(named.size).toBeGreaterThan(10);
    for (const unit of [...named, "各市人民政府", "省卫生健康委"])
      for (const exact of [true, false])
        expect([...sets.namingUnit(unit, exact)], `${unit} ${exact}`).toEqual(
          numbersWhere(({ item }) => units.listed(item.responsible, unit, exact)),
        );
    expect(sets.namingUnit("各市人民政府", false).length).toBeGreaterThan(sets.namingUnit("各市人民政府", true).length);
  });

  it("list the items whose headings or text mention a concept, not those whose title alone does", () => {
    const context = ({ item }: CorpusItem) => squash([...item.path, item.text].join(" "));
    for (const alternatives of [["职业教育"], ["学籍", "学生档案"], ["工作要点"], ["职"], ["绩效工资"], ["ＡＢＣ"], ["不存在的词语"]]) {
      const spellings = alternatives.map(squash);
      const expected = numbersWhere((c) => spellings.some((s) => context(c).includes(s)));
      // Among a document's items (searched alone), and among the numbered ones; before and after the whole set is known.
      const amongSome = () => {
        for (const within of [numbersWhere((c) => c.meta.file === items[0]!.meta.file), sets.labelled()]) {
          const among = [...within].filter((n) => expected.includes(n));
          expect([...sets.mentioning({ alternatives }, Uint32Array.from(within))], alternatives.join("/")).toEqual(among);
        }
      };
      amongSome();
      expect([...sets.mentioning({ alternatives })], alternatives.join("/")).toEqual(expected);
      amongSome();
    }
    // Every item's title says 工作要点 in one seed; only items that write it themselves count.
    expect(sets.mentioning({ alternatives: ["工作要点"] }).length).toBeLessThan(numbersWhere((c) => c.meta.title.includes("工作要点")).length);
  });

  it("keep the items whose own text writes a phrase exactly as written", () => {
    const all = sets.labelled();
    expect([...all]).toEqual(numbersWhere(({ item }) => item.label !== null));
    for (const phrase of ["2025年", "2020年6月底前", "2020年 6月", "ABC"])
      expect([...sets.writing(phrase, all)], phrase).toEqual(
        numbersWhere(({ item }) => item.label !== null && squash(item.text).includes(phrase)),
      );
    expect(sets.writing("2025年", all).length).toBeGreaterThan(0);
  });

  it("make each unit's spellings the same in time slices (warm) as at once", async () => {
    const corpus = await loadCorpus(path.join(PROJECT_ROOT, DEFAULTS.seedsDir));
    const table = loadVocabulary(path.join(PROJECT_ROOT, "data")).units;
    const [atOnce, sliced] = [await UnitNames.of(table, corpus), await UnitNames.of(table, corpus)];
    await sliced.warm();
    const canonical = [...new Set(table.spellings.keys())];
    expect(canonical.length).toBeGreaterThan(5);
    for (const c of canonical) expect(sliced.spellingsOf(c)).toEqual(atOnce.spellingsOf(c));
    // A unit the alias table spells several ways has them all, longest first.
    const spellings = sliced.spellingsOf("省人力资源社会保障厅");
    expect(spellings).toEqual(expect.arrayContaining(["省人社厅", "省人力资源社会保障厅"]));
    expect(spellings.map((x) => x.length)).toEqual(spellings.map((x) => x.length).sort((a, b) => b - a));
  });

  it("hold the same unit lists and numbered items warmed in time slices as built on first use", async () => {
    const warmed = new ItemSets(items, SubstringFrequency.ofItems(items), units);
    await warmed.warm();
    const cold = new ItemSets(items, SubstringFrequency.ofItems(items), units);
    expect([...warmed.labelled()]).toEqual([...cold.labelled()]);
    expect(warmed.labelled().length).toBeGreaterThan(100);
    const named = new Set(items.flatMap(({ item }) => (item.responsible ?? []).map((r) => units.canonical(r))));
    for (const unit of [...named, "各市人民政府"])
      for (const exact of [true, false]) expect([...warmed.namingUnit(unit, exact)], unit).toEqual([...cold.namingUnit(unit, exact)]);
  });

  it("combine ascending sets by merging, or by galloping through a much larger one", () => {
    expect([...intersect([1, 3, 5, 7], [2, 3, 7, 9])]).toEqual([3, 7]);
    // Sizes from equal to a thousand times apart, each way round: the same as a filter.
    let seed = 5;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const subset = (n: number, p: number) => Uint32Array.from({ length: n }, (_, i) => i).filter(() => rnd() < p);
    for (let t = 0; t < 400; t++) {
      const n = 1 + Math.floor(rnd() * 5000);
      const a = subset(n, rnd());
      const b = subset(n, rnd() ** 3);
      const expected = [...a].filter((x) => b.includes(x));
      expect([...intersect(a, b)]).toEqual(expected);
      expect([...intersect(b, a)]).toEqual(expected);
    }
    expect(countShared([1, 3, 5, 7], [2, 3, 7, 9])).toBe(2);
    expect([...union([[1, 4], [2, 4, 6], []])]).toEqual([1, 2, 4, 6]);
    expect(() => sets.numberOf({ ...items[0]!.item })).toThrow(/is not in this corpus/);
    expect(sets.numberOf(items[5]!.item)).toBe(5);
  });

  it("number every item by its place in corpus order, also where an item's order is not its place", async () => {
    await sets.warm();
    items.forEach((c, n) => expect(sets.numberOf(c.item)).toBe(n));
    // Items renumbered (as a parser that dropped items after numbering would leave them).
    const shifted = items.map((c) => ({ ...c, item: { ...c.item, order: c.item.order + 1 } }));
    const other = new ItemSets(shifted, SubstringFrequency.ofItems(shifted), units);
    shifted.forEach((c, n) => expect(other.numberOf(c.item)).toBe(n));
    expect(() => other.numberOf(items[0]!.item)).toThrow(/is not in this corpus/);
  });
});
