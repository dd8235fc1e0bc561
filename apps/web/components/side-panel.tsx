import type { ReactNode } from 'react';
import { CloseIcon } from './icons';

/**
 * The shell of a panel beside the conversation (members, pinned messages, a thread): a
 * titled landmark with a close button, closed by Escape. Controls inside that use Escape
 * themselves (editors, pickers) stop it, so only an Escape that reaches here closes it.
 */
export function SidePanel({
  id,
  className,
  label,
  title,
  closeLabel,
  onClose,
  children,
}: {
  id: string;
  className: string;
  label: string;
  title: ReactNode;
  closeLabel: string;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <aside
      className={className}
      id={id}
      aria-label={label}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <header className="members__header">
        <h2 className="members__title">{title}</h2>
        <button type="button" className="icon-button" aria-label={closeLabel} title="Close (Esc)" onClick={onClose}>
          <CloseIcon size={18} />
        </button>
      </header>
      {children}
    </aside>
  );
}
