/** The demo's cast and lines: three simulated accounts, two turns, one tool call (used by demo.ts and its clients). */
export const DEMO_ACCOUNTS = [
  { name: "work", accountId: "demo-work", email: "work@example.com", usedPercent: 35, quota: 1 },
  { name: "personal", accountId: "demo-personal", email: "personal@example.com", usedPercent: 50 },
  { name: "spare", accountId: "demo-spare", email: "spare@example.com", usedPercent: 70 },
];
export const DEMO_PROMPTS = [
  "Run a command, then tell me what it printed",
  "Are we still in the same session?",
] as const;
export const DEMO_COMMAND = ["echo", "hello from the tool call"];
