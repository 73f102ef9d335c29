import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { writeFileAtomic } from "../core/atomic-write.js";
import { writeBackup } from "../core/backup-file.js";
import { CaoError, errnoCode } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { completionLoadLine, removeCompletionFile, writeCompletionFile } from "./completion-file.js";
import { cachedInstallLine, writeInitCache } from "./init-cache.js";
import { loadCaoLine } from "./load-line.js";
import { type InitOptions, initFlags } from "./render.js";
import type { ShellName } from "./shells.js";

const START = "# >>> cao init >>>";
const END = "# <<< cao init <<<";
/** Recorded in the start marker so --uninstall can undo exactly what --install did. */
const ADDED_NEWLINE = "[added a newline before this block]";
const CREATED_FILE = "[created this file]";

/** The file each shell reads at start, as the shell itself finds it. */
export function defaultRcFile(shell: ShellName, env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME || os.homedir();
  const config = env.XDG_CONFIG_HOME || path.join(home, ".config");
  switch (shell) {
    case "bash":
      return path.join(home, ".bashrc");
    case "zsh":
      return path.join(env.ZDOTDIR || home, ".zshrc");
    case "fish":
      return path.join(config, "fish", "config.fish");
    case "powershell":
      return process.platform === "win32"
        ? path.join(home, "Documents", "PowerShell", "Microsoft.PowerShell_profile.ps1")
        : path.join(config, "powershell", "Microsoft.PowerShell_profile.ps1");
  }
}

/** The rc line: load cao where it is (see load-line.ts), so a removed or moved cao never breaks the shell. */
export function rcInitLine(shell: ShellName, caoPath: string, options: InitOptions, rc?: string): string {
  return loadCaoLine(shell, caoPath, ["init", shell, ...initFlags(options)], rc);
}

interface RcOptions {
  rc?: string | undefined;
  cached?: boolean;
}

/**
 * Adds (or updates) the marked block: the init line and, given the completion
 * script, a line loading it from the file it is written to. Returns a message
 * for the user.
 */
export function installInit(
  shell: ShellName,
  caoPath: string,
  options: InitOptions,
  rcOptions: RcOptions & { completion?: string | undefined },
): string {
  const rc = rcOptions.rc ? path.resolve(rcOptions.rc) : defaultRcFile(shell);
  const current = readRc(rc);
  const existing = findBlock(current ?? "");
  const byHand = initLineByHand(current ?? "", existing);
  if (byHand && !existing) {
    return (
      `${rc} already loads cao (line ${byHand.number}: ${byHand.text}); nothing added. ` +
      "To have cao manage it (and install completions too), remove that line and run this again"
    );
  }
  const lines = [
    rcOptions.cached
      ? cachedInstallLine(shell, writeInitCache(shell, caoPath, options), caoPath, options, rc)
      : rcInitLine(shell, caoPath, options, rc),
  ];
  if (rcOptions.completion !== undefined) {
    lines.push(completionLoadLine(shell, writeCompletionFile(shell, rcOptions.completion)));
  }
  const line = lines.join("\n");
  const twice = byHand ? `; line ${byHand.number} loads cao too (${byHand.text}): remove it` : "";
  if (existing) {
    const block = `${existing.startLine}\n${line}\n${END}`;
    if (existing.text === block) return `cao is already in ${rc}${twice}`;
    writeRc(
      rc,
      current ?? "",
      current!.slice(0, existing.start) + block + current!.slice(existing.end),
      shell,
    );
    return `updated cao's block in ${rc}${twice}`;
  }
  const content = current ?? "";
  const flags = [
    current === undefined ? CREATED_FILE : "",
    content !== "" && !content.endsWith("\n") ? ADDED_NEWLINE : "",
  ].filter(Boolean);
  const startLine = [`${START} added by \`cao init ${shell} --install\``, ...flags].join(" ");
  const separator = flags.includes(ADDED_NEWLINE) ? "\n" : "";
  writeRc(rc, current, `${content}${separator}${startLine}\n${line}\n${END}\n`, shell);
  return `added cao${rcOptions.completion === undefined ? "" : " and its completions"} to ${rc}; open a new shell (or source it) to load it`;
}

/** Removes every block --install added, restoring the file byte for byte. */
export function uninstallInit(shell: ShellName, rcOptions: RcOptions): string {
  const rc = rcOptions.rc ? path.resolve(rcOptions.rc) : defaultRcFile(shell);
  const current = readRc(rc);
  let content = current ?? "";
  let createdFile = false;
  let found = false;
  for (let block = findBlock(content); block; block = findBlock(content)) {
    found = true;
    createdFile ||= block.startLine.includes(CREATED_FILE);
    let start = block.start;
    let end = block.end;
    if (content[end] === "\n") end++;
    // The newline --install put before the block goes too, unless lines were
    // added after the block since: they need it to stay on their own line.
    if (block.startLine.includes(ADDED_NEWLINE) && content[start - 1] === "\n" && end === content.length)
      start--;
    content = content.slice(0, start) + content.slice(end);
  }
  if (!found) return `cao is not in ${rc}; nothing to remove`;
  removeCompletionFile(shell);
  backup(rc, current ?? "");
  if (createdFile && content === "") {
    fs.rmSync(realTarget(rc));
    return `removed ${rc} (cao had created it)`;
  }
  writeRc(rc, current, content, shell, false);
  return `removed cao from ${rc}`;
}

/** A line outside cao's block that loads `cao init` (added by hand, or by another tool), if any. */
function initLineByHand(
  content: string,
  block: Block | undefined,
): { number: number; text: string } | undefined {
  const lines = content.split("\n");
  const blockLines = block ? [lineAt(content, block.start), lineAt(content, block.end)] : [-1, -1];
  const loadsInit = /(^|[\s"'(`;&|{/\\])cao(\.cmd|\.ps1|\.exe)?["']?\s+init\s+(bash|zsh|fish|powershell)\b/;
  for (const [i, text] of lines.entries()) {
    if (i >= blockLines[0]! && i <= blockLines[1]!) continue;
    const code = text.trim();
    if (code.startsWith("#") || /--(un)?install\b/.test(code) || !loadsInit.test(code)) continue;
    return { number: i + 1, text: code };
  }
  return undefined;
}

const lineAt = (content: string, index: number): number => content.slice(0, index).split("\n").length - 1;

interface Block {
  start: number;
  /** Index just past the end marker (before its newline). */
  end: number;
  startLine: string;
  text: string;
}

function findBlock(content: string): Block | undefined {
  const start = content.startsWith(START) ? 0 : content.indexOf(`\n${START}`) + 1;
  if (start === 0 && !content.startsWith(START)) return undefined;
  const endMarker = content.indexOf(`\n${END}`, start);
  if (endMarker === -1) return undefined;
  const end = endMarker + 1 + END.length;
  const startLine = content.slice(start, content.indexOf("\n", start));
  return { start, end, startLine, text: content.slice(start, end) };
}

function readRc(rc: string): string | undefined {
  try {
    return fs.readFileSync(rc, "utf8");
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return undefined;
    throw rcError(rc, error, "read");
  }
}

/** Writes through a symlink (dotfile managers link rc files) and keeps the file's mode. */
function writeRc(
  rc: string,
  previous: string | undefined,
  next: string,
  shell: ShellName,
  withBackup = true,
): void {
  const target = realTarget(rc);
  try {
    if (previous !== undefined && withBackup) backup(rc, previous);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const mode = previous === undefined ? 0o644 : fs.statSync(target).mode & 0o7777;
    writeFileAtomic(target, next, { mode });
  } catch (error) {
    if (error instanceof CaoError) throw error;
    throw rcError(rc, error, "write", shell);
  }
}

function backup(rc: string, content: string): void {
  try {
    writeBackup(rc, content, "backup");
  } catch (error) {
    throw rcError(`${rc}.cao-backup-*`, error, "write a backup to");
  }
}

function realTarget(rc: string): string {
  try {
    return fs.realpathSync(rc);
  } catch {
    return rc;
  }
}

function rcError(file: string, error: unknown, verb: string, shell?: ShellName): CaoError {
  const hint = shell ? `fix its permissions, or add the line from \`cao init ${shell}\` by hand` : undefined;
  return new CaoError(`cannot ${verb} ${file}: ${errnoCode(error) ?? String(error)}`, ExitCode.failure, hint);
}
