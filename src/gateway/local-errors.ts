/**
 * Errors that say this machine ran out of something (file descriptors,
 * memory, local ports), not that the account or its upstream failed: another
 * local user can cause them by opening sockets. They are never counted as the
 * account's failures (which would move sessions off a healthy account).
 */
const LOCAL_RESOURCE_CODES = new Set(["EMFILE", "ENFILE", "ENOMEM", "ENOBUFS", "EADDRNOTAVAIL"]);

export function isLocalResourceError(code: string): boolean {
  return LOCAL_RESOURCE_CODES.has(code);
}
