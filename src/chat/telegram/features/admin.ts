/**
 * Admin commands (settings.telegram.adminUserIds): /reindex rebuilds the index in the
 * background while answers keep coming from the old one (the report is sent in the chat
 * and topic that asked); /stats totals the journals.
 */
import { Composer, type Context } from "grammy";
import type { ReindexReport } from "../../../service/contract.ts";
import { statsReply } from "../../../commands/stats.ts";
import { isAdmin, type BotDeps } from "../deps.ts";
import { sendReply } from "../replies.ts";
import { WORDING } from "../../../wording/wording.ts";

/** Messages listed in one reply; the rest are in the log. */
const MAX_LISTED_PROBLEMS = 12;

/** The admin's reply: totals, then the files that were skipped and those to check, by name. */
function reindexReport(r: ReindexReport): string {
  const lines = [WORDING.reindexDone(r.documents, r.items, r.ms)];
  const groups: [string, readonly { message: string }[]][] = [
    [WORDING.reindexSkipped, r.problems.filter((p) => p.severity === "error")],
    [WORDING.reindexWarnings, r.problems.filter((p) => p.severity === "warning")],
  ];
  for (const [heading, problems] of groups) {
    if (problems.length === 0) continue;
    lines.push("", heading, ...problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `• ${p.message}`));
    if (problems.length > MAX_LISTED_PROBLEMS) lines.push(WORDING.reindexMore(problems.length - MAX_LISTED_PROBLEMS));
  }
  return lines.join("\n");
}

export function adminFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  let reindexing = false;

  const admin = composer.command(["reindex", "stats"]);
  admin.filter((ctx) => !isAdmin(deps, ctx.from?.id)).use((ctx) => ctx.reply(WORDING.adminOnly));

  composer.command("reindex", async (ctx) => {
    if (reindexing) {
      await ctx.reply(WORDING.reindexBusy);
      return;
    }
    reindexing = true;
    await ctx.reply(WORDING.reindexStarted);
    // Not awaited: the chat's queue (and every other chat) keeps answering meanwhile.
    // Tracked, so that shutdown waits for it.
    void deps.inFlight
      .track(async () => {
        try {
          const r = await deps.service.reindex();
          deps.logger.info("reindexed", { items: r.items, ms: Math.round(r.ms), problems: r.problems.length });
          await ctx.reply(reindexReport(r));
        } catch (e) {
          deps.logger.error("reindex failed", { error: e });
          await ctx.reply(WORDING.reindexFailed).catch(() => {});
        } finally {
          reindexing = false;
        }
      })
      .catch(() => {});
  });

  composer.command("stats", async (ctx) => sendReply(ctx, deps, statsReply(await deps.journal.stats())));
  return composer;
}
