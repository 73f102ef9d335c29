#!/usr/bin/env node
// The ES-module entry (`node dist/cli.js`): the same CLI as the published
// CommonJS bin (src/bin/cao.ts), for running from a checkout and for the gateway's
// own detached process.
import { runHotPath } from "./cli/hot-paths.js";

const argv = process.argv.slice(2);
if (!(await runHotPath(argv))) await (await import("./cli/runner.js")).run(argv);
