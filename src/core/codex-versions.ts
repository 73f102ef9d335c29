/**
 * The Codex CLI versions cao is tested against: the oldest supported and the
 * newest tested. This is the one place the range lives; the two real binaries
 * the tests run are the devDependencies `codex-oldest` and `@openai/codex`, and
 * test/unit/codex-versions.test.ts fails when package.json and this disagree.
 * What cao relies on in each version is in docs/codex-notes.md.
 */
export const TESTED_CODEX = { oldest: "0.169.0", newest: "0.171.0" } as const;

/** The first Codex with footer status line providers (`cao statusline`; docs/codex-notes.md, "The footer status line provider"). */
export const STATUSLINE_SINCE = "0.171.0";

export type VersionTriple = readonly [number, number, number];

/** `codex --version` prints `codex-cli 0.171.0`; the first x.y.z in the text, or null. */
export function parseCodexVersion(text: string): VersionTriple | null {
  const match = /(\d+)\.(\d+)\.(\d+)/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
}

export function compareVersions(a: VersionTriple, b: VersionTriple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

export type RangeVerdict = "too-old" | "tested" | "untested";

/** Where an installed version falls against TESTED_CODEX. */
export function versionVerdict(version: VersionTriple): RangeVerdict {
  const oldest = parseCodexVersion(TESTED_CODEX.oldest) as VersionTriple;
  const newest = parseCodexVersion(TESTED_CODEX.newest) as VersionTriple;
  if (compareVersions(version, oldest) < 0) return "too-old";
  return compareVersions(version, newest) > 0 ? "untested" : "tested";
}
