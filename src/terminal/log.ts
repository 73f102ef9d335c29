import type { ConsolaInstance, LogObject } from "consola";
import { painter, type Style } from "./colour.js";

/**
 * Human messages go through consola on stderr; stdout is for a command's output
 * (listings, --json, generated scripts). consola costs ~25 ms to load, so it is
 * imported on the first message only and never on the quiet hot paths.
 */
let instance: Promise<ConsolaInstance> | undefined;

/**
 * How each kind of message starts. Errors and warnings are labelled the way
 * compilers and git label them, so they read as cao talking to the user, not
 * as log lines; information and success are plain sentences.
 */
const LABELS: Record<string, { label: string; style: Style } | undefined> = {
  error: { label: "error: ", style: "red" },
  fatal: { label: "error: ", style: "red" },
  warn: { label: "warning: ", style: "yellow" },
  success: { label: "", style: "green" },
};

function formatMessage(logObj: LogObject, paint: ReturnType<typeof painter>): string {
  const text = logObj.args.map(String).join(" ");
  const kind = LABELS[logObj.type];
  const [first = "", ...rest] = text.split("\n");
  const head = kind?.label ? `${paint("bold", paint(kind.style, kind.label))}${first}` : first;
  const tail = rest.map((line) => (line.trimStart().startsWith("hint:") ? paint("dim", line) : line));
  return `${[head, ...tail].join("\n")}\n`;
}

function logger(): Promise<ConsolaInstance> {
  instance ??= import("consola").then(({ createConsola }) => {
    const paint = painter(2);
    return createConsola({
      stdout: process.stderr,
      stderr: process.stderr,
      reporters: [{ log: (logObj) => process.stderr.write(formatMessage(logObj, paint)) }],
    });
  });
  return instance;
}

export const log = {
  info: async (message: string) => (await logger()).info(message),
  success: async (message: string) => (await logger()).success(message),
  warn: async (message: string) => (await logger()).warn(message),
  error: async (message: string) => (await logger()).error(message),
  prompt: async <T>(message: string, options: Parameters<ConsolaInstance["prompt"]>[1]) =>
    (await logger()).prompt(message, options) as Promise<T>,
};
