/**
 * Responsible-unit names: one canonical name per unit, from `data/units.json`, so that
 * 省人社厅, 省人力资源社会保障厅 and the source's typo 省人力资源保障厅 count as one unit.
 * A unit named inside a compound list entry (各市人民政府 inside 各市、县（市、区）人民政府)
 * is found there too.
 */
import type { Corpus } from "../corpus/types.ts";
import type { UnitTable } from "../lexicon/vocabulary.ts";
import { pushTo } from "../util/multimap.ts";

export class UnitNames {
  private readonly canonicalOf = new Map<string, string>();
  /** Every spelling, longest first, for finding units in a question. */
  private readonly spellings: string[];
  /** Positions in `spellings` of the names (two characters or more) starting with each character. */
  private readonly byFirst = new Map<string, number[]>();
  /** Each canonical unit's spellings, longest first (built on first use). */
  private byCanonical?: Map<string, string[]>;

  /** @param known unit names as the corpus writes them (each is its own canonical unless aliased). */
  constructor(
    private readonly table: UnitTable,
    known: Iterable<string>,
  ) {
    for (const [canonical, others] of table.spellings) {
      this.canonicalOf.set(canonical, canonical);
      for (const o of others) this.canonicalOf.set(o, canonical);
    }
    for (const name of known) if (!this.canonicalOf.has(name)) this.canonicalOf.set(name, name);
    this.spellings = [...this.canonicalOf.keys()].sort((a, b) => b.length - a.length);
    this.spellings.forEach((s, i) => {
      if (s.length >= 2) pushTo(this.byFirst, s[0]!, i);
    });
  }

  /** The alias table and the corpus's own unit names. */
  static of(table: UnitTable, corpus: Corpus): UnitNames {
    return new UnitNames(table, corpus.documents.flatMap((d) => d.items.flatMap((i) => i.responsible ?? [])));
  }

  /** The canonical name of a unit as written anywhere. */
  canonical(name: string): string {
    return this.canonicalOf.get(name) ?? name;
  }

  /** Every spelling of a canonical unit. */
  spellingsOf(canonical: string): string[] {
    if (!this.byCanonical) {
      this.byCanonical = new Map();
      for (const s of this.spellings) pushTo(this.byCanonical, this.canonicalOf.get(s)!, s);
    }
    return [...(this.byCanonical.get(canonical) ?? [])];
  }

  /** Units named in a text, canonical, longest match first, without overlaps. */
  findIn(text: string): string[] {
    let rest = text;
    const found: string[] = [];
    // Only spellings starting with a character of the text can occur in it; they are tried
    // in the same order as all would be (longest first), so a corpus of thousands of unit
    // names costs a lookup per character, not a search per name.
    const tried = new Set<number>();
    for (const ch of text) for (const i of this.byFirst.get(ch) ?? []) tried.add(i);
    for (const i of [...tried].sort((a, b) => a - b)) {
      const s = this.spellings[i]!;
      if (!rest.includes(s)) continue;
      const c = this.canonical(s);
      if (!found.includes(c)) found.push(c);
      rest = rest.split(s).join("\u0000");
    }
    return found;
  }

  /**
   * Whether a responsible list names the unit: as a whole entry, or, unless `exact`, inside
   * an entry that names several units (各市人民政府 in 各市、县（市、区）人民政府).
   */
  listed(responsible: readonly string[] | null, unit: string, exact = false): boolean {
    if (!responsible) return false;
    return responsible.some((r) => {
      const c = this.canonical(r);
      return c === unit || (!exact && (this.table.includes.get(c) ?? []).some((u) => this.canonical(u) === unit));
    });
  }
}
