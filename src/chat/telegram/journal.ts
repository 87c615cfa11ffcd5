/**
 * Durable records of what the bot did, as JSON Lines in the data folder: one line per
 * answered question (`questions.jsonl`) and one per 👍/👎 (`feedback.jsonl`), both
 * through the one redaction, so a token pasted into a question is not stored.
 *
 * A question is written before recordQuestion resolves (a killed process keeps it) and
 * fsynced in the background: waiting for that fsync before the update could count as
 * done made a killed bot resend answers it had delivered (issue 12 §4). A vote is
 * fsynced before the user is thanked.
 *
 * Votes find the answer they judge in memory: the most recent answers, filled at start
 * from the end of the question log. The whole log is never read to look up one id
 * (crafted ids against a year-sized log stalled every chat, issue 12 §5).
 */
import fs from "node:fs";
import path from "node:path";
import * as z from "../../util/zod.ts";
import type { Logger } from "../../logging/logger.ts";
import { BoundedMap } from "../../util/bounded-map.ts";
import { forEachJsonLine, JsonLinesFile, type AppendIo } from "../../util/json-lines.ts";

const CitedRef = z.object({ file: z.string(), item: z.nullable(z.string()) });

const QuestionRecord = z.object({
  answerId: z.string(),
  time: z.string(),
  chatId: z.number(),
  userId: z.nullable(z.number()),
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
  chatId: z.nullable(z.number()),
  question: z.nullable(z.string()),
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

export const JOURNAL_DEFAULTS = {
  /** Answers that can be voted on; a button under an older answer reads as expired. */
  answersRemembered: 20_000,
  /** How much of the end of the question log is read at start to find them (≈ 40,000 questions). */
  indexTailBytes: 16 * 1024 * 1024,
};

export interface JournalOptions extends Partial<typeof JOURNAL_DEFAULTS> {
  /** File operations of the appends (tests inject faults). */
  readonly io?: AppendIo;
  /** Applied to every record before it is written (the bot's {@link Redactor}). */
  readonly redact?: <T>(record: T) => T;
}

/** The question log and feedback store of one bot. */
export class BotJournal {
  private readonly questions: JsonLinesFile;
  private readonly feedback: JsonLinesFile;
  private readonly answers: BoundedMap<string, QuestionRecord>;
  private readonly indexTailBytes: number;
  private loaded: Promise<void> | undefined;

  constructor(
    dataDir: string,
    private readonly logger: Logger,
    options: JournalOptions = {},
  ) {
    const files = { io: options.io, redact: options.redact };
    this.questions = new JsonLinesFile(path.join(dataDir, JOURNAL_FILES.questions), files);
    this.feedback = new JsonLinesFile(path.join(dataDir, JOURNAL_FILES.feedback), files);
    this.answers = new BoundedMap(options.answersRemembered ?? JOURNAL_DEFAULTS.answersRemembered);
    this.indexTailBytes = options.indexTailBytes ?? JOURNAL_DEFAULTS.indexTailBytes;
  }

  /** Fills the answer index from the end of the question log, once. */
  load(): Promise<void> {
    return (this.loaded ??= this.readRecentAnswers());
  }

  private async readRecentAnswers(): Promise<void> {
    const file = this.questions.file;
    const size = await fs.promises.stat(file).then((s) => s.size, () => 0);
    const found: QuestionRecord[] = [];
    const scan = await forEachJsonLine(file, QuestionRecord, (r) => found.push(r), { fromByte: size - this.indexTailBytes });
    // Answers recorded while the file was being read are newer; they stay the newest.
    const newer = [...this.answers.values()];
    for (const r of [...found, ...newer]) this.answers.set(r.answerId, r);
    if (scan.malformed > 0) this.logger.warn("skipped malformed journal lines", { file: JOURNAL_FILES.questions, lines: scan.malformed });
  }

  /**
   * Records an answered question: written before this resolves (it survives the process
   * being killed), fsynced in the background.
   */
  async recordQuestion(record: QuestionRecord): Promise<void> {
    this.answers.set(record.answerId, record);
    this.questions.write([QuestionRecord.parse(record)]);
    void this.questions.sync().catch((e: unknown) => this.logger.error("could not flush the question log", { error: e }));
  }

  /** The logged question an answer id belongs to, if it is among the recent answers. Never reads the whole log. */
  async findAnswer(answerId: string): Promise<QuestionRecord | undefined> {
    await this.load();
    return this.answers.get(answerId);
  }

  /** Records a vote (already checked by the caller) with the question and citations it judges; resolves once on disk. */
  async recordVote(vote: Omit<FeedbackRecord, "question" | "citations" | "time">): Promise<FeedbackRecord> {
    const answer = await this.findAnswer(vote.answerId);
    const record: FeedbackRecord = {
      ...vote,
      time: new Date().toISOString(),
      question: answer?.question ?? null,
      citations: answer?.citations ?? [],
    };
    await this.feedback.append([FeedbackRecord.parse(record)]);
    return record;
  }

  /** Totals over everything recorded so far (streams both files; for the admin's /stats). */
  async stats(): Promise<BotStats> {
    let questions = 0;
    let refusals = 0;
    const users = new Set<number | null>();
    const q = await forEachJsonLine(this.questions.file, QuestionRecord, (r) => {
      questions++;
      if (r.refused) refusals++;
      users.add(r.userId);
    });
    const latest = new Map<string, "up" | "down">();
    const f = await forEachJsonLine(this.feedback.file, FeedbackRecord, (v) => latest.set(`${v.answerId}:${v.userId}`, v.vote));
    if (q.malformed + f.malformed > 0) this.logger.warn("skipped malformed journal lines", { lines: q.malformed + f.malformed });
    const counted = [...latest.values()];
    return {
      questions,
      refusals,
      up: counted.filter((v) => v === "up").length,
      down: counted.filter((v) => v === "down").length,
      users: users.size,
    };
  }

  /** Flushes both files (shutdown). */
  async close(): Promise<void> {
    await Promise.all([this.questions.close(), this.feedback.close()]);
  }
}
