import crypto from "node:crypto";
import fs from "node:fs";
import { writeFileAtomic } from "../core/atomic-write.js";
import { type AuthFile, readAuthFile } from "../core/auth-file.js";
import { decodeJwtPayload } from "../core/jwt.js";
import {
  type LoginRescue,
  readLoginRescues,
  removeLoginRescue,
  writeLoginRescue,
} from "../core/login-rescue.js";
import { authPath } from "../core/paths.js";

/**
 * The gateway's tokens. It is the one refresher of the accounts it routes
 * (design: one refresher per refresh token): it refreshes well before Codex
 * would (Codex does at exp-5min), once per account however many requests wait
 * (single flight), re-reads auth.json right before refreshing (Codex or a new
 * login may have replaced it) and writes temp+rename at 0600.
 *
 * It also answers "is this caller the user?": the only bearer tokens accepted
 * are the accounts' own access tokens, current or recently superseded (a
 * running Codex keeps the token it read at start), which only the user can read.
 */
export const DEFAULT_REFRESH_URL = "https://auth.openai.com/oauth/token";
export const CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";
/** Refresh failures that mean the login is dead: retrying would only make it worse. */
const DEAD_LOGIN = /refresh_token_(reused|expired|invalidated)/;
/** After a failed refresh (network, 5xx), wait this long before trying again. */
const REFRESH_FAILURE_BACKOFF_MS = 30_000;
/** How long a superseded access token is still accepted from callers. */
const SUPERSEDED_TTL_MS = 24 * 3_600_000;
/** How often a request retries saving tokens that only live in memory (maintenance also retries). */
const UNSAVED_RETRY_MS = 5_000;

export interface Credentials {
  accessToken: string;
  accountId: string | undefined;
}

export type HttpPost = (url: string, body: string) => Promise<{ status: number; text: string }>;

export class AccountUnavailableError extends Error {
  constructor(
    readonly account: string,
    readonly reason: string,
  ) {
    super(`${account}: ${reason}`);
  }
}

interface AccountTokens {
  name: string;
  file: string;
  mtimeMs: number;
  accessToken: string | undefined;
  refreshToken: string | undefined;
  accountId: string | undefined;
  expiresAtMs: number | undefined;
  /** exp - iat of the access token, when both are known and it came from this gateway's own refresh. */
  lifetimeMs: number | undefined;
  /** Why this account cannot be used (unreadable auth.json, dead login); cleared when the file changes. */
  problem: string | undefined;
  refreshing: Promise<void> | undefined;
  lastRefreshFailureAtMs: number;
  accepted: AcceptedToken[];
  /** Refresh tokens this account rotated away from: dead, never to be sent again (digests). */
  superseded: Buffer[];
  /** The auth.json content that holds rotated tokens the disk refused (ENOSPC, EIO, EACCES): memory is the only copy. */
  unsaved: UnsavedTokens | undefined;
}

interface UnsavedTokens {
  auth: AuthFile;
  sinceMs: number;
  reason: string;
  lastTryMs: number;
  /** The rescue copy of `auth` on another file system (core/login-rescue.ts), once one was written. */
  rescueFile: string | undefined;
  /** The `auth` the rescue copy holds: a newer rotation needs a new copy. */
  rescued: AuthFile | undefined;
}

/** An account whose current login lives only in the gateway's memory. */
export interface UnsavedLogin {
  account: string;
  sinceMs: number;
  reason: string;
  /** Where a rescue copy survives the gateway (restored at its next start), or null when none could be written. */
  rescueFile: string | null;
}

interface AcceptedToken {
  digest: Buffer;
  untilMs: number;
}

/** A caller verified on one connection: its token, and the entry that admitted it. */
interface VerifiedCaller {
  bearer: Buffer;
  account: AccountTokens;
  entry: AcceptedToken;
}

export interface TokenEvents {
  refreshed(account: string): void;
  /** A refresh failed for a passing reason (network, 5xx): the account stays usable while its token lasts. */
  refreshFailed(account: string, reason: string): void;
  problem(account: string, problem: string, deadLogin: boolean): void;
  /** Rotated tokens could not be written: the login lives only in memory until `saved`. */
  unsaved(account: string, reason: string): void;
  /** A rescue copy of the unsaved login was written to `file` (undefined: no file system took it). */
  rescued(account: string, file: string | undefined): void;
  /** A rescue copy left by an earlier gateway was taken back into memory, to be saved to auth.json. */
  restored(account: string, file: string): void;
  saved(account: string, how: string): void;
}

const digest = (token: string): Buffer => crypto.createHash("sha256").update(token).digest();

export class TokenManager {
  private readonly accounts = new Map<string, AccountTokens>();
  private lastCallerReloadMs = 0;
  /**
   * Codex sends the same token on every request of a keep-alive connection:
   * once verified there, the next request is checked against that token
   * alone (constant-time, no hash), for as long as the entry that admitted it
   * is still accepted. So the cache admits nothing the full check would not:
   * only tokens that matched, never past the entry's expiry, its supersession
   * falling out of the list, or the account's removal.
   */
  private readonly verified = new WeakMap<object, VerifiedCaller>();

  constructor(
    names: readonly string[],
    private readonly options: {
      dir: string;
      refreshBeforeMs: number;
      refreshUrl: string;
      post: HttpPost;
      events: TokenEvents;
    },
  ) {
    const rescues = readLoginRescues(options.dir);
    for (const name of names) {
      const account: AccountTokens = {
        name,
        file: authPath(name, options.dir),
        mtimeMs: -1,
        accessToken: undefined,
        refreshToken: undefined,
        accountId: undefined,
        expiresAtMs: undefined,
        lifetimeMs: undefined,
        problem: undefined,
        refreshing: undefined,
        lastRefreshFailureAtMs: 0,
        accepted: [],
        superseded: [],
        unsaved: undefined,
      };
      this.accounts.set(name, account);
      this.load(account);
      this.restore(
        account,
        rescues.filter((rescue) => rescue.account === name),
      );
    }
  }

  names(): string[] {
    return [...this.accounts.keys()];
  }

  /** Why the account cannot serve, or undefined when it can. */
  problem(name: string): string | undefined {
    return this.get(name).problem;
  }

  /** Logins whose rotated tokens are only in memory (the disk refused them). */
  unsavedLogins(): UnsavedLogin[] {
    return [...this.accounts.values()].flatMap((account) =>
      account.unsaved
        ? [
            {
              account: account.name,
              sinceMs: account.unsaved.sinceMs,
              reason: account.unsaved.reason,
              rescueFile: account.unsaved.rescueFile ?? null,
            },
          ]
        : [],
    );
  }

  /** The `chatgpt_account_id` behind an account name (for matching a caller's `chatgpt-account-id`). */
  accountId(name: string): string | undefined {
    return this.get(name).accountId;
  }

  /**
   * Credentials to send upstream for one request. `rejected` is the token an
   * upstream just answered 401 to: refresh (once, shared) unless a newer one
   * is already there.
   */
  async credentials(name: string, rejected?: string): Promise<Credentials> {
    const account = this.get(name);
    if (account.problem || !account.accessToken) {
      throw new AccountUnavailableError(name, account.problem ?? "no access token");
    }
    const now = Date.now();
    if (account.unsaved && now - account.unsaved.lastTryMs >= UNSAVED_RETRY_MS) this.persist(account);
    const nearExpiry =
      account.expiresAtMs !== undefined && account.expiresAtMs - now < this.marginMs(account);
    const backingOff = now - account.lastRefreshFailureAtMs < REFRESH_FAILURE_BACKOFF_MS;
    if (rejected !== undefined && rejected === account.accessToken) {
      await this.refresh(account, "unauthorized_recovery");
    } else if (nearExpiry && !backingOff) {
      // A failed early refresh is no reason to fail the request while the token still works.
      await this.refresh(account, "proactive_expiry").catch((error: unknown) => {
        if (!(error instanceof AccountUnavailableError)) throw error;
      });
    }
    if (account.problem || !account.accessToken) {
      throw new AccountUnavailableError(name, account.problem ?? "no access token");
    }
    if (account.expiresAtMs !== undefined && account.expiresAtMs <= Date.now()) {
      throw new AccountUnavailableError(name, "access token expired and could not be refreshed");
    }
    if (rejected !== undefined && rejected === account.accessToken) {
      throw new AccountUnavailableError(name, "upstream rejected the token and refreshing did not help");
    }
    return { accessToken: account.accessToken, accountId: account.accountId };
  }

  /** Proactive refresh of every account close to expiry, and pick-up of files changed on disk. */
  async maintain(): Promise<void> {
    const now = Date.now();
    await Promise.all(
      [...this.accounts.values()].map(async (account) => {
        if (account.unsaved) this.persist(account);
        this.reloadIfChanged(account);
        if (account.problem || account.expiresAtMs === undefined) return;
        if (account.expiresAtMs - now >= this.marginMs(account)) return;
        if (now - account.lastRefreshFailureAtMs < REFRESH_FAILURE_BACKOFF_MS) return;
        await this.refresh(account, "proactive_expiry").catch(() => {});
      }),
    );
  }

  /** Last chance before the gateway exits: tries to save what only memory holds; returns what is still unsaved. */
  flushUnsaved(): UnsavedLogin[] {
    for (const account of this.accounts.values()) this.persist(account);
    return this.unsavedLogins();
  }

  /**
   * The account whose token the caller presented, or undefined (constant-time
   * comparisons). `connection` (the request's socket) keys the cache above.
   */
  authenticate(bearer: string | undefined, connection?: object): string | undefined {
    if (!bearer) return undefined;
    const cached = connection && this.verified.get(connection);
    if (cached && cached.entry.untilMs > Date.now() && cached.account.accepted.includes(cached.entry)) {
      const presented = Buffer.from(bearer);
      // Only the length of the user's own token can leak here, not its bytes.
      if (presented.length === cached.bearer.length && crypto.timingSafeEqual(presented, cached.bearer))
        return cached.account.name;
    }
    const found = this.verify(bearer);
    if (connection) {
      if (found) this.verified.set(connection, { bearer: Buffer.from(bearer), ...found });
      else this.verified.delete(connection);
    }
    return found?.account.name;
  }

  private verify(bearer: string): Omit<VerifiedCaller, "bearer"> | undefined {
    const found = this.match(digest(bearer));
    if (found) return found;
    // A token we have not seen: maybe Codex or a new login just rewrote an
    // auth.json. Look again, but at most once a second (no disk work per probe).
    const now = Date.now();
    if (now - this.lastCallerReloadMs < 1000) return undefined;
    this.lastCallerReloadMs = now;
    for (const account of this.accounts.values()) this.reloadIfChanged(account);
    return this.match(digest(bearer));
  }

  private match(candidate: Buffer): Omit<VerifiedCaller, "bearer"> | undefined {
    const now = Date.now();
    let found: Omit<VerifiedCaller, "bearer"> | undefined;
    for (const account of this.accounts.values()) {
      account.accepted = account.accepted.filter((entry) => entry.untilMs > now);
      for (const entry of account.accepted) {
        // No early exit: every comparison runs whatever matched.
        if (crypto.timingSafeEqual(entry.digest, candidate) && found === undefined)
          found = { account, entry };
      }
    }
    return found;
  }

  /**
   * How long before expiry to refresh: --refresh-before-seconds, but for a
   * token this gateway just got from a refresh at most half its lifetime: one
   * that lives shorter than the margin would otherwise be "near expiry" from
   * birth and refreshed again on every request. (A token found on disk gets
   * the whole margin: it may be old already.)
   */
  private marginMs(account: AccountTokens): number {
    const lifetime = account.lifetimeMs;
    return lifetime !== undefined && lifetime > 0
      ? Math.min(this.options.refreshBeforeMs, lifetime / 2)
      : this.options.refreshBeforeMs;
  }

  private get(name: string): AccountTokens {
    const account = this.accounts.get(name);
    if (!account) throw new Error(`unknown gateway account ${name}`);
    return account;
  }

  private reloadIfChanged(account: AccountTokens): void {
    let mtimeMs: number;
    try {
      mtimeMs = fs.statSync(account.file).mtimeMs;
    } catch {
      mtimeMs = 0;
    }
    if (mtimeMs !== account.mtimeMs) this.load(account);
  }

  /** Reads auth.json into memory. An unreadable file is reported, never rewritten. */
  private load(account: AccountTokens): AuthFile | undefined {
    try {
      account.mtimeMs = fs.statSync(account.file).mtimeMs;
    } catch {
      account.mtimeMs = 0;
    }
    const read = readAuthFile(account.file);
    const onDisk = read.kind === "ok" ? read.auth.tokens?.refresh_token : undefined;
    if (account.unsaved && (!onDisk || this.isSuperseded(account, onDisk))) {
      // The disk still holds what we rotated away from (or nothing readable): memory is the truth until saved.
      return account.unsaved.auth;
    }
    // Logged out or removed: its tokens are no longer the user's to present.
    if (read.kind === "missing") account.accepted = [];
    if (read.kind !== "ok") {
      this.setProblem(
        account,
        read.kind === "missing" ? "not logged in (no auth.json)" : `auth.json is ${read.reason}`,
        false,
      );
      return undefined;
    }
    const tokens = read.auth.tokens;
    if (!tokens?.access_token || !tokens.refresh_token) {
      this.setProblem(account, "auth.json holds no ChatGPT tokens", false);
      return undefined;
    }
    if (account.unsaved) {
      // A new login (or Codex's own refresh) replaced the file: it wins over what only memory held.
      if (account.unsaved.rescueFile) removeLoginRescue(account.unsaved.rescueFile);
      account.unsaved = undefined;
      this.options.events.saved(account.name, "a newer login replaced the file");
    }
    this.adopt(account, read.auth);
    account.problem = undefined;
    return read.auth;
  }

  private adopt(account: AccountTokens, auth: AuthFile, ownRefresh = false): void {
    const tokens = auth.tokens ?? {};
    const access = tokens.access_token;
    if (access && access !== account.accessToken) {
      const payload = decodeJwtPayload(access);
      const exp = typeof payload?.exp === "number" ? payload.exp * 1000 : undefined;
      const iat = typeof payload?.iat === "number" ? payload.iat * 1000 : undefined;
      account.expiresAtMs = exp;
      account.lifetimeMs = ownRefresh && exp !== undefined && iat !== undefined ? exp - iat : undefined;
      account.accepted.push({
        digest: digest(access),
        untilMs: Math.max(exp ?? 0, Date.now()) + SUPERSEDED_TTL_MS,
      });
      account.accepted = account.accepted.slice(-8);
    }
    account.accessToken = access;
    account.refreshToken = tokens.refresh_token;
    const claims = decodeJwtPayload(access)?.["https://api.openai.com/auth"] as
      | Record<string, unknown>
      | undefined;
    account.accountId =
      tokens.account_id ??
      (typeof claims?.chatgpt_account_id === "string" ? claims.chatgpt_account_id : undefined);
  }

  private setProblem(account: AccountTokens, problem: string, deadLogin: boolean): void {
    const changed = account.problem !== problem;
    account.problem = problem;
    if (changed) this.options.events.problem(account.name, problem, deadLogin);
  }

  private refresh(
    account: AccountTokens,
    reason: "proactive_expiry" | "unauthorized_recovery",
  ): Promise<void> {
    account.refreshing ??= this.refreshNow(account, reason).finally(() => {
      account.refreshing = undefined;
    });
    return account.refreshing;
  }

  private async refreshNow(account: AccountTokens, reason: string): Promise<void> {
    const before = account.accessToken;
    // Someone else (Codex, a re-login) may have refreshed already: use theirs.
    const onDisk = this.load(account);
    if (!onDisk) return;
    const stillFresh =
      account.expiresAtMs !== undefined && account.expiresAtMs - Date.now() >= this.marginMs(account);
    if (account.accessToken !== before && (reason === "unauthorized_recovery" || stillFresh)) return;
    if (!account.refreshToken || this.isSuperseded(account, account.refreshToken)) {
      // Sending a rotated-away token would make the server revoke the whole login.
      throw this.refreshFailure(account, "token refresh skipped: only a superseded refresh token is known");
    }
    const body = JSON.stringify({
      client_id: CODEX_CLIENT_ID,
      grant_type: "refresh_token",
      refresh_token: account.refreshToken,
      refresh_reason: reason,
    });
    let answer: { status: number; text: string };
    try {
      answer = await this.options.post(this.options.refreshUrl, body);
    } catch (error) {
      throw this.refreshFailure(account, `token refresh failed: ${describe(error)}`);
    }
    if (answer.status < 200 || answer.status >= 300) {
      account.lastRefreshFailureAtMs = Date.now();
      const dead = DEAD_LOGIN.exec(answer.text)?.[0];
      if (dead) {
        this.setProblem(account, `needs a new login (${dead})`, true);
        return;
      }
      throw this.refreshFailure(account, `token refresh failed with HTTP ${answer.status}`);
    }
    let fresh: { access_token?: unknown; id_token?: unknown; refresh_token?: unknown };
    try {
      fresh = JSON.parse(answer.text);
    } catch {
      throw this.refreshFailure(account, "token refresh answered something that is not JSON");
    }
    this.writeRefreshed(account, fresh);
    this.options.events.refreshed(account.name);
  }

  private refreshFailure(account: AccountTokens, reason: string): AccountUnavailableError {
    account.lastRefreshFailureAtMs = Date.now();
    this.options.events.refreshFailed(account.name, reason);
    return new AccountUnavailableError(account.name, reason);
  }

  /**
   * Merges the new tokens into the file as it is now (unknown keys kept),
   * atomically, 0600. The new tokens are adopted in memory first: once the
   * server rotated the refresh token the old one is dead, so a failed write
   * (full disk, EIO, EACCES) must not drop the only live copy. It is retried
   * until the disk takes it.
   */
  private writeRefreshed(
    account: AccountTokens,
    fresh: { access_token?: unknown; id_token?: unknown; refresh_token?: unknown },
  ): void {
    const auth = account.unsaved?.auth ?? onDiskOrEmpty(account.file);
    const tokens = { ...(auth.tokens ?? {}) };
    if (typeof fresh.access_token === "string") tokens.access_token = fresh.access_token;
    if (typeof fresh.id_token === "string") tokens.id_token = fresh.id_token;
    // The refresh token rotates; the old one is dead from now on.
    if (typeof fresh.refresh_token === "string" && fresh.refresh_token !== tokens.refresh_token) {
      if (tokens.refresh_token)
        account.superseded = [...account.superseded, digest(tokens.refresh_token)].slice(-16);
      tokens.refresh_token = fresh.refresh_token;
    }
    const next: AuthFile = { ...auth, tokens, last_refresh: new Date().toISOString() };
    this.adopt(account, next, true);
    account.problem = undefined;
    account.unsaved = {
      auth: next,
      sinceMs: account.unsaved?.sinceMs ?? Date.now(),
      reason: "",
      lastTryMs: 0,
      rescueFile: account.unsaved?.rescueFile,
      rescued: undefined,
    };
    this.persist(account);
  }

  /**
   * Takes back the newest rescue copy an earlier gateway left for this
   * account, unless auth.json already holds it or was replaced after it was
   * written (a new login): then the copy is stale and goes.
   */
  private restore(account: AccountTokens, rescues: LoginRescue[]): void {
    const newestFirst = [...rescues].sort((a, b) => b.savedAtMs - a.savedAtMs);
    const [newest, ...older] = newestFirst;
    for (const stale of older) removeLoginRescue(stale.file);
    if (!newest) return;
    const read = readAuthFile(account.file);
    const onDisk = read.kind === "ok" ? read.auth.tokens?.refresh_token : undefined;
    const rescued = newest.auth.tokens?.refresh_token;
    if (!rescued || onDisk === rescued || (read.kind === "ok" && account.mtimeMs > newest.savedAtMs)) {
      removeLoginRescue(newest.file);
      return;
    }
    // What auth.json holds was rotated away from: never send it again.
    if (onDisk) account.superseded = [...account.superseded, digest(onDisk)].slice(-16);
    this.adopt(account, newest.auth);
    account.problem = undefined;
    account.unsaved = {
      auth: newest.auth,
      sinceMs: newest.savedAtMs,
      reason: "",
      lastTryMs: 0,
      rescueFile: newest.file,
      rescued: newest.auth,
    };
    this.options.events.restored(account.name, newest.file);
    this.persist(account);
  }

  /** Writes the memory-only tokens; on failure says so (once per reason) and keeps them for the next try. */
  private persist(account: AccountTokens): void {
    const unsaved = account.unsaved;
    if (!unsaved) return;
    unsaved.lastTryMs = Date.now();
    try {
      writeFileAtomic(account.file, `${JSON.stringify(unsaved.auth, null, 2)}\n`, { mode: 0o600 });
      account.mtimeMs = fs.statSync(account.file).mtimeMs;
    } catch (error) {
      const reason = `could not save the refreshed tokens to ${account.file} (${describe(error)})`;
      if (reason !== unsaved.reason) {
        unsaved.reason = reason;
        this.options.events.unsaved(account.name, reason);
      }
      if (unsaved.rescued !== unsaved.auth) {
        const previous = unsaved.rescueFile;
        unsaved.rescueFile = writeLoginRescue(this.options.dir, account.name, unsaved.auth);
        unsaved.rescued = unsaved.auth;
        if (previous && previous !== unsaved.rescueFile) removeLoginRescue(previous);
        this.options.events.rescued(account.name, unsaved.rescueFile);
      }
      return;
    }
    account.unsaved = undefined;
    if (unsaved.rescueFile) removeLoginRescue(unsaved.rescueFile);
    if (unsaved.reason || unsaved.rescueFile) {
      this.options.events.saved(
        account.name,
        `after ${Math.round((Date.now() - unsaved.sinceMs) / 1000)} s unsaved`,
      );
    }
  }

  private isSuperseded(account: AccountTokens, refreshToken: string): boolean {
    const candidate = digest(refreshToken);
    let found = false;
    for (const entry of account.superseded) if (crypto.timingSafeEqual(entry, candidate)) found = true;
    return found;
  }
}

function onDiskOrEmpty(file: string): AuthFile {
  const read = readAuthFile(file);
  return read.kind === "ok" ? read.auth : {};
}

function describe(error: unknown): string {
  if (error instanceof Error) return (error as Error & { code?: string }).code ?? error.message;
  return String(error);
}
