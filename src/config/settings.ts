/**
 * Settings from the environment, validated once at start. Every default lives in
 * {@link DEFAULTS}; nothing else in the code reads `process.env`.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as z from "../util/zod.ts";

/** The project's root folder: the nearest folder above this module with a package.json (src/config/ or a compiled dist/ build). */
export const PROJECT_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, "../..");
  }
}

/** Defaults for every setting; paths are relative to the project root. */
export const DEFAULTS = {
  seedsDir: "seeds",
  indexDir: "index",
  dataDir: ".data",
  /** Word lists and tables (aliases, units, question words…) and the fitted decision model. */
  vocabularyDir: "data",
  /** The offline model the project builds itself (scripts/build-offline-model.ts). */
  offlineModel: "policybot/offline-zh",
  localModelDir: "models",
  modelRemoteHost: "https://huggingface.co/",
  modelLoadTimeoutMs: 60_000,
  telegramApiRoot: "https://api.telegram.org",
  llmTimeoutMs: 20_000,
  rateLimitPerMinute: 20,
  webhookPort: 8080,
} as const;

/** A setting that is missing or malformed; the message says which and what to set. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    message: string,
    readonly variable: string,
  ) {
    super(message);
  }
}

const idList = z.pipe(
  z.pipe(
    z.string(),
    z.transform((s: string) => s.split(/[\s,]+/).filter(Boolean)),
  ),
  z.pipe(
    z.array(z.string().check(z.regex(/^-?\d+$/, "must be numeric Telegram ids separated by commas"))),
    z.transform((ids: string[]) => ids.map(Number)),
  ),
);

const optionalText = z.optional(
  z.pipe(
    z.string(),
    z.transform((s: string) => s.trim() || undefined),
  ),
);

const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.pipe(
    optionalText,
    z.optional(
      z.pipe(
        z.pipe(z.string().check(z.regex(/^\d+$/, "must be a whole number")), z.transform(Number)),
        z.number().check(z.gte(min, `must be at least ${min}`), z.lte(max, `must be at most ${max}`)),
      ),
    ),
  );

/** Levels of the log, least severe first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

const EnvSchema = z.object({
  TELEGRAM_BOT_TOKEN: z.pipe(
    optionalText,
    z.optional(
      z
        .string()
        .check(
          z.regex(
            /^\d+:[A-Za-z0-9_-]{20,}$/,
            "does not look like a bot token from @BotFather: digits, a colon, then 20 or more letters, digits, _ or -",
          ),
        ),
    ),
  ),
  TELEGRAM_API_ROOT: z.pipe(optionalText, z.optional(z.url("must be a URL such as https://api.telegram.org"))),
  ADMIN_USER_IDS: z.optional(idList),
  ALLOWED_CHAT_IDS: z.optional(idList),
  WEBHOOK_URL: z.pipe(optionalText, z.optional(z.url("must be the public https URL Telegram will post updates to"))),
  WEBHOOK_SECRET: z.pipe(
    optionalText,
    z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,256}$/, "may hold only A-Z, a-z, 0-9, _ and - (1-256 characters)"))),
  ),
  WEBHOOK_PORT: wholeNumber(1, 65535),
  RATE_LIMIT_PER_MINUTE: wholeNumber(1),
  POLICYBOT_SEEDS_DIR: optionalText,
  POLICYBOT_INDEX_DIR: optionalText,
  POLICYBOT_DATA_DIR: optionalText,
  POLICYBOT_VOCABULARY_DIR: optionalText,
  EMBEDDING_MODEL: optionalText,
  MODEL_LOCAL_DIR: optionalText,
  MODEL_CACHE_DIR: optionalText,
  MODEL_REMOTE_HOST: z.pipe(optionalText, z.optional(z.url("must be a URL such as https://hf-mirror.com/"))),
  LLM_BASE_URL: z.pipe(optionalText, z.optional(z.url("must be the base URL of an OpenAI-compatible API, e.g. https://api.deepseek.com/v1"))),
  LLM_API_KEY: optionalText,
  LLM_MODEL: optionalText,
  LLM_TIMEOUT_MS: wholeNumber(100),
  LOG_LEVEL: z.pipe(optionalText, z.optional(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }))),
});

/** Validated settings with defaults applied and paths made absolute. */
export interface Settings {
  readonly seedsDir: string;
  readonly indexDir: string;
  readonly dataDir: string;
  /** Word lists, tables and the fitted decision model (data/). */
  readonly vocabularyDir: string;
  /** LOG_LEVEL when set; otherwise each command picks its own (a server logs more than a one-shot command). */
  readonly logLevel: (typeof LOG_LEVELS)[number] | undefined;
  readonly embedding: {
    /** Model id; the offline model unless EMBEDDING_MODEL names another. */
    readonly model: string;
    readonly localModelDir: string;
    readonly cacheDir: string | undefined;
    readonly remoteHost: string;
    readonly loadTimeoutMs: number;
  };
  readonly telegram: {
    readonly token: string | undefined;
    readonly apiRoot: string;
    readonly adminUserIds: readonly number[];
    /** Undefined: every chat may use the bot. */
    readonly allowedChatIds: readonly number[] | undefined;
    readonly webhookUrl: string | undefined;
    readonly webhookSecret: string | undefined;
    readonly webhookPort: number;
    readonly rateLimitPerMinute: number;
  };
  /** Undefined when no language model is configured: answers are extractive. */
  readonly llm:
    | {
        readonly baseUrl: string;
        readonly apiKey: string;
        readonly model: string;
        readonly timeoutMs: number;
      }
    | undefined;
}

/**
 * Reads and validates settings from an environment.
 * @throws {ConfigError} naming every malformed variable (one per line) and what to set instead.
 */
export function loadSettings(env: NodeJS.ProcessEnv = process.env, root: string = PROJECT_ROOT): Settings {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    // All at once, so that fixing the environment takes one restart, not one per variable.
    const lines = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? "environment");
      return { variable, text: `${variable} ${issue.message}. Fix it in the environment or unset it.` };
    });
    throw new ConfigError(lines.map((l) => l.text).join("\n"), lines[0]!.variable);
  }
  const e = parsed.data;
  const abs = (p: string | undefined, fallback: string) => path.resolve(root, p ?? fallback);

  const llmParts = [e.LLM_BASE_URL, e.LLM_MODEL].filter(Boolean).length;
  if (llmParts === 1) {
    const missing = e.LLM_BASE_URL ? "LLM_MODEL" : "LLM_BASE_URL";
    throw new ConfigError(
      `${missing} is not set: a language model needs both LLM_BASE_URL and LLM_MODEL (and LLM_API_KEY if the server wants one). ` +
        "Unset both to answer without one.",
      missing,
    );
  }
  if (e.WEBHOOK_URL && !e.WEBHOOK_SECRET) {
    throw new ConfigError(
      "WEBHOOK_SECRET is not set: webhook mode needs a secret so that only Telegram can post updates. " +
        "Set WEBHOOK_SECRET to a random string (A-Z, a-z, 0-9, _ and -).",
      "WEBHOOK_SECRET",
    );
  }

  return {
    seedsDir: abs(e.POLICYBOT_SEEDS_DIR, DEFAULTS.seedsDir),
    indexDir: abs(e.POLICYBOT_INDEX_DIR, DEFAULTS.indexDir),
    dataDir: abs(e.POLICYBOT_DATA_DIR, DEFAULTS.dataDir),
    vocabularyDir: abs(e.POLICYBOT_VOCABULARY_DIR, DEFAULTS.vocabularyDir),
    logLevel: e.LOG_LEVEL,
    embedding: {
      model: e.EMBEDDING_MODEL ?? DEFAULTS.offlineModel,
      localModelDir: abs(e.MODEL_LOCAL_DIR, DEFAULTS.localModelDir),
      cacheDir: e.MODEL_CACHE_DIR ? path.resolve(root, e.MODEL_CACHE_DIR) : undefined,
      remoteHost: e.MODEL_REMOTE_HOST ?? DEFAULTS.modelRemoteHost,
      loadTimeoutMs: DEFAULTS.modelLoadTimeoutMs,
    },
    telegram: {
      token: e.TELEGRAM_BOT_TOKEN,
      apiRoot: (e.TELEGRAM_API_ROOT ?? DEFAULTS.telegramApiRoot).replace(/\/+$/, ""),
      adminUserIds: e.ADMIN_USER_IDS ?? [],
      allowedChatIds: e.ALLOWED_CHAT_IDS,
      webhookUrl: e.WEBHOOK_URL,
      webhookSecret: e.WEBHOOK_SECRET,
      webhookPort: e.WEBHOOK_PORT ?? DEFAULTS.webhookPort,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE ?? DEFAULTS.rateLimitPerMinute,
    },
    llm:
      e.LLM_BASE_URL && e.LLM_MODEL
        ? {
            baseUrl: e.LLM_BASE_URL,
            apiKey: e.LLM_API_KEY ?? "none",
            model: e.LLM_MODEL,
            timeoutMs: e.LLM_TIMEOUT_MS ?? DEFAULTS.llmTimeoutMs,
          }
        : undefined,
  };
}

/** Secret values in these settings, for redaction: tokens, keys, and a password inside LLM_BASE_URL (raw and decoded). */
export function secretsOf(settings: Settings): string[] {
  const base = settings.llm ? new URL(settings.llm.baseUrl) : undefined;
  const password = base?.password ? [base.password, decodeURIComponent(base.password)] : [];
  return [settings.telegram.token, settings.telegram.webhookSecret, settings.llm?.apiKey, ...password].filter(
    (s): s is string => typeof s === "string" && s.length >= 6 && s !== "none",
  );
}
