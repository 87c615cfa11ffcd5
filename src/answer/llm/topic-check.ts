/**
 * Whether a model's answer is about the question and taken from what it cites: each cited
 * item must speak to the question's topic about as much as the extractive answer's own
 * citations do, and most of the answer's wording must come from the cited text or the
 * question (an answer that obeys an instruction, or adds what no cited sentence says, does not).
 */
import { bigramSet } from "../../text/bigrams.ts";
import type { AnalysedQuestion } from "../question/analysed-question.ts";
import { coverage } from "../question/concepts.ts";
import { sameCitation } from "../compose/citations.ts";
import type { Citation } from "../types.ts";

/** A cited item is off the topic when it covers less than this share of what the extractive citations cover… */
const TOPIC_SHARE = 0.5;
/** …or less than this share of the question's concepts outright. */
const TOPIC_FLOOR = 0.2;
/** At least this share of the answer's character pairs must occur in the cited text or the question… */
const SUPPORT_SHARE = 0.5;
/** …once this many do not (大于55%（2020年为50%） has two pairs, neither in a table row). */
const UNSUPPORTED_PAIRS = 3;

/** Share of the question's concepts an item covers, with its title and topic (as the answer stage reads items). */
const topicOf = (q: AnalysedQuestion, c: Citation, text: string) => coverage(q.concepts, [c.title, c.topic ?? "", text].join("，"));

/**
 * The cited items (as file and label) that are not about the question's topic; the extractive citations are, by decision.
 * @param evidence per cited item, the text that counts as evidence (instruction spans do not make an item topical).
 */
export function offTopic(
  q: AnalysedQuestion,
  cited: readonly Citation[],
  evidence: readonly (readonly string[])[],
  extractive: readonly Citation[],
): string[] {
  const bar = Math.max(0, ...extractive.map((c) => topicOf(q, c, c.text)));
  return cited
    .filter((c, i) => {
      if (extractive.some((e) => sameCitation(e, c))) return false;
      const share = topicOf(q, c, evidence[i]!.join(""));
      return share < TOPIC_FLOOR || share < bar * TOPIC_SHARE;
    })
    .map((c) => `${c.file}:${c.label ?? "正文"}`);
}

/** The answer's character pairs, and those of them found in the cited text or the question. */
function support(answer: string, cited: string, q: AnalysedQuestion): { readonly pairs: number; readonly found: number } {
  const pairs = bigramSet(answer);
  const source = bigramSet(`${cited}\n${q.text}\n${q.typed}`);
  let found = 0;
  for (const p of pairs) if (source.has(p)) found++;
  return { pairs: pairs.size, found };
}

/** Whether enough of the answer's wording comes from the cited text or the question. */
export function supported(answer: string, cited: string, q: AnalysedQuestion): boolean {
  const { pairs, found } = support(answer, cited, q);
  return pairs - found < UNSUPPORTED_PAIRS || found >= pairs * SUPPORT_SHARE;
}
