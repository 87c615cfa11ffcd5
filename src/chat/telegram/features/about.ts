/** /about: which model and index answer, and how much they hold. */
import { Composer, type Context } from "grammy";
import { aboutReply } from "../../../commands/about.ts";
import type { BotDeps } from "../deps.ts";
import { sendReply } from "../replies.ts";

export function aboutFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command("about", (ctx) => sendReply(ctx, deps, aboutReply(deps.service.about())));
  return composer;
}
