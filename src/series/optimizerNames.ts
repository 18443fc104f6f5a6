// The name people see for an optimizer: its catalog label ("Adam + learned schedule") or its name; an
// imported run's optimizer this build does not know keeps its name. URLs, CSV files and the command
// line keep the names.
import { optimizerLabel } from '../optim/catalog';

export function shownName(name: string): string {
  try {
    return optimizerLabel(name);
  } catch {
    return name;
  }
}
