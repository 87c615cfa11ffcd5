/**
 * Short follow-ups ("那谁负责？", "2021年呢？", "第二条呢") read in the context of the
 * previous question and answer of the same conversation.
 */
import { parseChineseNumber } from "../corpus/numbering.ts";
import type { ConversationTurn } from "./types.ts";

const FOLLOW_UP_START = /^(那|那么|那这|这|还有|另外|再问|and|what about)/i;
const FOLLOW_UP_END = /(呢|嘞|咧)[？?。！!]*$/;
const SHAPE_ONLY = /^(那|那么)?(这|这个|这条|这项|它)?(是)?(谁负责|谁牵头|哪些部门负责|哪个部门负责|由谁负责|什么时候|啥时候|多少|几个|要求是什么|具体内容|原文)[？?。！!]*$/;

/** Whether a question reads as a follow-up rather than a question of its own. */
export function isFollowUp(question: string): boolean {
  const q = question.trim();
  if ([...q].length > 16) return false;
  return FOLLOW_UP_START.test(q) || FOLLOW_UP_END.test(q) || SHAPE_ONLY.test(q);
}

/** The question to actually answer, given the previous turn. */
export function resolveFollowUp(question: string, previous: ConversationTurn | undefined): { question: string; followUp: boolean } {
  if (!previous || !isFollowUp(question)) return { question, followUp: false };
  const q = question.trim().replace(/^(那么|那)/, "").replace(/(呢|嘞|咧)?[？?。！!]*$/, "");
  const prev = previous.question.replace(/[？?。！!]*$/, "");
  const top = previous.citations[0];

  // "2021年呢" / "21年呢": the same question about another year.
  const year = /^(\d{2}|\d{4})年?$/.exec(q);
  if (year) {
    const full = year[1]!.length === 2 ? `20${year[1]}` : year[1]!;
    const replaced = prev.replace(/(20)?\d{2}年/, `${full}年`);
    return { question: replaced === prev ? `${full}年${prev}` : replaced, followUp: true };
  }
  // "第二条呢": another item of the document just cited.
  const item = /^第?([一二三四五六七八九十百\d]+)[条项]$/.exec(q);
  if (item && top) {
    const n = /^\d+$/.test(item[1]!) ? Number(item[1]) : parseChineseNumber(item[1]!);
    return { question: `《${top.title}》第${n}${/任务清单/.test(top.title) ? "项" : "条"}`, followUp: true };
  }
  // "那谁负责" / "多少": the previous topic with the new ask.
  const topic = prev.replace(/(是)?(谁负责|谁牵头|哪些部门负责|哪个部门负责|是什么|是多少|多少|什么时候|啥时候|有哪些|是啥|吗|呢)$/, "");
  return { question: `${topic}${q}`, followUp: true };
}
