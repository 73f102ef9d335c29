import type { Agent } from "undici";
import type { Credentials } from "./credentials.js";
import { fetchText } from "./upstream-response.js";

/** A ChatGPT backend GET as one account (`/backend-api/wham/...`): status and decoded body text. */
export function backendGet(
  agent: Agent,
  request: { origin: string; path: string; credentials: Credentials; timeoutMs: number },
): Promise<{ status: number; text: string }> {
  const { credentials } = request;
  return fetchText(agent, {
    origin: request.origin,
    path: request.path,
    method: "GET",
    headers: {
      authorization: `Bearer ${credentials.accessToken}`,
      ...(credentials.accountId && { "chatgpt-account-id": credentials.accountId }),
      accept: "application/json",
    },
    body: null,
    timeoutMs: request.timeoutMs,
  });
}
