// Light and dark themes: the person's choice (System / Light / Dark) is remembered in localStorage;
// "System" follows prefers-color-scheme, live. The resolved theme is written to <html data-theme>, which
// styles.css keys its colour variables on, and kept in a store so the charts pick series colours that
// read on that background.
import { create } from 'zustand';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'hypergradient-playground.theme';

export function isThemeChoice(v: unknown): v is ThemeChoice {
  return v === 'system' || v === 'light' || v === 'dark';
}

/** The theme a choice shows, given whether the system prefers dark. */
export function resolveTheme(choice: ThemeChoice, systemDark: boolean): Theme {
  return choice === 'system' ? (systemDark ? 'dark' : 'light') : choice;
}

function storedChoice(): ThemeChoice {
  try {
    const v = globalThis.localStorage?.getItem(THEME_STORAGE_KEY);
    return isThemeChoice(v) ? v : 'system';
  } catch {
    return 'system'; // storage blocked (privacy settings): just do not remember
  }
}

const darkQuery = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;

interface ThemeState {
  choice: ThemeChoice;
  theme: Theme;
  setChoice: (c: ThemeChoice) => void;
}

function apply(theme: Theme): void {
  if (typeof document === 'undefined') return;
  document.documentElement.dataset.theme = theme;
  // Native controls (scrollbars, selects, number spinners) follow too.
  document.documentElement.style.colorScheme = theme;
}

const initialChoice = storedChoice();

export const useThemeStore = create<ThemeState>()((set) => ({
  choice: initialChoice,
  theme: resolveTheme(initialChoice, darkQuery?.matches ?? false),
  setChoice: (choice) => {
    try {
      globalThis.localStorage?.setItem(THEME_STORAGE_KEY, choice);
    } catch {
      /* not remembered, still applied */
    }
    set({ choice, theme: resolveTheme(choice, darkQuery?.matches ?? false) });
  },
}));

apply(useThemeStore.getState().theme);
useThemeStore.subscribe((s) => apply(s.theme));
darkQuery?.addEventListener('change', (e) => {
  const { choice } = useThemeStore.getState();
  useThemeStore.setState({ theme: resolveTheme(choice, e.matches) });
});
