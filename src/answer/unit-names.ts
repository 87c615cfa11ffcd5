/**
 * Responsible-unit names: one canonical name per unit, from `data/units.json`, so that
 * 省人社厅, 省人力资源社会保障厅 and the source's typo 省人力资源保障厅 count as one unit.
 * A unit named inside a compound list entry (各市人民政府 inside 各市、县（市、区）人民政府)
 * is found there too.
 */
import { responsibleNames } from "../corpus/corpus-units.ts";
import type { Corpus } from "../corpus/types.ts";
import type { UnitTable } from "../lexicon/vocabulary.ts";
import { pushTo } from "../util/multimap.ts";
import { timeSlicer } from "../util/time-slice.ts";

export class UnitNames {
  /** The alias table's spellings: each to its canonical name (a corpus name not here is its own). */
  private readonly canonicalOf = new Map<string, string>();
  /**
   * Every spelling (the table's, then the corpus's), numbered in that order: names are
   * tried longest first, ties in this order. A 2,000-circular corpus writes 44,000 unit
   * names; sorting them all, or mapping each to itself, cost 75 ms of every engine
   * assembly, so only the few a text holds are sorted.
   */
  private readonly order = new Map<string, number>();
  /** The lengths of the names (two characters or more) starting with each character. */
  private readonly lengthsByFirst = new Map<string, number[]>();
  /** Each canonical unit's spellings, longest first (built on first use). */
  private byCanonical?: Map<string, string[]>;

  /** The alias table's names; the corpus's are added by {@link UnitNames.of} (each is its own canonical unless aliased). */
  private constructor(private readonly table: UnitTable) {
    for (const [canonical, others] of table.spellings) {
      this.canonicalOf.set(canonical, canonical);
      for (const o of others) this.canonicalOf.set(o, canonical);
    }
    for (const name of this.canonicalOf.keys()) this.add(name);
  }

  private add(name: string): void {
    if (this.order.has(name)) return;
    this.order.set(name, this.order.size);
    if (name.length < 2) return;
    const lengths = this.lengthsByFirst.get(name[0]!);
    if (!lengths) this.lengthsByFirst.set(name[0]!, [name.length]);
    else if (!lengths.includes(name.length)) lengths.push(name.length);
  }

  /**
   * The alias table and the corpus's own unit names, added in time slices: a reindex
   * assembles its engine while questions are answered, and the 44,000 names of 2,000
   * circulars (with the retriever's construction) held the thread 35–76 ms in one piece
   * while a new index was opened beside a serving one.
   */
  static async of(table: UnitTable, corpus: Corpus): Promise<UnitNames> {
    const names = new UnitNames(table);
    const slice = timeSlicer();
    for (const name of responsibleNames(corpus)) {
      names.add(name);
      if (slice.due()) await slice.pause();
    }
    return names;
  }

  /** Makes the table of each unit's spellings in time slices (in one piece: 36 ms at 2,000 circulars, opened beside a serving index). */
  async warm(): Promise<void> {
    const slice = timeSlicer();
    const byCanonical = new Map<string, string[]>();
    for (const _ of this.spellingsTable(byCanonical)) if (slice.due()) await slice.pause();
    this.byCanonical ??= byCanonical;
  }

  /** Fills `out` with each canonical unit's spellings, longest first, one step per name (see warm()). */
  private *spellingsTable(out: Map<string, string[]>): Generator<void> {
    for (const s of this.order.keys()) {
      pushTo(out, this.canonical(s), s);
      yield;
    }
    for (const [c, names] of out) {
      if (names.length > 1) out.set(c, this.longestFirst(names));
      yield;
    }
  }

  /** Spellings longest first, ties in the order they were added. */
  private longestFirst(names: Iterable<string>): string[] {
    return [...names].sort((a, b) => b.length - a.length || this.order.get(a)! - this.order.get(b)!);
  }

  /** The canonical name of a unit as written anywhere. */
  canonical(name: string): string {
    return this.canonicalOf.get(name) ?? name;
  }

  /** Every spelling of a canonical unit. */
  spellingsOf(canonical: string): string[] {
    if (!this.byCanonical) {
      const byCanonical = new Map<string, string[]>();
      for (const _ of this.spellingsTable(byCanonical));
      this.byCanonical = byCanonical;
    }
    return [...(this.byCanonical.get(canonical) ?? [])];
  }

  /** Units named in a text, canonical, longest match first, without overlaps. */
  findIn(text: string): string[] {
    let rest = text;
    const found: string[] = [];
    // Only names written in the text can be found in it: each position is looked up for
    // the lengths of the names starting with its character, and those found are tried in
    // the same order as all would be (longest first). A corpus of thousands of unit names
    // costs a few lookups per character, not a search per name (1.8 ms a question at
    // 2,000 circulars when every name starting with a character of the text was searched).
    const tried = new Set<string>();
    for (let at = 0; at < text.length; at++) {
      for (const length of this.lengthsByFirst.get(text[at]!) ?? []) {
        const name = text.slice(at, at + length);
        if (name.length === length && this.order.has(name)) tried.add(name);
      }
    }
    for (const s of this.longestFirst(tried)) {
      if (!rest.includes(s)) continue;
      const c = this.canonical(s);
      if (!found.includes(c)) found.push(c);
      rest = rest.split(s).join("\u0000");
    }
    return found;
  }

  /**
   * The units (canonical) a responsible list names: its entries, and, unless `exact`, the
   * units an entry that names several stands for (各市人民政府 in 各市、县（市、区）人民政府).
   */
  unitsOf(responsible: readonly string[], exact = false): string[] {
    const out: string[] = [];
    for (const r of responsible) {
      const c = this.canonical(r);
      if (!out.includes(c)) out.push(c);
      if (exact) continue;
      for (const u of this.table.includes.get(c) ?? []) {
        const inner = this.canonical(u);
        if (!out.includes(inner)) out.push(inner);
      }
    }
    return out;
  }

  /** Whether a responsible list names the unit (see {@link unitsOf}). */
  listed(responsible: readonly string[] | null, unit: string, exact = false): boolean {
    return responsible !== null && this.unitsOf(responsible, exact).includes(unit);
  }
}
