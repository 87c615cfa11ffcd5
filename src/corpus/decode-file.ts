/**
 * Turns a seed file's bytes into text, or into a message that says why it cannot be
 * read. Circulars arrive as UTF-8, as UTF-16 with a byte-order mark (Windows "Unicode"
 * text), as GBK/GB18030 or, from Hong Kong, Macao and Taiwan sources, as Big5; each is
 * decoded, and anything that would become mojibake or holds no Chinese is refused.
 */
import { createRequire } from "node:module";
import { detectLegacyEncoding } from "./legacy-encoding.ts";

/** iconv-lite, loaded when a file is not UTF-8 (most never need it, and a cold start should not pay for it). */
const iconv = () => createRequire(import.meta.url)("iconv-lite") as typeof import("iconv-lite");

/** Files larger than this are refused: no circular is this long, and parsing it would stall start-up. */
export const MAX_SEED_BYTES = 20 * 1024 * 1024;

export type SeedEncoding = "utf-8" | "utf-16le" | "utf-16be" | "gb18030" | "big5";

export type DecodeResult =
  | { readonly ok: true; readonly text: string; readonly encoding: SeedEncoding }
  | { readonly ok: false; readonly message: string };

/** How an encoding is named in messages. */
export const ENCODING_NAMES: Readonly<Record<SeedEncoding, string>> = {
  "utf-8": "UTF-8",
  "utf-16le": "UTF-16LE",
  "utf-16be": "UTF-16BE",
  gb18030: "GB18030",
  big5: "Big5",
};

/** The message for a file over {@link MAX_SEED_BYTES}. */
export function tooLarge(name: string, bytes: number): string {
  const mb = (bytes / 1024 / 1024).toFixed(1);
  const limit = MAX_SEED_BYTES / 1024 / 1024;
  return `${name}: file is ${mb} MB, over the ${limit} MB limit for one circular; split it or remove it from seeds/.`;
}

const HAN = /\p{Script=Han}/u;
const HAN_ALL = /\p{Script=Han}/gu;

function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 8192);
  let control = 0;
  for (const b of sample) {
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return control > sample.length * 0.05;
}

function hanShare(text: string): number {
  const visible = text.replace(/\s/g, "").length;
  return visible === 0 ? 0 : (text.match(HAN_ALL)?.length ?? 0) / visible;
}

/** The UTF-16 encoding a byte-order mark announces, if any. */
function utf16Bom(bytes: Uint8Array): "utf-16le" | "utf-16be" | null {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return null;
}

/** Checks decoded text: something to read, and Chinese. */
function accept(name: string, text: string, encoding: SeedEncoding): DecodeResult {
  if (text.trim() === "") return { ok: false, message: `${name}: file holds only whitespace; put the circular's text in it.` };
  if (!HAN.test(text)) {
    const message = `${name}: holds no Chinese text; a circular is written in Chinese, so the file was skipped ` +
      "(check that it is the right file).";
    return { ok: false, message };
  }
  return { ok: true, text, encoding };
}

/**
 * Decodes a seed file. `name` only appears in messages.
 * A UTF-16 byte-order mark decides first; then UTF-8 (with or without BOM) is taken as is;
 * otherwise the bytes are read as GB18030 or Big5, whichever they most likely are, and
 * kept only when the result reads as Chinese text.
 */
export function decodeSeed(name: string, bytes: Uint8Array): DecodeResult {
  if (bytes.length > MAX_SEED_BYTES) return { ok: false, message: tooLarge(name, bytes.length) };
  if (bytes.length === 0) return { ok: false, message: `${name}: file is empty; remove it or put the circular's text in it.` };
  const utf16 = utf16Bom(bytes);
  if (utf16) {
    try {
      return accept(name, new TextDecoder(utf16, { fatal: true, ignoreBOM: false }).decode(bytes), utf16);
    } catch {
      const label = ENCODING_NAMES[utf16];
      const message = `${name}: starts with a ${label} byte-order mark but is not valid ${label}; ` +
        "convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8).";
      return { ok: false, message };
    }
  }
  if (looksBinary(bytes)) {
    return { ok: false, message: `${name}: not a text file (binary content); save the circular as plain text (.txt, UTF-8).` };
  }
  try {
    return accept(name, new TextDecoder("utf-8", { fatal: true }).decode(bytes), "utf-8");
  } catch {
    const encoding = detectLegacyEncoding(bytes);
    const text = iconv().decode(Buffer.from(bytes), encoding);
    if (!text.includes("\uFFFD") && hanShare(text) > 0.3) return { ok: true, text, encoding };
    return {
      ok: false,
      message: `${name}: not UTF-8 and not readable as GBK/GB18030 or Big5 either; convert it to UTF-8 (iconv -f <encoding> -t UTF-8).`,
    };
  }
}
