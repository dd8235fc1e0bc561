/** A connection URL fit for a log line or an error message: its password, if any, masked. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
