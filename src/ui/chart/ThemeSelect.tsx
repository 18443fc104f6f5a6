// The header's Theme select: System (follows the operating system), Light or Dark; remembered.
import { useId } from 'react';
import { isThemeChoice, useThemeStore } from './theme';

export function ThemeSelect() {
  const id = useId();
  const choice = useThemeStore((s) => s.choice);
  const setChoice = useThemeStore((s) => s.setChoice);
  return (
    <div className="theme-select">
      <label htmlFor={id}>Theme</label>
      <select id={id} value={choice} onChange={(e) => isThemeChoice(e.target.value) && setChoice(e.target.value)}>
        <option value="system">System</option>
        <option value="light">Light</option>
        <option value="dark">Dark</option>
      </select>
    </div>
  );
}
