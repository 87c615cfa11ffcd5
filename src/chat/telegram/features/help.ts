/**
 * /start and /help: what the bot does, example questions built from the documents the
 * service holds (so they change with the corpus), and the command list.
 */
import { Composer, type Context } from "grammy";
import type { DocumentMeta } from "../../../corpus/types.ts";
import { escapeHtml } from "../../format/escape-html.ts";
import { ADMIN_COMMANDS, PUBLIC_COMMANDS } from "../bot-commands.ts";
import { isAdmin, type BotDeps } from "../deps.ts";
import { sendHtml } from "../replies.ts";
import { WORDING } from "../wording.ts";

// Question shapes every circular can answer; the title makes them concrete.
const EXAMPLE_TEMPLATES = [
  (d: DocumentMeta) => `《${d.title}》是什么时候印发的？`,
  (d: DocumentMeta) => `《${d.title}》提出了哪些主要任务？`,
  (d: DocumentMeta) => (d.docNumber ? `${d.docNumber}是哪份文件？` : `《${d.title}》由哪个部门负责落实？`),
  (d: DocumentMeta) => `《${d.title}》里对职业院校有什么要求？`,
];

/** Example questions drawn from the service's documents, one per document. */
export function exampleQuestions(docs: readonly DocumentMeta[], count: number): string[] {
  return docs.slice(0, count).map((d, k) => EXAMPLE_TEMPLATES[k % EXAMPLE_TEMPLATES.length]!(d));
}

export function helpHtml(deps: BotDeps, userId: number | undefined): string {
  const examples = exampleQuestions(deps.service.documents(), deps.options.helpExamples);
  const commands = [...PUBLIC_COMMANDS, ...(isAdmin(deps, userId) ? ADMIN_COMMANDS : [])];
  return [
    escapeHtml(WORDING.intro),
    `<b>${WORDING.examplesHeading}</b>\n${examples.map((q) => `• ${escapeHtml(q)}`).join("\n")}`,
    `<b>${WORDING.usageHeading}</b>\n${commands.map((c) => `/${c.command} — ${escapeHtml(c.description)}`).join("\n")}`,
  ].join("\n\n");
}

export function helpFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command(["start", "help"], (ctx) => sendHtml(ctx, helpHtml(deps, ctx.from?.id)));
  return composer;
}
