// The project's lint: @eslint/js and typescript-eslint recommended rules, lines ≤ 140, and the
// layer rule of docs/architecture.md (nothing in src/ imports a later stage). `npm run lint` runs
// this and then knip (unused files, exports and dependencies; see knip.jsonc).
//
// The layer rule uses eslint-plugin-boundaries (its `boundaries/dependencies` rule): it classifies
// every file by its folder and checks each import, `import type` and `import()` against one table,
// and it works with ESLint 10 (it reads `context.filename`, not the removed `getFilename()`).
// `no-restricted-imports` patterns per folder would work too, but each folder would list the
// folders it may NOT import, which a new folder silently escapes; here a file in a folder the table
// does not list is an error (`boundaries/no-unknown-files`), so a new folder must take its place in it.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import boundaries from "eslint-plugin-boundaries";
import tseslint from "typescript-eslint";

/** Shared layers: anything may import them; they import nothing of the stages (only each other). */
const SHARED = ["util", "text", "wording", "config", "logging", "lexicon"];

/**
 * Each stage of src/ and the stages it may import (besides the shared layers). The flow is
 * corpus → index, embeddings → retrieval → answer → service → eval → commands → chat → cli;
 * eval runs the service, and cli starts the chat front ends.
 */
const STAGES = {
  corpus: [],
  index: ["corpus"],
  embeddings: ["corpus"],
  retrieval: ["corpus", "index", "embeddings"],
  answer: ["corpus", "index", "embeddings", "retrieval"],
  service: ["corpus", "index", "embeddings", "retrieval", "answer"],
  eval: ["corpus", "index", "embeddings", "retrieval", "answer", "service"],
  commands: ["corpus", "index", "embeddings", "retrieval", "answer", "service"],
  chat: ["corpus", "index", "embeddings", "retrieval", "answer", "service", "commands"],
  cli: ["corpus", "index", "embeddings", "retrieval", "answer", "service", "eval", "commands", "chat"],
};

const layerPolicy = (from, allowed) => ({
  from: { element: { type: from } },
  allow: { to: { element: { types: { anyOf: [from, ...allowed] } } } },
});

export default defineConfig(
  { ignores: ["dist/", "node_modules/", ".scratch/", ".data/", "index/", "models/", "eval/", "seeds/", "data/", "coverage/"] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    // The Node globals the plain JavaScript files (bin/, scripts/*.mjs) use; TypeScript files are checked by tsc instead.
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
    rules: {
      // Lines ≤ 140 characters; a URL or a regular expression literal may run over, as breaking it reads worse.
      "max-len": ["error", { code: 140, ignoreUrls: true, ignoreRegExpLiterals: true }],
      // A leading underscore marks a parameter or binding kept on purpose (an interface's signature, a value dropped by
      // destructuring); everything else unused is an error.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // Off: control characters in a regular expression are how this code strips terminal escape codes and NULs pasted
      // into a question (service/qa-service.ts) and how tests check that output has none; every such regex means it.
      "no-control-regex": "off",
      // The ideographic space (U+3000) is part of Chinese layout: circulars indent with it and replies use it, inside
      // strings, templates and regexes. Elsewhere (in code) an irregular space is still an error.
      "no-irregular-whitespace": ["error", { skipStrings: true, skipTemplates: true, skipRegExps: true, skipComments: false }],
    },
  },
  {
    files: ["src/**/*.ts"],
    plugins: { boundaries },
    settings: {
      "boundaries/elements": [...SHARED, ...Object.keys(STAGES)].map((t) => ({ type: t, pattern: `src/${t}` })),
      "import/resolver": { node: { extensions: [".ts", ".js", ".mjs", ".json"] } },
    },
    rules: {
      "boundaries/no-unknown-files": "error",
      "boundaries/dependencies": [
        "error",
        {
          default: "disallow",
          message:
            "src/{{from.element.type}}/ must not import src/{{to.element.type}}/: nothing imports a later stage (docs/architecture.md)",
          policies: [
            ...SHARED.map((t) => layerPolicy(t, SHARED.filter((s) => s !== t))),
            ...Object.entries(STAGES).map(([t, allowed]) => layerPolicy(t, [...allowed, ...SHARED])),
          ],
        },
      ],
    },
  },
);
