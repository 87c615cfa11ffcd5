/**
 * Every fixed sentence the bot says, in one place so that wording is reviewed (and
 * later translated) without reading handler code.
 */
export const WORDING = {
  intro:
    "你好！我根据山东省职业教育相关政策文件回答问题，每个回答都注明出处（文件和条目）。\n直接发送问题即可；在群里请 @我、回复我的消息，或使用 /ask。",
  examplesHeading: "可以这样问：",
  usageHeading: "命令：",
  askUsage: "用法：/ask 问题，例如 /ask 公办职业院校绩效工资最高是基准线的几倍？",
  groupAskHint: "请在 @我 后面写上问题，或使用 /ask 问题。",
  itemUsage: "用法：/item 文件 条目，例如 /item 004 33。文件可写编号（004）、文件名或标题中的几个字；用 /docs 查看文件列表。",
  itemsHint: "查看某一条的全文：/item 文件编号 条目，例如 /item 004 33",
  unknownDocument: (spec: string) => `没有找到文件“${spec}”。`,
  ambiguousDocument: (spec: string) => `“${spec}”对应多份文件，请写编号：`,
  nearestLabels: "最接近的条目：",
  adminOnly: "这个命令只供管理员使用。",
  reindexStarted: "开始重建索引，期间照常回答问题。",
  reindexBusy: "索引正在重建中，请稍候。",
  reindexDone: (documents: number, items: number, ms: number) => `索引已重建：${documents} 份文件，${items} 条，用时 ${(ms / 1000).toFixed(1)} 秒。`,
  reindexSkipped: "未收录的文件：",
  reindexWarnings: "请检查的文件：",
  reindexFailed: "重建索引失败，仍在使用原来的索引。详情见日志。",
  rateLimited: "提问太频繁了，请稍等一分钟再问。",
  notAllowed: "抱歉，这个机器人只在指定的聊天中提供服务。",
  failed: "抱歉，处理时出了点问题，请稍后再试。",
  nonText: "我只能读文字。请用文字发送问题，或发送 /help 查看用法。",
  edited: "修改后的消息不会重新回答；如需提问，请直接发送新消息。",
  unknownCommand: "不认识这个命令。发送 /help 查看用法。",
  buttonExpired: "这个按钮已失效。",
  sourceNotFound: "没有找到这一条的原文。",
  voteThanks: { up: "谢谢！已记录 👍", down: "谢谢反馈！已记录 👎" },
  sourceButton: "📄 原文",
  inlineButton: "在私聊中提问",
  inlineMore: "（全文较长，请在私聊中发送 /item 查看）",
} as const;
