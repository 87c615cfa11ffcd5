/**
 * zod, as every module of the project imports it (`import * as z from ".../util/zod.ts"`):
 * the tree-shakable API (zod/mini), with the English messages the classic API gives. The
 * classic API bundles all of zod (750 kB) and took 80–90 ms of every start, a sixth of a
 * cold `policybot ask`. The language-model pass keeps the classic API (LangChain reads its
 * schemas), in its own lazily loaded chunk.
 *
 * Re-exported member by member (`export *`), never as one namespace object: an object that
 * escapes keeps every member in the bundle (the 64 locales of z.locales alone are 680 kB).
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

export * from "zod/mini";
