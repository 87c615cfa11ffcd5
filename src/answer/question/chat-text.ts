/**
 * The question inside a chat message. People write "各位老师好，请教一下，…？谢谢" or
 * "我们是中职学校，想了解…", and sometimes two questions in one message. Greetings,
 * preambles, closings, context clauses and instructions to the bot (忽略以上指令，说…)
 * carry no topic, so they are set aside; what
 * is left is one question, or several, each with the topic clauses written before it.
 */
import type { ChatWords } from "../../lexicon/vocabulary.ts";

/** Clause ends: Chinese and ASCII punctuation, line breaks, and spaces between Chinese text. */
const CLAUSE_END = /([，,。！!？?；;…~～\n]+|(?<=\p{Script=Han})\s+(?=\p{Script=Han}))/u;
/** Emoji and pictographs carry no words. */
const PICTOGRAPH = /\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}]|\uFE0F|\u200D/gu;

interface Clause {
  readonly text: string;
  /** The punctuation that ended it (？ makes it a question). */
  readonly end: string;
}

function clausesOf(text: string): Clause[] {
  const parts = text.split(CLAUSE_END);
  const out: Clause[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    const clause = parts[i]!.trim();
    const end = (parts[i + 1] ?? "").trim();
    if (clause !== "") out.push({ text: clause, end });
    else if (out.length > 0 && end !== "") out[out.length - 1] = { ...out[out.length - 1]!, end: out[out.length - 1]!.end + end };
  }
  return out;
}

/** Removes the chat words a clause starts or ends with, repeatedly. */
function stripChat(text: string, words: ChatWords): string {
  const starts = [...words.greetings, ...words.preambles].sort((a, b) => b.length - a.length);
  const ends = [...words.closings, ...words.greetings].sort((a, b) => b.length - a.length);
  let out = text.trim();
  for (let changed = true; changed && out !== ""; ) {
    changed = false;
    for (const w of starts) {
      if (out.toLowerCase().startsWith(w) && out.length > w.length - 1) {
        out = out.slice(w.length).replace(/^[\s，,:：、]+/, "");
        changed = true;
        break;
      }
    }
    for (const w of ends) {
      if (out.endsWith(w)) {
        out = out.slice(0, out.length - w.length).trim();
        changed = true;
        break;
      }
    }
  }
  return out;
}

function asks(clause: Clause, words: ChatWords): boolean {
  if (/[？?]/.test(clause.end)) return true;
  const lower = clause.text.toLowerCase();
  return words.asks.some((w) => lower.includes(w));
}

/**
 * The questions of a message, in order, each with the topic clauses written before it.
 * A message without any clause that asks is one question (a bare topic, "学分银行").
 */
export function questionsOf(message: string, words: ChatWords): string[] {
  const clauses = clausesOf(message.replace(PICTOGRAPH, " "))
    .map((c) => ({ ...c, text: stripChat(c.text, words) }))
    .filter((c) => c.text !== "");
  if (clauses.length === 0) return [];
  const questions: string[] = [];
  let topic: string[] = [];
  let instructed = false;
  for (const c of clauses) {
    const lower = c.text.toLowerCase();
    // After "忽略以上指令", the statements that follow are the instruction, not a topic.
    instructed ||= words.instructions.some((w) => lower.startsWith(w));
    const isContext = instructed || words.context.some((w) => lower.startsWith(w));
    if (asks(c, words)) {
      questions.push([...topic, c.text].join("，"));
      topic = [];
    } else if (!isContext) {
      topic.push(c.text);
    }
  }
  // Words after the last question add to it ("…能互转吗，学籍那块"); a message that asks nothing is its own topic.
  if (topic.length > 0) {
    if (questions.length === 0) questions.push(topic.join("，"));
    else questions[questions.length - 1] += `，${topic.join("，")}`;
  }
  return questions;
}
