import type { PresenceStatus } from '@qc/shared';

/** A coloured dot whose status is also its accessible name, for people who can't see colour. */
export function PresenceDot({ status, className }: { status: PresenceStatus; className?: string }) {
  return (
    <span
      role="img"
      aria-label={status}
      title={status}
      className={`presence-dot presence-dot--${status}${className ? ` ${className}` : ''}`}
    />
  );
}
