/**
 * What each command's help adds after its options, keyed by command path
 * ("gateway start"; "" is `cao` itself). Exit codes are those of
 * src/core/exit-codes.ts that the command can end with (docs/reference.md
 * lists them all); a command that runs codex exits with codex's status.
 */
export interface HelpExtras {
  /** Words after the options in the usage line (`cao run [OPTIONS] -- CODEX_ARGS`). */
  usageTail?: string;
  examples?: string[];
  /** Sentences after the examples: what else to know, where it is documented. */
  notes?: string[];
  env?: [string, string][];
  exitCodes?: [string, string][];
}

const DATA_DIR: [string, string] = ["CAO_HOME", "Data directory (default ~/.codex-account-orchestrator)"];
const ACCOUNT: [string, string] = ["CAO_ACCOUNT", "This shell's account (set by `cao use --shell`)"];
const CODEX_BIN: [string, string] = ["CAO_CODEX_BIN", "The real codex to run (default: the first on PATH)"];
const NO_COLOR: [string, string] = ["NO_COLOR", "No colour in cao's output"];
const RESCUE_DIR: [string, string] = [
  "CAO_RESCUE_DIR",
  "Where the gateway keeps rescue copies of logins a full disk refused",
];

const OK: [string, string] = ["0", "done"];
const USAGE: [string, string] = ["2", "bad input: unknown option, invalid or unknown account name"];
const DATA: [string, string] = ["3", "a data file is corrupt or unreadable (kept as it is)"];
const NO_CODEX: [string, string] = ["4", "the real codex was not found"];
const LOCKED: [string, string] = ["5", "another cao process held a lock for too long"];
const FAILED: [string, string] = ["1", "it failed (the message says why)"];
const INTERRUPTED: [string, string] = ["130", "interrupted (Ctrl-C)"];

export const HELP_EXTRAS: Record<string, HelpExtras> = {
  "": {
    examples: ["cao add work", "cao use work", 'eval "$(cao init zsh)"', "cao status", "cao demo"],
    env: [DATA_DIR, ACCOUNT, CODEX_BIN, NO_COLOR],
    exitCodes: [
      OK,
      FAILED,
      USAGE,
      DATA,
      NO_CODEX,
      LOCKED,
      ["75", "every account is out of quota"],
      INTERRUPTED,
    ],
  },
  add: {
    examples: ["cao add work", "cao add spare --device-auth", "cao add work --relogin"],
    env: [DATA_DIR, CODEX_BIN],
    exitCodes: [OK, FAILED, USAGE, DATA, NO_CODEX, LOCKED, INTERRUPTED],
  },
  completion: {
    examples: [
      "cao completion zsh > ~/.zfunc/_cao",
      "cao completion fish > ~/.config/fish/completions/cao.fish",
    ],
    exitCodes: [OK, USAGE],
  },
  config: { examples: ["cao config list", "cao config set accounts.work.reserve-weekly 20"] },
  "config get": { examples: ["cao config get routing.strategy"], exitCodes: [OK, USAGE, DATA] },
  "config set": {
    examples: [
      "cao config set accounts.work.reserve-weekly 20",
      "cao config set routing.strategy reset-soonest",
    ],
    exitCodes: [OK, USAGE, DATA, LOCKED],
  },
  "config unset": {
    examples: ["cao config unset accounts.work.priority"],
    exitCodes: [OK, USAGE, DATA, LOCKED],
  },
  "config list": { examples: ["cao config list"], exitCodes: [OK, DATA] },
  pause: { examples: ["cao pause work"], exitCodes: [OK, USAGE, DATA, LOCKED] },
  unpause: { examples: ["cao unpause work"], exitCodes: [OK, USAGE, DATA, LOCKED] },
  current: {
    examples: ["cao current", "cao current --json"],
    env: [DATA_DIR, ACCOUNT],
    exitCodes: [OK, FAILED],
  },
  demo: { examples: ["cao demo", "cao demo --scripted"], env: [CODEX_BIN], exitCodes: [OK, FAILED] },
  gateway: {
    examples: [
      "cao gateway start --detach",
      "cao gateway enable",
      "cao gateway status",
      "cao gateway logs -f",
    ],
  },
  "gateway start": {
    examples: ["cao gateway start --detach", "cao gateway start --port 4400 --save"],
    env: [DATA_DIR, RESCUE_DIR],
    exitCodes: [OK, FAILED, USAGE, DATA],
  },
  "gateway stop": {
    examples: ["cao gateway stop", "cao gateway stop --force"],
    exitCodes: [OK, ["1", "a login lives only in the gateway's memory (without --force), or it failed"]],
  },
  "gateway status": { examples: ["cao gateway status --json"], exitCodes: [OK, FAILED] },
  "gateway logs": { examples: ["cao gateway logs -n 20", "cao gateway logs -f"], exitCodes: [OK, FAILED] },
  "gateway enable": {
    examples: ["cao gateway enable", "cao gateway enable --autostart", "cao gateway enable --config"],
    exitCodes: [OK, FAILED, USAGE, DATA],
  },
  "gateway disable": { examples: ["cao gateway disable"], exitCodes: [OK, FAILED] },
  "gateway service": { examples: ["cao gateway service install", "cao gateway service status"] },
  "gateway service install": {
    examples: ["cao gateway service install", "cao gateway service install --no-activate"],
    exitCodes: [OK, FAILED],
  },
  "gateway service uninstall": { examples: ["cao gateway service uninstall"], exitCodes: [OK, FAILED] },
  "gateway service status": { examples: ["cao gateway service status --json"], exitCodes: [OK, FAILED] },
  import: { examples: ["cao import codex --name work", "cao import codex-auth", "cao import cliproxyapi"] },
  "import codex": {
    examples: ["cao import codex --name work", "cao import codex --source ~/.codex --name work"],
    exitCodes: [OK, FAILED, USAGE, DATA, LOCKED],
  },
  "import codex-auth": {
    examples: ["cao import codex-auth", "cao import codex-auth --source ~/.codex/accounts --default work"],
    exitCodes: [OK, FAILED, USAGE, DATA, LOCKED],
  },
  ...foreignImports(),
  init: {
    examples: ['eval "$(cao init zsh)"', "cao init bash --install", "cao init fish | source"],
    notes: [
      "Codex 0.171+ can show the serving account and the pool in its footer: `cao statusline --config`",
      "prints the lines for ~/.codex/config.toml that turn it on (opt-in; docs/tui.md).",
    ],
    env: [DATA_DIR],
    exitCodes: [OK, FAILED, USAGE],
  },
  list: { examples: ["cao list", "cao list --json"], env: [DATA_DIR], exitCodes: [OK, DATA] },
  pin: { examples: ["cao pin work", "cao pin --unset"], exitCodes: [OK, USAGE] },
  prompt: {
    examples: ["cao prompt", "cao prompt --pool", "cao prompt --starship >> ~/.config/starship.toml"],
    exitCodes: [OK],
  },
  remove: {
    examples: ["cao remove old", "cao remove old --keep-files --yes"],
    exitCodes: [OK, FAILED, USAGE, LOCKED, INTERRUPTED],
  },
  run: {
    usageTail: "[-- CODEX_ARGS]",
    examples: [
      'cao run -- exec "fix the failing test"',
      "cao run --account work",
      "cao run --gateway -- exec hi",
    ],
    env: [DATA_DIR, ACCOUNT, CODEX_BIN],
    exitCodes: [
      ["*", "codex's own exit status"],
      ["75", "every account is out of quota"],
      USAGE,
      NO_CODEX,
      INTERRUPTED,
    ],
  },
  sessions: {
    examples: ["cao sessions", "cao sessions 01a23aaf", "cao sessions --json"],
    exitCodes: [OK, USAGE, DATA],
  },
  top: { examples: ["cao top"], env: [DATA_DIR, NO_COLOR], exitCodes: [OK] },
  usage: {
    examples: ["cao usage", "cao usage --since 7d", "cao usage --json"],
    exitCodes: [OK, USAGE, DATA],
  },
  status: {
    examples: ["cao status", "cao status --watch", "cao status --json", "cao status --doctor"],
    env: [DATA_DIR, NO_COLOR],
    exitCodes: [OK, ["1", "--doctor found warnings"], ["2", "--doctor found errors"], DATA],
  },
  statusline: {
    examples: ["cao statusline --config"],
    notes: ["Codex starts `cao statusline` itself once the --config lines are in its config (docs/tui.md)."],
    env: [
      DATA_DIR,
      ["CODEX_HOME", "The account home Codex runs in (its account is shown until the gateway records one)"],
    ],
    exitCodes: [
      ["0", "stdin closed (Codex ended the thread), or --config printed"],
      ["2", "bad input: an unknown option"],
    ],
  },
  switch: { examples: ["cao switch", "cao switch work"], exitCodes: [OK, USAGE, INTERRUPTED] },
  use: {
    examples: ["cao use work", "cao use --shell spare", "cao use --shell --unset"],
    env: [ACCOUNT],
    exitCodes: [OK, USAGE],
  },
};

/** The imports from other tools (src/accounts/import-formats/), each with its usual source. */
function foreignImports(): Record<string, HelpExtras> {
  const sources: [string, string][] = [
    ["cliproxyapi", "~/.cli-proxy-api"],
    ["ccs", "~/.ccs/cliproxy/auth"],
    ["codex-multi-auth", "~/.codex/multi-auth"],
    ["codex-auth-registry", "~/.codex/accounts"],
    ["caam", "~/.local/share/caam/vault/codex"],
    ["prodex", "~/.prodex"],
  ];
  return Object.fromEntries(
    sources.map(([tool, source]) => [
      `import ${tool}`,
      {
        examples: [`cao import ${tool}`, `cao import ${tool} --source ${source} --overwrite`],
        exitCodes: [OK, FAILED, USAGE, DATA, LOCKED],
      },
    ]),
  );
}
