/**
 * Organisations in a model's answer, by name and by role: every name must be one the
 * cited text gives (in any spelling the project knows), and a unit said to lead (X牵头,
 * 由X牵头, 牵头单位：X) must be one the cited text says leads. A list of responsible units
 * does not say who leads, so "由省教育厅牵头" under such a list is not grounded.
 */
import { leadOf } from "../../corpus/responsible-units.ts";
import type { GroundingTerms } from "../../lexicon/grounding-terms.ts";
import { squash } from "../../text/normalize.ts";
import { clausesOf } from "../../text/sentences.ts";
import type { UnitNames } from "../unit-names.ts";

const HAN = /\p{Script=Han}/u;
/** Longest window looked at around a unit suffix; unit names are shorter. */
const MAX_NAME = 24;

/** Organisation names in the answer (as written) that the evidence does not name. */
export function unitsUngrounded(answer: string, evidence: string, terms: GroundingTerms, units?: UnitNames): string[] {
  const s = squash(answer);
  const support = squash(evidence);
  const supportCanon = new Set(units ? units.findIn(support) : []);
  const known = (w: string) => units !== undefined && supportCanon.has(units.canonical(w));
  const bad: string[] = [];

  // Units the project knows by name, in any spelling: 省人社厅 is grounded by 省人力资源社会保障厅.
  if (units) for (const c of units.findIn(s)) if (!supportCanon.has(c) && !support.includes(c)) bad.push(c);

  // Any other word ending like an organisation: some window around it must occur in the evidence.
  let runStart = 0;
  for (let i = 0; i < s.length; ) {
    if (!HAN.test(s[i]!)) {
      runStart = i + 1;
      i++;
      continue;
    }
    const suffix = terms.unitSuffixes.find((x) => s.startsWith(x, i));
    if (!suffix) {
      i++;
      continue;
    }
    const end = i + suffix.length;
    const upto = s.slice(runStart, end);
    const excluded =
      i === runStart ||
      (terms.notUnitIfFollowedBy[suffix] ?? []).some((f) => s.startsWith(f, end)) ||
      terms.notUnitWords.some((w) => upto.endsWith(w));
    if (!excluded) {
      let runEnd = end;
      while (runEnd < s.length && HAN.test(s[runEnd]!)) runEnd++;
      let grounded = false;
      for (let a = Math.max(runStart, end - MAX_NAME); a <= i - 1 && !grounded; a++) {
        for (let b = end; b <= Math.min(runEnd, a + MAX_NAME) && !grounded; b++) {
          const w = s.slice(a, b);
          // A plain match needs a name before the suffix, so 厅牵头 alone grounds nothing.
          const named = a <= i - 2 || (a <= i - 1 && b - a >= 4);
          grounded = (named && support.includes(w)) || known(w);
        }
      }
      if (!grounded) bad.push(s.slice(Math.max(runStart, end - 10), end));
    }
    i = end;
  }
  return [...new Set(bad)];
}

/** Where a name stops: a list separator, or 由 (由X牵头). */
const NAME_BREAK = /[、：:由与和及]/g;

/**
 * Units a text says lead, as written: what the circulars' own reader finds (由X牵头,
 * （X牵头，Y配合）, 牵头单位：X), and the unit written right before or after a lead word
 * (X牵头, 牵头单位为X), as an answer may put it.
 */
export function leadsIn(text: string, leadWords: readonly string[]): string[] {
  const out: string[] = [];
  for (const clause of clausesOf(squash(text))) {
    const word = leadWords.find((w) => clause.includes(w));
    if (!word) continue;
    const said = leadOf(clause);
    if (said) {
      out.push(said);
      continue;
    }
    const at = clause.indexOf(word);
    const before = clause.slice(0, at);
    const name = before.slice(Math.max(0, ...[...before.matchAll(NAME_BREAK)].map((m) => m.index + 1)));
    const after = /^(?:单位|部门)?(?:为|是)?([^、，；。]+)/u.exec(clause.slice(at + word.length))?.[1] ?? "";
    if (name.length >= 2) out.push(name);
    else if (after.length >= 2) out.push(after);
  }
  return out;
}

/** Units the answer says lead that the cited text does not say lead. */
export function leadsUngrounded(answer: string, evidence: string, leadWords: readonly string[], units: UnitNames): string[] {
  const canonical = (name: string) => units.findIn(name)[0] ?? name;
  const theirs = leadsIn(evidence, leadWords).map(canonical);
  return leadsIn(answer, leadWords).filter((mine) => {
    const c = canonical(mine);
    return !theirs.some((t) => t === c || t.includes(c) || c.includes(t));
  });
}
