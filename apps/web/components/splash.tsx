/** What shows while the session is being restored: calm, and announced to screen readers. */
export function Splash({ label = 'Loading Quantum Chat…' }: { label?: string }) {
  return (
    <div className="splash" role="status">
      <span className="splash__logo" aria-hidden="true">
        Q
      </span>
      <span className="splash__label">{label}</span>
    </div>
  );
}
