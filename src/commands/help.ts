/**
 * help (and Telegram's /start): what the bot does, example questions built from the
 * documents it holds (so they change with the corpus), and the commands of the front end
 * that asks.
 */
import type { DocumentMeta } from "../corpus/types.ts";
import { COMMAND_WORDING, WORDING, type CommandName } from "../wording/wording.ts";
import { replyOf, type Line, type Reply } from "./reply.ts";

/** Example questions drawn from the documents, one per document, the title making each shape concrete. */
export function exampleQuestions(docs: readonly DocumentMeta[], count: number): string[] {
  const shapes = WORDING.exampleQuestions;
  return docs.slice(0, count).map((d, k) => shapes[k % shapes.length]!(d.title, d.docNumber));
}

export interface HelpOptions {
  /** What the front end says first (how to ask there). */
  readonly intro: readonly string[];
  readonly documents: readonly DocumentMeta[];
  readonly examples: number;
  /** The commands this front end has, in the order listed. */
  readonly commands: readonly CommandName[];
}

export function helpReply(o: HelpOptions): Reply {
  const examples = exampleQuestions(o.documents, o.examples);
  const intro: Line[] = [WORDING.intro, ...o.intro].map((l) => [l]);
  const exampleLines: Line[] = [[{ bold: WORDING.examplesHeading }], ...examples.map((q): Line => [`• ${q}`])];
  const commandLines: Line[] = [[{ bold: WORDING.usageHeading }], ...o.commands.map((c): Line => [`/${c} — ${COMMAND_WORDING[c].zh}`])];
  return replyOf({
    blocks: [
      { kind: "text", lines: intro },
      ...(examples.length > 0 ? [{ kind: "text" as const, lines: exampleLines }] : []),
      { kind: "text", lines: commandLines },
    ],
    buttons: [],
  });
}
