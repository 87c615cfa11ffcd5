/**
 * `policybot docs`, `items` and `item`: the parsed corpus as a person or a checker reads
 * it. docs and item are the same commands the chats have (src/commands/), as text.
 */
import { docsReply } from "../commands/docs.ts";
import { itemReply } from "../commands/item.ts";
import { allPages, type Reply } from "../commands/reply.ts";
import { directoryOf } from "../corpus/lookup.ts";
import type { Corpus } from "../corpus/types.ts";
import { pageText } from "../chat/format/reply-text.ts";
import { CLI_WORDING } from "../wording/wording.ts";

/** Output streams, so tests can capture them. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

/** Prints a reply: a failed one on stderr with exit code 1. */
function print(reply: Reply, io: Io, pages = allPages(reply)): number {
  const text = pages.map((p) => pageText(p)).join("\n\n");
  if (reply.failed) {
    io.err(text);
    return 1;
  }
  io.out(text);
  return 0;
}

/** One page of the document list (or of a search); `page` counts from 1. */
export function docsCommand(corpus: Corpus, io: Io, words: readonly string[], page = "1"): number {
  const reply = docsReply(corpus, words.join(" "));
  const n = Number(page);
  if (!Number.isInteger(n) || n < 1 || n > reply.pageCount) {
    io.err(CLI_WORDING.badPage(page, reply.pageCount));
    return 2;
  }
  const code = print(reply, io, [reply.page(n - 1)]);
  if (n < reply.pageCount) io.out(CLI_WORDING.pageHint(n, reply.pageCount, ["policybot docs", ...words, `--page ${n + 1}`].join(" ")));
  return code;
}

/** Every item, in document order; `json` prints CONTRACT §3's JSON Lines. */
export function itemsCommand(corpus: Corpus, io: Io, json: boolean): number {
  const dir = directoryOf(corpus);
  const lines: string[] = [];
  for (const d of corpus.documents) {
    for (const it of d.items) {
      if (json) {
        lines.push(
          JSON.stringify({
            file: it.file,
            item: it.label,
            title: d.meta.title,
            docNumber: d.meta.docNumber,
            text: it.text,
            responsible: it.responsible,
          }),
        );
      } else {
        const first = it.text.split("\n")[0]!;
        lines.push(`${dir.shortId(it.file)}  ${it.label ?? "—"}  ${first.length > 40 ? first.slice(0, 40) + "…" : first}`);
      }
    }
  }
  io.out(lines.join("\n"));
  return 0;
}

/** One item's full text (every page), or a short message on stderr. */
export function itemCommand(corpus: Corpus, io: Io, args: readonly string[]): number {
  if (args.length < 2) {
    io.err(CLI_WORDING.itemUsage);
    return 2;
  }
  return print(itemReply(corpus, args.join(" ")), io);
}
