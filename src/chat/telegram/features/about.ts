/** /about: which model and index answer, and how much they hold. */
import { Composer, type Context } from "grammy";
import { escapeHtml } from "../../format/escape-html.ts";
import type { BotDeps } from "../deps.ts";
import { sendHtml } from "../replies.ts";

export function aboutHtml(deps: BotDeps): string {
  const a = deps.service.about();
  const mode = a.answerMode === "llm" ? "大模型生成（附原文引用）" : "原文摘录（不使用大模型）";
  return [
    "<b>关于本机器人</b>",
    `文件：${a.documents} 份，条目：${a.items} 条`,
    `向量模型：${escapeHtml(a.embeddingModel)}`,
    `索引建立时间：${escapeHtml(a.indexBuiltAt)}`,
    `回答方式：${mode}`,
  ].join("\n");
}

export function aboutFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command("about", (ctx) => sendHtml(ctx, aboutHtml(deps)));
  return composer;
}
