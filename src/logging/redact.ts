/**
 * The one redaction every path that writes text out goes through: log lines, the
 * update ledger, the question and feedback journals, conversation sessions. It removes
 * the secrets the settings hold (in every form they could appear: whole, a bot token's
 * part after the colon, URL-encoded) and anything shaped like a credential, whoever it
 * belongs to: Telegram bot tokens, API keys of the `sk-…` kind, and user:password in URLs.
 * A user who pastes a token into a question gets it stored as "[redacted]".
 */

export const REDACTED = "[redacted]";

/** Telegram bot tokens (digits:35 characters) wherever they appear, URLs included. */
export const TOKEN_PATTERN = /(?<!\d)\d{6,}:[A-Za-z0-9_-]{30,}/g;

/** Credentials recognised by their shape, whoever they belong to. */
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  TOKEN_PATTERN,
  // OpenAI-style API keys (OpenAI, DeepSeek and most compatible providers).
  /(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{16,}/g,
];

/** user:password@ (or user@) in a URL; the scheme and host stay readable. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;

/** Secrets shorter than this are not searched for (they would match ordinary text). */
const MIN_SECRET_LENGTH = 6;

export class Redactor {
  /** Longest first, so a whole token is not half-replaced by its own tail. */
  private secrets: string[] = [];

  constructor(secrets: readonly string[] = []) {
    this.add(secrets);
  }

  /** Registers more values to remove, with the forms they could take. */
  add(secrets: readonly (string | undefined)[]): void {
    const forms = secrets
      .filter((s): s is string => typeof s === "string")
      .flatMap((s) => [s, s.slice(s.indexOf(":") + 1), encodeURIComponent(s)]);
    const all = new Set([...this.secrets, ...forms.filter((f) => f.length >= MIN_SECRET_LENGTH)]);
    this.secrets = [...all].sort((a, b) => b.length - a.length);
  }

  /** `text` with every secret and credential replaced by [redacted]. */
  text(text: string): string {
    let out = text.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
    for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, REDACTED);
    for (const s of this.secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }

  /** A copy of a JSON-like value with every string redacted (keys included); other values as they are. */
  value<T>(value: T): T {
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === "string") return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.text(k), this.walk(v)]));
    }
    return value;
  }
}
