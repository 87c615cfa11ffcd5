/**
 * Fitting and honest measurement of the answer-or-refuse decision. Every labelled
 * question is analysed, searched and read into candidates once (that does not depend on
 * the fitted model); then, for each of k folds, the model is fitted on the other folds
 * and answers that fold. Figures quoted anywhere come from the held-out folds; the
 * in-sample figures are printed beside them only to show the gap.
 */
import { STRUCTURED, type Answerer, type DraftAnswer, type PreparedQuestion } from "../answer/answer-question.ts";
import { decide, gateFeatures, GATE_FEATURES, type DecisionModel } from "../answer/decide/decision-model.ts";
import { FEATURES } from "../answer/decide/features.ts";
import { fitLogistic, FIT_DEFAULTS, logit, type LogisticModel } from "../answer/decide/logistic-regression.ts";
import type { Corpus } from "../corpus/types.ts";
import { mergeAnswers, prepareMessage } from "../service/answer-message.ts";
import type { Engine } from "../service/qa-service.ts";
import { assignFolds, FOLD_DEFAULTS } from "./folds.ts";
import type { SetQuestion } from "./question-sets.ts";
import { matches, scoreAnswers, type Metrics, type ScoredAnswer } from "./score-answers.ts";

/** A wrong answer costs this many right ones when the threshold is chosen: a confident wrong citation is the worst outcome. */
export const WRONG_ANSWER_COST = 3;


/** One labelled question, analysed and read into candidates. */
export interface PreparedMessage {
  readonly question: SetQuestion;
  readonly parts: readonly PreparedQuestion[];
  readonly ms: number;
  readonly retrievalMs: number;
}

/** Texts of labelled items, for matching citations against expected evidence. */
export function itemTexts(corpus: Corpus): (file: string, label: string | null) => string | undefined {
  const texts = new Map<string, string>();
  for (const d of corpus.documents) for (const i of d.items) if (i.label !== null) texts.set(`${i.file}|${i.label}`, i.text);
  return (f, l) => (l === null ? undefined : texts.get(`${f}|${l}`));
}

/** Analyses, searches and reads every question once. */
export async function prepareAll(engine: Engine, questions: readonly SetQuestion[]): Promise<PreparedMessage[]> {
  const out: PreparedMessage[] = [];
  for (const question of questions) {
    const started = performance.now();
    const { prepared, retrievalMs } = await prepareMessage(engine, engine.analyser.analyse(question.question));
    out.push({ question, parts: prepared, ms: performance.now() - started, retrievalMs });
  }
  return out;
}

/** The answer to a prepared question with a given decision model, as scoring reads it. */
export function answerWith(answerer: Answerer, p: PreparedMessage, decision: DecisionModel): ScoredAnswer & { draft: DraftAnswer | null } {
  if (p.parts.length === 0)
    return { refused: true, citations: [], retrieved: [], timings: { totalMs: p.ms, retrievalMs: p.retrievalMs }, draft: null };
  const draft = mergeAnswers(p.parts.map((part) => answerer.finish(part, decision)));
  return {
    refused: draft.refused,
    citations: draft.citations,
    retrieved: draft.retrieved,
    timings: { totalMs: p.ms, retrievalMs: p.retrievalMs },
    draft,
  };
}

type TextOf = (file: string, label: string | null) => string | undefined;

/** Whether a candidate's item answers its labelled question. */
function correct(p: PreparedMessage, file: string, label: string | null, text: string, textOf: TextOf): boolean {
  return p.question.expected.some((e) => matches({ file, label, text }, e, textOf));
}

/** Candidate examples of the questions answered from sentences, labelled right or wrong. */
export function examplesOf(prepared: readonly PreparedMessage[], textOf: TextOf): { x: Readonly<Record<string, number>>; y: 0 | 1 }[] {
  const out: { x: Readonly<Record<string, number>>; y: 0 | 1 }[] = [];
  for (const p of prepared) {
    for (const part of p.parts) {
      if (STRUCTURED.has(part.q.kind)) continue;
      for (const c of part.candidates) {
        if (!c.answers) continue;
        const item = c.candidate.hit.item;
        out.push({ x: c.features, y: correct(p, item.file, item.label, item.text, textOf) ? 1 : 0 });
      }
    }
  }
  return out;
}

/** One point of the threshold curve, over questions answered from sentences. */
export interface CurvePoint {
  readonly threshold: number;
  readonly rightShare: number;
  readonly falseRefusalShare: number;
  readonly wrongShare: number;
  readonly utility: number;
}

/** The best candidate of each question answered from sentences, its gate confidence, and whether it is right. */
function bestOf(
  decision: Pick<DecisionModel, "ranker" | "gate">,
  prepared: readonly PreparedMessage[],
  textOf: TextOf,
): { p: number; right: boolean; answerable: boolean }[] {
  const out: { p: number; right: boolean; answerable: boolean }[] = [];
  for (const pm of prepared) {
    const part = pm.parts[0];
    if (!part || STRUCTURED.has(part.q.kind)) continue;
    const d = decide({ ...decision, threshold: 0 }, part.candidates);
    const answerable = pm.question.expected.length > 0;
    const first = d.order[0];
    if (first === undefined) {
      out.push({ p: -1, right: false, answerable });
      continue;
    }
    const item = part.candidates[first]!.candidate.hit.item;
    out.push({ p: d.confidence, right: correct(pm, item.file, item.label, item.text, textOf), answerable });
  }
  return out;
}

/** Right, wrong and refused at every threshold, for the best candidate of each question. */
export function thresholdCurve(
  decision: Pick<DecisionModel, "ranker" | "gate">,
  prepared: readonly PreparedMessage[],
  textOf: TextOf,
): CurvePoint[] {
  const best = bestOf(decision, prepared, textOf);
  const n = Math.max(1, best.length);
  const answerable = Math.max(1, best.filter((b) => b.answerable).length);
  const out: CurvePoint[] = [];
  for (let t = 0.02; t <= 0.98 + 1e-9; t += 0.02) {
    const answered = best.filter((b) => b.p >= t);
    const right = answered.filter((b) => b.right).length;
    const wrong = answered.length - right;
    out.push({
      threshold: Number(t.toFixed(2)),
      rightShare: right / answerable,
      falseRefusalShare: best.filter((b) => b.answerable && b.p < t).length / answerable,
      wrongShare: wrong / n,
      utility: right - WRONG_ANSWER_COST * wrong,
    });
  }
  return out;
}

/** Gate examples: the best candidate (by the ranker) of each question, right or wrong. */
function gateExamples(
  ranker: LogisticModel,
  prepared: readonly PreparedMessage[],
  textOf: TextOf,
): { x: Record<string, number>; y: 0 | 1 }[] {
  const out: { x: Record<string, number>; y: 0 | 1 }[] = [];
  for (const pm of prepared) {
    for (const part of pm.parts) {
      if (STRUCTURED.has(part.q.kind)) continue;
      const able = part.candidates
        .map((c, i) => ({ c, i, z: logit(ranker, c.features) }))
        .filter((x) => x.c.answers)
        .sort((a, b) => b.z - a.z || a.i - b.i);
      const top = able[0];
      if (!top) continue;
      const item = top.c.candidate.hit.item;
      out.push({
        x: gateFeatures(top.c.features, top.z, able[1]?.z ?? null, able.length),
        y: correct(pm, item.file, item.label, item.text, textOf) ? 1 : 0,
      });
    }
  }
  return out;
}

/** The threshold with the best utility; on a plateau, its middle. */
export function bestThreshold(curve: readonly CurvePoint[]): number {
  const top = Math.max(...curve.map((c) => c.utility));
  const plateau = curve.filter((c) => c.utility === top);
  return plateau[Math.floor((plateau.length - 1) / 2)]!.threshold;
}

/** Fits the decision on prepared questions: the ranker, then the gate, then its threshold. */
export function fitDecision(
  prepared: readonly PreparedMessage[],
  textOf: TextOf,
): { decision: DecisionModel; curve: CurvePoint[]; examples: number } {
  const examples = examplesOf(prepared, textOf);
  const ranker = fitLogistic(FEATURES, examples, FIT_DEFAULTS);
  const gate = fitLogistic(GATE_FEATURES, gateExamples(ranker, prepared, textOf), FIT_DEFAULTS);
  const curve = thresholdCurve({ ranker, gate }, prepared, textOf);
  return { decision: { ranker, gate, threshold: bestThreshold(curve) }, curve, examples: examples.length };
}

/** What cross-validation reports. */
export interface CrossValidation {
  readonly heldOut: Metrics;
  readonly inSample: Metrics;
  /** The threshold curve of the held-out predictions, and each fold's chosen threshold. */
  readonly curve: readonly CurvePoint[];
  readonly thresholds: readonly number[];
  /** Held-out answers, in question order, for reading misses. */
  readonly answers: readonly (ScoredAnswer & { draft: DraftAnswer | null })[];
}

/** k-fold cross-validation of the decision over prepared questions. */
export function crossValidate(
  engine: Engine,
  prepared: readonly PreparedMessage[],
  textOf: TextOf,
  k: number = FOLD_DEFAULTS.k,
): CrossValidation {
  const questions = prepared.map((p) => p.question);
  const folds = assignFolds(questions, k);
  const answers: (ScoredAnswer & { draft: DraftAnswer | null })[] = new Array(prepared.length);
  const thresholds: number[] = [];
  const foldModels: DecisionModel[] = [];
  for (let f = 0; f < k; f++) {
    const train = prepared.filter((_, i) => folds[i] !== f);
    const { decision } = fitDecision(train, textOf);
    foldModels.push(decision);
    thresholds.push(decision.threshold);
    prepared.forEach((p, i) => {
      if (folds[i] === f) answers[i] = answerWith(engine.answerer, p, decision);
    });
  }
  // The curve of held-out probabilities: each question rated by the model that did not see it.
  const curveByFold = foldModels.map((d, f) =>
    thresholdCurve(
      d,
      prepared.filter((_, i) => folds[i] === f),
      textOf,
    ),
  );
  const curve = curveByFold[0]!.map((point, j) => {
    const counts = curveByFold.map((c, f) => ({ c: c[j]!, n: prepared.filter((_, i) => folds[i] === f).length }));
    const total = counts.reduce((s, x) => s + x.n, 0) || 1;
    const avg = (key: "rightShare" | "falseRefusalShare" | "wrongShare") => counts.reduce((s, x) => s + x.c[key] * x.n, 0) / total;
    return {
      threshold: point.threshold,
      rightShare: avg("rightShare"),
      falseRefusalShare: avg("falseRefusalShare"),
      wrongShare: avg("wrongShare"),
      utility: counts.reduce((s, x) => s + x.c.utility, 0),
    };
  });
  const whole = fitDecision(prepared, textOf).decision;
  const inSampleAnswers = prepared.map((p) => answerWith(engine.answerer, p, whole));
  return {
    heldOut: scoreAnswers(questions, answers, textOf),
    inSample: scoreAnswers(questions, inSampleAnswers, textOf),
    curve,
    thresholds,
    answers,
  };
}
