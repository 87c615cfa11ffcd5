/**
 * `policybot ask "问题"` (as a person reads it, laid out as in the chats), `ask --json` and
 * `ask --json --batch FILE` (CONTRACT §3).
 */
import { readFileSync } from "node:fs";
import * as z from "../util/zod.ts";
import type { Answer } from "../answer/types.ts";
import type { QaService } from "../service/contract.ts";
import { answerReply } from "../commands/ask.ts";
import { allPages } from "../commands/reply.ts";
import { pageText } from "../chat/format/reply-text.ts";
import { CLI_WORDING } from "../wording/wording.ts";
import type { Io } from "./corpus-commands.ts";

const BatchLine = z.object({ id: z.pipe(z.union([z.string(), z.number()]), z.transform(String)), question: z.string() });

/** The JSON object of CONTRACT §3 for one answer; a citation's `label` is `item` there. */
export function answerJson(answer: Answer, id?: string): Record<string, unknown> {
  return {
    ...(id !== undefined ? { id } : {}),
    question: answer.question,
    answer: answer.text,
    refused: answer.refused,
    citations: answer.citations.map((c) => ({
      file: c.file, item: c.label, title: c.title, docNumber: c.docNumber, text: c.text, score: c.score,
    })),
    retrieved: answer.retrieved.map((r) => ({ file: r.file, item: r.label, score: r.score })),
    shape: answer.shape,
    lead: answer.lead,
    related: answer.related.map((c) => ({ file: c.file, item: c.label, title: c.title })),
    via: answer.via,
    timings: { totalMs: Number(answer.timings.totalMs.toFixed(3)), retrievalMs: Number(answer.timings.retrievalMs.toFixed(3)) },
  };
}

/** Answers one question, or every line of a batch file. */
export async function askCommand(service: QaService, io: Io, args: { question?: string; json: boolean; batch?: string }): Promise<number> {
  if (args.batch) {
    let lines: string[];
    try {
      lines = readFileSync(args.batch, "utf8").split("\n");
    } catch (err) {
      io.err(CLI_WORDING.cannotRead(args.batch, (err as Error).message));
      return 1;
    }
    let failed = 0;
    for (const [n, raw] of lines.entries()) {
      if (raw.trim() === "") continue;
      let parsed: z.infer<typeof BatchLine>;
      try {
        parsed = BatchLine.parse(JSON.parse(raw));
      } catch {
        // A bad line is reported and skipped; the rest of the batch still runs.
        io.err(CLI_WORDING.badBatchLine(args.batch, n + 1));
        failed++;
        continue;
      }
      const answer = await service.ask(parsed.question);
      io.out(JSON.stringify(answerJson(answer, parsed.id)));
    }
    return failed > 0 ? 1 : 0;
  }
  if (!args.question || args.question.trim() === "") {
    io.err(CLI_WORDING.askUsage);
    return 2;
  }
  const answer = await service.ask(args.question);
  // As a person reads it: the same layout as the chats, every page at once.
  io.out(args.json ? JSON.stringify(answerJson(answer)) : allPages(answerReply(answer)).map((p) => pageText(p)).join("\n\n"));
  return 0;
}
