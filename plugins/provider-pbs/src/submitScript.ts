// The submit script's PBS parts: the default template and the walltime format. Internal (the
// default template and the placeholder names are documented in the README; core checks and fills
// templates).
import { defaultSubmitTemplate } from '@parsl-ts/core';

/** The default submit script: `#PBS` directives first (qsub, and sbatch under Slurm's wrappers, read them only before the first command). */
export const DEFAULT_TEMPLATE = defaultSubmitTemplate('PBS', '@parsl-ts/provider-pbs');

/** Seconds as PBS's walltime `HH:MM:SS` (hours may exceed 24). */
export function formatPbsTime(seconds: number): string {
  const total = Math.ceil(seconds);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(Math.floor(total / 3600))}:${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}`;
}
