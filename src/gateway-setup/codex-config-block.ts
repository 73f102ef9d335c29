import { isDeepStrictEqual } from "node:util";
import { parse as parseToml } from "smol-toml";
import { findBlock, withoutConfigBlock } from "../core/codex-config-block.js";
import { CaoError } from "../core/errors.js";
import { ExitCode } from "../core/exit-codes.js";
import { tomlString } from "../core/quoting.js";
import { renderTemplate } from "../core/template.js";

/**
 * Writing the marked block `cao gateway enable --config` adds to the user's
 * main Codex config.toml. Pure text functions: the user's own lines are never
 * rewritten, only the block is added or cut out, byte for byte.
 */

const ROUTE_KEY = "openai_base_url";

export const renderConfigBlock = (url: string): string =>
  renderTemplate("codex-config-block.toml", { CAO_GATEWAY_URL: tomlString(url) });

/**
 * The text with the route block for `url` (replacing an older block). The block
 * goes at the very top: top-level keys must come before the first [table], and
 * the top of the file is always before it. The result is parsed and must equal
 * the user's config plus exactly our key, or nothing is written.
 */
export function withConfigBlock(text: string, url: string, file = "config.toml"): string {
  const userText = withoutConfigBlock(text, file);
  const user = parseOrThrow(userText, file);
  if (ROUTE_KEY in user) {
    throw new CaoError(
      `${file} already sets ${ROUTE_KEY} = ${JSON.stringify(user[ROUTE_KEY])}; left it as it is`,
      ExitCode.failure,
      `remove your own ${ROUTE_KEY} line to let cao route the Desktop app and IDE extensions, or enable without --config`,
    );
  }
  const next = renderConfigBlock(url) + userText;
  const parsed = parseOrThrow(next, file);
  const { [ROUTE_KEY]: route, ...rest } = parsed;
  if (route !== url || !isDeepStrictEqual(rest, { ...user })) {
    throw new CaoError(
      `adding the cao gateway block would change other settings in ${file}; left it as it is`,
    );
  }
  return next;
}

/** The URL the block routes to, when the text has a block. */
export function configBlockUrl(text: string, file = "config.toml"): string | undefined {
  const span = findBlock(text, file);
  if (!span) return undefined;
  const value = parseOrThrow(text.slice(span.start, span.end), file)[ROUTE_KEY];
  return typeof value === "string" ? value : undefined;
}

function parseOrThrow(text: string, file: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new CaoError(`${file} is not valid TOML (${reason}); left it as it is`, ExitCode.data);
  }
}
