/**
 * Core modules stay free of the logger (it costs ~25 ms to load); they queue
 * warnings here and the CLI prints them through consola when it finishes.
 */
const pending: string[] = [];

export function warn(message: string): void {
  if (!pending.includes(message)) pending.push(message);
}

export function takeWarnings(): string[] {
  return pending.splice(0, pending.length);
}
