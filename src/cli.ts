#!/usr/bin/env node
import { run } from "./cli/runner.js";

await run(process.argv.slice(2));
