/**
 * `npm run bench:kill`: what a SIGKILL under load costs (issue 12 §4). 50 users ask 20
 * questions each of a bot process that is killed with SIGKILL every few seconds and
 * started again on the same data folder (tests/helpers/kill-load.ts). For each setting:
 * users, questions, kills, and per kill the questions in flight (not yet known to the
 * bot as answered), the updates replayed from the ledger and the answers sent again;
 * then the questions lost and the answers resent over the run. Also the write time of
 * the conversation session storage, ours against @grammyjs/storage-file.
 *
 * Usage: npm run bench:kill [-- --quick]
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { FileAdapter } from "@grammyjs/storage-file";
import { FileSessionStorage } from "../src/chat/telegram/file-session-storage.ts";
import { readQuestionSet } from "../src/eval/score-answers.ts";
import { silentLogger } from "../src/logging/logger.ts";
import { runKillLoad, type KillLoadOptions } from "../tests/helpers/kill-load.ts";

const quick = process.argv.includes("--quick");
const questions = readQuestionSet(path.resolve("eval/questions/dev.jsonl")).map((q) => q.question);
const base = { users: 50, questionsPerUser: quick ? 6 : 20, kills: quick ? 2 : 3, killEveryMs: 4_000, thinkMs: 1_000, questions } as const;

const settings: [string, KillLoadOptions][] = [
  ["fake service 200 ms, this disk", { ...base, service: "fake", askDelayMs: 200 }],
  ["fake service 200 ms, fsync +30 ms", { ...base, service: "fake", askDelayMs: 200, slowFsyncMs: 30 }],
  ["real service, this disk", { ...base, service: "real" }],
];

const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function sessionWrites(): Promise<void> {
  const citations = [{ file: "004_14cb77bf2456b070.txt", item: "20", title: "山东省工作任务清单" }];
  const turn = { question: "任务清单第20项讲什么", shape: "fact", refused: false, citations, at: Date.now() };
  const value = { __d: { turn }, e: Date.now() + 1_800_000 };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pb-bench-sessions-"));
  const ours = new FileSessionStorage<typeof value>(path.join(dir, "ours"), silentLogger);
  const theirs = new FileAdapter<typeof value>({ dirName: path.join(dir, "theirs") });
  const time = async (write: (key: string) => unknown) => {
    const times: number[] = [];
    for (let k = 0; k < 2_000; k++) {
      const t = performance.now();
      await write(`${k % 200}:${k % 7}`);
      times.push(performance.now() - t);
    }
    return `p50 ${pct(times, 50).toFixed(3)} ms, p99 ${pct(times, 99).toFixed(3)} ms`;
  };
  console.log(`\nsession write (2,000 writes, 200 keys)`);
  console.log(`  ours (temporary file + rename, synchronous)   ${await time((k) => ours.write(k, value))}`);
  console.log(`  @grammyjs/storage-file (writeFile in place)   ${await time((k) => theirs.write(k, value))}`);
  fs.rmSync(dir, { recursive: true, force: true });
}

async function main() {
  const kills = `${base.kills} SIGKILLs every ${base.killEveryMs / 1000} s of running`;
  const load = `${base.users} users × ${base.questionsPerUser} questions, ${kills}`;
  console.log(`policybot bench:kill — ${load}; node ${process.version}, ${os.cpus().length} cores\n`);
  const results: Record<string, unknown> = {};
  for (const [label, options] of settings) {
    const r = await runKillLoad(options);
    const perKill = r.kills.map((k) => `${k.resent}/${k.inFlight} (${k.replayed})`).join(", ");
    const totals = `users ${r.users}, questions ${r.questions}, kills ${r.kills.length}, lost ${r.lost}, resent ${r.resent}`;
    console.log(`${label.padEnd(36)} ${totals}`);
    console.log(`${"".padEnd(36)} per kill resent/in flight (replayed): ${perKill}${r.errors.length ? `; ${r.errors.length} errors` : ""}`);
    results[label] = r;
  }
  await sessionWrites();
  console.log(`\nJSON ${JSON.stringify(results)}`);
}

await main();
process.exit(0);
