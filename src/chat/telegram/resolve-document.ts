/**
 * Finds the document a person means by a short reference: the full file name
 * (`004_14cb77bf2456b070.txt`), its numeric prefix (`004` or `4`), or a fragment of the
 * title (`任务清单`).
 */
import type { DocumentMeta } from "../../corpus/types.ts";
import { filePrefixOf } from "./callback-data.ts";

export type DocumentMatch =
  | { readonly kind: "found"; readonly meta: DocumentMeta }
  | { readonly kind: "ambiguous"; readonly candidates: readonly DocumentMeta[] }
  | { readonly kind: "none" };

const normTitle = (s: string) => s.replace(/[\s《》“”"'‘’]/g, "").toLowerCase();

/** Resolves `spec` against the service's document list. */
export function resolveDocument(spec: string, docs: readonly DocumentMeta[]): DocumentMatch {
  const s = spec.trim();
  if (!s) return { kind: "none" };
  const exact = docs.find((d) => d.file === s || d.file === `${s}.txt` || d.file.replace(/\.txt$/, "") === s);
  if (exact) return { kind: "found", meta: exact };

  if (/^\d+$/.test(s)) {
    const byPrefix = docs.filter((d) => {
      const p = filePrefixOf(d.file);
      return p === s || (/^\d+$/.test(p) && Number(p) === Number(s));
    });
    if (byPrefix.length === 1) return { kind: "found", meta: byPrefix[0]! };
    if (byPrefix.length > 1) return { kind: "ambiguous", candidates: byPrefix };
  }

  const want = normTitle(s);
  const byTitle = docs.filter((d) => normTitle(d.title).includes(want));
  const same = byTitle.filter((d) => normTitle(d.title) === want);
  if (same.length === 1) return { kind: "found", meta: same[0]! };
  if (byTitle.length === 1) return { kind: "found", meta: byTitle[0]! };
  if (byTitle.length > 1) return { kind: "ambiguous", candidates: byTitle };
  return { kind: "none" };
}
