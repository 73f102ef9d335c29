/**
 * A command's own output (what a user pipes or parses) goes to stdout. A
 * reader that stops early (`cao list | head -1`) closes the pipe: that ends
 * cao quietly, as it does any Unix filter, instead of an unhandled EPIPE.
 */
let pipeGuarded = false;

function stdout(): NodeJS.WriteStream {
  if (!pipeGuarded) {
    pipeGuarded = true;
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  return process.stdout;
}

export function printOut(text: string): void {
  stdout().write(text.endsWith("\n") ? text : `${text}\n`);
}

export function printJson(value: unknown): void {
  stdout().write(`${JSON.stringify(value, null, 2)}\n`);
}
