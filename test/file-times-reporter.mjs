// A test reporter that adds up each file's time (its top-level tests run one
// after another) and lists the slowest files against the per-test timeout, so
// a file creeping towards the limit shows before a busy machine trips it.
// test/run-tests.mjs writes its output to stderr beside the usual report.
const SHOWN = 8;

export default async function* fileTimes(source) {
  const files = new Map();
  for await (const event of source) {
    if ((event.type === "test:pass" || event.type === "test:fail") && event.data.nesting === 0) {
      const file = event.data.file ?? "?";
      files.set(file, (files.get(file) ?? 0) + (event.data.details?.duration_ms ?? 0));
    }
  }
  const limitMs = Number(process.env.CAO_TEST_EFFECTIVE_TIMEOUT_MS) || Number.POSITIVE_INFINITY;
  const slowest = [...files].sort((a, b) => b[1] - a[1]).slice(0, SHOWN);
  yield `slowest test files (per-test timeout ${Math.round(limitMs / 1000)} s):\n`;
  for (const [file, ms] of slowest) {
    const share = Number.isFinite(limitMs) ? ` ${Math.round((100 * ms) / limitMs)}%` : "";
    yield `  ${(ms / 1000).toFixed(1).padStart(6)} s${share.padStart(5)}  ${file.replace(`${process.cwd()}/`, "")}\n`;
  }
}
