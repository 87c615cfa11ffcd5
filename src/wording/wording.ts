/**
 * Every fixed sentence a user reads, in one place, so that wording is reviewed (and
 * translated) without reading handler code: the answers' fixed words, the replies of
 * docs/item/help/about/stats, the bot's own messages, its profile and its command menu.
 * Front ends and the answer stage import from here; nothing here imports anything.
 */

/** How a count of items reads: rows of a task list are 项, everything else 条. */
export type CountUnit = "项" | "条";

export const WORDING = {
  /** 《title》（文号）: a document as every reply names it. */
  documentName: (title: string, docNumber: string | null) => `《${title}》${docNumber ? `（${docNumber}）` : ""}`,

  // ── answers ────────────────────────────────────────────────────────────────────────
  /** The refusal: what the bot says when the circulars do not answer. */
  refusal: "文件中没有找到相关规定。",
  sources: "来源",
  related: "可能相关",
  /** The count before a long list, and what its entries are called. */
  listCount: (n: number) => `共${n}项`,
  listUnit: "项",
  /** The heading of a list page after the first. */
  listContinued: (page: number, pages: number, total: number) => `（续，第${page}/${pages}页）共${total}项`,
  /** Text a search-less prompt shows (an empty or emoji-only question). */
  emptyQuestion: "请输入要查询的问题，例如：绩效工资改革谁牵头？",
  responsibleUnits: "责任单位",

  // ── paging ─────────────────────────────────────────────────────────────────────────
  /** The button under a page that brings the next one. */
  moreButton: (remaining: number, unit: string) => `更多（还有${remaining}${unit}）`,
  morePartButton: (next: number, total: number) => `更多（第${next}/${total}段）`,
  /** The terminal's hint in place of the button. */
  moreHint: (remaining: number, unit: string) => `（还有${remaining}${unit}，输入 /more 查看）`,
  morePartHint: (next: number, total: number) => `（全文共${total}段，输入 /more 查看第${next}段）`,
  noMore: "没有更多内容了。",
  pageExpired: "这一页已过期，请重新提问或重新发送命令。",
  itemContinued: (part: number, total: number) => `（续，第${part}/${total}段）`,

  // ── documents (/docs) ─────────────────────────────────────────────────────────────
  docsHeading: (n: number) => `已收录 ${n} 份文件`,
  docsFound: (query: string, n: number) => `与“${query}”相符的文件共 ${n} 份`,
  docsContinued: (from: number, to: number, total: number) => `（续）第${from}–${to}份，共${total}份`,
  docsNone: (query: string) => `没有与“${query}”相符的文件。发送 /docs 查看全部，或按年份、发文单位、标题中的词查找，例如 /docs 2023。`,
  docsEmpty: "还没有收录任何文件。",
  docsHint: "查看一条原文：/item 文件编号 条目，例如 /item 004 33；查找文件：/docs 年份或标题中的词，例如 /docs 2023",
  docsUnit: "份",
  /** Facts of one document, as /docs shows them on its card. */
  facts: {
    docNumber: "文号",
    issuer: "发文单位",
    date: "印发日期",
    addressees: "主送",
    publicity: "公开方式",
    basis: "依据",
    effective: "施行",
    validity: "有效期",
    contact: "联系",
    attachments: "附件",
  },
  publicity: { public: "主动公开", "on-request": "依申请公开", "not-public": "不予公开" },
  effectiveOnIssue: "自印发之日起施行",
  effectiveFrom: (date: string) => `自${date}起施行`,
  validUntil: (date: string) => `至${date}`,
  attachment: (n: number | null, title: string) => (n === null ? title : `${n}. ${title}`),
  itemCount: (n: number, unit: CountUnit) => `共${n}${unit}`,
  itemRange: (first: string, last: string) => `${first}–${last}`,
  documentId: "编号",

  // ── items (/item) ──────────────────────────────────────────────────────────────────
  itemUsage: "用法：/item 文件 条目，例如 /item 004 33。文件可写编号（004）、文件名或标题中的几个字；用 /docs 查看文件列表。",
  unknownDocument: (spec: string) => `没有找到文件“${spec}”。用 /docs 查看文件列表。`,
  ambiguousDocument: (spec: string, n: number) => `“${spec}”对应${n}份文件，请写编号：`,
  /** A label the document does not have: its real range instead. */
  noSuchItem: (title: string, label: string) => `《${title}》没有“${label}”。`,
  itemRangeHint: (scope: string, count: number, unit: CountUnit, range: string) => `${scope}共${count}${unit}，请输入${range}`,
  itemRangeJoin: "；",
  underSection: (label: string) => `${label}下`,
  noNumberedItems: (title: string) => `《${title}》没有编号的条目。`,
  sourceNotFound: "没有找到这一条的原文（文件可能已更新），请重新提问。",

  // ── help, about, stats ───────────────────────────────────────────────────────────
  intro: "你好！我根据山东省职业教育相关政策文件回答问题，每个回答都注明出处（文件和条目）。",
  introPrivate: "直接发送问题即可。",
  introGroup: (username: string) => `在群里请 @${username} 后面写上问题，回复我的消息，或使用 /ask 问题。`,
  introTerminal: "直接输入问题即可。",
  examplesHeading: "可以这样问：",
  /** Question shapes every circular can answer; /help fills in one document each, in turn. */
  exampleQuestions: [
    (title: string) => `《${title}》是什么时候印发的？`,
    (title: string) => `《${title}》提出了哪些主要任务？`,
    (title: string, docNumber: string | null) => (docNumber ? `${docNumber}是哪份文件？` : `《${title}》由哪个部门负责落实？`),
    (title: string) => `《${title}》里对职业院校有什么要求？`,
  ],
  terminalPrompt: "问> ",
  usageHeading: "命令：",
  terminalWelcome: (documents: number) => `policybot — 政策文件问答（${documents} 份文件）。输入 /help 查看用法，Ctrl-D 退出。`,
  aboutHeading: "关于本机器人",
  aboutCounts: (documents: number, items: number) => `文件：${documents} 份，条目：${items} 条`,
  aboutModel: (model: string) => `向量模型：${model}`,
  aboutBuilt: (when: string) => `索引建立时间：${when}`,
  aboutMode: (llm: boolean) => `回答方式：${llm ? "大模型生成（附原文引用）" : "原文摘录（不使用大模型）"}`,
  statsHeading: "统计",
  statsLines: (s: { questions: number; refusals: number; users: number; up: number; down: number }) => [
    `提问：${s.questions}`,
    `未找到（拒答）：${s.refusals}`,
    `提问人数：${s.users}`,
    `👍：${s.up}`,
    `👎：${s.down}`,
  ],

  // ── the bot's own messages ───────────────────────────────────────────────────────
  askUsage: "用法：/ask 问题，例如 /ask 公办职业院校绩效工资最高是基准线的几倍？",
  groupAskHint: (username: string) => `请在 @${username} 后面写上问题，或使用 /ask 问题。`,
  groupGreeting: (username: string) =>
    [
      "大家好！我根据山东省职业教育相关政策文件回答问题，每个回答都注明出处（文件和条目）。",
      `在群里提问：@${username} 加上问题，回复我的消息，或发送 /ask 问题。`,
      "例如：/ask 公办职业院校绩效工资最高是基准线的几倍？",
      "发送 /help 查看更多用法。",
    ].join("\n"),
  adminOnly: "这个命令只供管理员使用。",
  reindexStarted: "开始重建索引，期间照常回答问题。",
  reindexBusy: "索引正在重建中，请稍候。",
  reindexDone: (documents: number, items: number, ms: number) => `索引已重建：${documents} 份文件，${items} 条，用时 ${(ms / 1000).toFixed(1)} 秒。`,
  reindexSkipped: "未收录的文件：",
  reindexWarnings: "请检查的文件：",
  reindexMore: (n: number) => `…（另有 ${n} 条，见日志）`,
  reindexFailed: "重建索引失败，仍在使用原来的索引。详情见日志。",
  rateLimited: "提问太频繁了，请稍等一分钟再问。",
  notAllowed: "抱歉，这个机器人只在指定的聊天中提供服务。",
  failed: "抱歉，处理时出了点问题，请稍后再试。",
  nonText: "我只能读文字。请用文字发送问题，或发送 /help 查看用法。",
  edited: "修改后的消息不会重新回答；如需提问，请直接发送新消息。",
  unknownCommand: "不认识这个命令。发送 /help 查看用法。",
  unknownTerminalCommand: (command: string) => `不认识 ${command}。输入 /help 查看用法。`,
  buttonExpired: "这个按钮已失效。",
  voteThanks: { up: "谢谢！已记录 👍", down: "谢谢反馈！已记录 👎" },
  voteNotAccepted: "只有提问的人（或提问所在群的成员）可以评价这个回答。",
  voteRateLimited: "评价太频繁了，请稍后再试。",
  sourceButton: "📄 原文",
  sourceButtonNumbered: (label: string) => `📄 ${label}`,
  inlineButton: "在私聊中提问",
  inlineMore: "（全文较长，请在私聊中发送 /item 查看）",
} as const;

/** A command as a menu and /help list it, in Chinese and English. */
export interface CommandWording {
  readonly zh: string;
  readonly en: string;
}

/** Descriptions of every command any front end offers; each front end lists the ones it has. */
export const COMMAND_WORDING = {
  start: { zh: "开始使用", en: "Start" },
  help: { zh: "使用说明和提问示例", en: "How to ask, with examples" },
  ask: { zh: "提问，例如 /ask 绩效工资最高几倍", en: "Ask a question (in Chinese)" },
  docs: { zh: "文件列表，可按年份或关键词查找", en: "The circulars; search by year or word" },
  item: { zh: "查看条目原文，例如 /item 004 33", en: "One item's full text, e.g. /item 004 33" },
  about: { zh: "关于本机器人（模型、索引）", en: "About this bot (model, index)" },
  more: { zh: "下一页", en: "Next page" },
  quit: { zh: "退出（或按 Ctrl-D）", en: "Leave (or Ctrl-D)" },
  reindex: { zh: "重建索引（管理员）", en: "Rebuild the index (admins)" },
  stats: { zh: "提问与反馈统计（管理员）", en: "Questions and feedback (admins)" },
} as const satisfies Record<string, CommandWording>;

export type CommandName = keyof typeof COMMAND_WORDING;

/** The bot's profile: what an empty chat with it shows (description) and its profile line. */
export const BOT_PROFILE = {
  zh: {
    description:
      "我根据山东省职业教育相关政策文件回答问题，每个回答都注明出处（文件和条目）。直接发送问题，例如：公办职业院校绩效工资最高是基准线的几倍？",
    shortDescription: "山东职业教育政策文件问答，回答注明出处。",
  },
  en: {
    description:
      "Answers questions about Shandong vocational-education policy circulars, citing the document and item for every answer. " +
      "Ask in Chinese, e.g. 公办职业院校绩效工资最高是基准线的几倍？",
    shortDescription: "Shandong vocational-education circulars: answers with citations.",
  },
} as const;

/** The command line's own words (operators and developers read these; answers stay Chinese). */
export const CLI_WORDING = {
  usage: `policybot — answers questions about education-policy circulars, with citations

Usage:
  policybot docs [WORDS…] [--page N]   documents, 10 to a page; WORDS search by year, issuer, title or id
  policybot items [--json]             every parsed item (JSON Lines with --json)
  policybot item FILE LABEL            one item's full text, e.g. policybot item 004 33
  policybot ask [--json] "问题"         answer one question (CONTRACT §3 JSON with --json)
  policybot ask --json --batch FILE    answer every {"id","question"} line of FILE
  policybot eval [--holdout|--unseen]  cross-validated answer quality over eval/questions/
  policybot eval FILE [--json]         score a question set (CONTRACT §4) with the shipped model
  policybot fit                        fit the answer-or-refuse decision (data/decision-model.json)
  policybot chat                       chat in the terminal (no token, no network)
  policybot start                      the Telegram bot when TELEGRAM_BOT_TOKEN is set, else the terminal chat

Options:
  --verbose                            also print diagnostics (the same as LOG_LEVEL=debug)

Settings come from the environment; see README.md.`,
  unknownCommand: (command: string) => `Unknown command "${command}".`,
  itemUsage: "Usage: policybot item FILE LABEL   e.g. policybot item 004 33   or   policybot item 003 三（二）2",
  askUsage: 'Usage: policybot ask [--json] "问题"   or   policybot ask --json --batch FILE',
  badPage: (page: string, pages: number) => `--page ${page}: there ${pages === 1 ? "is 1 page" : `are ${pages} pages`}.`,
  pageHint: (page: number, pages: number, next: string) => `（第${page}/${pages}页，下一页：${next}）`,
  cannotRead: (file: string, reason: string) => `Cannot read ${file}: ${reason}`,
  badBatchLine: (file: string, line: number) => `${file}:${line}: expected {"id": "...", "question": "..."}; skipped.`,
  problem: (severity: string, message: string) => `${severity}: ${message}`,
} as const;
