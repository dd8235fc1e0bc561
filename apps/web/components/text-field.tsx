'use client';

import { forwardRef, type InputHTMLAttributes } from 'react';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className' | 'aria-invalid' | 'aria-describedby'>;

/**
 * A labelled input with its own error under it: the error is tied to the input
 * (aria-describedby, aria-invalid), so a screen reader reads it with the field, and it is
 * announced when it appears. One component for the dialogs' fields, not a copied block each.
 */
export const TextField = forwardRef<HTMLInputElement, InputProps & { id: string; label: string; error?: string | null; hint?: string }>(
  function TextField({ id, label, error, hint, ...input }, ref) {
    const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input ref={ref} id={id} className="input" aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
        {hint && (
          <p className="field__hint" id={`${id}-hint`}>
            {hint}
          </p>
        )}
        {error && (
          <p className="field__error" id={`${id}-error`} role="alert">
            {error}
          </p>
        )}
      </div>
    );
  },
);
