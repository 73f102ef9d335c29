/** What the backend needs to know about a Responses request body. */
export interface ParsedTurn {
  userText: string;
  hasToolOutput: boolean;
  toolOutput: string;
  /** Names of the function tools Codex offered (decides how a shell call is spelled). */
  toolNames: string[];
  previousResponseId: string | undefined;
  /** WebSocket prewarm (`generate: false`): answer with an empty completed response. */
  generate: boolean;
}

export function parseTurn(body: unknown): ParsedTurn {
  const record = isRecord(body) ? body : {};
  const input = Array.isArray(record.input) ? record.input.filter(isRecord) : [];
  let userText = "";
  let hasToolOutput = false;
  let toolOutput = "";
  for (const item of input) {
    if (item.type === "function_call_output" || item.type === "custom_tool_call_output") {
      hasToolOutput = true;
      toolOutput += messageText(item.output);
    }
    if (item.type === "message" && item.role === "user") userText = messageText(item.content);
  }
  // Tools come in `tools` and (newer Codex) in `additional_tools` input items, grouped in namespaces.
  const toolNames = toolNamesIn(record.tools);
  for (const item of input) if (item.type === "additional_tools") toolNames.push(...toolNamesIn(item.tools));
  return {
    userText,
    hasToolOutput,
    toolOutput,
    toolNames,
    previousResponseId:
      typeof record.previous_response_id === "string" ? record.previous_response_id : undefined,
    generate: record.generate !== false,
  };
}

function toolNamesIn(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  return tools.filter(isRecord).flatMap((tool) => {
    if (tool.type === "namespace") return toolNamesIn(tool.tools);
    return typeof tool.name === "string" ? [tool.name] : [];
  });
}

function messageText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .filter(isRecord)
    .map((part) => (typeof part.text === "string" ? part.text : ""))
    .join("");
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
