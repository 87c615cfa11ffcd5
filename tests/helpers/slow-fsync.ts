/**
 * Preloaded into a bot process (node --import) by tests that need a slow disk: every
 * fsync, of either API, waits SLOW_FSYNC_MS first, as on a busy disk or network storage.
 */
import fs from "node:fs";

const delayMs = Number(process.env.SLOW_FSYNC_MS ?? 0);
if (delayMs > 0) {
  const fsync = fs.fsync;
  fs.fsync = ((fd: number, callback: (e: NodeJS.ErrnoException | null) => void) =>
    void setTimeout(() => fsync(fd, callback), delayMs)) as typeof fs.fsync;
  const handle = await fs.promises.open(process.execPath, "r");
  const proto = Object.getPrototypeOf(handle) as { sync(): Promise<void> };
  await handle.close();
  const sync = proto.sync;
  proto.sync = async function (this: unknown) {
    await new Promise((r) => setTimeout(r, delayMs));
    return sync.call(this);
  };
}
