/**
 * Loads every circular in a seeds folder. One bad file never stops the others: each
 * problem becomes a message naming the file, and the good documents are returned.
 */
import { createHash } from "node:crypto";
import { constants, promises as fs, type Stats } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import { decodeSeed, ENCODING_NAMES, MAX_SEED_BYTES, tooLarge } from "./decode-file.ts";
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
    const name = ENCODING_NAMES[decoded.encoding];
    problems.unshift({ file, severity: "warning", message: `${file}: decoded as ${name} (not UTF-8); consider saving it as UTF-8.` });
  }
  if (document.items.length === 0) {
    return {
      document: null,
      problems: [...problems, { file, severity: "error", message: `${file}: no text found after cleaning; check the file's content.` }],
    };
  }
  return { document, problems };
}

const ONLY_REGULAR = "skipped, only regular files in the seeds folder are read";

function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return "a folder";
  if (stats.isFIFO()) return "a named pipe";
  if (stats.isSocket()) return "a socket";
  return "a device";
}

/**
 * Reads one seed file's bytes, or says why not. The folder is input from whoever can
 * write to it, so a link (to /etc/passwd, or anywhere) is never followed and nothing but
 * a regular file is read: a named pipe would block start-up. The file is opened without
 * following links and checked through its own handle, so it cannot be swapped for a
 * link between the check and the read.
 */
async function readSeedFile(dir: string, name: string): Promise<Buffer | string> {
  const file = path.join(dir, name);
  const linkMessage = `${name}: is a symbolic link; ${ONLY_REGULAR} (copy the circular into the folder instead).`;
  let handle: FileHandle | undefined;
  try {
    if ((await fs.lstat(file)).isSymbolicLink()) return linkMessage;
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const stats = await handle.stat();
    if (!stats.isFile()) return `${name}: not a regular file (${fileKind(stats)}); ${ONLY_REGULAR}.`;
    // Checked before reading so that a stray 1 GB dump costs a stat, not the memory.
    if (stats.size > MAX_SEED_BYTES) return tooLarge(name, stats.size);
    return await handle.readFile();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ELOOP") return linkMessage;
    if ((err as NodeJS.ErrnoException).code === "EISDIR") return `${name}: not a regular file (a folder); ${ONLY_REGULAR}.`;
    return `${name}: cannot be read (${(err as Error).message}).`;
  } finally {
    await handle?.close();
  }
}

/** Reads and parses all `*.txt` files of `dir`, in file-name order. */
export async function loadCorpus(dir: string): Promise<Corpus> {
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => SEED_FILE.test(n)).sort();
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "does not exist" : (err as Error).message;
    return {
      documents: [],
      problems: [{ file: dir, severity: "error", message: `seeds folder ${dir} ${reason}; set POLICYBOT_SEEDS_DIR or create it.` }],
    };
  }
  const documents: ParsedDocument[] = [];
  const problems: IngestProblem[] = [];
  const seenContent = new Map<string, string>();
  for (const name of names) {
    const bytes = await readSeedFile(dir, name);
    if (typeof bytes === "string") {
      problems.push({ file: name, severity: "error", message: bytes });
      continue;
    }
    const digest = createHash("sha256").update(bytes).digest("hex");
    const twin = seenContent.get(digest);
    if (twin) {
      problems.push({
        file: name,
        severity: "warning",
        message: `${name}: same content as ${twin}; skipped so answers are not cited twice.`,
      });
      continue;
    }
    seenContent.set(digest, name);
    const result = ingestFile(name, bytes);
    problems.push(...result.problems);
    if (result.document) documents.push(result.document);
  }
  if (names.length === 0)
    problems.push({ file: dir, severity: "error", message: `seeds folder ${dir} holds no .txt circulars; copy the circulars into it.` });
  return { documents, problems };
}
