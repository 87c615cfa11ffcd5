/**
 * Short follow-ups ("那谁负责？", "2021年呢？", "第二条呢") read in the context of the
 * previous turn of the same conversation: another year of the same question, another
 * item of the same document, or a new ask about the item just cited.
 */
import { parseNumber } from "../../text/numerals.ts";
import type { ConversationTurn } from "../types.ts";

/** What a follow-up becomes. */
export interface FollowUp {
  /** The question to analyse instead. */
  readonly question: string;
  /** The item the follow-up asks about (the previous answer's first citation), when it does. */
  readonly pinned: { readonly file: string; readonly item: string | null } | null;
}

/** A follow-up is short: a longer message is a question of its own. */
const MAX_FOLLOW_UP_CHARS = 16;
const FOLLOW_UP_START = /^(那|那么|那这|这|还有|另外|再问|and|what about)/i;
const FOLLOW_UP_END = /(呢|嘞|咧)[？?。！!]*$/;

/** Whether a question reads as a follow-up rather than a question of its own. */
export function isFollowUp(question: string, asksOnly: boolean): boolean {
  const q = question.trim();
  if ([...q].length > MAX_FOLLOW_UP_CHARS) return false;
  return FOLLOW_UP_START.test(q) || FOLLOW_UP_END.test(q) || asksOnly;
}

/**
 * The question to answer given the previous turn, or null when it is not a follow-up.
 * `asksOnly` is true when the question names no topic of its own (谁负责, 多少); `topicOf`
 * gives a question's topic words without what it asked; `sameSeries` the title of another
 * year's issue of a yearly circular, when there is one.
 */
export function resolveFollowUp(
  question: string,
  previous: ConversationTurn | undefined,
  asksOnly: boolean,
  topicOf: (question: string) => string,
  sameSeries: (title: string, year: number) => string | null = () => null,
): FollowUp | null {
  if (!previous || !isFollowUp(question, asksOnly)) return null;
  const q = question.trim().replace(/^(那么|那)/, "").replace(/(呢|嘞|咧)?[？?。！!]*$/, "");
  const prev = previous.question.replace(/[？?。！!]*$/, "");
  const top = previous.refused ? undefined : previous.citations[0];

  // "2021年呢" / "21年呢": the same question about another year.
  const year = /^(\d{2}|\d{4})年?$/.exec(q);
  if (year) {
    const full = year[1]!.length === 2 ? `20${year[1]}` : year[1]!;
    const replaced = prev.replace(/(20)?\d{2}年/, `${full}年`);
    const asked = replaced === prev ? `${full}年${prev}` : replaced;
    // The previous answer came from a yearly series (2023年…工作要点): ask that year's issue of it.
    const series = top ? sameSeries(top.title, Number(full)) : null;
    return { question: series && !asked.includes(series) ? `《${series}》${asked}` : asked, pinned: null };
  }
  // "第二条呢": another item of the document just cited.
  const item = /^第?([一二三四五六七八九十百千\d]+)[条项]$/.exec(q);
  if (item && top) {
    const n = parseNumber(item[1]!);
    return { question: `《${top.title}》第${n}${/^\d+$/.test(top.item ?? "") && /清单/.test(top.title) ? "项" : "条"}`, pinned: null };
  }
  // "那谁负责" / "多少": a new ask about the item just cited, on the previous question's topic.
  return { question: `${topicOf(prev)}${q}`, pinned: top ? { file: top.file, item: top.item } : null };
}
