/**
 * A Unigram tokenizer that gives, id for id, what transformers.js's PreTrainedTokenizer
 * gives for the tokenizer.json shape the offline model ships (added tokens, NFKC + lower
 * case, BERT pre-tokenizer, Unigram, one leading special token, truncation at the model's
 * maximum length). It exists because importing transformers.js costs about half a second
 * and its tokenizer rebuilds a lattice of objects per word: a cold start must not pay the
 * first, a 10,000-circular build not the second. Any other tokenizer.json shape is
 * declined (`fromJson` returns undefined) and goes through transformers.js.
 *
 * Details copied on purpose from transformers.js 2.17 (tests compare the two on every
 * seed passage and question): the trie walks UTF-16 code units, so vocabulary entries
 * with astral characters never match; a code unit with no one-unit entry becomes [UNK]
 * at the lowest score minus 10; Viterbi keeps the first of equal paths; runs of unknown
 * pieces in one section are fused into one [UNK].
 */

/** Punctuation as the BERT pre-tokenizer of transformers.js defines it. */
const PUNCTUATION = String.raw`\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E`;
const PRE_TOKEN = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, "gu");

/** The parts of tokenizer.json this reader understands. */
interface TokenizerJson {
  readonly added_tokens?: readonly { id: number; content: string; lstrip?: boolean; rstrip?: boolean }[];
  readonly normalizer?: { type: string; normalizers?: readonly { type: string }[] } | null;
  readonly pre_tokenizer?: { type: string } | null;
  readonly post_processor?: { type: string; single?: readonly Record<string, { id: string }>[] } | null;
  readonly model?: { type: string; unk_id?: number; byte_fallback?: boolean; vocab?: readonly [string, number][] };
}

export class UnigramTokenizer {
  /**
   * The vocabulary as a trie over UTF-16 code units, flat: child of node n by unit u is
   * children.get(n * 65536 + u); token id ending at node n is leaf[n] (-1 for none).
   * One map instead of a map per node keeps it cheap, and a branch is built the first
   * time a text has a word starting with its unit (a question needs a few dozen of them).
   */
  private readonly children = new Map<number, number>();
  private leaf = new Int32Array(1024).fill(-1);
  private nodes = 1;
  /** Tokens not yet in the trie, by first code unit. */
  private readonly branches = new Map<number, [string, number][]>();
  private readonly scores: Float64Array;
  private readonly unkScore: number;
  /** Code units of the longest vocabulary entry (bounds the lattice). */
  private readonly longestToken: number;
  /** Ids of pre-tokens seen before; bounded, cleared when full. */
  private readonly cache = new Map<string, readonly number[]>();

  private constructor(
    vocab: readonly [string, number][],
    private readonly unkId: number,
    private readonly normalize: (text: string) => string,
    /** Token ids put before every text (the template's special tokens). */
    private readonly prefix: readonly number[],
    /** Added tokens, matched in the raw text before anything else. */
    private readonly added: ReadonlyMap<string, number>,
    private readonly addedPattern: RegExp | undefined,
    private readonly maxLength: number,
  ) {
    this.scores = Float64Array.from(vocab, ([, score]) => score);
    let min = Infinity;
    for (const s of this.scores) if (s < min) min = s;
    this.unkScore = min - 10;
    this.scores[unkId] = this.unkScore;
    // Tokens by first code unit: a branch of the trie is built when a text first starts a word with that unit.
    vocab.forEach(([token], id) => this.pending(token).push([token, id]));
    // A token listed twice takes its last id, and added tokens override, as transformers.js's maps do.
    for (const [content, id] of added) this.pending(content).push([content, id]);
    this.longestToken = Math.max(1, ...vocab.map(([t]) => t.length), ...[...added.keys()].map((t) => t.length));
  }

  private pending(token: string): [string, number][] {
    const unit = token.charCodeAt(0);
    let list = this.branches.get(unit);
    if (!list) this.branches.set(unit, (list = []));
    return list;
  }

  /** Puts the tokens starting with `unit` into the trie (once). */
  private grow(unit: number): void {
    const tokens = this.branches.get(unit);
    if (!tokens) return;
    this.branches.delete(unit);
    for (const [token, id] of tokens) {
      // transformers.js inserts by code point and searches by code unit: astral entries never match.
      let astral = false;
      for (let i = 0; i + 1 < token.length; i++)
        if (isHighSurrogate(token.charCodeAt(i)) && isLowSurrogate(token.charCodeAt(i + 1))) astral = true;
      if (astral) continue;
      let node = 0;
      for (let i = 0; i < token.length; i++) {
        const key = node * 65536 + token.charCodeAt(i);
        let child = this.children.get(key);
        if (child === undefined) {
          child = this.nodes++;
          if (child >= this.leaf.length) {
            const bigger = new Int32Array(this.leaf.length * 2).fill(-1);
            bigger.set(this.leaf);
            this.leaf = bigger;
          }
          this.children.set(key, child);
        }
        node = child;
      }
      this.leaf[node] = id;
    }
  }

  /**
   * A tokenizer for this tokenizer.json and tokenizer_config.json, or undefined when
   * they use a part this reader does not reproduce exactly.
   */
  static fromJson(json: TokenizerJson, config: { model_max_length?: number; remove_space?: boolean }): UnigramTokenizer | undefined {
    const model = json.model;
    if (model?.type !== "Unigram" || model.byte_fallback || !Array.isArray(model.vocab) || typeof model.unk_id !== "number")
      return undefined;
    if (json.pre_tokenizer?.type !== "BertPreTokenizer" || config.remove_space) return undefined;
    const normalize = normalizerOf(json.normalizer ?? null);
    if (!normalize) return undefined;
    const added = new Map<string, number>();
    for (const t of json.added_tokens ?? []) {
      if (t.lstrip || t.rstrip) return undefined;
      added.set(t.content, t.id);
    }
    const prefix: number[] = [];
    const post = json.post_processor;
    if (post) {
      const single = post.type === "TemplateProcessing" ? post.single : undefined;
      if (!single || single.length === 0 || !("Sequence" in single[single.length - 1]!)) return undefined;
      for (const part of single.slice(0, -1)) {
        const id = added.get(part.SpecialToken?.id ?? "");
        if (id === undefined) return undefined;
        prefix.push(id);
      }
    }
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pattern = added.size > 0 ? new RegExp([...added.keys()].map((c) => `(${escape(c)})`).join("|")) : undefined;
    return new UnigramTokenizer(model.vocab, model.unk_id, normalize, prefix, added, pattern, config.model_max_length ?? Infinity);
  }

  /** Token ids of one text, special tokens included, as the pipeline feeds the model. */
  encode(text: string): number[] {
    const ids = [...this.prefix];
    const sections = this.addedPattern ? text.split(this.addedPattern).filter((s) => s) : [text];
    for (const section of sections) {
      const addedId = this.added.get(section);
      if (addedId !== undefined) {
        ids.push(addedId);
        continue;
      }
      const normalized = this.normalize(section);
      if (normalized.length === 0) continue;
      let previousUnknown = false;
      for (const piece of normalized.trim().match(PRE_TOKEN) ?? []) {
        for (const id of this.pieces(piece)) {
          const unknown = id === this.unkId;
          if (!(unknown && previousUnknown)) ids.push(id);
          previousUnknown = unknown;
        }
      }
    }
    if (ids.length > this.maxLength) ids.length = this.maxLength;
    return ids;
  }

  /**
   * Ids of one pre-token: the best-scoring segmentation (Viterbi), first path on ties,
   * every sum taken as transformers.js takes it. The lattice lives in typed scratch
   * arrays reused between calls (a build tokenizes millions of words).
   */
  private pieces(word: string): readonly number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const n = word.length;
    const lattice = this.lattice(n);
    const { token, score, best, prev, nextEnding, firstStarting } = lattice;
    // Per position, the nodes ending there as a list in insertion order (head and tail).
    const head = lattice.head.fill(-1, 0, n + 1);
    const tail = lattice.tail;
    let nodes = 0;
    const add = (at: number, length: number, s: number, tokenId: number) => {
      token[nodes] = tokenId;
      score[nodes] = s;
      nextEnding[nodes] = -1;
      const end = at + length;
      if (head[end] === -1) head[end] = nodes;
      else nextEnding[tail[end]!] = nodes;
      tail[end] = nodes;
      nodes++;
    };
    add(0, 0, 0, -1); // the start node, ending at 0
    best[0] = 0;
    for (let at = 0; at < n; at++) {
      firstStarting[at] = nodes;
      if (this.branches.size > 0) this.grow(word.charCodeAt(at));
      let node = 0;
      let single = false;
      for (let i = at; i < n; i++) {
        const child = this.children.get(node * 65536 + word.charCodeAt(i));
        if (child === undefined) break;
        node = child;
        const id = this.leaf[node]!;
        if (id >= 0) {
          add(at, i - at + 1, this.scores[id]!, id);
          if (i === at) single = true;
        }
      }
      if (!single) add(at, 1, this.unkScore, this.unkId);
    }
    firstStarting[n] = nodes;
    for (let at = 0; at < n; at++) {
      for (let r = firstStarting[at]!; r < firstStarting[at + 1]!; r++) {
        let bestScore = 0;
        let bestNode = -1;
        for (let l = head[at]!; l !== -1; l = nextEnding[l]!) {
          const s = best[l]! + score[r]!;
          if (bestNode === -1 || s > bestScore) {
            bestNode = l;
            bestScore = s;
          }
        }
        prev[r] = bestNode;
        best[r] = bestScore;
      }
    }
    // The end node takes the best path ending at n.
    let last = -1;
    let lastScore = 0;
    for (let l = head[n]!; l !== -1; l = nextEnding[l]!) {
      if (last === -1 || best[l]! > lastScore) {
        last = l;
        lastScore = best[l]!;
      }
    }
    const out: number[] = [];
    for (let node = last; node > 0; node = prev[node]!) out.push(token[node]!);
    out.reverse();
    if (n <= CACHED_WORD_LENGTH) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(word, out);
    }
    return out;
  }

  private scratch: Lattice | undefined;

  /** Scratch arrays for a word of n code units (a node per token match, at most n × the longest token, plus unknowns). */
  private lattice(n: number): Lattice {
    const nodes = n * (this.longestToken + 1) + 1;
    if (!this.scratch || this.scratch.head.length < n + 1 || this.scratch.token.length < nodes) {
      const size = Math.max(nodes, 1024);
      const positions = Math.max(n + 1, 256);
      this.scratch = {
        token: new Int32Array(size),
        score: new Float64Array(size),
        best: new Float64Array(size),
        prev: new Int32Array(size),
        nextEnding: new Int32Array(size),
        head: new Int32Array(positions),
        tail: new Int32Array(positions),
        firstStarting: new Int32Array(positions),
      };
    }
    return this.scratch;
  }
}

interface Lattice {
  readonly token: Int32Array;
  readonly score: Float64Array;
  readonly best: Float64Array;
  readonly prev: Int32Array;
  readonly nextEnding: Int32Array;
  readonly head: Int32Array;
  readonly tail: Int32Array;
  readonly firstStarting: Int32Array;
}

/** Pre-tokens up to this length are remembered (words and numbers repeat; long runs of text do not). */
const CACHED_WORD_LENGTH = 12;
const CACHE_LIMIT = 100_000;

/** The normalizer chain as a function, or undefined for parts not reproduced here. */
function normalizerOf(config: { type: string; normalizers?: readonly { type: string }[] } | null): ((text: string) => string) | undefined {
  if (config === null) return (t) => t;
  const steps = config.type === "Sequence" ? (config.normalizers ?? []) : [config];
  const fns: ((t: string) => string)[] = [];
  for (const step of steps) {
    if (step.type === "NFKC") fns.push((t) => t.normalize("NFKC"));
    else if (step.type === "Lowercase") fns.push((t) => t.toLowerCase());
    else return undefined;
  }
  return (text) => fns.reduce((t, fn) => fn(t), text);
}

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;
