/**
 * Learns the offline model's token table from the data the project has. A token's row
 * is `weight × direction`:
 *  - direction: a normalised mix of (a) the sum of deterministic random vectors of its
 *    characters, so words sharing characters are close (学籍互转 / 互转学籍), (b) a random
 *    vector of its own, so an exact word match counts more than shared characters, and
 *    (c) a corpus context vector (positive PMI with nearby words, random-indexed), so
 *    words used in the same places lean towards each other;
 *  - weight: a BM25-style IDF over the corpus items, softened by jieba's general IDF for
 *    words the corpus lacks, and scaled down for function/question words.
 * The pipeline's mean pooling then sums rows (norms matter) and normalises, which makes
 * a sentence vector an IDF-weighted bag of words with soft character overlap. Alias keys
 * (普高, 技校, English words) get the rows of what they stand for.
 */
import { addScaled, normalizeInPlace, seededUnitVector } from "./seeded-vectors.ts";
import { SPECIAL_TOKENS } from "./vocabulary.ts";

/** The knobs of the table recipe; recorded in the model's config.json. */
export interface TableRecipe {
  /** Prefix of every random-vector key: another seed gives another (equally good) table. */
  readonly seed: string;
  readonly dims: number;
  /** Share of the character composition in a token's direction. */
  readonly charWeight: number;
  /** Share of the token's own random vector. */
  readonly ownWeight: number;
  /** Share of the corpus context (PPMI) vector. */
  readonly contextWeight: number;
  /** Tokens on each side that count as context. */
  readonly contextWindow: number;
  /** 0: corpus IDF only; 1: corpus IDF fully scaled by jieba's general IDF. */
  readonly generalIdfBlend: number;
  /** "replace": an alias key's row is its target's; "mix": half its own, half the target's. */
  readonly aliasMode: "replace" | "mix";
  readonly float16: boolean;
  readonly extraDictionaryWords: number;
}

export interface TableInputs {
  readonly tokens: readonly string[];
  /** Corpus items as token ids (no specials), for IDF. */
  readonly units: readonly (readonly number[])[];
  /** Corpus sentences as token ids, for co-occurrence. */
  readonly sentences: readonly (readonly number[])[];
  /** Alias key token id → token ids of its target. */
  readonly aliases: ReadonlyMap<number, readonly number[]>;
  readonly stopwords: ReadonlySet<string>;
  readonly stopwordScale: number;
  readonly generalIdf: ReadonlyMap<string, number>;
}

/** Weights of tokens that carry no meaning of their own. */
const SPECIAL_WEIGHT: Record<(typeof SPECIAL_TOKENS)[number], number> = { "[PAD]": 0, "[UNK]": 0.01, "[CLS]": 0.001 };
const PUNCTUATION_WEIGHT = 0.01;
/** An ASCII word the corpus never uses is most likely English filler. */
const UNKNOWN_ASCII_SCALE = 0.1;
/** jieba's general IDF at which a word counts as fully informative. */
const GENERAL_IDF_FULL = 10;

const PUNCTUATION = /^[\p{P}\p{S}]+$/u;
const ASCII_WORD = /^[a-z]+$/;

/** Builds the `tokens.length × dims` table, row-major float32. */
export function buildTokenTable(inputs: TableInputs, recipe: TableRecipe): Float32Array {
  const { tokens, units, aliases } = inputs;
  const dims = recipe.dims;
  const specialCount = SPECIAL_TOKENS.length;

  const df = new Float64Array(tokens.length);
  for (const unit of units) for (const id of new Set(unit)) df[id]! += 1;
  const n = units.length;
  const idfOf = (id: number) => Math.log(1 + (n - df[id]! + 0.5) / (df[id]! + 0.5));

  const isContent = (id: number) =>
    id >= specialCount && !PUNCTUATION.test(tokens[id]!) && !inputs.stopwords.has(tokens[id]!);

  const weight = (id: number): number => {
    const token = tokens[id]!;
    if (id < specialCount) return SPECIAL_WEIGHT[token as (typeof SPECIAL_TOKENS)[number]];
    if (PUNCTUATION.test(token)) return PUNCTUATION_WEIGHT;
    let w = idfOf(id);
    const general = inputs.generalIdf.get(token);
    const generalShare = general === undefined ? 1 : Math.min(1, general / GENERAL_IDF_FULL);
    w *= 1 - recipe.generalIdfBlend + recipe.generalIdfBlend * generalShare;
    if (inputs.stopwords.has(token)) w *= inputs.stopwordScale;
    if (df[id] === 0 && ASCII_WORD.test(token) && token.length > 1 && !aliases.has(id)) w *= UNKNOWN_ASCII_SCALE;
    if (df[id] === 0 && ASCII_WORD.test(token) && token.length === 1) w *= UNKNOWN_ASCII_SCALE;
    return w;
  };

  // First-order directions: characters + own identity.
  const base: Float64Array[] = tokens.map((token, id) => {
    if (id < specialCount) return seededUnitVector(`${recipe.seed}special:${token}`, dims);
    const chars = [...token];
    const own = seededUnitVector(`${recipe.seed}${chars.length === 1 ? "char" : "word"}:${token}`, dims);
    if (chars.length === 1) return own;
    const comp = new Float64Array(dims);
    for (const ch of chars) addScaled(comp, seededUnitVector(`${recipe.seed}char:${ch}`, dims), 1);
    normalizeInPlace(comp);
    const v = new Float64Array(dims);
    addScaled(v, comp, recipe.charWeight);
    addScaled(v, own, recipe.ownWeight);
    return normalizeInPlace(v);
  });

  const context = recipe.contextWeight > 0 ? contextVectors(inputs, base, isContent, recipe) : null;

  const table = new Float32Array(tokens.length * dims);
  const rows: Float64Array[] = tokens.map((_, id) => {
    const v = new Float64Array(base[id]!);
    const ctx = context?.get(id);
    if (ctx) {
      addScaled(v, ctx.vector, recipe.contextWeight * ctx.reliability);
      normalizeInPlace(v);
    }
    const w = weight(id);
    for (let i = 0; i < dims; i++) v[i]! *= w;
    return v;
  });

  for (const [aliasId, targetIds] of aliases) {
    const target = new Float64Array(dims);
    for (const t of targetIds) addScaled(target, rows[t]!, 1);
    const own = rows[aliasId]!;
    const row = new Float64Array(dims);
    if (recipe.aliasMode === "mix") {
      addScaled(row, own, 0.5);
      addScaled(row, target, 0.5);
    } else {
      addScaled(row, target, 1);
    }
    rows[aliasId] = row;
  }

  rows.forEach((row, id) => {
    for (let i = 0; i < dims; i++) table[id * dims + i] = row[i]!;
  });
  return table;
}

/**
 * Positive PMI between content tokens within a window, random-indexed: a token's
 * context vector is the PPMI-weighted sum of its neighbours' base directions.
 * Reliability grows with how often the token occurs, so rare words keep their own.
 */
function contextVectors(
  inputs: TableInputs,
  base: readonly Float64Array[],
  isContent: (id: number) => boolean,
  recipe: TableRecipe,
): Map<number, { vector: Float64Array; reliability: number }> {
  const pair = new Map<number, Map<number, number>>();
  const count = new Map<number, number>();
  for (const sentence of inputs.sentences) {
    const ids = sentence.filter(isContent);
    for (let i = 0; i < ids.length; i++) {
      const a = ids[i]!;
      count.set(a, (count.get(a) ?? 0) + 1);
      for (let j = Math.max(0, i - recipe.contextWindow); j <= Math.min(ids.length - 1, i + recipe.contextWindow); j++) {
        if (j === i || ids[j] === a) continue;
        const b = ids[j]!;
        let m = pair.get(a);
        if (!m) pair.set(a, (m = new Map()));
        m.set(b, (m.get(b) ?? 0) + 1);
      }
    }
  }
  // Context distribution smoothed with exponent 0.75 (as in word2vec / Levy et al.).
  let smoothTotal = 0;
  const smooth = new Map<number, number>();
  for (const [id, c] of count) {
    const s = c ** 0.75;
    smooth.set(id, s);
    smoothTotal += s;
  }
  const out = new Map<number, { vector: Float64Array; reliability: number }>();
  const sortedIds = [...pair.keys()].sort((x, y) => x - y);
  for (const a of sortedIds) {
    const m = pair.get(a)!;
    let rowTotal = 0;
    for (const c of m.values()) rowTotal += c;
    const v = new Float64Array(recipe.dims);
    const neighbours = [...m.keys()].sort((x, y) => x - y);
    for (const b of neighbours) {
      const pmi = Math.log((m.get(b)! / rowTotal) / (smooth.get(b)! / smoothTotal));
      if (pmi > 0) addScaled(v, base[b]!, pmi);
    }
    normalizeInPlace(v);
    const c = count.get(a) ?? 0;
    out.set(a, { vector: v, reliability: c / (c + 3) });
  }
  return out;
}
