/**
 * Inline-button presses not taken by the reading buttons (read-more.ts): 👍/👎 store a
 * vote with the answer it judges. Anything else (old or foreign buttons) gets a short
 * notice and never an error.
 *
 * A vote counts only when it can be trusted (issue 12 §5): the press comes from a
 * message in the chat the question was asked in (so inline messages, which have no
 * chat, never count), in a private chat from the asker, for an answer the journal
 * holds in memory, from an allowed chat, and within the per-user rate limit.
 */
import { Composer, type Context, type Filter } from "grammy";
import { limit } from "@grammyjs/ratelimiter";
import { WORDING } from "../../../wording/wording.ts";
import { decodeCallback, type CallbackAction } from "../callback-data.ts";
import type { BotDeps } from "../deps.ts";

const VOTE_WINDOW_MS = 60_000;

type Vote = Extract<CallbackAction, { kind: "vote" }>;
type PressContext = Filter<Context, "callback_query:data">;

/** Why a vote is not recorded, or undefined when it may be. */
async function refusal(ctx: PressContext, deps: BotDeps, action: Vote): Promise<string | undefined> {
  const chat = ctx.callbackQuery.message?.chat;
  const allowed = deps.settings.telegram.allowedChatIds;
  if (!chat || (allowed && !allowed.includes(chat.id))) return "not from a chat of the bot";
  const answer = await deps.journal.findAnswer(action.answerId);
  if (!answer) return "unknown answer";
  if (answer.chatId !== chat.id) return "from another chat";
  if (chat.type === "private" && answer.userId !== ctx.from.id) return "not the asker";
  return undefined;
}

export function callbacksFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  const presses = composer.on("callback_query:data");
  const votes = presses.filter((ctx) => decodeCallback(ctx.callbackQuery.data)?.kind === "vote");
  votes.use(
    limit<PressContext, never>({
      timeFrame: VOTE_WINDOW_MS,
      limit: deps.options.votesPerMinute,
      keyGenerator: (ctx) => ctx.from.id.toString(),
      // Called once per window, on the first press over the limit; later ones are dropped unread.
      onLimitExceeded: async (ctx) => {
        deps.logger.info("votes rate limited");
        await ctx.answerCallbackQuery({ text: WORDING.voteRateLimited }).catch(() => {});
      },
    }),
  );
  presses.use(async (ctx) => {
    const action = decodeCallback(ctx.callbackQuery.data);
    if (action?.kind !== "vote") {
      await ctx.answerCallbackQuery({ text: WORDING.buttonExpired });
      return;
    }
    const refused = await refusal(ctx, deps, action);
    if (refused) {
      deps.logger.info("vote not recorded", { reason: refused });
      await ctx.answerCallbackQuery({ text: refused === "unknown answer" ? WORDING.buttonExpired : WORDING.voteNotAccepted });
      return;
    }
    await deps.journal.recordVote({ answerId: action.answerId, vote: action.vote, userId: ctx.from.id, chatId: ctx.chat!.id });
    deps.logger.info("feedback", { vote: action.vote });
    await ctx.answerCallbackQuery({ text: WORDING.voteThanks[action.vote] });
  });
  // Buttons without data (games) are not ours; answer so the client stops spinning.
  composer.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: WORDING.buttonExpired }));
  return composer;
}
