/**
 * Responsible-unit names: one canonical name per unit, from `data/units.json`, so that
 * 省人社厅, 省人力资源社会保障厅 and the source's typo 省人力资源保障厅 count as one unit.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { PROJECT_ROOT } from "../config/settings.ts";
import type { Corpus } from "../corpus/types.ts";

const UnitFile = z.record(z.string(), z.union([z.array(z.string()), z.string()]));

export class UnitNames {
  private readonly canonicalOf = new Map<string, string>();
  /** Every spelling, longest first, for finding units in a question. */
  private readonly spellings: string[];

  /** @param known unit names as the corpus writes them (each is its own canonical unless aliased). */
  constructor(aliases: ReadonlyMap<string, readonly string[]>, known: Iterable<string>) {
    for (const [canonical, others] of aliases) {
      this.canonicalOf.set(canonical, canonical);
      for (const o of others) this.canonicalOf.set(o, canonical);
    }
    for (const name of known) if (!this.canonicalOf.has(name)) this.canonicalOf.set(name, name);
    this.spellings = [...this.canonicalOf.keys()].sort((a, b) => b.length - a.length);
  }

  /** Reads the alias table and learns the corpus's own unit names. */
  static load(corpus: Corpus, file: string = path.join(PROJECT_ROOT, "data", "units.json")): UnitNames {
    const data = UnitFile.parse(JSON.parse(readFileSync(file, "utf8")));
    const aliases = new Map<string, string[]>();
    for (const [k, v] of Object.entries(data)) if (!k.startsWith("_") && Array.isArray(v)) aliases.set(k, v);
    const known = corpus.documents.flatMap((d) => d.items.flatMap((i) => i.responsible ?? []));
    return new UnitNames(aliases, known);
  }

  /** The canonical name of a unit as written anywhere. */
  canonical(name: string): string {
    return this.canonicalOf.get(name) ?? name;
  }

  /** Units named in a question, canonical, longest match first, without overlaps. */
  findIn(question: string): string[] {
    let rest = question;
    const found: string[] = [];
    for (const s of this.spellings) {
      if (s.length < 2 || !rest.includes(s)) continue;
      const c = this.canonical(s);
      if (!found.includes(c)) found.push(c);
      rest = rest.split(s).join("\u0000");
    }
    return found;
  }

  /** Whether an item's responsible list names the unit (canonically). */
  names(responsible: readonly string[] | null, unit: string): boolean {
    return (responsible ?? []).some((r) => this.canonical(r) === unit);
  }
}
