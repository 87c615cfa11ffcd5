/**
 * Sentences and clauses of item text: quotes and leads are cut along them, and a full
 * stop inside “…” or （…） does not end a sentence.
 */

/** Sentences of a text, each ending with its punctuation; a table row or line is its own sentence. */
export function sentencesOf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    let current = "";
    let depth = 0; // inside “…” or （…） a full stop does not end the sentence
    for (const ch of line) {
      current += ch;
      if ("“（(《".includes(ch)) depth++;
      if ("”）)》".includes(ch)) depth = Math.max(0, depth - 1);
      if (depth === 0 && "。；！？".includes(ch)) {
        if (current.trim()) out.push(current.trim());
        current = "";
      }
    }
    if (current.trim()) out.push(current.trim());
  }
  return out;
}

/** Clauses of a sentence (split at ， and ；), for short leads. */
export function clausesOf(sentence: string): string[] {
  const out: string[] = [];
  let current = "";
  let depth = 0;
  for (const ch of sentence) {
    if ("“（(《".includes(ch)) depth++;
    if ("”）)》".includes(ch)) depth = Math.max(0, depth - 1);
    if (depth === 0 && "，；。".includes(ch)) {
      if (current.trim()) out.push(current.trim());
      current = "";
      continue;
    }
    current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
