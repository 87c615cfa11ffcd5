/**
 * `policybot docs`, `items` and `item`: the parsed corpus as a person or a checker reads it.
 */
import { findDocument, findItem } from "../corpus/lookup.ts";
import type { Corpus } from "../corpus/types.ts";

/** Output streams, so tests can capture them. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** A table of documents: id, title, number, date, item count. */
export function docsCommand(corpus: Corpus, io: Io): number {
  const rows = corpus.documents.map((d) => [
    d.meta.file,
    d.meta.title,
    d.meta.docNumber ?? "—",
    d.meta.date ?? "—",
    String(d.items.filter((i) => i.label !== null).length),
  ]);
  const header = ["file", "title", "number", "date", "items"];
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\uffff]/.test(ch) ? 2 : 1), 0);
  const cols = header.map((h, c) => Math.max(width(h), ...rows.map((r) => width(r[c]!))));
  const line = (r: string[]) => r.map((cell, c) => cell + " ".repeat(cols[c]! - width(cell))).join("  ").trimEnd();
  io.out([line(header), ...rows.map(line)].join("\n"));
  for (const p of corpus.problems) io.err(`${p.severity}: ${p.message}`);
  return 0;
}

/** Every item, in document order; `json` prints CONTRACT §3's JSON Lines. */
export function itemsCommand(corpus: Corpus, io: Io, json: boolean): number {
  const lines: string[] = [];
  for (const d of corpus.documents) {
    for (const it of d.items) {
      if (json) {
        lines.push(
          JSON.stringify({
            file: it.file,
            item: it.label,
            title: d.meta.title,
            docNumber: d.meta.docNumber,
            text: it.text,
            responsible: it.responsible,
          }),
        );
      } else {
        const first = it.text.split("\n")[0]!;
        lines.push(`${it.file.slice(0, 3)}  ${it.label ?? "—"}  ${first.length > 40 ? first.slice(0, 40) + "…" : first}`);
      }
    }
  }
  io.out(lines.join("\n"));
  return 0;
}

/** One item's full text, or a message naming the nearest labels. */
export function itemCommand(corpus: Corpus, io: Io, file: string | undefined, label: string | undefined): number {
  if (!file || !label) {
    io.err("Usage: policybot item FILE LABEL   e.g. policybot item 004 33   or   policybot item 003 三（二）2");
    return 2;
  }
  const doc = findDocument(corpus.documents, file);
  if (!doc.found) {
    io.err(doc.message);
    return 1;
  }
  const hit = findItem(doc.document, label);
  if (!hit.found) {
    io.err(hit.message);
    return 1;
  }
  const m = hit.meta;
  io.out(`《${m.title}》${m.docNumber ? `（${m.docNumber}）` : ""} ${hit.item.label}\n\n${hit.item.text}`);
  if (hit.item.responsible && hit.item.kind !== "row") io.out(`\n责任单位：${hit.item.responsible.join("、")}`);
  return 0;
}
