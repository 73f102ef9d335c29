/**
 * What the runner split off before citty parsed anything: the words after the
 * first `--` belong to codex and reach it untouched (`--help`, `-m x`, flags
 * cao also has). citty passes no data to subcommands, hence a module value.
 */
export const codexArgs: { passthrough: string[] } = { passthrough: [] };
