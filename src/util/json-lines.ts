/**
 * JSON Lines files that a crash or a full disk cannot corrupt: the bot's update ledger
 * and its journals (questions, feedback) are written through {@link JsonLinesFile} and
 * read with {@link forEachJsonLine}.
 *
 * Appends are written at once with a synchronous write(2), in call order, so a record
 * whose append has returned survives the process being killed (the kernel holds it);
 * `sync()` then flushes to disk (fsync) for power loss, one fsync for every append
 * that arrived while the previous one ran. Measured reason for the split: waiting for
 * an fsync before an update may count as done was what made a killed bot resend
 * answers (issue 12 §4).
 *
 * A write that fails half-way (ENOSPC, EIO) is cut back off the file, and a file that
 * does not end in a newline (a crash mid-write, or a cut that failed) gets one before
 * the next record, so a failed append never takes the next record down with it.
 * Short writes are continued until the whole record is out.
 */
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import type * as z from "./zod.ts";
import { appendFileDurable, fsyncDir, isCode, writeFileDurable } from "./durable-fs.ts";

/** The file operations appends make; tests pass their own to inject faults. */
export interface AppendIo {
  /** Opens `file` for reading and appending, creating it (and its folder). */
  open(file: string): number;
  size(fd: number): number;
  /** Reads into `buffer` from `position`; returns the bytes read. */
  read(fd: number, buffer: Buffer, position: number): number;
  /** Writes part of `buffer`; returns the bytes written, which may be fewer than asked. */
  write(fd: number, buffer: Buffer, offset: number, length: number): number;
  truncate(fd: number, length: number): void;
  sync(fd: number): Promise<void>;
  close(fd: number): void;
}

export const NODE_APPEND_IO: AppendIo = {
  open(file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return fs.openSync(file, "a+");
  },
  size: (fd) => fs.fstatSync(fd).size,
  read: (fd, buffer, position) => fs.readSync(fd, buffer, 0, buffer.length, position),
  write: (fd, buffer, offset, length) => fs.writeSync(fd, buffer, offset, length),
  truncate: (fd, length) => fs.ftruncateSync(fd, length),
  sync: (fd) => new Promise((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve()))),
  close: (fd) => fs.closeSync(fd),
};

export interface JsonLinesFileOptions {
  readonly io?: AppendIo;
  /** Applied to every record before it is serialised (the bot removes secrets here). */
  readonly redact?: <T>(record: T) => T;
}

interface SyncWaiter {
  readonly upTo: number;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

/** One JSON Lines file, appended to by this process only. */
export class JsonLinesFile {
  private readonly io: AppendIo;
  private fd: number | undefined;
  private size = 0;
  private needsNewline = false;
  /** Appends written so far, and how many of them are known to be on disk. */
  private written = 0;
  private synced = 0;
  private waiters: SyncWaiter[] = [];
  private syncingFd: number | undefined;
  private syncing = false;
  /** Descriptors of files replaced, closed once no fsync uses them. */
  private retired: number[] = [];
  /** While replace() runs: the text appended meanwhile, to be copied into the new file. */
  private appendedDuringReplace: string[] | undefined;

  constructor(
    readonly file: string,
    private readonly options: JsonLinesFileOptions = {},
  ) {
    this.io = options.io ?? NODE_APPEND_IO;
  }

  private serialize(records: readonly unknown[]): string {
    const redact = this.options.redact;
    return records.map((r) => JSON.stringify(redact ? redact(r) : r) + "\n").join("");
  }

  private opened(): number {
    if (this.fd !== undefined) return this.fd;
    const fd = this.io.open(this.file);
    const size = this.io.size(fd);
    const last = Buffer.alloc(1);
    this.needsNewline = size > 0 && this.io.read(fd, last, size - 1) === 1 && last[0] !== 0x0a;
    this.fd = fd;
    this.size = size;
    return fd;
  }

  /**
   * Writes `records`, one line each, before returning: a process killed afterwards keeps
   * them. Not yet fsynced (see sync()).
   * @throws the write's error; nothing of a failed write is left in the file.
   */
  write(records: readonly unknown[]): void {
    if (records.length === 0) return;
    const text = this.serialize(records);
    const fd = this.opened();
    const buffer = Buffer.from((this.needsNewline ? "\n" : "") + text, "utf8");
    const start = this.size;
    let done = 0;
    try {
      while (done < buffer.length) {
        const n = this.io.write(fd, buffer, done, buffer.length - done);
        if (n <= 0) throw Object.assign(new Error(`no progress appending to ${path.basename(this.file)}`), { code: "EIO" });
        done += n;
      }
    } catch (e) {
      this.cutBack(fd, start, done);
      throw e;
    }
    this.size = start + buffer.length;
    this.needsNewline = false;
    this.written++;
    this.appendedDuringReplace?.push(text);
  }

  /** Removes the part of a failed write that reached the file; if that fails too, the next write starts on a new line. */
  private cutBack(fd: number, start: number, done: number): void {
    if (done === 0) return;
    try {
      this.io.truncate(fd, start);
    } catch {
      this.size = start + done;
      this.needsNewline = true;
    }
  }

  /** Resolves once everything written so far is on disk. Callers waiting at the same time share one fsync. */
  sync(): Promise<void> {
    const upTo = this.written;
    if (this.synced >= upTo) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ upTo, resolve, reject });
      void this.syncLoop();
    });
  }

  /** write() then sync(). */
  append(records: readonly unknown[]): Promise<void> {
    try {
      this.write(records);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.sync();
  }

  private async syncLoop(): Promise<void> {
    if (this.syncing) return;
    this.syncing = true;
    try {
      while (this.waiters.length > 0) {
        const upTo = this.written;
        const fd = this.fd;
        let error: unknown;
        this.syncingFd = fd;
        try {
          if (fd !== undefined) await this.io.sync(fd);
        } catch (e) {
          error = e ?? new Error("fsync failed");
        }
        this.syncingFd = undefined;
        this.closeRetired();
        if (error === undefined) this.synced = Math.max(this.synced, upTo);
        const settled = this.waiters.filter((w) => w.upTo <= upTo);
        this.waiters = this.waiters.filter((w) => w.upTo > upTo);
        for (const w of settled) {
          if (error === undefined) w.resolve();
          else w.reject(error);
        }
      }
    } finally {
      this.syncing = false;
    }
  }

  private closeRetired(): void {
    this.retired = this.retired.filter((fd) => {
      if (fd === this.syncingFd) return true;
      try {
        this.io.close(fd);
      } catch {
        // Already closed; nothing to free.
      }
      return false;
    });
  }

  /**
   * Rewrites the file to hold exactly `records` (written to a temporary file, fsynced,
   * renamed over). Records appended while this runs are copied into the new file, so
   * none is lost.
   */
  async replace(records: readonly unknown[]): Promise<void> {
    if (this.appendedDuringReplace) throw new Error(`${path.basename(this.file)} is already being rewritten`);
    const tmp = `${this.file}.tmp`;
    const body = this.serialize(records);
    const meanwhile: string[] = [];
    this.appendedDuringReplace = meanwhile;
    try {
      await fs.promises.rm(tmp, { force: true });
      await writeFileDurable(tmp, body);
      for (let extra = meanwhile.splice(0).join(""); extra; extra = meanwhile.splice(0).join("")) {
        await appendFileDurable(tmp, extra);
      }
      // Nothing is awaited from here to the swap, so no append can slip in between.
      fs.renameSync(tmp, this.file);
      if (this.fd !== undefined) this.retired.push(this.fd);
      this.fd = undefined;
      this.opened();
      this.closeRetired();
    } finally {
      this.appendedDuringReplace = undefined;
    }
    await fsyncDir(path.dirname(this.file));
  }

  /** Flushes and closes the file; a later append opens it again. */
  async close(): Promise<void> {
    await this.sync();
    if (this.fd !== undefined) this.retired.push(this.fd);
    this.fd = undefined;
    this.closeRetired();
  }
}

/** What {@link forEachJsonLine} read. */
export interface JsonLinesScan {
  /** Lines that parsed and matched the schema. */
  readonly records: number;
  /** Lines that did not (a crash mid-write, a foreign line); blank lines are not counted. */
  readonly malformed: number;
}

/**
 * Streams the records of a JSON Lines file to `visit`, in order, skipping lines that are
 * not JSON or do not match `schema`. A missing file has no records. `fromByte` starts
 * reading at that offset; the (possibly partial) line it falls into is skipped.
 */
export async function forEachJsonLine<T>(
  file: string,
  schema: z.ZodMiniType<T>,
  visit: (record: T) => void,
  options: { readonly fromByte?: number } = {},
): Promise<JsonLinesScan> {
  const fromByte = Math.max(0, options.fromByte ?? 0);
  // Start one byte early: when that byte is a newline, the first line read is whole.
  let stream: fs.ReadStream;
  try {
    const handle = await fs.promises.open(file, "r");
    stream = handle.createReadStream({ start: Math.max(0, fromByte - 1), autoClose: true });
  } catch (e) {
    if (isCode(e, "ENOENT")) return { records: 0, malformed: 0 };
    throw e;
  }
  let records = 0;
  let malformed = 0;
  let skipFirst = fromByte > 0;
  for await (const line of readline.createInterface({ input: stream, crlfDelay: Infinity })) {
    if (skipFirst) {
      skipFirst = false;
      continue;
    }
    if (!line.trim()) continue;
    let parsed: ReturnType<typeof schema.safeParse>;
    try {
      parsed = schema.safeParse(JSON.parse(line));
    } catch {
      malformed++;
      continue;
    }
    if (parsed.success) {
      records++;
      visit(parsed.data);
    } else {
      malformed++;
    }
  }
  return { records, malformed };
}

/** All records of a JSON Lines file (see {@link forEachJsonLine}). */
export async function readJsonLines<T>(file: string, schema: z.ZodMiniType<T>): Promise<{ records: T[]; malformed: number }> {
  const records: T[] = [];
  const scan = await forEachJsonLine(file, schema, (r) => records.push(r));
  return { records, malformed: scan.malformed };
}
