/**
 * The model's reply as the prompt asks for it: one JSON object
 * `{ answer, citations, refused }`. Parsing is tolerant of the wrappers real servers
 * add (```json fences, a reasoning model's <think> block, a sentence around the
 * object) and strict about the shape.
 */
import * as z from "../../util/zod.ts";

/** The shape the prompt asks the model to reply in. */
export const ModelReplySchema = z.object({
  answer: z.pipe(
    z.string(),
    z.transform((s: string) => s.trim()),
  ),
  citations: z.array(
    z.pipe(
      z.string(),
      z.transform((s: string) => s.trim().replace(/^[[(（【<]+|[\])）】>]+$/g, "").toLowerCase()),
    ),
  ),
  refused: z.boolean(),
});

export type ModelReply = z.infer<typeof ModelReplySchema>;

export type ParsedReply =
  | { readonly ok: true; readonly reply: ModelReply }
  | { readonly ok: false; readonly reason: "not-json" | "schema"; readonly detail: string };

/** The JSON text inside a reply: fences and reasoning removed, else the outermost {…}. */
export function jsonTextOf(raw: string): string {
  let text = raw.replace(/<think>[\s\S]*?<\/think>/gi, "").trim();
  const fenced = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/.exec(text);
  if (fenced) text = fenced[1]!.trim();
  if (!text.startsWith("{")) {
    const start = text.indexOf("{");
    const end = text.lastIndexOf("}");
    if (start >= 0 && end > start) text = text.slice(start, end + 1);
  }
  return text;
}

/** Parses and validates a reply's text. */
export function parseModelReply(raw: string): ParsedReply {
  let value: unknown;
  try {
    value = JSON.parse(jsonTextOf(raw));
  } catch (err) {
    return { ok: false, reason: "not-json", detail: `${(err as Error).message}; reply began ${JSON.stringify(raw.slice(0, 80))}` };
  }
  const parsed = ModelReplySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: "schema", detail: `${issue.path.join(".") || "reply"}: ${issue.message}` };
  }
  return { ok: true, reply: parsed.data };
}
