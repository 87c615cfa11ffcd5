/**
 * File operations that survive a crash or power loss: data is flushed to disk before
 * the rename that makes it visible, and folders are flushed after entries change.
 */
import { promises as fs } from "node:fs";
import path from "node:path";

/** Flushes a file's data to disk. */
export async function fsyncFile(file: string): Promise<void> {
  const fd = await fs.open(file, "r");
  try {
    await fd.sync();
  } finally {
    await fd.close();
  }
}

/**
 * Flushes a folder's entries (new, renamed, removed names) to disk. Some platforms
 * (Windows) cannot open folders for this; there it is a no-op.
 */
export async function fsyncDir(dir: string): Promise<void> {
  let fd: fs.FileHandle;
  try {
    fd = await fs.open(dir, "r");
  } catch (err) {
    if (isCode(err, "EISDIR", "EPERM", "EACCES")) return;
    throw err;
  }
  try {
    await fd.sync();
  } catch (err) {
    if (!isCode(err, "EINVAL", "EPERM", "EBADF")) throw err;
  } finally {
    await fd.close();
  }
}

/** Creates `file` (which must not exist), writes `data` and flushes it. */
export async function writeFileDurable(file: string, data: string | Uint8Array): Promise<void> {
  const fd = await fs.open(file, "wx");
  try {
    await fd.writeFile(data);
    await fd.sync();
  } finally {
    await fd.close();
  }
}

/** Appends `text` to `file` (creating it and its folder) and flushes it before resolving. */
export async function appendFileDurable(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const fd = await fs.open(file, "a");
  try {
    await fd.write(text);
    await fd.sync();
  } finally {
    await fd.close();
  }
}

/** True when `err` is a Node system error with one of these codes. */
export function isCode(err: unknown, ...codes: string[]): boolean {
  return typeof err === "object" && err !== null && codes.includes(String((err as { code?: unknown }).code));
}
