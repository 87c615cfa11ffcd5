/** stats: questions, refusals, people and votes, as the bot's journals count them. */
import { WORDING } from "../wording/wording.ts";
import { replyOf, type Reply } from "./reply.ts";

/** The totals a front end keeps (the Telegram bot: its journals). */
export interface UsageTotals {
  readonly questions: number;
  readonly refusals: number;
  readonly users: number;
  readonly up: number;
  readonly down: number;
}

export function statsReply(s: UsageTotals): Reply {
  const lines = [[{ bold: WORDING.statsHeading }], ...WORDING.statsLines(s).map((l) => [l])];
  return replyOf({ blocks: [{ kind: "text", lines }], buttons: [] });
}
