/**
 * `npm run eval`: how well the bot answers, measured honestly.
 *
 *   npm run eval                   k-fold cross-validation over the labelled questions (dev, train,
 *                                  probe; the set-aside slice excluded): held-out figures per type,
 *                                  in-sample beside them, the threshold curve, the held-out misses
 *   npm run eval -- --holdout      fit on every labelled question, answer the set-aside slice (once per round)
 *   npm run eval -- --unseen       the same for the sets written blind to the code
 *   npm run eval -- FILE.jsonl     score one question set with the shipped decision model
 *   npm run fit                    fit the decision on every labelled question; write data/decision-model.json
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { serialiseDecisionModel } from "../answer/decide/decision-model.ts";
import {
  answerWith,
  crossValidate,
  fitDecision,
  itemTexts,
  prepareAll,
  type CurvePoint,
  type PreparedMessage,
} from "../eval/cross-validate.ts";
import { heldOutQuestions, labelledQuestions, unseenQuestions, type SetQuestion } from "../eval/question-sets.ts";
import { readQuestionSet, scoreAnswers, shortRef, type Metrics } from "../eval/score-answers.ts";
import type { Engine } from "../service/qa-service.ts";
import type { Io } from "./corpus-commands.ts";

const pct = (x: number | null) => (x === null ? "   —  " : `${(x * 100).toFixed(1)}%`.padStart(6));

/** One row of the table: cite@1, false refusals, refusal recall, list coverage, wrong first citations. */
function row(name: string, questions: number, figures: readonly (number | null)[]): string {
  const [cite, falseRef, recall, cover, wrong] = figures.map(pct);
  return `${name.padEnd(12)} ${String(questions).padStart(3)}  ${cite}   ${falseRef}     ${recall}    ${cover}   ${wrong}`;
}

/** The figures of one run, by question type and overall. */
export function metricsTable(m: Metrics, title: string): string {
  const rows = [
    `${title}: ${m.questions} questions (${m.answerable} answerable, ${m.unanswerable} to refuse)`,
    "type          n   cite@1  false-ref  ref-recall  list-cov  wrong-1st",
    ...Object.entries(m.byType).map(([t, x]) =>
      row(t, x.questions, [x.citeAt1, x.falseRefusals, x.refusalRecall, x.listCoverage, x.wrongFirstShare]),
    ),
    row("all", m.questions, [m.citeAt1, m.falseRefusalRate, m.refusalRecall, m.listCoverage, m.wrongFirstShare]),
    `retrieval hit@1 ${pct(m.hitAt[1])}  hit@5 ${pct(m.hitAt[5])}  MRR ${m.mrr.toFixed(3)}   ` +
      `answer p50 ${m.latencyMs.p50} ms  p95 ${m.latencyMs.p95} ms`,
  ];
  return rows.join("\n");
}

function curveTable(curve: readonly CurvePoint[], chosen: readonly number[]): string {
  const lines = ["threshold  right  false-ref  wrong   (questions answered from sentences, held-out probabilities)"];
  for (const c of curve.filter((_, i) => i % 2 === 0 || chosen.includes(curve[i]!.threshold))) {
    const mark = chosen.includes(c.threshold) ? " ←" : "";
    lines.push(`  ${c.threshold.toFixed(2)}    ${pct(c.rightShare)}  ${pct(c.falseRefusalShare)}   ${pct(c.wrongShare)}${mark}`);
  }
  return lines.join("\n");
}

function missLines(
  prepared: readonly PreparedMessage[],
  answers: readonly { refused: boolean; citations: readonly { file: string; label: string | null }[] }[],
  m: Metrics,
): string[] {
  const ids = new Set(m.misses.map((x) => x.id));
  return prepared
    .map((p, i) => ({ p, a: answers[i]! }))
    .filter(({ p }) => ids.has(p.question.id))
    .map(({ p, a }) => {
      const got = a.refused ? "refused" : `cited ${a.citations.slice(0, 2).map(shortRef).join(" ")}`;
      const want =
        p.question.expected.length === 0
          ? "should refuse"
          : `expected ${p.question.expected.map((e) => `${e.file.slice(0, 3)}:${e.item}`).join(" ")}`;
      return `  ${p.question.id} [${p.parts.map((x) => x.q.kind).join("+")}] ${p.question.question} → ${got}; ${want}`;
    });
}

/** Scores one question set with an engine's own decision (for the benchmarks). */
export async function evaluateFile(engine: Engine, file: string): Promise<Metrics> {
  const questions = readQuestionSet(file).map((q) => ({ ...q, set: path.basename(file, ".jsonl") }));
  const prepared = await prepareAll(engine, questions);
  return scoreAnswers(questions, prepared.map((p) => answerWith(engine.answerer, p, engine.answerer.decision)), itemTexts(engine.corpus));
}

export interface EvalArgs {
  readonly file?: string;
  readonly holdout: boolean;
  readonly unseen: boolean;
  readonly fit: boolean;
  readonly json: boolean;
  readonly questionsDir: string;
  readonly vocabularyDir: string;
}

/** Runs one of the evaluations above on an engine; returns the exit code. */
export async function evalCommand(engine: Engine, io: Io, args: EvalArgs): Promise<number> {
  const textOf = itemTexts(engine.corpus);
  let labelled: SetQuestion[];
  try {
    labelled = labelledQuestions(args.questionsDir);
  } catch (err) {
    io.err((err as Error).message);
    return 1;
  }
  if (args.file) {
    let questions: SetQuestion[];
    try {
      questions = readQuestionSet(args.file).map((q) => ({ ...q, set: path.basename(args.file!, ".jsonl") }));
    } catch (err) {
      io.err((err as Error).message);
      return 1;
    }
    const prepared = await prepareAll(engine, questions);
    const answers = prepared.map((p) => answerWith(engine.answerer, p, engine.answerer.decision));
    const m = scoreAnswers(questions, answers, textOf);
    io.out(
      args.json
        ? JSON.stringify(m)
        : [
            metricsTable(m, `${args.file} (shipped model; in-sample for labelled sets)`),
            "",
            "missed:",
            ...missLines(prepared, answers, m),
          ].join("\n"),
    );
    return 0;
  }
  const prepared = await prepareAll(engine, labelled);
  if (args.fit || args.holdout || args.unseen) {
    const fitted = fitDecision(prepared, textOf);
    if (args.fit) {
      const file = path.join(args.vocabularyDir, "decision-model.json");
      writeFileSync(file, serialiseDecisionModel(fitted.decision, { questions: prepared.length, candidates: fitted.examples }));
      const threshold = fitted.decision.threshold;
      io.out(`fitted on ${prepared.length} questions (${fitted.examples} candidates); threshold ${threshold}; written to ${file}`);
      io.out(curveTable(fitted.curve, [fitted.decision.threshold]));
      return 0;
    }
    const sets = args.holdout ? heldOutQuestions(args.questionsDir) : unseenQuestions(args.questionsDir);
    const judged = await prepareAll(engine, sets);
    const answers = judged.map((p) => answerWith(engine.answerer, p, fitted.decision));
    const m = scoreAnswers(sets, answers, textOf);
    io.out(
      args.json
        ? JSON.stringify(m)
        : metricsTable(m, args.holdout ? "set-aside slice (fitted on all labelled questions)" : "unseen sets (written blind to the code)"),
    );
    return 0;
  }
  const cv = crossValidate(engine, prepared, textOf);
  if (args.json) {
    io.out(JSON.stringify({ heldOut: cv.heldOut, inSample: cv.inSample, thresholds: cv.thresholds }));
    return 0;
  }
  io.out(
    [
      metricsTable(cv.heldOut, "cross-validated (5 folds, each answered by a model fitted on the other four)"),
      "",
      metricsTable(cv.inSample, "in-sample (fitted and scored on the same questions; not a figure to quote)"),
      "",
      curveTable(cv.curve, cv.thresholds),
      "",
      "held-out misses:",
      ...missLines(prepared, cv.answers, cv.heldOut),
    ].join("\n"),
  );
  return 0;
}
