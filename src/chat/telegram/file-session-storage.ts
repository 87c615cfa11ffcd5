/**
 * A grammY session storage adapter that keeps one small JSON file per session key in a
 * folder of the data folder, and survives the process being killed at any moment.
 *
 * Why not @grammyjs/storage-file: it writes a session in place (`writeFile` truncates,
 * then writes), so a process killed mid-write leaves a cut file, and from then on every
 * read of that session throws, failing every later update of that user (see
 * tests/sessions.test.ts, which shows both). Here a write goes to a temporary file that
 * is renamed over the old one, and a file that cannot be read counts as no session.
 *
 * Writes are synchronous (a few hundred bytes: open, write, close, rename): the session
 * is written back after the answer went out and before its update may count as done, and
 * an asynchronous write would queue behind the ledger's fsyncs in libuv's thread pool,
 * widening the window in which a killed bot resends an answer. There is no fsync: after
 * a power loss the last turn may be missing or unreadable, and the next question is then
 * read without context.
 */
import fs from "node:fs";
import path from "node:path";
import type { StorageAdapter } from "grammy";
import type { Logger } from "../../logging/logger.ts";
import { isCode } from "../../util/durable-fs.ts";

export class FileSessionStorage<T> implements StorageAdapter<T> {
  private seq = 0;

  constructor(
    readonly dir: string,
    private readonly logger: Logger,
  ) {}

  /** The file of a key; characters other than letters, digits and - are spelt out, so any key is one safe name. */
  fileOf(key: string): string {
    return path.join(this.dir, key.replace(/[^A-Za-z0-9-]/g, (c) => `_${c.codePointAt(0)!.toString(16)}_`) + ".json");
  }

  async read(key: string): Promise<T | undefined> {
    const file = this.fileOf(key);
    let text: string;
    try {
      text = await fs.promises.readFile(file, "utf8");
    } catch (e) {
      if (isCode(e, "ENOENT")) return undefined;
      throw e;
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      this.logger.warn("a session file could not be read; starting that conversation afresh", { file: path.basename(file) });
      fs.rmSync(file, { force: true });
      return undefined;
    }
  }

  write(key: string, value: T): void {
    const file = this.fileOf(key);
    const tmp = `${file}.${process.pid}.${this.seq++}.tmp`;
    fs.mkdirSync(this.dir, { recursive: true });
    fs.writeFileSync(tmp, JSON.stringify(value));
    fs.renameSync(tmp, file);
  }

  delete(key: string): void {
    fs.rmSync(this.fileOf(key), { force: true });
  }

  /**
   * Removes sessions not written for `maxAgeMs` (expired ones are never read again, and
   * hold question text), and temporary files a killed process left. Returns how many.
   */
  async prune(maxAgeMs: number, now = Date.now()): Promise<number> {
    let names: string[];
    try {
      names = await fs.promises.readdir(this.dir);
    } catch (e) {
      if (isCode(e, "ENOENT")) return 0;
      throw e;
    }
    let removed = 0;
    for (const name of names) {
      const file = path.join(this.dir, name);
      const stat = await fs.promises.stat(file).catch(() => undefined);
      if (!stat?.isFile() || now - stat.mtimeMs < maxAgeMs) continue;
      await fs.promises.rm(file, { force: true });
      removed++;
    }
    return removed;
  }
}
