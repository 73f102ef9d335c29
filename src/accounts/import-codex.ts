import path from "node:path";
import { accountNameProblem, validateAccountName } from "../core/account-name.js";
import { type AuthFile, readAuthFile, summarizeAuth } from "../core/auth-file.js";
import { CaoError, usageError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { authPath, dataDir, mainCodexHome } from "../core/paths.js";
import { loadRegistry } from "../core/registry.js";
import type { SourceOutcome } from "./import-codex-auth.js";
import { type LoginIdentity, loginIdentity, sameToken, sameUser } from "./login-identity.js";
import { retireSource, writeAccountLogin } from "./move-login.js";
import { caseClash } from "./registration.js";

export interface CodexImportOptions {
  source?: string | undefined;
  name?: string | undefined;
}

/**
 * Moves an existing Codex login (`SOURCE/auth.json`, default the main Codex
 * home) into a cao account. The source (and a copy of the same login in the
 * main Codex home) is retired (renamed, tokens removed): from now on only
 * cao's copy is refreshed.
 */
export function importCodexLogin(options: CodexImportOptions, dir = dataDir()): SourceOutcome[] {
  const sourceDir = path.resolve(options.source ?? mainCodexHome());
  if (sourceDir === dir || sourceDir.startsWith(dir + path.sep)) {
    throw usageError(
      `${sourceDir} is inside cao's data dir`,
      "import from a Codex home, not from a cao account",
    );
  }
  const file = path.join(sourceDir, "auth.json");
  const read = readAuthFile(file);
  if (read.kind === "missing")
    throw usageError(`no Codex login at ${file}`, "log in with `codex login` first, or pass --source");
  const summary = summarizeAuth(read);
  if (read.kind !== "ok" || summary.state !== "ok" || summary.problem) {
    throw new CaoError(
      `cannot import ${file}: ${summary.problem ?? "not a ChatGPT login"}; left it as is`,
      ExitCode.data,
    );
  }
  const name = validateAccountName(options.name ?? defaultName(summary.email));
  const registry = loadRegistry(dir);
  const clash = caseClash(registry, name);
  if (clash && clash !== name)
    throw usageError(
      `account ${JSON.stringify(name)} would clash with ${JSON.stringify(clash)}`,
      "pass --name",
    );
  // The main Codex home may hold the same login (a copy made by hand or by a
  // switcher): it goes out of service too, and the newer copy is the one kept.
  const twin = mainHomeTwin(file, loginIdentity(read.auth));
  const chosen =
    twin && twin.identity.lastRefreshAtMs > loginIdentity(read.auth).lastRefreshAtMs ? twin.auth : read.auth;
  const chosenFile = chosen === read.auth ? file : (twin?.file ?? file);
  const sources = twin ? [file, twin.file] : [file];
  const existing = readAuthFile(authPath(name, dir));
  const already = existing.kind === "ok" && sameToken(loginIdentity(existing.auth), loginIdentity(chosen));
  if (!already && existing.kind !== "missing") {
    throw usageError(`account ${name} already has a login`, "pick another name with --name");
  }
  if (!already) writeAccountLogin(name, chosen, dir);
  // One login found in two places is imported once, from the newer copy; the other is only retired.
  return sources.map((source) => {
    const imported = !already && source === chosenFile;
    const what = imported
      ? `imported (account ${name}${twin ? ", the newer of its two copies" : ""})`
      : already
        ? `already in cao (account ${name})`
        : `an older copy of the login imported from ${chosenFile} (account ${name})`;
    return {
      source,
      account: name,
      action: imported ? "imported" : "retired",
      message: `${what}; source moved to ${retireSource(source, name)} without its tokens`,
    };
  });
}

function mainHomeTwin(
  source: string,
  identity: LoginIdentity,
): { file: string; auth: AuthFile; identity: LoginIdentity } | undefined {
  const file = path.join(mainCodexHome(), "auth.json");
  if (path.resolve(file) === path.resolve(source)) return undefined;
  const read = readAuthFile(file);
  if (read.kind !== "ok" || summarizeAuth(read).state !== "ok") return undefined;
  const twinIdentity = loginIdentity(read.auth);
  return sameUser(twinIdentity, identity) ? { file, auth: read.auth, identity: twinIdentity } : undefined;
}

/** The email makes a readable account name; fall back to "main". */
function defaultName(email: string | undefined): string {
  return email && !accountNameProblem(email) ? email : "main";
}
