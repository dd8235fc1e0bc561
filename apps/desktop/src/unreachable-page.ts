/*
 * When the server does not answer, the window says so instead of staying blank: which
 * address it tried, what to do (start it, or point the app elsewhere), and that it tries
 * again by itself, sooner at first and then every half minute.
 */

export function retryDelayMs(attempt: number): number {
  return Math.min(30_000, 1_000 * 2 ** Math.max(0, attempt - 1));
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface UnreachableInfo {
  url: string;
  /** Chromium's description of the failure (ERR_CONNECTION_REFUSED…). */
  error: string;
  retryInMs: number;
}

/** A self-contained page (a data: URL, no script) to show in the window. */
export function unreachablePage(info: UnreachableInfo): string {
  const seconds = Math.max(1, Math.round(info.retryInMs / 1000));
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Quantum Chat — not reachable</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f7f7fb;color:#1d1d27}
@media (prefers-color-scheme:dark){body{background:#14141b;color:#ececf3}}main{max-width:34rem;padding:2rem}code{font-size:.95em}</style></head>
<body><main><h1>Quantum Chat is not reachable</h1>
<p>Nothing answered at <code>${escapeHtml(info.url)}</code> (${escapeHtml(info.error)}).</p>
<p>If the server runs on this computer, start it with <code>npm start</code>. To use another server, start the app with
<code>--url https://your.server</code> or set <code>QC_DESKTOP_URL</code>.</p>
<p>Trying again in ${seconds} second${seconds === 1 ? '' : 's'}.</p></main></body></html>`;
  return `data:text/html;charset=utf-8,${encodeURIComponent(html)}`;
}
