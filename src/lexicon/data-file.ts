/**
 * Reading the project's data files (word lists and tables in `data/`): every file goes
 * through one of two readers, each checking the file against a zod schema, and every
 * problem is one error class naming the file and, where it can tell, the line.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type * as z from "../util/zod.ts";

/** A data file that is missing or malformed: which file, which line, and what to do. */
export class DataFileError extends Error {
  override readonly name = "DataFileError";
  constructor(
    message: string,
    readonly file: string,
    readonly line: number | null,
  ) {
    super(message);
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new DataFileError(
      `${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); restore it from git.`,
      file,
      null,
    );
  }
}

/** Line (1-based) of a character offset. */
function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split("\n").length;
}

/**
 * A word list: one entry per line, `#` starts a comment line, blank lines are skipped.
 * Entries are trimmed; a line that is only whitespace inside is an error.
 */
export function readWordList(file: string): string[] {
  const text = readText(file);
  const out: string[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    if (/\s/.test(line))
      throw new DataFileError(`${path.basename(file)} line ${i + 1}: one entry per line, without spaces ("${line}").`, file, i + 1);
    out.push(line);
  });
  return out;
}

/**
 * A table of lines `key value…` (the key, a space, then the rest): `#` starts a comment
 * line, blank lines are skipped; a line without a value is an error naming it.
 */
export function readKeyedLines(file: string): [string, string][] {
  const out: [string, string][] = [];
  readText(file)
    .split("\n")
    .forEach((raw, i) => {
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) return;
      const space = line.indexOf(" ");
      if (space <= 0 || line.slice(space + 1).trim() === "") {
        throw new DataFileError(`${path.basename(file)} line ${i + 1}: write a key, a space, then its value ("${line}").`, file, i + 1);
      }
      out.push([line.slice(0, space), line.slice(space + 1).trim()]);
    });
  return out;
}

/**
 * A JSON table checked against `schema`. Keys starting with `_` are comments and are
 * removed before the check. A syntax error names its line; a schema error names the
 * entry and the line where its key is written.
 */
export function readJsonTable<T>(file: string, schema: z.ZodMiniType<T>, plainly?: (json: unknown) => json is T): T {
  const text = readText(file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const at = /position (\d+)/.exec((err as Error).message);
    const line = at ? lineAt(text, Number(at[1])) : null;
    throw new DataFileError(
      `${path.basename(file)}${line ? ` line ${line}` : ""}: not valid JSON (${(err as Error).message}); fix it or restore it from git.`,
      file,
      line,
    );
  }
  if (json !== null && typeof json === "object" && !Array.isArray(json)) {
    // Keys starting with "_" are comments. Deleted in place: rebuilding the glossary's
    // 4,000-key object without them took 16–22 ms of a cold start.
    for (const k of Object.keys(json)) if (k.startsWith("_")) delete (json as Record<string, unknown>)[k];
  }
  // A table that plainly has the shape skips zod (the glossary's 4,000 entries took 30 ms
  // of every start); one that does not is parsed by the schema, which says what is wrong.
  if (plainly?.(json)) return json;
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const key = issue.path.find((p) => typeof p === "string");
  const offset = key === undefined ? -1 : text.indexOf(JSON.stringify(key));
  const line = offset >= 0 ? lineAt(text, offset) : null;
  const where = issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
  throw new DataFileError(
    `${path.basename(file)}${line ? ` line ${line}` : ""}: ${issue.message}${where}; fix it or restore it from git.`,
    file,
    line,
  );
}
