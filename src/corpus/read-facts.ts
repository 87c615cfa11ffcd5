/**
 * Reads the facts about a circular itself (who issued it, its 文号 and date, whom it is
 * addressed to, whether it is public, what it is based on, whom to contact, when it
 * takes effect, its attachments, how many items it has) from its text, by layout and
 * wording that circulars share, never from a table of known files. Each fact keeps the
 * item and the exact words it was read from (see fact-source.ts).
 */
import { DATE_PATTERN, dateOfLine, isoDate } from "./chinese-date.ts";
import { findDocNumbers, normalizeDocNumber } from "./document-number.ts";
import { findSource, sourceAt } from "./fact-source.ts";
import { readMarker } from "./numbering.ts";
import type { Head, LineValue } from "./read-metadata.ts";
import { splitOutsideParens } from "./responsible-units.ts";
import type {
  Attachment,
  BasisDocument,
  DocumentFacts,
  Effect,
  Fact,
  FactSource,
  Item,
  ItemCounts,
  ItemKind,
  Publicity,
  Validity,
} from "./types.ts";

/** The cover letter and title: where the addressees stand. */
const HEAD_LINES = 40;

/** The last words of a cover letter's title (关于印发…的通知), after which the addressees follow. */
const COVER_TITLE_END = /(通知|通报|决定|意见|批复|复函|函|公告|通告)$/;
const ADDRESSEES_LABEL = /^主送(?:机关|单位)?\s*[:：]\s*(.+?)[。]?$/;
const ATTACHMENT_LIST = /^附件\s*[:：]\s*(.*)$/;
const ATTACHMENT_HEADING = /^附件\s*(\d+)?$/;

const PUBLICITY = /(?:此件|本件)(公开发布|主动公开|依申请公开|不予公开|不公开)|公开(?:方式|属性|选项)\s*[:：]\s*(主动公开|依申请公开|不予公开|不公开)/;
const PUBLICITY_VALUES: Readonly<Record<string, Publicity>> = {
  公开发布: "public",
  主动公开: "public",
  依申请公开: "on-request",
  不予公开: "not-public",
  不公开: "not-public",
};

const CONTACT_OFFICE = /联系(?:单位|部门|处室)\s*[:：]\s*([^，,；;。）)\n]+)/;
const CONTACT_PERSON = /联系人\s*[:：]\s*([^，,；;。）)\s\d]+)/;
const CONTACT_PHONE = /(?:联系电话|联系方式|电话)\s*[:：]\s*([\d（(][\d\-－—()（） 、，,/]*\d)/;

/** 本办法自2024年1月1日起施行 / 自发布之日起实施: a subject (本…/此…) or the start of a clause, and the end of one after the verb. */
const EFFECT = new RegExp(
  `((?:本|此)[\\u4e00-\\u9fff]{1,8}?)?自\\s*(?:${DATE_PATTERN}|(发布|印发|公布|发文|下发|颁布)之日)\\s*起\\s*(?:施行|实施|执行|生效)(?=$|[，。；,;\\n])`,
  "g",
);
/** The printing line at the foot of a circular: 山东省人力资源和社会保障厅办公室2022年1月14日印发. */
const PRINTED = new RegExp(`([\\u4e00-\\u9fff（）()]{2,40}?)\\s*${DATE_PATTERN}\\s*印发`);
const VALID_UNTIL = new RegExp(`有效期限?(?:为|是)?\\s*(?:至|到)\\s*${DATE_PATTERN}止?`);
const VALID_TERM = /有效期限?(?:为|是)?\s*(\d+|[一二三四五六七八九十两]+)\s*(年|个月)/;

/** Words that say what the text rests on; the clause after them names the documents. */
const BASIS_TRIGGER = /根据|依据|依照|按照|落实|贯彻/g;
/** The first numbered item states the basis too when it says why the document was made (第一条 为…，根据…，制定本办法). */
const MAKES_DOCUMENT = /制定本|特制定|制定如下/;
const CLAUSE_MAX = 300;

function fact<T>(value: T, source: FactSource | null): Fact<T> | null {
  return source ? { value, source } : null;
}

/** A fact read from one line: its source is found in the items. */
function lineFact<T>(items: readonly Item[], read: LineValue<T> | null, lines: readonly string[]): Fact<T> | null {
  if (!read) return null;
  return fact(read.value, findSource(items, read.words, lines[read.line - 1]));
}

/** Addressee groups are separated by commas; 、 joins units of one kind (各部、局、中心). */
function splitGroups(text: string): string[] {
  return splitOutsideParens(text, /[，,]/).map((g) => g.trim());
}

/**
 * 主送: a line "主送：…", or the block right under the cover letter's title (or starting
 * with 各) that ends with a colon, names units between commas and holds no sentence.
 */
function addressees(lines: readonly string[], items: readonly Item[], head: Head): Fact<readonly string[]> | null {
  for (const line of lines) {
    const m = ADDRESSEES_LABEL.exec(line);
    if (m) return fact(splitGroups(m[1]!), findSource(items, m[1]!));
  }
  const end = Math.min(HEAD_LINES, head.date?.line ?? lines.length, lines.length);
  for (let i = 0; i < end; i++) {
    const first = lines[i]!;
    if (!(COVER_TITLE_END.test(lines[i - 1] ?? "") || first.startsWith("各"))) continue;
    let block = "";
    for (let j = i; j < Math.min(i + 4, end); j++) {
      block += lines[j];
      if (/[:：]$/.test(block)) break;
    }
    if (!/[:：]$/.test(block) || /[。；！？《]/.test(block)) continue;
    const named = block.slice(0, -1);
    const groups = splitGroups(named);
    if (groups.some((g) => g === "" || [...g].length > 40)) continue;
    return fact(groups, findSource(items, named));
  }
  return null;
}

function cleanTitle(text: string): string {
  return text.replace(/[。；;，,]+$/, "").trim();
}

/**
 * 附件：1.… 2.… in the cover letter, and 附件 / 附件N headings over a titled attachment in
 * the body. A heading over the document's own title (a file that is itself 附件2 of
 * another circular) is not an attachment of it.
 */
function attachments(lines: readonly string[], items: readonly Item[], ownTitle: string): Fact<Attachment>[] {
  const out: Fact<Attachment>[] = [];
  const add = (value: Attachment, words: string, before?: string) => {
    const duplicate = out.some((a) => (a.value.number !== null && a.value.number === value.number) || a.value.title === value.title);
    if (value.title === "" || duplicate) return;
    const found = fact(value, findSource(items, words, before));
    if (found) out.push(found);
  };
  lines.forEach((line, i) => {
    const list = ATTACHMENT_LIST.exec(line);
    if (list) {
      const rest = list[1]!;
      const first = readMarker(rest);
      if (rest !== "" && !(first?.type === "arabic" && first.number === 1)) {
        add({ number: null, title: cleanTitle(rest) }, rest);
        return;
      }
      let expected = 1;
      for (let j = rest === "" ? i + 1 : i; j < lines.length; j++) {
        const words = j === i ? rest : lines[j]!;
        const entry = readMarker(words);
        if (entry?.type !== "arabic" || entry.number !== expected) break;
        add({ number: entry.number, title: cleanTitle(entry.rest) }, words);
        expected++;
      }
      return;
    }
    const heading = ATTACHMENT_HEADING.exec(line);
    const title = lines[i + 1];
    if (!heading || title === undefined) return;
    const plain = title.length <= 60 && readMarker(title) === null && dateOfLine(title) === null && !/[。；：:]$/.test(title);
    const number = heading[1] ? Number(heading[1]) : null;
    if (plain && cleanTitle(title) !== ownTitle) add({ number, title: cleanTitle(title) }, title, line);
  });
  return out;
}

/**
 * The first item, in document order, whose text matches. `keyword` is a word every match
 * holds: a plain search for it skips most items before the pattern runs.
 */
function firstMatch(items: readonly Item[], keyword: string, pattern: RegExp): { item: Item; match: RegExpExecArray } | null {
  for (const item of items) {
    if (!item.text.includes(keyword)) continue;
    const match = pattern.exec(item.text);
    if (match) return { item, match };
  }
  return null;
}

function matchSource({ item, match }: { item: Item; match: RegExpExecArray }): FactSource {
  return sourceAt(item, match.index, match.index + match[0].length);
}

function publicity(items: readonly Item[]): Fact<Publicity> | null {
  const hit = firstMatch(items, "公开", PUBLICITY);
  if (!hit) return null;
  return fact(PUBLICITY_VALUES[hit.match[1] ?? hit.match[2]!]!, matchSource(hit));
}

function contact(items: readonly Item[], keyword: string, pattern: RegExp): Fact<string> | null {
  const hit = firstMatch(items, keyword, pattern);
  return hit ? fact(hit.match[1]!.trim(), matchSource(hit)) : null;
}

function effective(items: readonly Item[]): Fact<Effect> | null {
  for (const item of items) {
    if (!item.text.includes("起")) continue;
    for (const m of item.text.matchAll(EFFECT)) {
      const before = item.text[m.index - 1];
      // Without a subject (本办法…), the phrase must open a clause: 自2024年1月起实施新标准 inside a measure is not it.
      if (!m[1] && before !== undefined && !/[，。；,;\n]/.test(before)) continue;
      const from = m[2] ? isoDate(m[2], m[3]!, m[4]) : null;
      if (m[2] && !from) continue;
      return fact({ from, onIssue: m[5] !== undefined }, sourceAt(item, m.index, m.index + m[0].length));
    }
  }
  return null;
}

/** Who printed the circular and when (the office that sent it out, often weeks after it was signed). */
function printed(items: readonly Item[]): Fact<{ office: string; date: string }> | null {
  for (const item of [...items].reverse()) {
    if (item.label !== null || !item.text.includes("印发")) continue;
    const m = PRINTED.exec(item.text);
    const date = m ? isoDate(m[2]!, m[3]!, m[4]) : null;
    if (m && date) return fact({ office: m[1]!.trim(), date }, sourceAt(item, m.index, m.index + m[0].length));
  }
  return null;
}

function validity(items: readonly Item[]): Fact<Validity> | null {
  for (const item of items) {
    if (!item.text.includes("有效期")) continue;
    const until = VALID_UNTIL.exec(item.text);
    const term = VALID_TERM.exec(item.text);
    if (!until && !term) continue;
    const spans = [until, term].filter((m): m is RegExpExecArray => m !== null);
    const start = Math.min(...spans.map((m) => m.index));
    const end = Math.max(...spans.map((m) => m.index + m[0].length));
    const value: Validity = { until: until ? isoDate(until[1]!, until[2]!, until[3]) : null, term: term ? term[1]! + term[2]! : null };
    return fact(value, sourceAt(item, start, end));
  }
  return null;
}

/** The end of the clause that starts at `from`: the first comma or stop outside 《》 and brackets. */
function clauseEnd(text: string, from: number): number {
  let depth = 0;
  const limit = Math.min(text.length, from + CLAUSE_MAX);
  for (let i = from; i < limit; i++) {
    const ch = text[i]!;
    if ("《（([".includes(ch)) depth++;
    else if ("》）)]".includes(ch)) depth = Math.max(0, depth - 1);
    else if (depth === 0 && "，。；：,;:！？".includes(ch)) return i;
  }
  return limit;
}

/** The documents named in 《》 in the clauses after 根据/依据/落实…, with a 文号 in brackets right after a title. */
function basis(items: readonly Item[], ownTitle: string): Fact<BasisDocument>[] {
  const firstNumbered = items.findIndex((i) => i.label !== null);
  const preamble = firstNumbered < 0 ? items : items.slice(0, firstNumbered);
  const opening = firstNumbered >= 0 && MAKES_DOCUMENT.test(items[firstNumbered]!.text) ? [items[firstNumbered]!] : [];
  const out: Fact<BasisDocument>[] = [];
  for (const item of [...preamble, ...opening]) {
    for (const trigger of item.text.matchAll(BASIS_TRIGGER)) {
      const end = clauseEnd(item.text, trigger.index);
      const clause = item.text.slice(trigger.index, end);
      for (const t of clause.matchAll(/《([^《》]+)》/g)) {
        const title = t[1]!.replace(/\s+/g, "");
        if (title === ownTitle || out.some((b) => b.value.title === title)) continue;
        const bracket = /^\s*[（(]([^（）()]*)[）)]/.exec(clause.slice(t.index + t[0].length));
        const docNumber = bracket ? (normalizeDocNumber(bracket[1]!) ?? findDocNumbers(bracket[1]!)[0]?.normalized ?? null) : null;
        out.push({ value: { title, docNumber }, source: sourceAt(item, trigger.index, end) });
      }
    }
  }
  return out;
}

function counts(items: readonly Item[]): ItemCounts {
  const byKind: Partial<Record<ItemKind, number>> = {};
  let numbered = 0;
  for (const item of items) {
    if (item.label === null) continue;
    numbered++;
    byKind[item.kind] = (byKind[item.kind] ?? 0) + 1;
  }
  return { numbered, byKind };
}

/**
 * Reads the facts of a parsed document. `lines` are its cleaned lines, `head` what
 * readHead found in them, `items` its final items (sources point into them), and
 * `title` its title (its own name is neither an attachment nor a basis of it).
 */
export function readFacts(lines: readonly string[], head: Head, items: readonly Item[], title: string): DocumentFacts {
  return {
    issuer: lineFact(items, head.issuer, lines),
    docNumber: lineFact(items, head.docNumber, lines),
    date: lineFact(items, head.date, lines),
    printed: printed(items),
    addressees: addressees(lines, items, head),
    publicity: publicity(items),
    basis: basis(items, title),
    contactOffice: contact(items, "联系", CONTACT_OFFICE),
    contactPerson: contact(items, "联系人", CONTACT_PERSON),
    contactPhone: contact(items, "电话", CONTACT_PHONE),
    effective: effective(items),
    validity: validity(items),
    attachments: attachments(lines, items, title),
    counts: counts(items),
  };
}
