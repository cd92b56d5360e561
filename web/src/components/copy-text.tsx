import { useState } from 'react';

/** A value shown in full or cut to `short` characters (the whole in its title), with a button that copies the whole. */
export function CopyText({ text, short, testId }: { text: string; short?: number; testId?: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      window.setTimeout(() => setCopied(false), 1500);
    } catch {
      setCopied(false);
    }
  }
  return (
    <span className="copy-text" data-testid={testId} data-value={text}>
      <code title={text}>{short !== undefined && text.length > short ? `${text.slice(0, short)}…` : text}</code>
      <button type="button" className="btn btn-ghost btn-small copy-button" onClick={() => void copy()} aria-label={`Copy ${text}`} title="Copy">
        {copied ? 'copied' : 'copy'}
      </button>
    </span>
  );
}
