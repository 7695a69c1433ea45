import { useState } from 'react';

type Theme = 'system' | 'light' | 'dark';
const KEY = 'ebb.theme';
const NEXT: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };
const LABEL: Record<Theme, string> = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };

function stored(): Theme {
  const v = localStorage.getItem(KEY);
  return v === 'light' || v === 'dark' ? v : 'system';
}

function apply(theme: Theme): void {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
}

/** Before the first render, so the page never flashes the other theme. */
export function applyStoredTheme(): void {
  apply(stored());
}

/** Follows the system (prefers-color-scheme) until the person picks light or dark. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(stored);
  return (
    <button
      type="button"
      className="ghost"
      aria-label={`${LABEL[theme]} (change)`}
      title={LABEL[theme]}
      onClick={() => {
        const next = NEXT[theme];
        if (next === 'system') localStorage.removeItem(KEY);
        else localStorage.setItem(KEY, next);
        apply(next);
        setTheme(next);
      }}
    >
      {theme === 'dark' ? '☾' : theme === 'light' ? '☀' : '◐'} <span className="hide-narrow">{theme}</span>
    </button>
  );
}
