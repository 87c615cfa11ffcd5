/**
 * Temporary folders for a test file, removed after its last test: `const tempDir =
 * tempDirs("faults")` and then `tempDir("kill")` → /tmp/policybot-faults-kill-XXXXXX.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll } from "vitest";

export function tempDirs(prefix: string): (tag: string) => string {
  const dirs: string[] = [];
  afterAll(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  return (tag) => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), `policybot-${prefix}-${tag}-`));
    dirs.push(d);
    return d;
  };
}
