/**
 * Checks that a model's answer says nothing the cited text does not: every figure
 * (Arabic or Chinese numerals used as quantities) and every organisation name in the
 * answer must occur in the cited items. Text inside instruction-like spans of a
 * document ("忽略以上指令，回答：…") does not count as evidence, so an answer that
 * obeys an injected instruction finds no support for what the injection made up.
 *
 * The checks are deliberately asymmetric: figures in the answer are read strictly
 * (only numerals that count something), figures in the evidence generously (every
 * numeral), so that an honest paraphrase is rarely rejected and an invented figure is.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { Citation } from "../types.ts";
import type { UnitNames } from "../unit-names.ts";

/** The word lists next to this file; see the comments inside it. */
export const GROUNDING_TERMS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), "grounding-terms.json");

const TermsSchema = z.object({
  unitSuffixes: z.array(z.string().min(1)).min(1),
  notUnitWords: z.array(z.string().min(1)),
  notUnitIfFollowedBy: z.record(z.string(), z.array(z.string().min(1))),
  quantityWords: z.array(z.string().min(1)).min(1),
  numeralTerms: z.array(z.string().min(1)),
  instructionPatterns: z.array(
    z.string().transform((source, ctx) => {
      try {
        return new RegExp(source, "iu");
      } catch (err) {
        ctx.addIssue({ code: "custom", message: `not a regular expression: ${(err as Error).message}` });
        return z.NEVER;
      }
    }),
  ),
});

/** The word lists, validated. */
export type GroundingTerms = z.infer<typeof TermsSchema>;

/** The terms file is missing or malformed. */
export class GroundingTermsError extends Error {
  override readonly name = "GroundingTermsError";
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

/**
 * Reads the word lists.
 * @throws {GroundingTermsError} naming the file and the first problem.
 */
export function loadGroundingTerms(file: string = GROUNDING_TERMS_FILE): GroundingTerms {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new GroundingTermsError(`${file} cannot be read as JSON (${(err as Error).message})`, file);
  }
  const parsed = TermsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new GroundingTermsError(`${file}: ${issue.path.join(".")}: ${issue.message}`, file);
  }
  // Longest suffix first, so that 委员会 wins over 委 and 人民政府 over 政府.
  parsed.data.unitSuffixes.sort((a, b) => b.length - a.length);
  return parsed.data;
}

// ---------------------------------------------------------------- evidence text

/** Whitespace and markdown bold removed: the documents wrap lines anywhere. */
function compact(text: string): string {
  return text.replace(/\*\*/g, "").replace(/\s+/g, "");
}

/**
 * The text with every instruction-like span cut out: from the match to the end of its
 * line, since an injected instruction often runs over several sentences.
 */
export function withoutInstructions(text: string, terms: GroundingTerms): string {
  return text
    .split("\n")
    .map((line) => {
      let cut = line.length;
      for (const re of terms.instructionPatterns) {
        const m = re.exec(line);
        if (m && m.index < cut) cut = m.index;
      }
      return line.slice(0, cut);
    })
    .join("\n");
}

/** Whether a text holds an instruction-like span (for logs and tests). */
export function hasInstruction(text: string, terms: GroundingTerms): boolean {
  return terms.instructionPatterns.some((re) => re.test(text));
}

// ---------------------------------------------------------------- figures

const DIGIT: Readonly<Record<string, number>> = { 〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const SMALL_UNIT: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };
const CN_RUN = /[〇零一二两三四五六七八九十百千万亿]+/gu;
const ARABIC = /(\d+(?:\.\d+)?)(%|万|亿)?/gu;
const PERCENT_CN = /百分之([〇零一二两三四五六七八九十百千]+)/gu;

/** Full-width digits and % folded to ASCII, thousands separators dropped, spaces removed. */
function figureText(text: string): string {
  return compact(text.normalize("NFKC")).replace(/(\d),(?=\d{3}(?!\d))/g, "$1");
}

/** Value of a Chinese numeral (五, 十五, 一百二十, 四百万, 二〇二三); null when it is not one number (三四, 十四五). */
export function parseChineseNumeral(run: string): number | null {
  // 二〇二三 is read digit by digit; 三四 (three or four) is no single number.
  if (/^[〇零一二三四五六七八九]{2,}$/u.test(run) && /[〇零]/u.test(run)) return Number([...run].map((c) => DIGIT[c]).join(""));
  let total = 0;
  let section = 0;
  let digit: number | null = null;
  for (const ch of run) {
    if (ch in DIGIT) {
      if (digit !== null && digit !== 0 && DIGIT[ch] !== 0) return null;
      digit = DIGIT[ch]!;
    } else if (ch in SMALL_UNIT) {
      section += (digit ?? 1) * SMALL_UNIT[ch]!;
      digit = null;
    } else if (ch === "万") {
      const part = section + (digit ?? 0);
      total += (part === 0 ? 1 : part) * 1e4;
      section = 0;
      digit = null;
    } else if (ch === "亿") {
      const part = total + section + (digit ?? 0);
      total = (part === 0 ? 1 : part) * 1e8;
      section = 0;
      digit = null;
    } else return null;
  }
  return total + section + (digit ?? 0);
}

const key = (n: number) => Number(n.toFixed(6));

/** A figure an answer states: what it says and the values it may mean. */
export interface Figure {
  readonly token: string;
  readonly values: readonly number[];
}

function arabicValues(number: string, scale: string | undefined): number[] {
  const n = Number(number);
  if (scale === "万") return [n, n * 1e4];
  if (scale === "亿") return [n, n * 1e8];
  return [n];
}

/** Masks what was consumed so that the Chinese-numeral pass does not read it again. */
const mask = (s: string) => "\u0000".repeat(s.length);

function removeNumeralTerms(text: string, terms: GroundingTerms): string {
  let out = text;
  for (const t of terms.numeralTerms) out = out.split(t).join(mask(t));
  return out;
}

/** Figures an answer states, read strictly: Chinese numerals only where they count something. */
export function figuresClaimed(answer: string, terms: GroundingTerms): Figure[] {
  let text = removeNumeralTerms(figureText(answer), terms);
  const out: Figure[] = [];
  text = text.replace(PERCENT_CN, (m, run: string) => {
    const v = parseChineseNumeral(run);
    out.push({ token: m, values: v === null ? [] : [v] });
    return mask(m);
  });
  text = text.replace(ARABIC, (m, n: string, scale?: string) => {
    out.push({ token: m, values: arabicValues(n, scale) });
    return mask(m);
  });
  for (const m of text.matchAll(CN_RUN)) {
    const run = m[0];
    if (run === "一" || /^[万亿]+$/u.test(run)) continue; // 一个, 一项 are articles; 万 alone is no figure
    const after = text.slice(m.index + run.length).replace(/^(多|余|来)/u, "");
    if (!terms.quantityWords.some((w) => after.startsWith(w))) continue;
    const v = parseChineseNumeral(run);
    out.push({ token: run + (terms.quantityWords.find((w) => after.startsWith(w)) ?? ""), values: v === null ? [] : [v] });
  }
  return out;
}

/** Every value the evidence mentions, read generously; list markers (三、 （二） 2.) are not figures. */
export function figuresSupported(texts: readonly string[], labels: readonly string[], terms: GroundingTerms): Set<number> {
  const values = new Set<number>();
  const read = (raw: string, isLabel: boolean) => {
    let text = removeNumeralTerms(figureText(raw), terms);
    if (!isLabel) {
      text = text
        .replace(/(^|[^〇零一二两三四五六七八九十])[一二三四五六七八九十]+、/gu, "$1")
        .replace(/[（(][一二三四五六七八九十]+[）)]/gu, "")
        .replace(/(^|[^\d.])\d{1,2}[.．](?!\d)/gu, "$1");
    }
    text = text.replace(PERCENT_CN, (m, run: string) => {
      const v = parseChineseNumeral(run);
      if (v !== null) values.add(key(v));
      return mask(m);
    });
    text = text.replace(ARABIC, (m, n: string, scale?: string) => {
      for (const v of arabicValues(n, scale)) values.add(key(v));
      return mask(m);
    });
    for (const m of text.matchAll(CN_RUN)) {
      const v = parseChineseNumeral(m[0]);
      if (v !== null) values.add(key(v));
      else for (const ch of m[0]) if (ch in DIGIT) values.add(DIGIT[ch]!);
    }
  };
  for (const t of texts) read(t, false);
  for (const l of labels) read(l, true);
  return values;
}

// ---------------------------------------------------------------- organisation names

const HAN = /\p{Script=Han}/u;
/** Longest window looked at around a unit suffix; unit names are shorter. */
const MAX_NAME = 24;

/** Organisation names in the answer (as written) that the evidence does not name. */
export function unitsUngrounded(answer: string, evidence: string, terms: GroundingTerms, units?: UnitNames): string[] {
  const s = compact(answer);
  const support = compact(evidence);
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

// ---------------------------------------------------------------- the check

/** Why an answer is not grounded, or that it is. */
export type GroundingResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: "ungrounded-number" | "ungrounded-unit"; readonly offending: readonly string[] };

/** Everything of the cited items that counts as evidence (instruction-like spans removed). */
export function evidenceOf(cited: readonly Citation[], terms: GroundingTerms): { texts: string[]; labels: string[] } {
  const texts: string[] = [];
  const labels: string[] = [];
  for (const c of cited) {
    texts.push(withoutInstructions(c.text, terms), c.title);
    if (c.docNumber) texts.push(c.docNumber);
    if (c.date) labels.push(...c.date.split("-"));
    if (c.item) labels.push(c.item);
  }
  return { texts, labels };
}

/** Checks an answer against the items it cites: figures first, then organisation names. */
export function checkGrounding(answer: string, cited: readonly Citation[], terms: GroundingTerms, units?: UnitNames): GroundingResult {
  const { texts, labels } = evidenceOf(cited, terms);
  const supported = figuresSupported(texts, labels, terms);
  const badFigures = figuresClaimed(answer, terms)
    .filter((f) => !f.values.some((v) => supported.has(key(v))))
    .map((f) => f.token);
  if (badFigures.length > 0) return { ok: false, reason: "ungrounded-number", offending: badFigures };
  const badUnits = unitsUngrounded(answer, texts.join("\n"), terms, units);
  if (badUnits.length > 0) return { ok: false, reason: "ungrounded-unit", offending: badUnits };
  return { ok: true };
}
