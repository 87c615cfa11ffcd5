/**
 * The responsible-unit names a corpus writes, each once, in order of first appearance
 * (document order, then each item's list in order).
 */
import type { Corpus } from "./types.ts";

export function responsibleNames(corpus: Corpus): readonly string[] {
  // A corpus read from an index carries them, worked out from its tables without building
  // any item (index/corpus-file.ts): reading every item's list was 0.3–0.7 s of a
  // 10,000-circular start.
  if (corpus.unitNames) return corpus.unitNames;
  const names = new Set<string>();
  // Items with the same list often share one array: each array is read once.
  const seen = new Set<readonly string[]>();
  for (const d of corpus.documents) {
    for (const { responsible } of d.items) {
      if (!responsible || seen.has(responsible)) continue;
      seen.add(responsible);
      for (const name of responsible) names.add(name);
    }
  }
  return [...names];
}
