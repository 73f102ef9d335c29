import { accountNameProblem } from "../core/account-name.js";
import { type AuthFile, summarizeAuth } from "../core/auth-file.js";
import { dataDir } from "../core/paths.js";
import { adopt, type SourceOutcome } from "./import-codex-auth.js";
import { loginIdentity, sameToken } from "./login-identity.js";

/**
 * Imports from other multi-account tools, with the move semantics of the
 * other imports: each login ends up live in exactly one place, the cao
 * account; its source is retired (tokens stripped) so nothing refreshes, and
 * thereby kills, it from there. Each format (import-formats/*.ts) only finds
 * the logins and knows how to retire them in its own files.
 */
export interface ForeignLogin {
  /** Where it is, as the user reads it: a file, or `file#entry` for one entry of a shared file. */
  source: string;
  /** What the tool called it (a profile name, an alias, an email); made into an account name. */
  label: string;
  /** The login as a Codex auth.json. */
  auth: AuthFile;
  /** Strips the tokens at the source; returns where the retired copy is (for the report). */
  retire(movedTo: string): string;
}

export interface ForeignFormat {
  /** `cao import ID`. */
  id: string;
  /** Where the tool keeps its logins by default. */
  defaultSource(): string;
  /** The logins found, and the entries skipped with their reason (left as they are). */
  discover(source: string): { logins: ForeignLogin[]; skipped: SourceOutcome[] };
}

export interface ForeignImportOptions {
  source?: string | undefined;
  overwrite: boolean;
}

/** An account name from a tool's label: kept if valid, else the email's local part, else cleaned up. */
export function accountNameFor(label: string): string | undefined {
  const candidates = [label, label.split("@")[0] ?? "", label.toLowerCase().replace(/[^a-z0-9._@+-]+/g, "-")];
  for (const raw of candidates) {
    const name = raw.replace(/^[^A-Za-z0-9]+/, "").slice(0, 64);
    if (name && !accountNameProblem(name)) return name;
  }
  return undefined;
}

/** What happened to each source, and the warnings for replaced logins (as `importCodexAuth`). */
export function importForeign(
  format: ForeignFormat,
  options: ForeignImportOptions,
  dir = dataDir(),
): { outcomes: SourceOutcome[]; warnings: string[] } {
  const source = options.source ?? format.defaultSource();
  const { logins, skipped } = format.discover(source);
  const outcomes: SourceOutcome[] = [...skipped];
  const imported: { name: string; identity: ReturnType<typeof loginIdentity> }[] = [];
  const taken = new Set<string>();
  const warnings: string[] = [];
  for (const login of logins) {
    const summary = summarizeAuth({ kind: "ok", auth: login.auth });
    if (summary.state !== "ok" || summary.problem) {
      outcomes.push(skip(login, `skipped: ${summary.problem ?? "not a ChatGPT login"}; left as is`));
      continue;
    }
    const identity = loginIdentity(login.auth);
    const twin = imported.find((other) => sameToken(other.identity, identity));
    if (twin) {
      outcomes.push(retired(login, twin.name, `same login as ${twin.name}`, "retired"));
      continue;
    }
    const base = accountNameFor(login.label) ?? accountNameFor(summary.email ?? "");
    if (!base) {
      outcomes.push(
        skip(login, `skipped: no usable account name in ${JSON.stringify(login.label)}; left as is`),
      );
      continue;
    }
    // Two logins of the tool may share a label (one email, two workspaces): the second gets a suffix.
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`;
    const outcome = adopt(name, { auth: login.auth, identity }, options.overwrite, dir);
    if (outcome.kind === "skip") {
      outcomes.push(skip(login, outcome.message.replace("file left as is", "left as is")));
      continue;
    }
    taken.add(name.toLowerCase());
    if (outcome.kind === "written" && outcome.daemonWarning) warnings.push(outcome.daemonWarning);
    imported.push({ name, identity });
    const kept =
      outcome.kind === "written" && outcome.backup ? ` (its previous login kept at ${outcome.backup})` : "";
    outcomes.push(
      retired(
        login,
        name,
        outcome.kind === "already" ? "already in cao" : `imported${kept}`,
        outcome.kind === "already" ? "retired" : "imported",
      ),
    );
  }
  return { outcomes, warnings };
}

const skip = (login: ForeignLogin, message: string): SourceOutcome => ({
  source: login.source,
  account: null,
  action: "skipped",
  message,
});

function retired(
  login: ForeignLogin,
  account: string,
  note: string,
  action: SourceOutcome["action"],
): SourceOutcome {
  const where = login.retire(account);
  return { source: login.source, account, action, message: `${note} (account ${account}); ${where}` };
}
