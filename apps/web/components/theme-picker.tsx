'use client';

import { useId, useSyncExternalStore } from 'react';
import { readThemeChoice, saveThemeChoice, subscribeThemeChoice, THEME_CHOICES, type ThemeChoice } from '@/lib/theme';

const LABELS: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** System / Light / Dark, remembered in this browser; it applies as soon as it is picked. */
export function ThemePicker() {
  const id = useId();
  // Without a browser (no storage to read), "System".
  const choice = useSyncExternalStore(
    subscribeThemeChoice,
    () => readThemeChoice(),
    () => 'system' as const,
  );
  return (
    <fieldset className="theme-picker" aria-describedby={`${id}-hint`}>
      <legend className="settings__subtitle">Theme</legend>
      <p className="muted theme-picker__hint" id={`${id}-hint`}>
        System follows your device&apos;s light or dark setting. Remembered in this browser.
      </p>
      <div className="theme-picker__options">
        {THEME_CHOICES.map((value) => (
          <label key={value} className="theme-picker__option">
            <input type="radio" name={`${id}-theme`} value={value} checked={choice === value} onChange={() => saveThemeChoice(value)} />
            <span>{LABELS[value]}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
