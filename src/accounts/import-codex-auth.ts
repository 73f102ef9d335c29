import fs from "node:fs";
import path from "node:path";
import { accountNameProblem } from "../core/account-name.js";
import { type AuthFile, readAuthFile, summarizeAuth } from "../core/auth-file.js";
import { usageError } from "../core/errors.js";
import { accountDir, authPath, dataDir, mainCodexHome } from "../core/paths.js";
import { loadRegistry, updateRegistry } from "../core/registry.js";
import { daemonWithPreviousLogin } from "./daemon-login.js";
import { type LoginIdentity, loginIdentity, sameToken, sameUser } from "./login-identity.js";
import { retireSource, writeAccountLogin } from "./move-login.js";
import { caseClash } from "./registration.js";

export interface CodexAuthImportOptions {
  source?: string | undefined;
  overwrite: boolean;
  current?: string | undefined;
  default?: string | undefined;
}

/** What happened to one source file; `message` is the line the user reads. */
export interface SourceOutcome {
  source: string;
  account: string | null;
  action: "imported" | "skipped" | "retired";
  message: string;
}

export interface CodexAuthImportResult {
  outcomes: SourceOutcome[];
  defaultAccount: string | null;
  /** A replaced login whose account's Codex app-server daemon still holds the previous one. */
  warnings: string[];
}

interface Snapshot {
  name: string;
  file: string;
  auth: AuthFile;
  identity: LoginIdentity;
}

/** Files codex-auth uses to remember the active snapshot, in the source dir or its parent. */
const ACTIVE_MARKERS = [".current", "active", ".active", "current"];

function detectActive(source: string): string | undefined {
  for (const dir of [source, path.dirname(source)]) {
    for (const marker of ACTIVE_MARKERS) {
      try {
        const line = fs.readFileSync(path.join(dir, marker), "utf8").split("\n", 1)[0]?.trim() ?? "";
        const name = line.replace(/\.json$/, "");
        if (name && !accountNameProblem(name)) return name;
      } catch {
        // No marker here.
      }
    }
  }
  return undefined;
}

/**
 * Imports codex-auth snapshots (`SOURCE/NAME.json`, each an auth.json copy)
 * with move semantics: each login ends up in exactly one live place, the cao
 * account. A snapshot whose login is also live in the main Codex home is taken
 * from whichever copy is newer, and both copies are retired.
 */
export function importCodexAuth(options: CodexAuthImportOptions, dir = dataDir()): CodexAuthImportResult {
  const source = path.resolve(options.source ?? path.join(mainCodexHome(), "accounts"));
  if (!fs.statSync(source, { throwIfNoEntry: false })?.isDirectory()) {
    throw usageError(`no codex-auth snapshots at ${source} (not a directory)`, "point --source at them");
  }
  const outcomes: SourceOutcome[] = [];
  const skip = (file: string, message: string, account: string | null = null) =>
    outcomes.push({ source: file, account, action: "skipped", message });
  const snapshots: Snapshot[] = [];
  for (const entry of fs.readdirSync(source).sort()) {
    if (!entry.endsWith(".json") || entry.startsWith(".")) continue;
    const file = path.join(source, entry);
    const name = entry.slice(0, -".json".length);
    const problem = accountNameProblem(name);
    if (problem) {
      skip(
        file,
        `skipped: ${JSON.stringify(name)} is not a valid account name (${problem}); file left as is`,
      );
      continue;
    }
    const read = readAuthFile(file);
    const summary = summarizeAuth(read);
    if (read.kind !== "ok" || summary.state !== "ok" || summary.problem) {
      skip(file, `skipped: ${summary.problem ?? "not a ChatGPT login"}; file left as is`, name);
      continue;
    }
    snapshots.push({ name, file, auth: read.auth, identity: loginIdentity(read.auth) });
  }
  for (const [flag, value] of [
    ["--current", options.current],
    ["--default", options.default],
  ] as const) {
    if (value && !snapshots.some((s) => s.name === value) && !loadRegistry(dir).accounts.includes(value)) {
      throw usageError(`${flag} ${JSON.stringify(value)} is neither a snapshot in ${source} nor an account`);
    }
  }
  const hadDefault = loadRegistry(dir).default_account !== null;
  const main = mainLogin();
  let mainUsed = false;
  const imported: Snapshot[] = [];
  const warnings: string[] = [];
  for (const snapshot of snapshots) {
    const twin = imported.find((other) => sameToken(other.identity, snapshot.identity));
    if (twin) {
      retireAll([snapshot.file], twin.name, outcomes, `same login as ${twin.name}`, "retired");
      continue;
    }
    // codex-auth copies the active snapshot into ~/.codex/auth.json, where codex
    // then refreshes it: that copy is usually the live one. Take the newer.
    const withMain = main && !mainUsed && sameUser(main.identity, snapshot.identity) ? main : undefined;
    const newer =
      withMain && withMain.identity.lastRefreshAtMs >= snapshot.identity.lastRefreshAtMs
        ? withMain
        : snapshot;
    const outcome = adopt(snapshot.name, newer, options.overwrite, dir);
    if (outcome.kind === "skip") {
      skip(snapshot.file, outcome.message, snapshot.name);
      continue;
    }
    imported.push(snapshot);
    if (withMain) mainUsed = true;
    const files = withMain ? [snapshot.file, withMain.file] : [snapshot.file];
    if (outcome.kind === "already") retireAll(files, snapshot.name, outcomes, "already in cao", "retired");
    else {
      if (outcome.daemonWarning) warnings.push(outcome.daemonWarning);
      const kept = outcome.backup ? ` (its previous login kept at ${outcome.backup})` : "";
      retireAll(files, snapshot.name, outcomes, `imported${kept}`, "imported");
    }
  }
  return { outcomes, defaultAccount: chooseDefault(options, source, imported, hadDefault, dir), warnings };
}

function mainLogin(): Snapshot | undefined {
  const file = path.join(mainCodexHome(), "auth.json");
  const read = readAuthFile(file);
  if (read.kind !== "ok" || summarizeAuth(read).state !== "ok") return undefined;
  return { name: "", file, auth: read.auth, identity: loginIdentity(read.auth) };
}

export type Adoption =
  | { kind: "written"; backup?: string; daemonWarning?: string }
  | { kind: "already" }
  | { kind: "skip"; message: string };

/**
 * Writes `login` into account `name` unless that would replace a login without --overwrite. A
 * replaced login of another user whose Codex daemon still runs comes back with its warning.
 */
export function adopt(
  name: string,
  login: Pick<Snapshot, "auth" | "identity">,
  overwrite: boolean,
  dir: string,
): Adoption {
  const registry = loadRegistry(dir);
  const clash = caseClash(registry, name);
  if (clash && clash !== name) {
    return {
      kind: "skip",
      message: `skipped: would clash with account ${clash} (names differ only in case); file left as is`,
    };
  }
  const existing = readAuthFile(authPath(name, dir));
  if (existing.kind === "ok" && sameToken(loginIdentity(existing.auth), login.identity)) {
    return { kind: "already" };
  }
  if (existing.kind !== "missing" && !overwrite) {
    return {
      kind: "skip",
      message: `skipped: account ${name} already has a login (--overwrite replaces it, keeping a backup); file left as is`,
    };
  }
  const daemonWarning = daemonWithPreviousLogin(
    name,
    accountDir(name, dir),
    existing.kind === "ok" ? existing.auth : undefined,
    login.auth,
  );
  return {
    kind: "written",
    ...writeAccountLogin(name, login.auth, dir),
    ...(daemonWarning && { daemonWarning }),
  };
}

function retireAll(
  files: string[],
  account: string,
  outcomes: SourceOutcome[],
  note: string,
  action: SourceOutcome["action"],
): void {
  for (const file of files) {
    const movedTo = retireSource(file, account);
    outcomes.push({
      source: file,
      account,
      action,
      message: `${note} (account ${account}); source moved to ${movedTo} without its tokens`,
    });
  }
}

/** --default > --current > the active codex-auth snapshot (only if there was no default before). */
function chooseDefault(
  options: CodexAuthImportOptions,
  source: string,
  imported: Snapshot[],
  hadDefault: boolean,
  dir: string,
): string | null {
  const active = hadDefault ? undefined : detectActive(source);
  const wanted =
    options.default ?? options.current ?? (imported.some((s) => s.name === active) ? active : undefined);
  if (wanted) {
    updateRegistry((registry) => {
      if (registry.accounts.includes(wanted)) registry.default_account = wanted;
    }, dir);
  }
  return loadRegistry(dir).default_account;
}
