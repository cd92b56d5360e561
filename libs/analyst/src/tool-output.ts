import { createHash } from 'node:crypto';

/** What the audit keeps of a tool result: enough to prove what the model saw without storing all of it twice. */
export interface ToolOutputSummary {
  sizeChars: number;
  sha256: string;
  preview: string;
  truncated: boolean;
}

export interface ToolOutput {
  /** The text sent to the model as tool_result content. */
  content: string;
  summary: ToolOutputSummary;
}

/** JSON with bigints as decimal strings (event positions may arrive as bigint from a store). */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null';
}

/**
 * Serialises a tool result as JSON text and cuts it at `maxChars`, saying so: the model is told to narrow its query
 * rather than to guess what was cut. The hash and size are of the full text, so the audit matches the source data.
 */
export function renderToolOutput(value: unknown, maxChars: number, previewChars: number): ToolOutput {
  const full = toJsonText(value);
  const truncated = full.length > maxChars;
  const content = truncated
    ? `${full.slice(0, maxChars)}\n[truncated: ${maxChars} of ${full.length} characters shown; ask again with a smaller limit or narrower filters]`
    : full;
  return {
    content,
    summary: { sizeChars: full.length, sha256: createHash('sha256').update(full).digest('hex'), preview: full.slice(0, previewChars), truncated },
  };
}
