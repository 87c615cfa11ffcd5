/**
 * Seeded, stratified k-fold splits: each question type is spread evenly over the folds,
 * and the same seed gives the same folds on every run.
 */
import { createHash } from "node:crypto";

/** Fold settings: five folds, one seed. */
export const FOLD_DEFAULTS = { k: 5, seed: "policybot-folds-v1" } as const;

/** The fold (0 … k-1) of every question, by type then by a hash of its id. */
export function assignFolds<Q extends { id: string; type?: string }>(
  questions: readonly Q[],
  k: number = FOLD_DEFAULTS.k,
  seed: string = FOLD_DEFAULTS.seed,
): number[] {
  const key = (id: string) => createHash("sha256").update(`${seed}:${id}`).digest("hex");
  const order = questions
    .map((q, i) => ({ i, type: q.type ?? "", key: key(q.id) }))
    .sort((a, b) => a.type.localeCompare(b.type) || a.key.localeCompare(b.key));
  const folds = new Array<number>(questions.length).fill(0);
  order.forEach((o, n) => {
    folds[o.i] = n % k;
  });
  return folds;
}
