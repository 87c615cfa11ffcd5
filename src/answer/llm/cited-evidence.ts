/**
 * Evidence quotes for a model-written answer: the extractive answer's quotes from the
 * items the model cites, re-pointed at the new citation order; for a cited item the
 * extractive answer did not quote, the sentence of it that shares most with the answer.
 */
import { bigramSet } from "../../text/bigrams.ts";
import { sentencesOf } from "../../text/sentences.ts";
import type { Citation, Evidence } from "../types.ts";

/** How many quotes an answer shows at most. */
const MAX_QUOTES = 3;

const citationKey = (c: Pick<Citation, "file" | "label" | "text">) => `${c.file}\u0000${c.label ?? ""}\u0000${c.text}`;

/** The sentence of `text` that shares most character pairs with `lead`; null when none shares any. */
function closestSentence(text: string, lead: string): string | null {
  const want = bigramSet(lead);
  let best: string | null = null;
  let bestScore = 0;
  for (const s of sentencesOf(text)) {
    let score = 0;
    for (const b of bigramSet(s)) if (want.has(b)) score++;
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Evidence for `cited` (in the model's order).
 * @param extractive the extractive answer's evidence and the citations its indices point into.
 */
export function evidenceForCited(
  extractive: { readonly evidence: readonly Evidence[]; readonly citations: readonly Citation[] },
  cited: readonly Citation[],
  lead: string,
): Evidence[] {
  const indexOf = new Map(cited.map((c, i) => [citationKey(c), i]));
  const out: Evidence[] = [];
  for (const e of extractive.evidence) {
    const source = extractive.citations[e.citation];
    const at = source ? indexOf.get(citationKey(source)) : undefined;
    if (at !== undefined) out.push({ quote: e.quote, citation: at });
  }
  const quoted = new Set(out.map((e) => e.citation));
  cited.forEach((c, i) => {
    if (quoted.has(i)) return;
    const sentence = closestSentence(c.text, lead);
    if (sentence) out.push({ quote: sentence, citation: i });
  });
  return out.sort((a, b) => a.citation - b.citation).slice(0, MAX_QUOTES);
}
