// Read the hand-written fixtures of PBS Pro's and Torque's documented formats (fixtures/documented).
import { readFileSync } from 'node:fs';

/** The text of fixtures/documented/NAME. */
export function documented(name: string): string {
  return readFileSync(new URL(`./fixtures/documented/${name}`, import.meta.url), 'utf8');
}
