/**
 * The fixed slice of labelled questions set aside until the end of a round of work: 20 %
 * of train.jsonl, chosen by a seeded hash of each question's id so the split never
 * moves when lines are added or reordered. Cross-validation and tuning never see it;
 * `npm run eval -- --holdout` reports it, once, when the work is done.
 */
import { createHash } from "node:crypto";

/** The seed and share of the split; changing either makes a new slice (and spends the old one). */
export const HOLDOUT = { seed: "policybot-holdout-v1", percent: 20, sets: ["train"] } as const;

/** Whether a question of `set` (file stem, e.g. "train") belongs to the set-aside slice. */
export function isHeldOut(set: string, id: string): boolean {
  if (!(HOLDOUT.sets as readonly string[]).includes(set)) return false;
  const h = createHash("sha256").update(`${HOLDOUT.seed}:${id}`).digest();
  return h.readUInt32BE(0) % 100 < HOLDOUT.percent;
}
