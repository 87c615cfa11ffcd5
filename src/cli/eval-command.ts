/**
 * `npm run eval -- FILE`: answers a question set and prints CONTRACT §4's scores.
 */
import type { Answer, QaService } from "../answer/types.ts";
import type { Corpus } from "../corpus/types.ts";
import { readQuestionSet, scoreAnswers, type Metrics } from "../eval/score-answers.ts";
import { CLI_WORDING } from "../wording/wording.ts";
import type { Io } from "./corpus-commands.ts";

/** Runs a question set through the service and scores it. */
export async function evaluate(service: QaService, corpus: Corpus, file: string): Promise<{ metrics: Metrics; answers: Answer[] }> {
  const questions = readQuestionSet(file);
  const answers: Answer[] = [];
  for (const q of questions) answers.push(await service.ask(q.question));
  const texts = new Map<string, string>();
  for (const d of corpus.documents) for (const i of d.items) if (i.label !== null) texts.set(`${i.file}|${i.label}`, i.text);
  const metrics = scoreAnswers(questions, answers, (f, l) => (l === null ? undefined : texts.get(`${f}|${l}`)));
  return { metrics, answers };
}

const pct = (x: number | null) => (x === null ? "n/a" : `${(x * 100).toFixed(1)}%`);

/** Prints the scores as a table (or JSON) and the questions that missed. */
export async function evalCommand(service: QaService, corpus: Corpus, io: Io, file: string | undefined, json: boolean): Promise<number> {
  if (!file) {
    io.err(CLI_WORDING.evalUsage);
    return 2;
  }
  let result: Awaited<ReturnType<typeof evaluate>>;
  try {
    result = await evaluate(service, corpus, file);
  } catch (err) {
    io.err((err as Error).message);
    return 1;
  }
  const m = result.metrics;
  if (json) {
    io.out(JSON.stringify(m));
    return 0;
  }
  io.out(
    [
      `questions ${m.questions} (answerable ${m.answerable}, unanswerable ${m.unanswerable})`,
      `retrieval  hit@1 ${pct(m.hitAt[1])}  hit@3 ${pct(m.hitAt[3])}  hit@5 ${pct(m.hitAt[5])}  hit@10 ${pct(m.hitAt[10])}  MRR ${m.mrr.toFixed(3)}  label@1 ${pct(m.labelAt1)}`,
      `answers    cite@1 ${pct(m.citeAt1)}  cited anywhere ${pct(m.citeAny)}  list coverage ${pct(m.listCoverage)}`,
      `refusal    recall ${pct(m.refusalRecall)}  false refusals ${pct(m.falseRefusalRate)}`,
      `latency    answer p50 ${m.latencyMs.p50} ms  p95 ${m.latencyMs.p95} ms   retrieval p50 ${m.retrievalMs.p50} ms  p95 ${m.retrievalMs.p95} ms`,
      ...(m.misses.length > 0 ? ["", "missed:", ...m.misses.map((x) => `  ${x.id} ${x.question} → ${x.why}`)] : []),
    ].join("\n"),
  );
  return 0;
}
