#!/usr/bin/env node
// `eval "$(cao init zsh)"` runs at every shell start: printing the script
// skips the runner and citty (their modules alone cost milliseconds there).
const argv = process.argv.slice(2);
const served =
  argv[0] === "init" && (await (await import("./shell/init-fast.js")).initFastPath(argv.slice(1)));
if (!served) await (await import("./cli/runner.js")).run(argv);
