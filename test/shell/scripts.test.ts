import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { caoVersion } from "../../src/core/version.js";
import { renderCompletion } from "../../src/shell/completion.js";
import { completionLoadLine } from "../../src/shell/completion-file.js";
import type { CompletionEntry } from "../../src/shell/completion-spec.js";
import { cachedInstallLine, renderCachedInit } from "../../src/shell/init-cache.js";
import { rcInitLine } from "../../src/shell/rc-file.js";
import { type PromptMode, renderInit } from "../../src/shell/render.js";
import { setShellAccountCode, unsetShellAccountCode } from "../../src/shell/shell-code.js";
import { SHELL_EXTENSION, SHELLS, type ShellName } from "../../src/shell/shells.js";
import { repoRoot } from "../helpers/cli.js";
import { generatedParts, matchSnapshot } from "../helpers/snapshot.js";
import { powershellSyntaxErrors } from "./powershell-parse.js";
import { REAL_SHELLS, run, runShell, shellWorld, sourceInit, writeInit } from "./world.js";

/** Every option of `cao init`, alone and with --cached. */
const OPTION_SETS = [
  [],
  ["--prompt"],
  ["--prompt-hook"],
  ["--cached"],
  ["--cached", "--prompt"],
  ["--cached", "--prompt-hook"],
];

/** The files a rendered option set consists of: the printed script, and the cache file when cached. */
async function renderedFiles(
  world: ReturnType<typeof shellWorld>,
  shell: string,
  flags: string[],
): Promise<string[]> {
  const printed = await writeInit(world, shell, flags);
  if (!flags.includes("--cached")) return [printed];
  const cacheDir = path.join(world.home, ".cache", "cao");
  const ext = shell === "powershell" ? "ps1" : shell;
  const name = `init-${shell}${flags.filter((f) => f !== "--cached").join("")}.${ext}`;
  return [printed, path.join(cacheDir, name)];
}

function tool(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

for (const shell of REAL_SHELLS) {
  describe(`${shell}: cao init`, () => {
    for (const flags of OPTION_SETS) {
      const label = ["cao init", shell, ...flags].join(" ");
      test(`${label}: sourcing it twice under strict flags exits 0 and prints nothing`, async () => {
        const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
        const [init] = await renderedFiles(world, shell, flags);
        const script = `${sourceInit(shell)}; ${sourceInit(shell)}`;
        const result = await runShell(shell, script, { ...world.env, INIT: init });
        assert.deepEqual([result.code, result.stdout, result.stderr], [0, "", ""]);
      });

      test(`${label}: passes the shell's own linters`, async () => {
        const world = shellWorld();
        for (const file of await renderedFiles(world, shell, flags)) {
          const checks: [string, string[]][] = {
            bash: [
              ["shellcheck", ["-s", "bash", file]],
              ["shfmt", ["-d", "-i", "2", file]],
            ] as [string, string[]][],
            zsh: [["zsh", ["-n", file]]] as [string, string[]][],
            fish: [
              ["fish", ["--no-execute", file]],
              ["fish_indent", ["--check", file]],
            ] as [string, string[]][],
          }[shell];
          for (const [command, args] of checks) {
            const result = tool(command, args);
            assert.equal(result.status, 0, `${command} ${path.basename(file)}:\n${result.output}`);
          }
        }
      });
    }

    test("ends with a comment showing its one install line", async () => {
      const world = shellWorld();
      const text = fs.readFileSync(await writeInit(world, shell), "utf8");
      const expected = {
        bash: 'eval "$(cao init bash)"',
        zsh: 'eval "$(cao init zsh)"',
        fish: "cao init fish | source",
      }[shell];
      assert.equal(text.trimEnd().split("\n").at(-1), `#   ${expected}`);
    });
  });
}

test("the sources in shells/ lint as they are, and so do the rendered completions", async () => {
  const shells = path.join(repoRoot, "shells");
  const files = fs.readdirSync(shells).map((f) => path.join(shells, f));
  const world = shellWorld();
  for (const shell of REAL_SHELLS) {
    const result = await run("cao", ["completion", shell], { env: world.env });
    const file = path.join(world.root, `completion.${shell}`);
    fs.writeFileSync(file, result.stdout);
    files.push(file);
  }
  for (const file of files) {
    const checks: [string, string[]][] = file.endsWith(".bash")
      ? [
          ["shellcheck", ["-s", "bash", file]],
          ["shfmt", ["-d", "-i", "2", file]],
        ]
      : file.endsWith(".zsh")
        ? [["zsh", ["-n", file]]]
        : file.endsWith(".fish")
          ? [
              ["fish", ["--no-execute", file]],
              ["fish_indent", ["--check", file]],
            ]
          : [];
    for (const [command, args] of checks) {
      const result = tool(command, args);
      assert.equal(result.status, 0, `${command} ${file}:\n${result.output}`);
    }
  }
});

test("the cached init makes itself again when cao's version changes, and loads as it is when cao is gone", async () => {
  const world = shellWorld({ accounts: ["work"], defaultAccount: "work" });
  for (const shell of REAL_SHELLS) {
    const [, cacheFile] = await renderedFiles(world, shell, ["--cached"]);
    const file = cacheFile!;
    const original = fs.readFileSync(file, "utf8");
    const load = `${sourceInit(shell)}; codex`;
    // As if an older cao had written it: its version differs from package.json's.
    fs.writeFileSync(file, original.replaceAll(`'${caoVersion()}'`, "'0.0.0-old'"));
    const stale = await runShell(shell, load, { ...world.env, INIT: file });
    assert.equal(stale.code, 0, `${shell}: ${stale.stderr}`);
    assert.match(stale.stdout, /CODEX_HOME=.*\/work\n/);
    assert.equal(fs.readFileSync(file, "utf8"), original, `${shell}: the cache file was made again`);
    // cao uninstalled (no package.json): the cached functions still load and run.
    const orphan = original.replaceAll(path.join(repoRoot, "package.json"), "/nonexistent/package.json");
    fs.writeFileSync(file, orphan.replaceAll(`'${caoVersion()}'`, "'0.0.0-old'"));
    const gone = await runShell(shell, load, { ...world.env, INIT: file });
    assert.equal(gone.code, 0, `${shell}: ${gone.stderr}`);
    assert.match(gone.stdout, /CODEX_HOME=.*\/work\n/);
    assert.match(fs.readFileSync(file, "utf8"), /0\.0\.0-old/, `${shell}: left as it was`);
  }
});

test("the code `cao init` runs at shell start imports only node: builtins (no citty, consola, execa, undici, smol-toml)", () => {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = fs.readFileSync(file, "utf8");
    for (const [, specifier] of source.matchAll(/(?:from\s*|import\s*\(\s*)["']([^"']+)["']/g)) {
      if (specifier!.startsWith(".")) visit(path.resolve(path.dirname(file), specifier!));
      else if (!specifier!.startsWith("node:")) bare.add(specifier!);
    }
  };
  visit(path.join(repoRoot, "dist/shell/init-fast.js"));
  assert.ok(seen.size >= 4, [...seen].join(", "));
  assert.deepEqual([...bare], []);
  // And the entry reaches it through the hot paths, whose static imports load
  // no package at all (citty, consola, ... only come with the full CLI).
  const staticPackages = new Set<string>();
  const seenStatic = new Set<string>();
  const visitStatic = (file: string) => {
    if (seenStatic.has(file)) return;
    seenStatic.add(file);
    for (const [, specifier] of fs.readFileSync(file, "utf8").matchAll(/^import [^;]*?["']([^"']+)["']/gm)) {
      if (specifier!.startsWith(".")) visitStatic(path.resolve(path.dirname(file), specifier!));
      else if (!specifier!.startsWith("node:")) staticPackages.add(specifier!);
    }
  };
  visitStatic(path.join(repoRoot, "dist/cli.js"));
  assert.ok(seenStatic.has(path.join(repoRoot, "dist/cli/hot-paths.js")), [...seenStatic].join(", "));
  assert.deepEqual([...staticPackages], []);
});

test("cao init rejects an unknown shell in one line (exit 2)", async () => {
  const world = shellWorld();
  const result = await run("cao", ["init", "tcsh"], { env: world.env });
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /unknown shell "tcsh"/);
});

describe("PowerShell (parse-checked: it cannot run here)", () => {
  test("the parser catches a broken script (the check can fail)", async () => {
    assert.notDeepEqual(await powershellSyntaxErrors("function f {\n  if ( {\n}\n"), []);
  });

  for (const flags of OPTION_SETS) {
    test(`cao init powershell ${flags.join(" ")} parses cleanly`, async () => {
      const world = shellWorld();
      for (const file of await renderedFiles(world, "powershell", flags)) {
        assert.deepEqual(await powershellSyntaxErrors(fs.readFileSync(file, "utf8")), [], file);
      }
    });
  }

  test("the rc lines (init, cached init, completions) and the `cao use --shell` code for PowerShell parse cleanly", async () => {
    const caoPath = "C:\\Users\\o'brien\\AppData\\Roaming\\npm\\cao.cmd";
    const lines = [
      rcInitLine("powershell", caoPath, { prompt: "show" }),
      cachedInstallLine("powershell", "C:\\Users\\o'brien\\.cache\\cao\\init-powershell.ps1", caoPath, {
        prompt: "none",
      }),
      setShellAccountCode("powershell", "work"),
      unsetShellAccountCode("powershell"),
      completionLoadLine("powershell", "C:\\Users\\o'brien\\.local\\share\\cao\\completion.ps1"),
    ];
    for (const line of lines) assert.deepEqual(await powershellSyntaxErrors(`${line}\n`), [], line);
  });

  test("every __cao_ function the PowerShell script calls is one it defines", async () => {
    const world = shellWorld();
    for (const flags of [["--prompt"], ["--cached", "--prompt"]]) {
      const text = (await renderedFiles(world, "powershell", flags))
        .map((file) => fs.readFileSync(file, "utf8"))
        .join("\n");
      const defined = new Set([...text.matchAll(/function global:(__cao_\w+)/g)].map((m) => m[1]));
      defined.add("__cao_user_prompt"); // copied from the user's prompt
      const variables = new Set([...text.matchAll(/\$(?:global:)?(__cao_\w+)/g)].map((m) => m[1]));
      const called = [...text.matchAll(/(?<![$:\w])(__cao_\w+)/g)].map((m) => m[1]!);
      const unknown = called.filter((name) => !defined.has(name) && !variables.has(name));
      assert.deepEqual([...new Set(unknown)], [], flags.join(" "));
    }
  });

  test("cao completion powershell parses cleanly", async () => {
    const world = shellWorld();
    const result = await run("cao", ["completion", "powershell"], { env: world.env });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(await powershellSyntaxErrors(result.stdout), []);
  });
});

/** The shells/ files `cao init` joins for each prompt mode (the rest of the script is generated). */
const INIT_PARTS: Record<PromptMode, string[]> = {
  none: ["cao"],
  hook: ["cao", "prompt-hook"],
  show: ["cao", "prompt-hook", "prompt-show"],
};

describe("snapshots of what cao generates around shells/ (UPDATE_SNAPSHOTS=1 rewrites them)", () => {
  const snapshots = path.join(import.meta.dirname, "__snapshots__");
  const caoPath = "/opt/cao's tools/bin/cao";
  const entries: CompletionEntry[] = [
    { path: "", words: ["use", "gateway", "--data-dir", "--help"], takesAccount: false },
    { path: "use", words: ["--shell", "--help"], takesAccount: true },
    { path: "gateway", words: ["start", "--help"], takesAccount: false },
    { path: "gateway start", words: ["--port", "--help"], takesAccount: false },
  ];
  const source = (file: string) => fs.readFileSync(path.join(repoRoot, "shells", file), "utf8");
  for (const shell of SHELLS) {
    const ext = SHELL_EXTENSION[shell as ShellName];
    test(`${shell}: init is shells/ word for word plus the quoted path, the install line and the cache guard`, () => {
      const sections: string[] = [];
      for (const prompt of ["none", "hook", "show"] as PromptMode[]) {
        const files = INIT_PARTS[prompt].map((part) => `${part}.${ext}`);
        const rendered = renderInit(shell, caoPath, { prompt });
        const { tokens, after } = generatedParts(files.map(source).join("\n"), rendered);
        sections.push(`## --prompt ${prompt}: shells/${files.join(" + shells/")}, then`, ...tokens, after);
      }
      const init = renderInit(shell, caoPath, { prompt: "none" });
      const cached = renderCachedInit(
        shell,
        caoPath,
        { prompt: "none" },
        `/home/me/.cache/cao/init-${shell}.${ext}`,
      );
      assert.ok(cached.endsWith(init), "the cached script ends with the plain one");
      const guard = cached.slice(0, cached.length - init.length);
      sections.push(
        "## --cached: before the script",
        guard.replaceAll(repoRoot, "<repo>").replaceAll(caoVersion(), "<version>"),
      );
      matchSnapshot(snapshots, `init-${shell}.txt`, sections.join("\n"));
    });
    test(`${shell}: completion is shells/completion.${ext} word for word plus the command table`, async () => {
      const rendered = await renderCompletion(shell, entries);
      const { tokens, after } = generatedParts(source(`completion.${ext}`), rendered);
      assert.equal(after, "");
      matchSnapshot(snapshots, `completion-${shell}.txt`, `${tokens.join("\n")}\n`);
    });
  }
});
