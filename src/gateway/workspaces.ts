import type { Agent } from "undici";
import { backendGet } from "./backend-get.js";
import { AccountUnavailableError, type Credentials } from "./credentials.js";

/**
 * Regional workspaces. Codex asks `GET /backend-api/wham/accounts/check`
 * before its first turn; each account there has a `workspace_backend_origin`
 * (a regional or government ChatGPT origin) and an `account_routing_override`
 * that Codex then sends as `x-openai-account-routing-override`. Codex only
 * knows its own account's: when the gateway serves a request on another
 * account it must use that account's origin and override. They are asked per
 * account once and kept until the account's login changes (another
 * `chatgpt_account_id`). An upstream without the endpoint (404: a custom
 * base URL) has no workspace routing: the configured origin is used. Any
 * other failure makes the account unavailable rather than used against the
 * wrong origin.
 */
export const ROUTING_OVERRIDE_HEADER = "x-openai-account-routing-override";
const NO_CONSTRAINT = "NO_CONSTRAINT";

export interface Workspace {
  /** Origin of the account's model traffic, e.g. `https://chatgpt.com`. */
  origin: string;
  /** The override header value to send, undefined when the account has none (NO_CONSTRAINT). */
  routingOverride: string | undefined;
}

export class WorkspaceDirectory {
  private readonly known = new Map<
    string,
    { accountId: string | undefined; workspace: Promise<Workspace> }
  >();

  constructor(
    private readonly options: { agent: Agent; origin: string; timeoutMs: number; log(line: string): void },
  ) {}

  /**
   * The workspace of the account the gateway serves on; undefined without credentials of its own
   * (`--passthrough-auth`: Codex's own origin and header stand). Rejects with AccountUnavailableError.
   */
  async route(account: string, credentials: Credentials | undefined): Promise<Workspace | undefined> {
    return credentials ? this.resolve(account, credentials) : undefined;
  }

  /** The account's workspace; rejects with AccountUnavailableError when it cannot be known. */
  resolve(account: string, credentials: Credentials): Promise<Workspace> {
    const cached = this.known.get(account);
    if (cached && cached.accountId === credentials.accountId) return cached.workspace;
    const workspace = this.discover(account, credentials);
    this.known.set(account, { accountId: credentials.accountId, workspace });
    // A failure is not kept: the next request asks again.
    workspace.catch(() => {
      if (this.known.get(account)?.workspace === workspace) this.known.delete(account);
    });
    return workspace;
  }

  private async discover(account: string, credentials: Credentials): Promise<Workspace> {
    const { agent, origin, timeoutMs } = this.options;
    const fail = (why: string) =>
      new AccountUnavailableError(account, `workspace routing discovery failed: ${why}`);
    let answer: { status: number; text: string };
    try {
      answer = await backendGet(agent, {
        origin,
        path: "/backend-api/wham/accounts/check",
        credentials,
        timeoutMs,
      });
    } catch (error) {
      throw fail(error instanceof Error ? error.message : String(error));
    }
    if (answer.status === 404) return { origin, routingOverride: undefined };
    if (answer.status !== 200) throw fail(`accounts/check answered HTTP ${answer.status}`);
    const workspace = parseAccountsCheck(answer.text, credentials.accountId);
    if (typeof workspace === "string") throw fail(workspace);
    if (workspace.origin !== origin) this.options.log(`workspace: ${account} lives on ${workspace.origin}`);
    return workspace;
  }
}

/** The entry of `accountId` in an accounts/check answer, or why there is none usable. */
export function parseAccountsCheck(text: string, accountId: string | undefined): Workspace | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return "accounts/check answer is not JSON";
  }
  const accounts = (body as { accounts?: unknown }).accounts;
  if (!Array.isArray(accounts)) return "accounts/check lists no accounts";
  const entry = accounts.find((item) => (item as { id?: unknown })?.id === accountId) as
    | { workspace_backend_origin?: unknown; account_routing_override?: unknown }
    | undefined;
  if (!entry) return "this account is missing from accounts/check";
  const origin = entry.workspace_backend_origin;
  if (typeof origin !== "string") return "accounts/check gives no backend origin";
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return `invalid backend origin ${JSON.stringify(origin)}`;
  }
  if ((parsed.protocol !== "https:" && parsed.protocol !== "http:") || parsed.username || parsed.password)
    return `invalid backend origin ${JSON.stringify(origin)}`;
  const override = entry.account_routing_override;
  if (override !== undefined && (typeof override !== "string" || !/^[A-Za-z0-9_-]+$/.test(override)))
    return "invalid account routing override";
  return {
    origin: parsed.origin,
    routingOverride: override && override !== NO_CONSTRAINT ? override : undefined,
  };
}

/**
 * Points one upstream request at the account's workspace: its override header
 * replaces whatever Codex sent (the home account's), and its origin is returned.
 */
export function applyWorkspace(
  headers: Record<string, string | string[]>,
  workspace: Workspace | undefined,
  configuredOrigin: string,
): string {
  if (!workspace) return configuredOrigin;
  delete headers[ROUTING_OVERRIDE_HEADER];
  if (workspace.routingOverride) headers[ROUTING_OVERRIDE_HEADER] = workspace.routingOverride;
  return workspace.origin;
}
