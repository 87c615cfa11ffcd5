#!/bin/sh
":" //; GLIBC_TUNABLES="${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.hugetlb=1" exec node "$0" "$@"
// Run as a program (npx policybot, npm start), the line above is sh: it starts node with
// glibc's malloc asking for transparent huge pages, and node reads it as a string and a
// comment. hnswlib allocates a large index point by point; with 4 kB pages, loading
// 387,000 vectors (10,000 circulars) took 3.8 s of CPU, 2.5 s of it in the kernel (page faults); with
// huge pages 2.2 s, 1.7 s (`node bin/policybot.mjs` skips the line).
// Runs the compiled build in dist/ (plain JavaScript; scripts/build-dist.mjs compiles src/
// at `npm install`, and again here first whenever src/ changed since).
import path from "node:path";
import { pathToFileURL } from "node:url";
import { currentBuild, ensureBuild } from "../scripts/build-dist.mjs";

// `policybot items | head` closes the pipe early; that is not an error.
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});
const dir = currentBuild() ?? (await ensureBuild());
const { main } = await import(pathToFileURL(path.join(dir, "cli.js")).href);
process.exitCode = await main(process.argv.slice(2));
