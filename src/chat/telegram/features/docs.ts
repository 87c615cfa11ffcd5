/** /docs [words]: the documents, ten to a page, or those matching a year, an issuer or a word of the title. */
import { Composer, type Context } from "grammy";
import { docsReply } from "../../../commands/docs.ts";
import type { BotDeps } from "../deps.ts";
import { sendReply } from "../replies.ts";

export function docsFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command("docs", (ctx) => sendReply(ctx, deps, docsReply(deps.service.corpus(), ctx.match)));
  return composer;
}
