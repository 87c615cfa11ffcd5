#!/usr/bin/env node
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
