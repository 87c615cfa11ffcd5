/**
 * The project's vocabulary, read from the data folder (`data/` by default, from
 * settings): every word list and table the stages use, each checked by its schema. This
 * is the one place data files are named and loaded; the index hashes the same files.
 */
import { statSync } from "node:fs";
import path from "node:path";
import * as z from "../util/zod.ts";
import { DataFileError, readJsonTable, readKeyedLines, readWordList } from "./data-file.ts";

/** One group of words that exclude each other; "item" groups hold for a cited item as a whole. */
export interface ContrastGroup {
  readonly words: readonly string[];
  readonly scope: "sentence" | "item";
}

/** A measure a figure question can ask for (所, 人次, %…). */
export interface Measure {
  readonly name: string;
  /** What a question writes after 多少/几 (多少所, 多少学生). */
  readonly asks: readonly string[];
  /** Words that ask for the measure on their own (比例, 百分之多少). */
  readonly alone: readonly string[];
  /** Measure words written after a figure in the circulars. */
  readonly written: readonly string[];
  /** A generic counter (个) that any counted measure answers. */
  readonly counts: boolean;
}

/** Cue words of each question kind (data/question-kinds.json). */
export interface KindCues {
  readonly compare: readonly string[];
  readonly list: readonly string[];
  readonly listObjects: readonly string[];
  readonly listScopes: readonly string[];
  readonly who: readonly string[];
  readonly when: readonly string[];
  readonly number: readonly string[];
  readonly yesno: readonly string[];
  /** Per document fact (issuer, docNumber, date…), the words that ask for it. */
  readonly meta: Readonly<Record<MetaFact, readonly string[]>>;
  /** English question words → the Chinese that asks the same (who → 谁). */
  readonly englishAsks: ReadonlyMap<string, string>;
  /** Words that open an English yes/no question (does, is, can…). */
  readonly englishYesno: readonly string[];
}

/** Facts about a circular itself that a question can ask for. */
export const META_FACTS = [
  "title", "implementers", "issuer", "docNumber", "date", "addressees", "public", "basis", "contact", "effect", "attachments", "count",
] as const;
export type MetaFact = (typeof META_FACTS)[number];

/** Words the answer stage reads (data/answer-words.json). */
export interface AnswerWords {
  readonly yesnoVerbs: ReadonlyMap<string, string>;
  readonly negatedLeads: ReadonlyMap<string, string>;
  readonly negations: readonly string[];
  readonly notNegations: readonly string[];
  readonly actorVerbs: readonly string[];
  readonly issueVerbs: readonly string[];
  readonly onlyWords: readonly string[];
  readonly leadWords: readonly string[];
  readonly partWords: readonly string[];
}

/** Unit spellings and compound entries (data/units.json). */
export interface UnitTable {
  /** Canonical name → other spellings. */
  readonly spellings: ReadonlyMap<string, readonly string[]>;
  /** An entry that names several units (各市、县（市、区）人民政府) → the units it names. */
  readonly includes: ReadonlyMap<string, readonly string[]>;
}

/** Chat around a question (data/chat.json). */
export interface ChatWords {
  readonly greetings: readonly string[];
  readonly preambles: readonly string[];
  readonly closings: readonly string[];
  readonly context: readonly string[];
  /** Words that make a clause a question. */
  readonly asks: readonly string[];
  /** Openings of a clause that instructs the bot (忽略以上…, 说…): no question, no topic. */
  readonly instructions: readonly string[];
}

/** Place names (data/places.json). */
export interface Places {
  readonly otherProvinces: readonly string[];
  readonly home: readonly string[];
  readonly cities: readonly string[];
}

/** Everything in the data folder. */
export interface Vocabulary {
  /** Abbreviation or everyday word → the circulars' wording. */
  readonly aliases: ReadonlyMap<string, readonly string[]>;
  /** English word or phrase (lower case) → Chinese terms. */
  readonly english: ReadonlyMap<string, readonly string[]>;
  /** English words that carry no topic (the, of, which…). */
  readonly englishStopwords: ReadonlySet<string>;
  /** Words that carry nothing for search. */
  readonly stopwords: ReadonlySet<string>;
  /** Words that only say what kind of answer is wanted, or are filler: no topic. */
  readonly questionWords: ReadonlySet<string>;
  /** Terms the segmenter keeps whole. */
  readonly domainTerms: readonly string[];
  /** Responsible units: canonical name → other spellings, and entries that name several units. */
  readonly units: UnitTable;
  readonly contrasts: readonly ContrastGroup[];
  readonly chat: ChatWords;
  readonly kinds: KindCues;
  readonly measures: readonly Measure[];
  readonly answerWords: AnswerWords;
  readonly places: Places;
  /** Toneless pinyin of each CJK character (U+4E00–U+9FFF) pinyin-pro knows, for reading homophones. */
  readonly charSounds: CharSounds;
  /** Characters opencc changes to mainland simplified on their own: text with none of them needs no conversion. */
  readonly traditionalChars: ReadonlySet<string>;
}

/** A character's toneless pinyin, when the table has it. */
export interface CharSounds {
  get(ch: string): string | undefined;
}

/** The first and last character the sound table covers (CJK Unified Ideographs). */
const SOUND_RANGE = [0x4e00, 0x9fff] as const;

/**
 * The sound table of data/char-sounds.txt as sound numbers indexed by character code: a
 * Map of its 20,000 characters took 15–30 ms of every start, this takes well under one.
 */
function soundTable(file: string): CharSounds {
  const lines = readKeyedLines(file);
  const sounds = lines.map(([sound]) => sound);
  const [first, last] = SOUND_RANGE;
  // 0: no sound; n: sounds[n - 1].
  const ids = new Uint16Array(last - first + 1);
  lines.forEach(([sound, chars], id) => {
    for (const ch of chars) {
      const at = ch.codePointAt(0)! - first;
      if (ch.length !== 1 || at < 0 || at >= ids.length) {
        const message = `${path.basename(file)}: ${ch} (under ${sound}) is outside U+4E00–U+9FFF; rebuild it with npm run build:sounds.`;
        throw new DataFileError(message, file, null);
      }
      ids[at] = id + 1;
    }
  });
  return {
    get(ch) {
      const at = ch.length === 1 ? ch.charCodeAt(0) - first : -1;
      const id = at >= 0 && at < ids.length ? ids[at]! : 0;
      return id === 0 ? undefined : sounds[id - 1];
    },
  };
}

/** The data files, by what they hold. */
export const DATA_FILES = {
  aliases: "aliases.json",
  english: "en-zh.json",
  englishStopwords: "english-stopwords.txt",
  stopwords: "stopwords.txt",
  questionWords: "question-words.txt",
  domainTerms: "domain-terms.txt",
  units: "units.json",
  contrasts: "contrasts.json",
  chat: "chat.json",
  kinds: "question-kinds.json",
  measures: "measures.json",
  answerWords: "answer-words.json",
  places: "places.json",
  charSounds: "char-sounds.txt",
  traditionalChars: "traditional-chars.txt",
} as const;

const Words = z.array(z.string().check(z.minLength(1)));
const TermMap = z.record(z.string(), Words);

/** Whether a value plainly is a TermMap: an object of arrays of non-empty strings (else zod says what is wrong). */
function isTermMap(json: unknown): json is z.infer<typeof TermMap> {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return false;
  return Object.values(json).every((v) => Array.isArray(v) && v.every((x) => typeof x === "string" && x.length > 0));
}
const ContrastFile = z.object({
  groups: z.array(
    z.union([Words.check(z.minLength(2)), z.object({ words: Words.check(z.minLength(2)), scope: z.enum(["sentence", "item"]) })]),
  ),
});
const UnitFile = z.object({ spellings: TermMap, includes: TermMap });
const ChatFile = z.object({ greetings: Words, preambles: Words, closings: Words, context: Words, asks: Words, instructions: Words });
const KindFile = z.object({
  compare: Words,
  list: Words,
  listObjects: Words,
  listScopes: Words,
  who: Words,
  when: Words,
  number: Words,
  yesno: Words,
  meta: z.object(Object.fromEntries(META_FACTS.map((f) => [f, Words])) as Record<MetaFact, typeof Words>),
  englishAsks: z.record(z.string(), z.string()),
  englishYesno: Words,
});
const MeasureFile = z.object({
  measures: z.array(
    z.object({
      name: z.string().check(z.minLength(1)),
      asks: Words.check(z.minLength(1)),
      alone: z.optional(Words),
      written: Words.check(z.minLength(1)),
      counts: z.optional(z.boolean()),
    }),
  ),
});
const AnswerWordsFile = z.object({
  yesnoVerbs: z.record(z.string(), z.string()),
  negatedLeads: z.record(z.string(), z.string()),
  negations: Words,
  notNegations: Words,
  actorVerbs: Words,
  issueVerbs: Words,
  onlyWords: Words,
  leadWords: Words,
  partWords: Words,
});
const PlacesFile = z.object({ otherProvinces: Words, home: Words, cities: Words });

/** The data files the search index is built from (segmentation); the index is rebuilt when they change. */
export const INDEX_DATA_FILES: readonly (keyof typeof DATA_FILES)[] = ["stopwords", "domainTerms"];

/** Keys are matched in lower case (English), longest first where order matters; `spelled` writes them as they are matched. */
function termMap(record: Record<string, string[]>, spelled: (key: string) => string = (k) => k): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of Object.entries(record)) out.set(spelled(k.toLowerCase()), v);
  return out;
}

/**
 * A glossary phrase as questions are matched: hyphens read as spaces, whitespace as one
 * space (high-tech zone = high tech zone). Only keys that change are rewritten: the two
 * replacements on every one of 4,000 keys took 18–21 ms of a cold start.
 */
function glossaryKey(key: string): string {
  return /-|[^\S ]| {2}/.test(key) ? key.replace(/-/g, " ").replace(/\s+/g, " ") : key;
}

function unitTable(data: z.infer<typeof UnitFile>): UnitTable {
  return { spellings: new Map(Object.entries(data.spellings)), includes: new Map(Object.entries(data.includes)) };
}

/** Reads every data file of `dir`; a missing or malformed file is a DataFileError naming it. */
export function loadVocabulary(dir: string): Vocabulary {
  // Reading and validating every list takes ~40 ms; a reindex opens the vocabulary again
  // while questions are being answered, and finds the files as they were.
  const signature = Object.values(DATA_FILES)
    .map((name) => {
      const stat = statSync(path.join(dir, name), { throwIfNoEntry: false });
      return `${name}:${stat?.size ?? -1}:${stat?.mtimeMs ?? -1}`;
    })
    .join("|");
  const key = `${path.resolve(dir)}|${signature}`;
  if (lastLoaded?.key !== key) lastLoaded = { key, vocabulary: readVocabulary(dir) };
  return lastLoaded.vocabulary;
}

/** The vocabulary last read, and the files' sizes and times it was read from. */
let lastLoaded: { key: string; vocabulary: Vocabulary } | undefined;

function readVocabulary(dir: string): Vocabulary {
  const file = (name: keyof typeof DATA_FILES) => path.join(dir, DATA_FILES[name]);
  const kindFile = readJsonTable(file("kinds"), KindFile);
  const kinds = { ...kindFile, englishAsks: new Map(Object.entries(kindFile.englishAsks)) };
  const words = readJsonTable(file("answerWords"), AnswerWordsFile);
  return {
    aliases: termMap(readJsonTable(file("aliases"), TermMap, isTermMap)),
    english: termMap(readJsonTable(file("english"), TermMap, isTermMap), glossaryKey),
    englishStopwords: new Set(readWordList(file("englishStopwords"))),
    stopwords: new Set(readWordList(file("stopwords"))),
    questionWords: new Set(readWordList(file("questionWords"))),
    domainTerms: readWordList(file("domainTerms")),
    units: unitTable(readJsonTable(file("units"), UnitFile)),
    contrasts: readJsonTable(file("contrasts"), ContrastFile).groups.map((g) =>
      Array.isArray(g) ? { words: g, scope: "item" as const } : g,
    ),
    chat: readJsonTable(file("chat"), ChatFile),
    kinds,
    measures: readJsonTable(file("measures"), MeasureFile).measures.map((m) => ({ ...m, alone: m.alone ?? [], counts: m.counts ?? false })),
    answerWords: {
      ...words,
      yesnoVerbs: new Map(Object.entries(words.yesnoVerbs)),
      negatedLeads: new Map(Object.entries(words.negatedLeads)),
    },
    places: readJsonTable(file("places"), PlacesFile),
    traditionalChars: new Set(readWordList(file("traditionalChars")).flatMap((line) => [...line])),
    charSounds: soundTable(file("charSounds")),
  };
}
