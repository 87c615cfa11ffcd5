/**
 * Finds a document by what a person types for it (its file name, the number it starts
 * with, or part of its title) and an item by its label in any of the spellings CONTRACT
 * §2 treats as equal. When nothing matches, says so and offers the nearest labels.
 */
import { labelKey } from "./numbering.ts";
import type { DocumentMeta, Item, ParsedDocument } from "./types.ts";

export type DocumentLookup =
  | { readonly found: true; readonly document: ParsedDocument }
  | { readonly found: false; readonly message: string };

export type LabelLookup =
  | { readonly found: true; readonly item: Item; readonly meta: DocumentMeta }
  | { readonly found: false; readonly message: string; readonly nearest: readonly string[] };

/** Resolves "004", "004_14cb77bf2456b070.txt" or "任务清单" to one document. */
export function findDocument(documents: readonly ParsedDocument[], query: string): DocumentLookup {
  const q = query.trim();
  const exact = documents.find((d) => d.meta.file === q || d.meta.file === `${q}.txt`);
  if (exact) return { found: true, document: exact };
  const byPrefix = documents.filter((d) => q.length > 0 && d.meta.file.startsWith(q));
  const byTitle = documents.filter((d) => q.length >= 2 && d.meta.title.includes(q));
  const matches = byPrefix.length > 0 ? byPrefix : byTitle;
  if (matches.length === 1) return { found: true, document: matches[0]! };
  const list = documents.map((d) => `${d.meta.file.slice(0, 3)}《${d.meta.title}》`).join("；");
  if (matches.length > 1) {
    return { found: false, message: `“${q}”对应${matches.length}份文件，请用文件编号：${list}` };
  }
  return { found: false, message: `没有找到文件“${q}”。现有文件：${list}` };
}

function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length]!;
}

/** Finds the item with `label` in `document`; on a miss, lists up to five nearest labels. */
export function findItem(document: ParsedDocument, label: string): LabelLookup {
  const key = labelKey(label.replace(/^第(\d+)[条项]$/, "$1"));
  const item = document.items.find((i) => i.label !== null && labelKey(i.label) === key);
  if (item) return { found: true, item, meta: document.meta };
  const labels = document.items.map((i) => i.label).filter((l): l is string => l !== null);
  const nearest = labels
    .map((l) => ({ l, d: editDistance(labelKey(l), key) - (labelKey(l).startsWith(key) ? 1 : 0) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, 5)
    .map((x) => x.l);
  const message = `《${document.meta.title}》中没有条目“${label}”。最接近的条目：${nearest.join("、")}`;
  return { found: false, message, nearest };
}
