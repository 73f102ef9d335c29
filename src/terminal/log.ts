import type { ConsolaInstance } from "consola";

/**
 * Human messages go through consola on stderr; stdout is for a command's output
 * (listings, --json, generated scripts). consola costs ~25 ms to load, so it is
 * imported on the first message only and never on the quiet hot paths.
 */
let instance: Promise<ConsolaInstance> | undefined;

function logger(): Promise<ConsolaInstance> {
  instance ??= import("consola").then(({ createConsola }) =>
    // The basic reporter keeps every message on one greppable line (the fancy one
    // pads errors with blank lines).
    createConsola({
      fancy: false,
      stdout: process.stderr,
      stderr: process.stderr,
      formatOptions: { date: false },
    }),
  );
  return instance;
}

export const log = {
  info: async (message: string) => (await logger()).info(message),
  success: async (message: string) => (await logger()).success(message),
  warn: async (message: string) => (await logger()).warn(message),
  error: async (message: string) => (await logger()).error(message),
  box: async (message: string) => (await logger()).box(message),
  prompt: async <T>(message: string, options: Parameters<ConsolaInstance["prompt"]>[1]) =>
    (await logger()).prompt(message, options) as Promise<T>,
};
