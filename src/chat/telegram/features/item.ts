/**
 * /item 文件 条目: the full text of one item. The file may be given as its name, its
 * numeric prefix or a piece of its title; an unknown label gets the service's message
 * and the nearest labels.
 */
import { Composer, type Context } from "grammy";
import { renderItemHtml } from "../../format/answer-html.ts";
import { escapeHtml } from "../../format/escape-html.ts";
import { filePrefixOf } from "../callback-data.ts";
import type { BotDeps } from "../deps.ts";
import { sendHtml } from "../replies.ts";
import { resolveDocument, type DocumentMatch } from "../resolve-document.ts";
import { WORDING } from "../wording.ts";

/** Splits "/item" arguments into a document reference and a label, trying one or two words for the document. */
function parseArgs(args: string, deps: BotDeps): { spec: string; match: DocumentMatch; label: string } {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const docs = deps.service.documents();
  let first: { spec: string; match: DocumentMatch; label: string } | undefined;
  for (let k = 1; k < words.length; k++) {
    const spec = words.slice(0, k).join("");
    const attempt = { spec, match: resolveDocument(spec, docs), label: words.slice(k).join("") };
    first ??= attempt;
    if (attempt.match.kind === "found") return attempt;
  }
  return first ?? { spec: words[0] ?? "", match: { kind: "none" }, label: "" };
}

/** The reply to /item with these arguments, as HTML. */
export function itemReplyHtml(args: string, deps: BotDeps): string {
  const { spec, match, label } = parseArgs(args, deps);
  if (!spec || !label) return escapeHtml(WORDING.itemUsage);
  if (match.kind === "none") return `${escapeHtml(WORDING.unknownDocument(spec))}\n${escapeHtml(WORDING.itemUsage)}`;
  if (match.kind === "ambiguous") {
    const lines = match.candidates.map((d) => `<code>${escapeHtml(filePrefixOf(d.file))}</code> 《${escapeHtml(d.title)}》`);
    return `${escapeHtml(WORDING.ambiguousDocument(spec))}\n${lines.join("\n")}`;
  }
  const found = deps.service.item(match.meta.file, label);
  if (found.found) return renderItemHtml(found.item, found.meta);
  const nearest = found.nearest.length
    ? `\n${WORDING.nearestLabels}${found.nearest.map((l) => `<code>${escapeHtml(l)}</code>`).join("、")}`
    : "";
  return `${escapeHtml(found.message)}${nearest}`;
}

export function itemFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command("item", (ctx) => sendHtml(ctx, itemReplyHtml(ctx.match, deps)));
  return composer;
}
