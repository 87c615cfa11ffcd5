/**
 * Durable records of what the bot did, as JSON Lines in the data folder: one line per
 * answered question (`questions.jsonl`) and one per 👍/👎 (`feedback.jsonl`). Each
 * append is written and fsynced before it counts, so a crash loses at most the line
 * being written; malformed lines are skipped when reading.
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { appendFileDurable } from "../../util/durable-fs.ts";
import type { Logger } from "../../logging/logger.ts";

const CitedRef = z.object({ file: z.string(), item: z.string().nullable() });

const QuestionRecord = z.object({
  answerId: z.string(),
  time: z.string(),
  chatId: z.number(),
  userId: z.number().nullable(),
  chatType: z.string(),
  question: z.string(),
  refused: z.boolean(),
  citations: z.array(CitedRef),
  ms: z.number(),
});
export type QuestionRecord = z.infer<typeof QuestionRecord>;

const FeedbackRecord = z.object({
  answerId: z.string(),
  time: z.string(),
  vote: z.enum(["up", "down"]),
  userId: z.number(),
  chatId: z.number().nullable(),
  question: z.string().nullable(),
  citations: z.array(CitedRef),
});
export type FeedbackRecord = z.infer<typeof FeedbackRecord>;

/** Totals shown by /stats. A person's latest vote on an answer is the one that counts. */
export interface BotStats {
  readonly questions: number;
  readonly refusals: number;
  readonly up: number;
  readonly down: number;
  readonly users: number;
}

/** File names inside the data folder. */
export const JOURNAL_FILES = { questions: "questions.jsonl", feedback: "feedback.jsonl" } as const;

/** How many recent answers are kept in memory for votes (older ones are read from disk). */
const RECENT_ANSWERS = 2000;

/** Appends one line and fsyncs it; appends to one file are serialised by the caller. */
function appendLine(file: string, record: unknown): Promise<void> {
  return appendFileDurable(file, JSON.stringify(record) + "\n");
}

async function readLines<T>(file: string, schema: z.ZodType<T>, logger: Logger): Promise<T[]> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  const out: T[] = [];
  let bad = 0;
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const parsed = schema.safeParse(JSON.parse(line));
      if (parsed.success) out.push(parsed.data);
      else bad++;
    } catch {
      bad++;
    }
  }
  if (bad > 0) logger.warn("skipped malformed journal lines", { file: path.basename(file), lines: bad });
  return out;
}

/** The question log and feedback store of one bot. */
export class BotJournal {
  private readonly questionsFile: string;
  private readonly feedbackFile: string;
  private readonly recent = new Map<string, QuestionRecord>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    dataDir: string,
    private readonly logger: Logger,
  ) {
    this.questionsFile = path.join(dataDir, JOURNAL_FILES.questions);
    this.feedbackFile = path.join(dataDir, JOURNAL_FILES.feedback);
  }

  private serial(work: () => Promise<void>): Promise<void> {
    const run = this.chain.then(work);
    this.chain = run.catch(() => {});
    return run;
  }

  /** Records an answered question. */
  recordQuestion(record: QuestionRecord): Promise<void> {
    this.recent.set(record.answerId, record);
    if (this.recent.size > RECENT_ANSWERS) this.recent.delete(this.recent.keys().next().value!);
    return this.serial(() => appendLine(this.questionsFile, QuestionRecord.parse(record)));
  }

  /** The logged question an answer id belongs to, from memory or from disk. */
  async findAnswer(answerId: string): Promise<QuestionRecord | undefined> {
    const hit = this.recent.get(answerId);
    if (hit) return hit;
    const all = await readLines(this.questionsFile, QuestionRecord, this.logger);
    return all.find((r) => r.answerId === answerId);
  }

  /** Records a vote together with the question and citations it judges. */
  async recordVote(vote: Omit<FeedbackRecord, "question" | "citations" | "time">): Promise<FeedbackRecord> {
    const answer = await this.findAnswer(vote.answerId);
    const record: FeedbackRecord = {
      ...vote,
      time: new Date().toISOString(),
      question: answer?.question ?? null,
      citations: answer?.citations ?? [],
    };
    await this.serial(() => appendLine(this.feedbackFile, FeedbackRecord.parse(record)));
    return record;
  }

  /** Totals over everything recorded so far. */
  async stats(): Promise<BotStats> {
    await this.chain;
    const questions = await readLines(this.questionsFile, QuestionRecord, this.logger);
    const votes = await readLines(this.feedbackFile, FeedbackRecord, this.logger);
    const latest = new Map<string, "up" | "down">();
    for (const v of votes) latest.set(`${v.answerId}:${v.userId}`, v.vote);
    const counted = [...latest.values()];
    return {
      questions: questions.length,
      refusals: questions.filter((q) => q.refused).length,
      up: counted.filter((v) => v === "up").length,
      down: counted.filter((v) => v === "down").length,
      users: new Set(questions.map((q) => q.userId)).size,
    };
  }
}
