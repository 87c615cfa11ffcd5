#!/usr/bin/env node
// Runs the TypeScript sources directly: no build step between a checkout and a working bot.
import { register } from "tsx/esm/api";

// `policybot items | head` closes the pipe early; that is not an error.
process.stdout.on("error", (err) => {
  if (err.code === "EPIPE") process.exit(0);
  throw err;
});
register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
