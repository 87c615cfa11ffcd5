/**
 * The corpus's items as numbers (their place in corpus order, as the passage table and
 * the frequency index number them), and the sets of them a list question filters by:
 * the items a unit is responsible for, the items that mention a concept, the items that
 * write a phrase. Sets are ascending Uint32Arrays, combined by merging.
 *
 * A list question over the whole corpus used to test every numbered item against every
 * filter: 33 ms median and 150 ms at the 95th percentile at 2,000 circulars. Here a unit's
 * items come from a table built once, and a concept's from the frequency index's pair
 * lists (only the items holding its pairs are searched, in the stored texts, from past
 * the title on), so the cost follows the items found, not the corpus.
 */
import type { DocumentMeta, Item } from "../corpus/types.ts";
import type { CorpusItem } from "../retrieval/passage-table.ts";
import type { SubstringFrequency } from "../retrieval/substring-frequency.ts";
import { squash } from "../text/normalize.ts";
import { BoundedMap } from "../util/bounded-map.ts";
import { intersect, union } from "../util/sorted-sets.ts";
import { timeSlicer } from "../util/time-slice.ts";
import { Uint32List } from "../util/uint32-index.ts";
import type { CitedItem } from "./compose/citations.ts";
import type { Concept } from "./question/concepts.ts";
import type { UnitNames } from "./unit-names.ts";

/**
 * Concepts whose items are remembered: a list question asks for each a few times; a
 * common word's set holds a sizeable share of the corpus, so few are kept.
 */
const REMEMBERED = 64;

type UnitTable<T> = { exact: T; loose: T };

interface DocumentTables {
  /** Each document's first item number: an item's number is that plus its `order` (see numberOf). */
  readonly starts: Map<string, number>;
  /** Per item, the length of its document's title in the frequency index's text (which starts with it). */
  readonly titleLengths: Uint32Array;
}

/** Each unit's items, ascending, laid end to end: `items[start[at(unit)] … start[at(unit) + 1])`. */
interface UnitLists {
  readonly at: Map<string, number>;
  readonly start: Uint32Array;
  readonly items: Uint32Array;
}

/** What one pass over the items builds for list questions. */
interface ItemTables {
  /** Each unit's items, per role. */
  readonly byUnit: UnitTable<UnitLists>;
  /** Every numbered item (label not null), ascending. */
  readonly numbered: Uint32Array;
  /** Per item, 1 when one unit alone is responsible for it (a list of "only" a unit's items reads every one of its items). */
  readonly sole: Uint8Array;
}

export class ItemSets {
  /** Each document's first item number, and each item's title length (see documentTables). */
  private documents?: DocumentTables;
  /** Item numbers by item, only for a corpus whose items' `order` is not their place (never seen so far). */
  private numbers?: Map<Item, number>;
  /** The tables one pass over the items builds (see itemTables). */
  private tables?: ItemTables;
  private readonly remembered = new BoundedMap<string, Uint32Array>(REMEMBERED);

  constructor(
    /** Every item of the corpus, in corpus order (the frequency index's item order). */
    private readonly items: readonly CorpusItem[],
    private readonly frequency: SubstringFrequency,
    private readonly units: UnitNames,
  ) {}

  /**
   * Builds, in time slices, what the first list question would otherwise build at once
   * (items' numbers, the unit table, the numbered items): 190 ms of one task at 2,000
   * circulars, and the numbered items 50–100 ms more, on the first list question.
   */
  async warm(): Promise<void> {
    const slice = timeSlicer();
    let n = 0;
    for (const _ of this.itemTables()) if (++n % 1024 === 0 && slice.due()) await slice.pause();
    await slice.pause();
    this.documentTables();
  }

  /** Builds the unit table and the list of numbered items, one step per item (warm() runs it in time slices; a first question at once). */
  private *itemTables(): Generator<void> {
    const byUnit = { exact: new UnitListsBuilder(), loose: new UnitListsBuilder() };
    const numbered = new Uint32List();
    const sole = new Uint8Array(this.items.length);
    for (let n = 0; n < this.items.length; n++) {
      const { item } = this.items[n]!;
      if (item.responsible) {
        byUnit.exact.add(n, this.units.unitsOf(item.responsible, true));
        byUnit.loose.add(n, this.units.unitsOf(item.responsible, false));
        sole[n] = item.responsible.length === 1 ? 1 : 0;
      }
      if (item.label !== null) numbered.push(n);
      yield;
    }
    this.tables ??= { byUnit: { exact: byUnit.exact.finish(), loose: byUnit.loose.finish() }, numbered: numbered.view().slice(), sole };
  }

  /** The item tables, built at once if warm() has not built them yet. */
  private itemTablesNow(): ItemTables {
    if (!this.tables) for (const _ of this.itemTables());
    return this.tables!;
  }

  /**
   * Each document's first item number, and per item the length of its document's title,
   * squashed (the frequency index's text starts with it). A document's items are
   * consecutive: only where the document changes is there work.
   */
  private documentTables(): DocumentTables {
    if (this.documents) return this.documents;
    const starts = new Map<string, number>();
    const titleLengths = new Uint32Array(this.items.length);
    let last: DocumentMeta | undefined;
    let length = 0;
    this.items.forEach(({ meta }, n) => {
      if (meta !== last) {
        if (!starts.has(meta.file)) starts.set(meta.file, n);
        length = squash(meta.title).length;
        last = meta;
      }
      titleLengths[n] = length;
    });
    this.documents = { starts, titleLengths };
    return this.documents;
  }

  /**
   * An item's number: its document's first number plus its `order`, which is its place in
   * the document (a map of 375,000 items held 15 MB at 10,000 circulars); a map only if a
   * corpus ever numbers otherwise.
   */
  numberOf(item: Item): number {
    const start = this.documentTables().starts.get(item.file);
    const n = start === undefined ? -1 : start + item.order;
    if (this.items[n]?.item === item) return n;
    this.numbers ??= new Map(this.items.map((c, i) => [c.item, i]));
    const found = this.numbers.get(item);
    if (found === undefined) throw new Error(`item ${item.file}#${item.label ?? "?"} is not in this corpus`);
    return found;
  }

  /** The items behind numbers, as cited items (found by structure: score 1). */
  cited(numbers: ArrayLike<number>): CitedItem[] {
    return Array.from(numbers, (n) => ({ item: this.items[n]!.item, meta: this.items[n]!.meta, score: 1 }));
  }

  item(n: number): Item {
    return this.items[n]!.item;
  }

  /** The document of item n (items of a document share it). */
  documentOf(n: number): DocumentMeta {
    return this.items[n]!.meta;
  }

  /** Whether one unit alone is responsible for item n (its responsible list names one). */
  soleResponsible(n: number): boolean {
    return this.itemTablesNow().sole[n] === 1;
  }

  /** The items whose responsible units name `unit` (canonical; see UnitNames.unitsOf). */
  namingUnit(unit: string, exact: boolean): Uint32Array {
    const { byUnit } = this.itemTablesNow();
    const lists = exact ? byUnit.exact : byUnit.loose;
    const at = lists.at.get(unit);
    return at === undefined ? new Uint32Array(0) : lists.items.slice(lists.start[at], lists.start[at + 1]);
  }

  /** Every numbered item (label not null). */
  labelled(): Uint32Array {
    return this.itemTablesNow().numbered;
  }

  /** The items whose title, headings or text hold `text` (squashed): every item whose own text does, and some more. */
  holding(text: string): Uint32Array {
    return this.frequency.itemsWith(text);
  }

  /**
   * The items whose headings or text (squashed, as frequencyText writes them after the
   * title) hold one of the concept's spellings; with `within` (ascending), only those of
   * its items, found by searching them alone: a list question scoped to a document asks of
   * its items, and a common word's items over the whole corpus took 4–12 ms to find at
   * 2,000 circulars (a single character, a pass over every text).
   */
  mentioning(concept: Pick<Concept, "alternatives">, within?: Uint32Array): Uint32Array {
    const spellings = [...new Set(concept.alternatives.map(squash))];
    const key = spellings.join("\u0000");
    const lengths = this.documentTables().titleLengths;
    const skip = (n: number) => lengths[n]!;
    const all = this.remembered.get(key);
    if (within) return all ? intersect(within, all) : union(spellings.map((s) => this.frequency.itemsWith(s, skip, within)));
    return this.remember(key, () => union(spellings.map((s) => this.frequency.itemsWith(s, skip))));
  }

  /**
   * Of the items `within` (ascending), those whose own text, squashed, holds `phrase` as
   * written. Only those items are searched: a date every circular writes (2025年) took
   * 16–34 ms to find over the whole corpus at 10,000 circulars, for a list of two items.
   */
  writing(phrase: string, within: Uint32Array): Uint32Array {
    // Squashed text has no spaces, capitals or quotes: a phrase with any is in none.
    if (squash(phrase) !== phrase) return new Uint32Array(0);
    return this.frequency.itemsWith(phrase, undefined, within).filter((n) => squash(this.items[n]!.item.text).includes(phrase));
  }

  private remember(key: string, compute: () => Uint32Array): Uint32Array {
    let found = this.remembered.get(key);
    if (!found) {
      found = compute();
      this.remembered.set(key, found);
    }
    return found;
  }
}

/**
 * One role's unit table, built from (item, units) in item order: each unit gets a number
 * when first met, the pairs are recorded end to end, then laid out unit by unit in one
 * pass (a unit's items come out ascending). A 2,000-circular corpus names 44,000 units:
 * a typed array for each took 120 ms, and a growing array for each, packed at the end,
 * held the thread 50–70 ms in one piece while a rebuilt index opened beside a serving one.
 */
class UnitListsBuilder {
  private readonly at = new Map<string, number>();
  private readonly counts = new Uint32List(1 << 12);
  private readonly unitOf = new Uint32List();
  private readonly itemOf = new Uint32List();

  add(item: number, units: Iterable<string>): void {
    for (const unit of units) {
      let id = this.at.get(unit);
      if (id === undefined) {
        id = this.at.size;
        this.at.set(unit, id);
        this.counts.push(0);
      }
      this.counts.set(id, this.counts.get(id) + 1);
      this.unitOf.push(id);
      this.itemOf.push(item);
    }
  }

  finish(): UnitLists {
    const counts = this.counts.view();
    const start = new Uint32Array(counts.length + 1);
    for (let k = 0; k < counts.length; k++) start[k + 1] = start[k]! + counts[k]!;
    const cursor = start.slice(0, counts.length);
    const items = new Uint32Array(start[counts.length]!);
    const unitOf = this.unitOf.view();
    const itemOf = this.itemOf.view();
    for (let e = 0; e < unitOf.length; e++) items[cursor[unitOf[e]!]!++] = itemOf[e]!;
    return { at: this.at, start, items };
  }
}
