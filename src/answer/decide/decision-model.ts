/**
 * The answer-or-refuse decision, in two fitted steps. A ranker (logistic, over every
 * candidate) orders the candidates by how likely each is to answer; a gate (logistic,
 * over the best candidate of each question, with the ranker's confidence and its lead
 * over the next candidate) gives the probability that the answer would be right, and
 * the answer is given only when that reaches the threshold. Weights and threshold are
 * fitted on the labelled questions (`npm run fit`, cross-validated by `npm run eval`)
 * and stored in data/decision-model.json; nothing here is tuned by hand.
 */
import path from "node:path";
import * as z from "../../util/zod.ts";
import { readJsonTable } from "../../lexicon/data-file.ts";
import { FEATURES, type Features } from "./features.ts";
import { logit, predict, type LogisticModel } from "./logistic-regression.ts";

/** A fitted decision: ranker, gate and the probability an answer needs. */
export interface DecisionModel {
  readonly ranker: LogisticModel;
  readonly gate: LogisticModel;
  readonly threshold: number;
}

/** What the gate reads about the best candidate: the ranker's view of it, and its own features. */
export const GATE_FEATURES = [
  "rankerLogit", "margin", "answering", "itemCoverage", "sentenceCoverage", "pairCoverage", "absentShare", "missingShare",
  "heaviestMissing", "conflictItem", "placeAbsent", "fit", "referenced", "yearMismatch", "rankRecip", "kindWho", "kindNumber", "kindWhen",
  "kindYesno",
] as const;

/** The ranker's lead of the best candidate when no other candidate can answer. */
const LONE_MARGIN = 4;

/** A candidate as the decision sees it. */
export interface DecisionInput {
  readonly features: Features;
  /** Whether the kind can write an answer from it. */
  readonly answers: boolean;
}

/** The gate's features for the best of some candidates. */
export function gateFeatures(best: Features, bestLogit: number, secondLogit: number | null, answering: number): Record<string, number> {
  const out: Record<string, number> = {
    rankerLogit: bestLogit,
    margin: secondLogit === null ? LONE_MARGIN : Math.min(LONE_MARGIN, bestLogit - secondLogit),
    answering: Math.log(1 + answering),
  };
  for (const f of GATE_FEATURES) if (f in best) out[f] = best[f as keyof Features];
  return out;
}

/** What the decision says about a question's candidates. */
export interface Decision {
  /** Indexes of the candidates that can answer, best first by the ranker. */
  readonly order: readonly number[];
  /** The gate's probability that answering with the first of `order` is right (0 when none can answer). */
  readonly confidence: number;
  /** The ranker's probability of each candidate (by index). */
  readonly scores: readonly number[];
}

/** Ranks the candidates and rates the best one. */
export function decide(d: DecisionModel, candidates: readonly DecisionInput[]): Decision {
  const logits = candidates.map((c) => logit(d.ranker, c.features));
  const order = candidates.map((_, i) => i).filter((i) => candidates[i]!.answers).sort((a, b) => logits[b]! - logits[a]! || a - b);
  const scores = logits.map((z) => 1 / (1 + Math.exp(-z)));
  if (order.length === 0) return { order, confidence: 0, scores };
  const best = order[0]!;
  const second = order[1];
  const g = gateFeatures(candidates[best]!.features, logits[best]!, second === undefined ? null : logits[second]!, order.length);
  return { order, confidence: predict(d.gate, g), scores };
}

/** The file inside the data folder. */
export const DECISION_MODEL_FILE = "decision-model.json";

// z.number() takes finite numbers only (not Infinity or NaN).
const Numbers = z.array(z.number());
const Model = z.object({ features: z.array(z.string()), mean: Numbers, scale: Numbers, weights: Numbers, bias: z.number() });
const ModelFile = z.object({
  ranker: Model,
  gate: Model,
  threshold: z.number().check(z.gte(0), z.lte(1)),
  fitted: z.optional(z.object({ questions: z.number(), candidates: z.number(), at: z.string() })),
});

function checked(m: z.infer<typeof Model>, expected: readonly string[], what: string, file: string): LogisticModel {
  if (m.features.join(",") !== expected.join(",") || m.weights.length !== expected.length) {
    throw new Error(`${file}: the ${what} was fitted for other features; run \`npm run fit\` to refit it.`);
  }
  return m;
}

/** Reads the fitted decision; its features must be the ones the code computes. */
export function loadDecisionModel(dataDir: string): DecisionModel {
  const file = path.join(dataDir, DECISION_MODEL_FILE);
  const m = readJsonTable(file, ModelFile);
  return {
    ranker: checked(m.ranker, FEATURES, "ranker", file),
    gate: checked(m.gate, GATE_FEATURES, "gate", file),
    threshold: m.threshold,
  };
}

/** The decision as the data file stores it. */
export function serialiseDecisionModel(d: DecisionModel, fitted: { questions: number; candidates: number }): string {
  const round = (xs: readonly number[]) => xs.map((x) => Number(x.toFixed(6)));
  const model = (m: LogisticModel) => ({
    features: m.features,
    mean: round(m.mean),
    scale: round(m.scale),
    weights: round(m.weights),
    bias: Number(m.bias.toFixed(6)),
  });
  return (
    JSON.stringify(
      {
        _comment: "Fitted by `npm run fit` on the labelled questions (eval/questions/, set-aside slice excluded). Do not edit by hand.",
        ranker: model(d.ranker),
        gate: model(d.gate),
        threshold: Number(d.threshold.toFixed(4)),
        fitted: { ...fitted, at: new Date().toISOString().slice(0, 10) },
      },
      null,
      2,
    ) + "\n"
  );
}

function unfitted(features: readonly string[]): LogisticModel {
  return { features: [...features], mean: features.map(() => 0), scale: features.map(() => 1), weights: features.map(() => 0), bias: 0 };
}

/**
 * A decision that answers with the first candidate search ranked: zero weights, confidence
 * 0.5 for all. Fitting starts from it (candidates do not depend on the model); nothing
 * answers users with it.
 */
export const UNFITTED_DECISION: DecisionModel = { ranker: unfitted(FEATURES), gate: unfitted(GATE_FEATURES), threshold: 0.5 };
