/**
 * Codex's turn id, for the sessions record. Verified with codex 0.171.0: HTTP
 * requests carry it in the `x-codex-turn-metadata` header (JSON, `turn_id`);
 * WebSocket `response.create` frames carry it as `client_metadata.turn_id`
 * (also inside the escaped metadata string). Prewarms have `"turn_id":""`.
 * Earlier turns' ids also appear in the input items, so the frame is searched
 * after its last `"client_metadata"` key only, and without parsing the frame.
 */
const TURN_ID = /"turn_id"\s*:\s*"([^"\\]*)"/;

export function turnIdOfHeader(value: string | string[] | undefined): string | null {
  const text = Array.isArray(value) ? value[0] : value;
  return (text && TURN_ID.exec(text)?.[1]) || null;
}

const CLIENT_METADATA = Buffer.from('"client_metadata"');
const KEYS = [Buffer.from('"turn_id":"'), Buffer.from('\\"turn_id\\":\\"')];

export function turnIdOfFrame(frame: Buffer): string | null {
  const start = frame.lastIndexOf(CLIENT_METADATA);
  if (start < 0) return null;
  for (const key of KEYS) {
    const at = frame.indexOf(key, start);
    if (at < 0) continue;
    const from = at + key.length;
    let end = from;
    while (end < frame.length && isIdByte(frame[end]!)) end++;
    if (end > from) return frame.toString("utf8", from, end);
  }
  return null;
}

/** [0-9A-Za-z_-] */
function isIdByte(byte: number): boolean {
  return (
    (byte >= 0x30 && byte <= 0x39) ||
    (byte >= 0x41 && byte <= 0x5a) ||
    (byte >= 0x61 && byte <= 0x7a) ||
    byte === 0x5f ||
    byte === 0x2d
  );
}
