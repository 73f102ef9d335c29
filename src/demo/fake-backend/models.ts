/**
 * The body of `GET {base}/models`. An empty list makes Codex keep the model
 * metadata bundled in its binary (verified with codex-cli 0.169.0).
 */
export function modelsBody(): Record<string, unknown> {
  return { models: [] };
}
