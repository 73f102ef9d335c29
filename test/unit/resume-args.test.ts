import assert from "node:assert/strict";
import { test } from "node:test";
import { CONTINUE_PROMPT, resumeArgs } from "../../src/run/resume-args.js";

const ID = "0199-abc";

test("exec runs resume the session by id with the continue prompt, options kept before resume", () => {
  const cases: Array<[string[], string[]]> = [
    [
      ["exec", "fix it"],
      ["exec", "resume", ID, CONTINUE_PROMPT],
    ],
    [
      ["exec", "--skip-git-repo-check", "-m", "gpt-5", "fix it", "--json"],
      ["exec", "--skip-git-repo-check", "-m", "gpt-5", "--json", "resume", ID, CONTINUE_PROMPT],
    ],
    [
      ["-c", "x=1", "exec", "--color=never", "fix"],
      ["-c", "x=1", "exec", "--color=never", "resume", ID, CONTINUE_PROMPT],
    ],
    [
      ["exec", "resume", "--last", "go on"],
      ["exec", "resume", ID, CONTINUE_PROMPT],
    ],
    [
      ["e", "-", "--json"],
      ["exec", "--json", "resume", ID, CONTINUE_PROMPT],
    ],
    [
      ["exec", "-C", "/tmp/exec", "do"],
      ["exec", "-C", "/tmp/exec", "resume", ID, CONTINUE_PROMPT],
    ],
  ];
  for (const [input, expected] of cases) assert.deepEqual([input, resumeArgs(input, ID)], [input, expected]);
});

test("interactive runs open the session by id, without the first prompt", () => {
  const cases: Array<[string[], string[]]> = [
    [[], ["resume", ID]],
    [["fix the tests"], ["resume", ID]],
    [
      ["-m", "gpt-5", "--search", "fix"],
      ["-m", "gpt-5", "--search", "resume", ID],
    ],
    [
      ["resume", "--last"],
      ["resume", ID],
    ],
    [
      ["resume", "other-id"],
      ["resume", ID],
    ],
    [
      ["--model", "resume", "hi"],
      ["--model", "resume", "resume", ID],
    ],
  ];
  for (const [input, expected] of cases) assert.deepEqual([input, resumeArgs(input, ID)], [input, expected]);
});

test("other subcommands are not a conversation: run again as they were", () => {
  for (const input of [["login"], ["review", "x"], ["mcp", "list"], ["-c", "a=1", "apply", "t"]])
    assert.equal(resumeArgs(input, ID), undefined, input.join(" "));
});
