/**
 * The answer prompt: system and user templates read from `prompts/answer.zh.md`, and
 * the retrieved items rendered as delimited, escaped data for its `{documents}` slot.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import type { BaseMessage } from "@langchain/core/messages";
import * as z from "../../util/zod.ts";
import { PROJECT_ROOT } from "../../config/settings.ts";
import type { Citation } from "../types.ts";

/** Where the prompt lives unless a test or deployment names another file. */
export const ANSWER_PROMPT_FILE = path.join(PROJECT_ROOT, "prompts", "answer.zh.md");

/** The prompt file is missing or malformed; `file` says which one. */
export class PromptFileError extends Error {
  override readonly name = "PromptFileError";
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

const SECTION = /^###\s+(system|user)\s*$/gm;

const Sections = z.object({
  system: z.string().check(z.trim(), z.minLength(1, "the system section is empty")),
  user: z
    .string()
    .check(
      z.trim(),
      z.minLength(1, "the user section is empty"),
      z.refine((s) => s.includes("{question}") && s.includes("{documents}"), "the user section must contain {question} and {documents}"),
    ),
});

/** The id a candidate goes by in the prompt and in the model's citations: c1, c2, … */
export function candidateId(index: number): string {
  return `c${index + 1}`;
}

/** Escapes text so that it cannot open or close a tag inside a document element. */
export function escapeData(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttribute(text: string): string {
  return escapeData(text).replace(/"/g, "&quot;").replace(/[\r\n]+/g, " ");
}

/** The candidates as `<document id="c1" title="…" …>text</document>` elements, one per line block. */
export function renderDocuments(candidates: readonly Citation[]): string {
  return candidates
    .map((c, i) => {
      const attrs = [
        `id="${candidateId(i)}"`,
        `title="${escapeAttribute(c.title)}"`,
        c.docNumber ? `doc_number="${escapeAttribute(c.docNumber)}"` : null,
        c.date ? `date="${escapeAttribute(c.date)}"` : null,
        `item="${escapeAttribute(c.label ?? "正文")}"`,
      ].filter(Boolean);
      return `<document ${attrs.join(" ")}>\n${escapeData(c.text)}\n</document>`;
    })
    .join("\n");
}

/** The loaded prompt, ready to format for one question. */
export class AnswerPrompt {
  private constructor(
    private readonly template: ChatPromptTemplate,
    readonly file: string,
  ) {}

  /**
   * Reads and checks the prompt file.
   * @throws {PromptFileError} when the file is missing, lacks a section, or a template does not parse.
   */
  static load(file: string = ANSWER_PROMPT_FILE): AnswerPrompt {
    let raw: string;
    try {
      raw = readFileSync(file, "utf8");
    } catch (err) {
      throw new PromptFileError(`prompt file ${file} cannot be read (${(err as Error).message})`, file);
    }
    const found: Record<string, string> = {};
    const marks = [...raw.matchAll(SECTION)];
    marks.forEach((m, i) => {
      const end = marks[i + 1]?.index ?? raw.length;
      found[m[1]!] = raw.slice(m.index! + m[0].length, end);
    });
    const parsed = Sections.safeParse(found);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new PromptFileError(
        `prompt file ${file}: ${issue.path.join(".") || "sections"}: ${issue.message} (expected "### system" and "### user" sections)`,
        file,
      );
    }
    try {
      const template = ChatPromptTemplate.fromMessages([
        ["system", parsed.data.system],
        ["human", parsed.data.user],
      ]);
      return new AnswerPrompt(template, file);
    } catch (err) {
      throw new PromptFileError(
        `prompt file ${file}: template does not parse (${(err as Error).message}); write literal braces as {{ and }}`,
        file,
      );
    }
  }

  /** The chat messages for one question and its candidate items. */
  format(question: string, candidates: readonly Citation[]): Promise<BaseMessage[]> {
    return this.template.formatMessages({ question: escapeData(question), documents: renderDocuments(candidates) });
  }
}
