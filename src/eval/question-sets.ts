/**
 * The labelled question sets of the project (eval/questions/): which ones tuning and
 * cross-validation may read, the slice set aside until the end of a round, and the sets
 * written blind to the code that only judge releases.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { isHeldOut } from "./holdout.ts";
import { readQuestionSet, type EvalQuestion } from "./score-answers.ts";

/** Sets that fitting and cross-validation use (their set-aside slice excluded). */
export const LABELLED_SETS = ["dev", "train", "probe"] as const;
/** Sets written blind to the code: reported, never fitted on. */
export const UNSEEN_SETS = ["unseen-plain", "unseen-chat"] as const;

/** A question with the set it came from. */
export interface SetQuestion extends EvalQuestion {
  readonly set: string;
}

function read(dir: string, set: string): SetQuestion[] {
  const file = path.join(dir, `${set}.jsonl`);
  if (!existsSync(file)) return [];
  return readQuestionSet(file).map((q) => ({ ...q, set }));
}

/** Every labelled question tuning may see: dev, train and probe, without the set-aside slice. */
export function labelledQuestions(dir: string): SetQuestion[] {
  return LABELLED_SETS.flatMap((set) => read(dir, set).filter((q) => !isHeldOut(set, q.id)));
}

/** The set-aside slice of train. */
export function heldOutQuestions(dir: string): SetQuestion[] {
  return LABELLED_SETS.flatMap((set) => read(dir, set).filter((q) => isHeldOut(set, q.id)));
}

/** The sets written blind to the code. */
export function unseenQuestions(dir: string): SetQuestion[] {
  return UNSEEN_SETS.flatMap((set) => read(dir, set));
}
