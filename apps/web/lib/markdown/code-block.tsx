'use client';

import { useEffect, useState, type ReactNode } from 'react';

type CopyState = 'idle' | 'copied' | 'failed';

const COPIED_FOR_MS = 2000;

/**
 * A fenced code block: its language, a copy button, and the code, highlighted once the
 * highlighter (a chunk of its own, see ./highlight) has loaded; until then, and for a
 * language it does not know, the plain text.
 */
export function CodeBlock({ code, language }: { code: string; language?: string }) {
  const [highlighted, setHighlighted] = useState<ReactNode | null>(null);
  const [copy, setCopy] = useState<CopyState>('idle');

  useEffect(() => {
    setHighlighted(null);
    if (!language) return;
    let live = true;
    import('./highlight')
      .then(({ highlightToReact }) => {
        if (live) setHighlighted(highlightToReact(code, language));
      })
      // Without the chunk (offline, a failed deploy) the code stays plain: still readable.
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [code, language]);

  useEffect(() => {
    if (copy === 'idle') return;
    const timer = setTimeout(() => setCopy('idle'), COPIED_FOR_MS);
    return () => clearTimeout(timer);
  }, [copy]);

  const onCopy = () => {
    // navigator.clipboard exists only in a secure context (https or localhost).
    const write = navigator.clipboard?.writeText(code) ?? Promise.reject(new Error('no clipboard'));
    write.then(
      () => setCopy('copied'),
      () => setCopy('failed'),
    );
  };

  return (
    <div className="md-code">
      <div className="md-code__bar">
        <span className="md-code__lang">{language ?? ''}</span>
        <button type="button" className="md-code__copy" aria-label={copy === 'idle' ? 'Copy code' : undefined} onClick={onCopy}>
          {copy === 'copied' ? 'Copied' : copy === 'failed' ? 'Copy failed' : 'Copy'}
        </button>
      </div>
      {/* Focusable so a keyboard can scroll a long line sideways. */}
      <pre className="md-code__pre" tabIndex={0}>
        <code className={language ? `hljs language-${language}` : 'hljs'}>{highlighted ?? code}</code>
      </pre>
      <span className="sr-only" role="status">
        {copy === 'copied' ? 'Code copied' : copy === 'failed' ? 'The code could not be copied' : ''}
      </span>
    </div>
  );
}
