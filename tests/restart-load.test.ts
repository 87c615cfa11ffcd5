/**
 * A restart resends little (issue 12 §4): 50 users ask questions one after another of a
 * bot process that is killed with SIGKILL twice under that load and started again on the
 * same data folder, on a disk whose fsync takes 30 ms. No question may be lost, and
 * after each kill the answers sent again may not outnumber the questions in flight at
 * the kill: those the bot did not yet know were answered (see KillOutcome). The bot
 * used to wait for its logs' fsyncs after an answer was out before the update counted
 * as done, and then resent answers it knew were delivered: on this disk about 45 per
 * kill against about 30 in flight, with some 75 updates replayed.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readQuestionSet } from "../src/eval/score-answers.ts";
import { PROJECT_ROOT } from "../src/config/settings.ts";
import { runKillLoad } from "./helpers/kill-load.ts";

describe("SIGKILL under load", () => {
  it("50 users, two kills: nothing lost, resent answers ≤ questions in flight at each kill", async () => {
    const questions = readQuestionSet(path.join(PROJECT_ROOT, "eval/questions/dev.jsonl")).map((q) => q.question);
    const r = await runKillLoad({
      users: 50,
      questionsPerUser: 6,
      kills: 2,
      killEveryMs: 3_000,
      thinkMs: 1_000,
      questions,
      service: "fake",
      askDelayMs: 200,
      slowFsyncMs: 30,
    });
    expect(r.errors).toEqual([]);
    expect(r.questions).toBe(300);
    expect(r.kills).toHaveLength(2);
    expect(r.lost).toBe(0);
    for (const k of r.kills) {
      // The kill happened under load, with questions under way…
      expect(k.inFlight).toBeGreaterThan(0);
      // …and sent again no more answers than there were questions in flight.
      expect(k.resent, JSON.stringify(r.kills)).toBeLessThanOrEqual(k.inFlight);
    }
    // Nothing was sent twice except after a kill.
    expect(r.resent).toBe(r.kills.reduce((n, k) => n + k.resent, 0));
  }, 120_000);
});
