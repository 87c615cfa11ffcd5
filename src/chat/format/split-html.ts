/**
 * Splits Telegram HTML into messages no longer than the Bot API limit, preferring
 * paragraph boundaries, then line ends, then sentence ends, and never cutting inside a
 * tag or an entity. Tags open at a cut are closed at the end of one part and reopened
 * (with their attributes) at the start of the next, so every part is balanced markup.
 */

/** Defaults for {@link splitHtml}. */
export const SPLIT_DEFAULTS = {
  /** Telegram's limit for one text message. */
  limit: 4096,
  /** A preferred boundary is only used when the part is at least this full (0..1). */
  minFill: 0.25,
} as const;

/** The input cannot be split: unbalanced markup, or a limit too small for its nesting. */
export class HtmlSplitError extends Error {
  override readonly name = "HtmlSplitError";
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

interface OpenTag {
  readonly name: string;
  readonly raw: string;
}

type Atom =
  | { readonly kind: "open"; readonly raw: string; readonly name: string }
  | { readonly kind: "close"; readonly raw: string; readonly name: string }
  | { readonly kind: "text"; readonly raw: string };

interface Candidate {
  /** Length of the part up to the cut. */
  readonly length: number;
  /** Index of the first atom after the cut. */
  readonly next: number;
  readonly stack: readonly OpenTag[];
  /** 3 paragraph, 2 line or block end, 1 sentence end, 0 anywhere. */
  readonly priority: number;
}

// A tag, an entity, or one code point (the u flag keeps surrogate pairs whole).
const ATOM = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^>]*)?>|&#?[a-zA-Z0-9]+;|[\s\S]/gu;
const SENTENCE_END = new Set(["。", "！", "？", "；", "!", "?", ";"]);

function tokenize(html: string): Atom[] {
  const atoms: Atom[] = [];
  for (const m of html.matchAll(ATOM)) {
    if (m[2] !== undefined) {
      atoms.push({ kind: m[1] ? "close" : "open", raw: m[0], name: m[2].toLowerCase() });
    } else {
      atoms.push({ kind: "text", raw: m[0] });
    }
  }
  return atoms;
}

const closers = (stack: readonly OpenTag[]): string =>
  stack
    .slice()
    .reverse()
    .map((t) => `</${t.name}>`)
    .join("");
const openers = (stack: readonly OpenTag[]): string => stack.map((t) => t.raw).join("");

function hasVisibleText(part: string): boolean {
  return part.replace(/<[^>]*>/g, "").trim() !== "";
}

/**
 * Splits `html` into parts of at most `limit` UTF-16 code units (Telegram's measure),
 * each with balanced tags. Text that fits is returned as a single part, unchanged.
 * @throws {HtmlSplitError} when a closing tag does not match, or nesting alone overflows.
 */
export function splitHtml(html: string, limit: number = SPLIT_DEFAULTS.limit): string[] {
  if (html.length <= limit) return hasVisibleText(html) ? [html] : [];
  const atoms = tokenize(html);
  const parts: string[] = [];

  let stack: OpenTag[] = [];
  let part = "";
  let candidates: Candidate[] = [];
  let i = 0;

  const startPart = (from: readonly OpenTag[], next: number) => {
    stack = [...from];
    part = openers(stack);
    candidates = [];
    i = next;
    // A new part does not start with the blank lines that separated it from the last one.
    while (i < atoms.length && atoms[i]!.kind === "text" && /^\s$/u.test(atoms[i]!.raw)) i++;
  };

  startPart([], 0);
  while (i < atoms.length) {
    const atom = atoms[i]!;
    let nextStack = stack;
    if (atom.kind === "open") nextStack = [...stack, { name: atom.name, raw: atom.raw }];
    if (atom.kind === "close") {
      if (stack[stack.length - 1]?.name !== atom.name) {
        throw new HtmlSplitError(`closing tag ${atom.raw} does not match the open tags`, i);
      }
      nextStack = stack.slice(0, -1);
    }

    if (part.length + atom.raw.length + closers(nextStack).length > limit) {
      const cut = chooseCut(candidates, limit);
      if (!cut) throw new HtmlSplitError(`limit ${limit} is too small for the markup nesting`, i);
      const text = part.slice(0, cut.length) + closers(cut.stack);
      if (hasVisibleText(text)) parts.push(text);
      startPart(cut.stack, cut.next);
      continue;
    }

    part += atom.raw;
    stack = nextStack;
    i++;
    if (atom.kind !== "open") {
      candidates.push({ length: part.length, next: i, stack, priority: priorityAfter(atoms, i - 1) });
    }
  }
  if (stack.length > 0) throw new HtmlSplitError(`unclosed tag <${stack[stack.length - 1]!.name}>`, atoms.length);
  if (hasVisibleText(part)) parts.push(part);
  return parts;
}

function priorityAfter(atoms: readonly Atom[], index: number): number {
  const atom = atoms[index]!;
  if (atom.kind === "close") return atom.name === "blockquote" || atom.name === "pre" ? 2 : 0;
  if (atom.raw === "\n") return atoms[index - 1]?.raw === "\n" ? 3 : 2;
  return SENTENCE_END.has(atom.raw) ? 1 : 0;
}

function chooseCut(candidates: readonly Candidate[], limit: number): Candidate | undefined {
  const minLength = limit * SPLIT_DEFAULTS.minFill;
  for (let priority = 3; priority >= 1; priority--) {
    for (let k = candidates.length - 1; k >= 0; k--) {
      const c = candidates[k]!;
      if (c.length < minLength) break;
      if (c.priority === priority) return c;
    }
  }
  return candidates[candidates.length - 1];
}
