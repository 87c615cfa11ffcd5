/**
 * The command menu, registered with setMyCommands: everyone sees the public commands;
 * admins are told about /reindex and /stats in /help.
 */
import type { BotCommand } from "grammy/types";

export const PUBLIC_COMMANDS: readonly BotCommand[] = [
  { command: "start", description: "开始使用" },
  { command: "help", description: "使用说明和提问示例" },
  { command: "ask", description: "提问，例如 /ask 绩效工资最高几倍" },
  { command: "docs", description: "已收录的文件列表" },
  { command: "item", description: "查看条目原文，例如 /item 004 33" },
  { command: "about", description: "关于本机器人（模型、索引）" },
];

export const ADMIN_COMMANDS: readonly BotCommand[] = [
  { command: "reindex", description: "重建索引（管理员）" },
  { command: "stats", description: "提问与反馈统计（管理员）" },
];
