/**
 * Turns a seed file's bytes into text, or into a message that says why it cannot be
 * read. Chinese government text often arrives as GBK/GB18030 rather than UTF-8; such
 * files are decoded, and anything that would become mojibake is refused.
 */
import { createRequire } from "node:module";

/** iconv-lite, loaded when a file is not UTF-8 (most never need it, and a cold start should not pay for it). */
const iconv = () => createRequire(import.meta.url)("iconv-lite") as typeof import("iconv-lite");

/** Files larger than this are refused: no circular is this long, and parsing it would stall start-up. */
export const MAX_SEED_BYTES = 20 * 1024 * 1024;

export type DecodeResult =
  | { readonly ok: true; readonly text: string; readonly encoding: "utf-8" | "gb18030" }
  | { readonly ok: false; readonly message: string };

/** The message for a file over {@link MAX_SEED_BYTES}. */
export function tooLarge(name: string, bytes: number): string {
  const mb = (bytes / 1024 / 1024).toFixed(1);
  return `${name}: file is ${mb} MB, over the ${MAX_SEED_BYTES / 1024 / 1024} MB limit for one circular; split it or remove it from seeds/.`;
}

const CJK = /[\u4e00-\u9fff]/g;

function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 8192);
  let control = 0;
  for (const b of sample) {
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return control > sample.length * 0.05;
}

function cjkShare(text: string): number {
  const visible = text.replace(/\s/g, "").length;
  return visible === 0 ? 0 : (text.match(CJK)?.length ?? 0) / visible;
}

/**
 * Decodes a seed file. `name` only appears in messages.
 * UTF-8 (with or without BOM) is taken as is; otherwise GB18030 is tried and kept only
 * when the result reads as Chinese text.
 */
export function decodeSeed(name: string, bytes: Uint8Array): DecodeResult {
  if (bytes.length > MAX_SEED_BYTES) return { ok: false, message: tooLarge(name, bytes.length) };
  if (bytes.length === 0) return { ok: false, message: `${name}: file is empty; remove it or put the circular's text in it.` };
  if (looksBinary(bytes)) {
    return { ok: false, message: `${name}: not a text file (binary content); save the circular as plain text (.txt, UTF-8).` };
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
    if (text.trim() === "") return { ok: false, message: `${name}: file holds only whitespace; put the circular's text in it.` };
    return { ok: true, text, encoding: "utf-8" };
  } catch {
    const text = iconv().decode(Buffer.from(bytes), "gb18030");
    if (!text.includes("\uFFFD") && cjkShare(text) > 0.3) return { ok: true, text, encoding: "gb18030" };
    return {
      ok: false,
      message: `${name}: not UTF-8 and not readable as GBK/GB18030 either; convert it to UTF-8 (e.g. iconv -f <encoding> -t UTF-8).`,
    };
  }
}
