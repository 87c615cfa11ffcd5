/**
 * Scores answers against a question set with CONTRACT §4's definitions: an answer hits
 * when a citation (or retrieved item) is an expected item or contains the evidence;
 * labels compare after removing whitespace and 、（）().．; evidence after removing
 * whitespace and **.
 */
import { readFileSync } from "node:fs";
import * as z from "../util/zod.ts";
import { labelKey } from "../corpus/numbering.ts";

export const QuestionSchema = z.object({
  id: z.string(),
  question: z.string(),
  type: z.optional(z.string()),
  difficulty: z.optional(z.string()),
  expected: z._default(z.array(z.object({ file: z.string(), item: z.nullable(z.string()), evidence: z.string() })), []),
  answer: z.optional(z.string()),
});
export type EvalQuestion = z.infer<typeof QuestionSchema>;

/** Reads a JSON Lines question set; a malformed line is an error naming its line number. */
export function readQuestionSet(file: string): EvalQuestion[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== "")
    .map(({ line, n }) => {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        throw new Error(`${file}:${n}: not valid JSON`);
      }
      const parsed = QuestionSchema.safeParse(json);
      if (!parsed.success) throw new Error(`${file}:${n}: ${parsed.error.issues[0]!.path.join(".")} ${parsed.error.issues[0]!.message}`);
      return parsed.data;
    });
}

/** The parts of an answer scoring looks at. */
export interface ScoredAnswer {
  readonly refused: boolean;
  readonly citations: readonly { file: string; label: string | null; text: string }[];
  readonly retrieved: readonly { file: string; label: string | null; text?: string }[];
  readonly timings: { readonly totalMs: number; readonly retrievalMs?: number };
}

/** "004:33": a cited item in a miss line. */
export const shortRef = (c: { file: string; label: string | null }) => `${c.file.slice(0, 3)}:${c.label}`;

const squash = (s: string) => s.replace(/\s+/g, "").replace(/\*\*/g, "");

/** Whether a cited or retrieved item matches one expected place. */
export function matches(
  got: { file: string; label: string | null; text?: string },
  expected: { file: string; item: string | null; evidence: string },
  textOf?: (file: string, label: string | null) => string | undefined,
): boolean {
  if (got.file !== expected.file) return false;
  const text = got.text ?? textOf?.(got.file, got.label) ?? "";
  if (text && squash(text).includes(squash(expected.evidence))) return true;
  return got.label !== null && expected.item !== null && labelKey(got.label) === labelKey(expected.item);
}

/** Figures of one question type. */
export interface TypeMetrics {
  readonly questions: number;
  readonly answerable: number;
  readonly citeAt1: number | null;
  readonly falseRefusals: number | null;
  readonly refusalRecall: number | null;
  readonly listCoverage: number | null;
  readonly wrongFirstShare: number;
}

/** How one question went. */
interface Outcome {
  readonly type: string;
  readonly answerable: boolean;
  readonly refused: boolean;
  /** Answered, and the first citation answers. */
  readonly rightFirst: boolean;
  /** Answered with a first citation that does not answer (or answered at all, when it should refuse). */
  readonly wrongFirst: boolean;
  readonly listExpected: number;
  readonly listCovered: number;
}

function typeMetrics(outcomes: readonly Outcome[]): TypeMetrics {
  const answerable = outcomes.filter((o) => o.answerable);
  const unanswerable = outcomes.filter((o) => !o.answerable);
  const listExpected = outcomes.reduce((s, o) => s + o.listExpected, 0);
  const share = (n: number, d: number) => (d === 0 ? null : round(n / d));
  return {
    questions: outcomes.length,
    answerable: answerable.length,
    citeAt1: share(answerable.filter((o) => o.rightFirst).length, answerable.length),
    falseRefusals: share(answerable.filter((o) => o.refused).length, answerable.length),
    refusalRecall: share(unanswerable.filter((o) => o.refused).length, unanswerable.length),
    listCoverage: share(outcomes.reduce((s, o) => s + o.listCovered, 0), listExpected),
    wrongFirstShare: round(outcomes.filter((o) => o.wrongFirst).length / Math.max(1, outcomes.length)),
  };
}

export interface Metrics {
  readonly questions: number;
  readonly answerable: number;
  readonly unanswerable: number;
  readonly hitAt: Record<1 | 3 | 5 | 10, number>;
  readonly mrr: number;
  readonly labelAt1: number;
  readonly citeAt1: number;
  readonly citeAny: number;
  readonly listCoverage: number | null;
  readonly refusalRecall: number | null;
  readonly falseRefusalRate: number;
  /** Share of all questions answered with a first citation that does not answer (unanswerable ones answered count too). */
  readonly wrongFirstShare: number;
  /** The same figures per question type (who, list, number…). */
  readonly byType: Readonly<Record<string, TypeMetrics>>;
  readonly latencyMs: { readonly p50: number; readonly p95: number };
  readonly retrievalMs: { readonly p50: number; readonly p95: number };
  /** Questions that missed, for reading. */
  readonly misses: readonly { id: string; question: string; why: string }[];
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (x: number, d = 3) => Number(x.toFixed(d));

/** Scores answers (same order as questions). `textOf` gives an item's text for retrieved items. */
export function scoreAnswers(
  questions: readonly EvalQuestion[],
  answers: readonly ScoredAnswer[],
  textOf: (file: string, label: string | null) => string | undefined,
): Metrics {
  const hitAt = { 1: 0, 3: 0, 5: 0, 10: 0 };
  let mrr = 0;
  let labelAt1 = 0;
  let citeAt1 = 0;
  let citeAny = 0;
  let listTotal = 0;
  let listCovered = 0;
  let refusedRight = 0;
  let falseRefusals = 0;
  const misses: { id: string; question: string; why: string }[] = [];
  const outcomes: Outcome[] = [];
  const answerable = questions.filter((q) => q.expected.length > 0);
  questions.forEach((q, i) => {
    const a = answers[i]!;
    const hitOf = (g: { file: string; label: string | null; text?: string }) => q.expected.some((e) => matches(g, e, textOf));
    const head = a.citations[0];
    const isList = q.type === "list" && q.expected.length > 0;
    outcomes.push({
      type: q.type ?? "unknown",
      answerable: q.expected.length > 0,
      refused: a.refused,
      rightFirst: !a.refused && head !== undefined && q.expected.length > 0 && hitOf(head),
      wrongFirst: !a.refused && (q.expected.length === 0 || head === undefined || !hitOf(head)),
      listExpected: isList ? q.expected.length : 0,
      listCovered: isList ? q.expected.filter((e) => a.citations.some((c) => matches(c, e, textOf))).length : 0,
    });
    if (q.expected.length === 0) {
      if (a.refused) refusedRight++;
      else misses.push({ id: q.id, question: q.question, why: `answered, should refuse (cited ${a.citations.map(shortRef).join(" ")})` });
      return;
    }
    if (a.refused) falseRefusals++;
    const hit = (g: { file: string; label: string | null; text?: string }) => q.expected.some((e) => matches(g, e, textOf));
    const rank = a.retrieved.findIndex((r) => hit(r));
    for (const k of [1, 3, 5, 10] as const) if (rank >= 0 && rank < k) hitAt[k]++;
    if (rank >= 0) mrr += 1 / (rank + 1);
    const top = a.retrieved[0];
    // Unnumbered text has the label null: the top item then matches when it is that text.
    const sameLabel = (e: EvalQuestion["expected"][number]) =>
      top !== undefined &&
      e.file === top.file &&
      (e.item === null ? top.label === null && matches(top, e, textOf) : top.label !== null && labelKey(e.item) === labelKey(top.label));
    if (q.expected.some(sameLabel)) labelAt1++;
    const first = a.citations[0];
    if (!a.refused && first && hit(first)) citeAt1++;
    else {
      const expected = q.expected.map((e) => `${e.file.slice(0, 3)}:${e.item}`).join(" ");
      const why = a.refused ? "refused" : `cited ${a.citations.slice(0, 3).map(shortRef).join(" ")}; expected ${expected}`;
      misses.push({ id: q.id, question: q.question, why });
    }
    if (!a.refused && a.citations.some((c) => hit(c))) citeAny++;
    if (q.type === "list") {
      listTotal += q.expected.length;
      listCovered += q.expected.filter((e) => a.citations.some((c) => matches(c, e, textOf))).length;
    }
  });
  const n = answerable.length || 1;
  const unanswerable = questions.length - answerable.length;
  return {
    questions: questions.length,
    answerable: answerable.length,
    unanswerable,
    hitAt: { 1: round(hitAt[1] / n), 3: round(hitAt[3] / n), 5: round(hitAt[5] / n), 10: round(hitAt[10] / n) },
    mrr: round(mrr / n),
    labelAt1: round(labelAt1 / n),
    citeAt1: round(citeAt1 / n),
    citeAny: round(citeAny / n),
    listCoverage: listTotal === 0 ? null : round(listCovered / listTotal),
    refusalRecall: unanswerable === 0 ? null : round(refusedRight / unanswerable),
    falseRefusalRate: round(falseRefusals / n),
    wrongFirstShare: round(outcomes.filter((o) => o.wrongFirst).length / Math.max(1, questions.length)),
    byType: Object.fromEntries(
      [...new Set(outcomes.map((o) => o.type))].sort().map((t) => [t, typeMetrics(outcomes.filter((o) => o.type === t))]),
    ),
    latencyMs: {
      p50: round(
        percentile(
          answers.map((a) => a.timings.totalMs),
          50,
        ),
        2,
      ),
      p95: round(
        percentile(
          answers.map((a) => a.timings.totalMs),
          95,
        ),
        2,
      ),
    },
    retrievalMs: {
      p50: round(
        percentile(
          answers.map((a) => a.timings.retrievalMs ?? 0),
          50,
        ),
        2,
      ),
      p95: round(
        percentile(
          answers.map((a) => a.timings.retrievalMs ?? 0),
          95,
        ),
        2,
      ),
    },
    misses,
  };
}
