/**
 * The word lists and patterns a language model's answer is checked against
 * (data/grounding-terms.json): organisation suffixes, extra measure words, instruction
 * spans inside documents, and what an answer must not leak. Read only when a model is
 * configured, so the file is not one of the index's inputs (DATA_FILES).
 */
import path from "node:path";
import * as z from "../util/zod.ts";
import { readJsonTable } from "./data-file.ts";

/** The file's name in the data folder. */
export const GROUNDING_TERMS_FILE = "grounding-terms.json";

const Words = z.array(z.string().check(z.minLength(1)));

/** A regular expression written as a string, compiled with `flags`. */
const pattern = (flags: string) =>
  z.pipe(
    z.string(),
    z.transform((source: string, ctx) => {
      try {
        return new RegExp(source, flags);
      } catch (err) {
        ctx.issues.push({ code: "custom", message: `not a regular expression: ${(err as Error).message}`, input: source });
        return z.NEVER;
      }
    }),
  );

const TermsFile = z.object({
  unitSuffixes: Words.check(z.minLength(1)),
  notUnitWords: Words,
  notUnitIfFollowedBy: z.record(z.string(), Words),
  quantityWords: Words,
  instructionPatterns: z.array(pattern("iu")),
  plainNo: Words,
  leakPatterns: z.record(z.string(), pattern("giu")),
  leakWords: Words,
});

/** The lists, validated; patterns compiled (instructions case-insensitive, leaks global too). */
export type GroundingTerms = z.infer<typeof TermsFile>;

/**
 * Reads the terms from a data folder.
 * @throws {DataFileError} naming the file, the line and the first problem.
 */
export function loadGroundingTerms(dir: string): GroundingTerms {
  const terms = readJsonTable(path.join(dir, GROUNDING_TERMS_FILE), TermsFile);
  // Longest suffix first, so that 委员会 wins over 委 and 人民政府 over 政府.
  terms.unitSuffixes.sort((a, b) => b.length - a.length);
  return terms;
}
