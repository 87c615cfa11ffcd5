/**
 * Loads every circular in a seeds folder. One bad file never stops the others: each
 * problem becomes a message naming the file, and the good documents are returned.
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { decodeSeed, MAX_SEED_BYTES, tooLarge } from "./decode-file.ts";
import { parseDocument } from "./parse-document.ts";
import type { Corpus, IngestProblem, ParsedDocument } from "./types.ts";

/** Seed files are plain-text circulars; other files in the folder are ignored. */
export const SEED_FILE = /\.txt$/i;

/** Parses one file's bytes; exported for tests and for the reindex path. */
export function ingestFile(file: string, bytes: Uint8Array): { document: ParsedDocument | null; problems: IngestProblem[] } {
  const decoded = decodeSeed(file, bytes);
  if (!decoded.ok) return { document: null, problems: [{ file, severity: "error", message: decoded.message }] };
  const { document, problems } = parseDocument(file, decoded.text);
  if (decoded.encoding !== "utf-8") {
    problems.unshift({ file, severity: "warning", message: `${file}: decoded as GB18030 (not UTF-8); consider saving it as UTF-8.` });
  }
  if (document.items.length === 0) {
    return { document: null, problems: [...problems, { file, severity: "error", message: `${file}: no text found after cleaning; check the file's content.` }] };
  }
  return { document, problems };
}

/** Reads and parses all `*.txt` files of `dir`, in file-name order. */
export async function loadCorpus(dir: string): Promise<Corpus> {
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => SEED_FILE.test(n)).sort();
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : (err as Error).message;
    return { documents: [], problems: [{ file: dir, severity: "error", message: `seeds folder ${dir} ${reason}; set POLICYBOT_SEEDS_DIR or create it.` }] };
  }
  const documents: ParsedDocument[] = [];
  const problems: IngestProblem[] = [];
  const seenContent = new Map<string, string>();
  for (const name of names) {
    let bytes: Buffer;
    try {
      // Checked before reading so that a stray 1 GB dump costs a stat, not the memory.
      const { size } = await fs.stat(path.join(dir, name));
      if (size > MAX_SEED_BYTES) {
        problems.push({ file: name, severity: "error", message: tooLarge(name, size) });
        continue;
      }
      bytes = await fs.readFile(path.join(dir, name));
    } catch (err) {
      problems.push({ file: name, severity: "error", message: `${name}: cannot be read (${(err as Error).message}).` });
      continue;
    }
    const digest = createHash("sha256").update(bytes).digest("hex");
    const twin = seenContent.get(digest);
    if (twin) {
      problems.push({ file: name, severity: "warning", message: `${name}: same content as ${twin}; skipped so answers are not cited twice.` });
      continue;
    }
    seenContent.set(digest, name);
    const result = ingestFile(name, bytes);
    problems.push(...result.problems);
    if (result.document) documents.push(result.document);
  }
  if (names.length === 0) problems.push({ file: dir, severity: "error", message: `seeds folder ${dir} holds no .txt circulars; copy the circulars into it.` });
  return { documents, problems };
}
