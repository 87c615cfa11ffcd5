/**
 * /item 文件 条目: the full text of one item, paged when long. The file may be given as
 * its name, its short id or a piece of its title; a missing label gets the document's
 * real range.
 */
import { Composer, type Context } from "grammy";
import { itemReply } from "../../../commands/item.ts";
import type { BotDeps } from "../deps.ts";
import { sendReply } from "../replies.ts";

export function itemFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command("item", (ctx) => sendReply(ctx, deps, itemReply(deps.service.corpus(), ctx.match)));
  return composer;
}
