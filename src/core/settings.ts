import fs from "node:fs";
import path from "node:path";
import { parse, stringify, TomlError } from "smol-toml";
import { validateAccountName } from "./account-name.js";
import { ensurePrivateDir, writeFileAtomic } from "./atomic-write.js";
import { CaoError, errnoCode, usageError } from "./errors.js";
import { ExitCode } from "./exit-codes.js";
import { withFileLock } from "./file-lock.js";
import { dataDir, locksDir, settingsPath } from "./paths.js";
import {
  type AccountSettings,
  DEFAULT_ACCOUNT_SETTINGS,
  defaultSettings,
  type Settings,
  STRATEGIES,
  type Strategy,
} from "./pool-policy.js";
import { refreshPoolState } from "./pool-state.js";

/**
 * cao's own settings: `<data dir>/cao.toml` (docs/pool.md). One table of keys
 * below is the whole schema: `cao config` validates against it, the gateway and
 * `cao run` read the parsed result, docs/pool.md lists the same keys.
 *
 *   [routing]  strategy = "headroom" | "reset-soonest" | "listed"
 *   [notify]   enabled, headroom-below, min-interval-minutes
 *   [accounts.NAME]  paused, priority, reserve-5h, reserve-weekly, max-5h, max-weekly
 */
type Kind =
  | { type: "boolean" }
  | { type: "int"; min: number; max: number }
  | { type: "enum"; values: readonly string[] };

interface KeySpec {
  kind: Kind;
  doc: string;
  get(settings: Settings, account: string): unknown;
  set(settings: Settings, account: string, value: never): void;
}

const account = (s: Settings, name: string): AccountSettings => {
  s.accounts[name] ??= { ...DEFAULT_ACCOUNT_SETTINGS };
  return s.accounts[name];
};
const accountValue = (s: Settings, name: string): AccountSettings =>
  s.accounts[name] ?? DEFAULT_ACCOUNT_SETTINGS;
const percent: Kind = { type: "int", min: 0, max: 100 };

function accountKey<K extends keyof AccountSettings>(field: K, kind: Kind, doc: string): KeySpec {
  return {
    kind,
    doc,
    get: (s, name) => accountValue(s, name)[field],
    set: (s, name, value: AccountSettings[K]) => {
      account(s, name)[field] = value;
    },
  };
}

/** Global keys by their dotted name; per-account keys under `accounts.NAME.`. */
export const GLOBAL_KEYS: Record<string, KeySpec> = {
  "routing.strategy": {
    kind: { type: "enum", values: STRATEGIES },
    doc: "which account new sessions start on: most headroom, soonest reset, or registry order",
    get: (s) => s.strategy,
    set: (s, _account, v: Strategy) => {
      s.strategy = v;
    },
  },
  "notify.enabled": {
    kind: { type: "boolean" },
    doc: "desktop notifications from the gateway",
    get: (s) => s.notify.enabled,
    set: (s, _account, v: boolean) => {
      s.notify.enabled = v;
    },
  },
  "notify.headroom-below": {
    kind: percent,
    doc: "notify when the pool's headroom falls below this percent",
    get: (s) => s.notify.headroomBelow,
    set: (s, _account, v: number) => {
      s.notify.headroomBelow = v;
    },
  },
  "notify.min-interval-minutes": {
    kind: { type: "int", min: 0, max: 1440 },
    doc: "at most one notification of a kind per account this often",
    get: (s) => s.notify.minIntervalMinutes,
    set: (s, _account, v: number) => {
      s.notify.minIntervalMinutes = v;
    },
  },
};

export const ACCOUNT_KEYS: Record<string, KeySpec> = {
  paused: accountKey(
    "paused",
    { type: "boolean" },
    "never picked; running sessions move off at their next turn",
  ),
  priority: accountKey(
    "priority",
    { type: "int", min: -100, max: 100 },
    "spent first when higher; below 0: last",
  ),
  "reserve-5h": accountKey("reserve5h", percent, "percent of the 5-hour window to leave unused"),
  "reserve-weekly": accountKey("reserveWeekly", percent, "percent of the weekly window to leave unused"),
  "max-5h": accountKey("max5h", percent, "never picked at or above this 5-hour use"),
  "max-weekly": accountKey("maxWeekly", percent, "never picked at or above this weekly use"),
};

interface ResolvedKey {
  spec: KeySpec;
  account: string;
}

/** `routing.strategy` or `accounts.NAME.paused`; anything else is a usage error naming the key. */
export function resolveKey(key: string): ResolvedKey {
  const global = GLOBAL_KEYS[key];
  if (global) return { spec: global, account: "" };
  const match = /^accounts\.([^.]+)\.([^.]+)$/.exec(key);
  const spec = match && ACCOUNT_KEYS[match[2]!];
  if (match && spec) return { spec, account: validateAccountName(match[1]!) };
  throw usageError(`unknown setting ${JSON.stringify(key)}`, "see `cao config list` for the keys");
}

/** Parses a command-line value for `key`; the error names both. */
export function parseValue(key: string, text: string): unknown {
  const { kind } = resolveKey(key).spec;
  const bad = (what: string) => usageError(`${key}: ${JSON.stringify(text)} is not ${what}`);
  return coerce(kind, text.trim(), bad);
}

function coerce(kind: Kind, value: unknown, bad: (what: string) => Error): unknown {
  if (kind.type === "boolean") {
    if (value === true || value === "true") return true;
    if (value === false || value === "false") return false;
    throw bad("true or false");
  }
  if (kind.type === "enum") {
    if (typeof value === "string" && kind.values.includes(value)) return value;
    throw bad(`one of ${kind.values.join(", ")}`);
  }
  const n = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < kind.min || n > kind.max) {
    throw bad(`a whole number from ${kind.min} to ${kind.max}`);
  }
  return n;
}

/** Reads the file; a missing one is the defaults. A broken one throws (exit 3) naming the key or line. */
export function loadSettings(dir = dataDir()): Settings {
  const file = settingsPath(dir);
  let raw: string;
  try {
    raw = fs.readFileSync(file, "utf8");
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return defaultSettings();
    throw new CaoError(`cannot read ${file}: ${errnoCode(error) ?? String(error)}`, ExitCode.data);
  }
  return parseSettings(raw, file);
}

export function parseSettings(raw: string, file: string): Settings {
  let table: Record<string, unknown>;
  try {
    table = parse(raw) as Record<string, unknown>;
  } catch (error) {
    const where = error instanceof TomlError ? ` (line ${error.line})` : "";
    throw settingsError(file, `is not valid TOML${where}`);
  }
  const settings = defaultSettings();
  for (const [key, value] of flatten(table)) {
    let resolved: ResolvedKey;
    try {
      resolved = resolveKey(key);
    } catch {
      continue; // A newer version's key: ignored, kept in the file.
    }
    const bad = (what: string) => settingsError(file, `${key} = ${JSON.stringify(value)} is not ${what}`);
    resolved.spec.set(settings, resolved.account, coerce(resolved.spec.kind, value, bad) as never);
  }
  return settings;
}

function flatten(table: Record<string, unknown>, prefix = ""): [string, unknown][] {
  return Object.entries(table).flatMap(([key, value]): [string, unknown][] =>
    value && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date)
      ? flatten(value as Record<string, unknown>, `${prefix}${key}.`)
      : [[`${prefix}${key}`, value]],
  );
}

function settingsError(file: string, what: string): CaoError {
  return new CaoError(
    `${file}: ${what}; the file was left untouched`,
    ExitCode.data,
    "fix it with `cao config set` or by hand",
  );
}

export function getSetting(settings: Settings, key: string): unknown {
  const { spec, account } = resolveKey(key);
  return spec.get(settings, account);
}

/** Every key with its value (per-account keys for every account the file or `accounts` names). */
export function listSettings(
  settings: Settings,
  accounts: readonly string[],
): { key: string; value: unknown; doc: string }[] {
  const rows = Object.entries(GLOBAL_KEYS).map(([key, spec]) => ({
    key,
    value: spec.get(settings, ""),
    doc: spec.doc,
  }));
  const names = [...new Set([...accounts, ...Object.keys(settings.accounts)])];
  for (const name of names) {
    for (const [field, spec] of Object.entries(ACCOUNT_KEYS)) {
      rows.push({ key: `accounts.${name}.${field}`, value: spec.get(settings, name), doc: spec.doc });
    }
  }
  return rows;
}

/**
 * Changes one key in the file under a lock (two `cao pause` at once lose
 * nothing), keeping keys this version does not know. `value` undefined removes it.
 */
export function updateSetting(key: string, value: unknown, dir = dataDir()): void {
  const { account: name } = resolveKey(key);
  ensurePrivateDir(dir);
  const settings = withFileLock(path.join(locksDir(dir), "settings.lock"), () => {
    const file = settingsPath(dir);
    const raw = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    parseSettings(raw, file); // refuses to rewrite a file it cannot read
    const table = (raw ? parse(raw) : {}) as Record<string, Record<string, unknown>>;
    const [section, ...rest] = name ? ["accounts", name, key.split(".").at(-1)!] : key.split(".");
    let node: Record<string, unknown> = table;
    const trail = [section!, ...rest];
    for (const part of trail.slice(0, -1)) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    if (value === undefined) delete node[trail.at(-1)!];
    else node[trail.at(-1)!] = value;
    const text = `# cao settings: see docs/pool.md or \`cao config list\`\n${stringify(table)}\n`;
    writeFileAtomic(file, text, { mode: 0o600 });
    return parseSettings(text, file);
  });
  // A pause or a reserve changes the pool's headroom the prompt shows.
  refreshPoolState(settings, dir);
}

/**
 * The settings as a long-running process sees them: re-read when the file's
 * mtime changes (checked at most every `checkMs`), the last good ones kept when
 * the file breaks.
 */
export class SettingsWatcher {
  private current: Settings;
  private stamp = "";
  private checkedAtMs = 0;

  constructor(
    private readonly dir: string,
    private readonly onChange: (message: string) => void = () => {},
    private readonly checkMs = 250,
  ) {
    this.current = defaultSettings();
    this.refresh(true);
  }

  get(now = Date.now()): Settings {
    if (now - this.checkedAtMs >= this.checkMs) this.refresh(false);
    return this.current;
  }

  private refresh(first: boolean): void {
    this.checkedAtMs = Date.now();
    let stamp = "";
    try {
      const stat = fs.statSync(settingsPath(this.dir));
      stamp = `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
    } catch {
      stamp = "missing";
    }
    if (stamp === this.stamp) return;
    this.stamp = stamp;
    try {
      this.current = loadSettings(this.dir);
      if (!first) this.onChange(`settings reloaded from ${settingsPath(this.dir)}`);
    } catch (error) {
      this.onChange(`${error instanceof Error ? error.message : error}; keeping the previous settings`);
    }
  }
}
