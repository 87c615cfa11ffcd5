/**
 * What a model's answer must not carry unless the cited text has it: links, e-mail
 * addresses, phone numbers, chat accounts, requests for ID, bank details, photos, money
 * or contact (data/grounding-terms.json). Secrets (the API key, the bot token, anything
 * shaped like a key) are refused even when cited, and never named in the reason.
 */
import type { GroundingTerms } from "../../lexicon/grounding-terms.ts";
import { TOKEN_PATTERN } from "../../logging/logger.ts";
import { foldWidth } from "../../text/normalize.ts";

/** A secret counts as echoed when this much of it, in one piece, is in the answer. */
const SECRET_PIECE = 12;

/** The form leaks are compared in: folded width, lower case, no spaces (a spaced-out key is the key). */
const plain = (text: string) => foldWidth(text).toLowerCase().replace(/\s+/g, "");

/** Whether the answer holds a configured secret, or a long enough piece of one. */
export function echoesSecret(answer: string, secrets: readonly string[]): boolean {
  const a = plain(answer);
  return secrets.some((secret) => {
    const s = plain(secret);
    const piece = Math.min(SECRET_PIECE, s.length);
    for (let i = 0; i + piece <= s.length; i++) if (a.includes(s.slice(i, i + piece))) return true;
    return false;
  });
}

/** The leaks of `answer` that `cited` (the evidence text) does not carry, named by kind. */
export function leaksIn(answer: string, cited: string, terms: GroundingTerms): string[] {
  const text = foldWidth(answer).toLowerCase();
  const source = plain(cited);
  const bad: string[] = [];
  if (new RegExp(TOKEN_PATTERN.source, "i").test(answer)) bad.push("credential");
  for (const [kind, pattern] of Object.entries(terms.leakPatterns)) {
    for (const m of text.matchAll(pattern)) {
      // Keys and tokens are named by kind only: the reason is logged.
      if (kind === "credential") bad.push(kind);
      else if (!source.includes(plain(m[0]))) bad.push(`${kind}: ${m[0]}`);
    }
  }
  for (const w of terms.leakWords) if (text.includes(w.toLowerCase()) && !source.includes(plain(w))) bad.push(w);
  return [...new Set(bad)];
}
