import type { BackendState } from "./state.js";

/**
 * The body of `GET /backend-api/wham/accounts/check`: the workspace routing
 * discovery the TUI runs before its first turn. It must list the signed-in
 * account (the bearer's) with an HTTPS backend origin and a routing override
 * Codex knows, or the TUI stops with "selected workspace missing from routing
 * discovery" / "... missing backend origin" (docs/codex-notes.md, "The interactive TUI"). `origin` is the
 * origin the request came in on, as a real edge answers with its own.
 */
export function accountsCheckBody(
  state: BackendState,
  accountId: string,
  origin: string,
): Record<string, unknown> {
  const account = state.account(accountId);
  return {
    accounts: [
      {
        id: accountId,
        structure: "personal",
        plan_type: account.plan,
        // A regional workspace lives on the backend's second origin, with its own override.
        workspace_backend_origin: (account.spec.regionalOverride && state.regional?.origin) || origin,
        account_routing_override: account.spec.regionalOverride ?? "NO_CONSTRAINT",
      },
    ],
    default_account_id: accountId,
    account_ordering: [accountId],
  };
}
