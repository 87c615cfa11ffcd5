/** /docs: the documents the bot answers from, with the short numbers /item accepts. */
import { Composer, type Context } from "grammy";
import { renderDocumentsHtml } from "../../format/answer-html.ts";
import { escapeHtml } from "../../format/escape-html.ts";
import type { BotDeps } from "../deps.ts";
import { sendHtml } from "../replies.ts";
import { WORDING } from "../wording.ts";

export function docsFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command("docs", (ctx) =>
    sendHtml(ctx, `${renderDocumentsHtml(deps.service.documents())}\n\n${escapeHtml(WORDING.itemsHint)}`),
  );
  return composer;
}
