import path from "node:path";

/**
 * cao's cache directory: `$XDG_CACHE_HOME/cao`, else `~/.cache/cao`. Only
 * regenerable files live there (cached init scripts, the bin's V8 code cache).
 * Undefined without a usable base; HOME is read from the environment because
 * the bin asks on every start and node:os costs more to load than that.
 */
export function caoCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, "cao");
  return env.HOME ? path.join(env.HOME, ".cache", "cao") : undefined;
}
