/**
 * `parsl-ts doctor [config]`: the command around {@link runDoctor}.
 *
 * @module
 */
import { printFindings } from '../doctor/Finding.js';
import { runDoctor, type DoctorOptions } from '../doctor/runDoctor.js';

/**
 * The `parsl-ts doctor` command: prints every finding (or JSON) and sets the exit code (1 when
 * any finding is an error).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await doctorCommand({ config: 'parsl.config.json' });
 * ```
 */
export async function doctorCommand(options: DoctorOptions & { json?: boolean } = {}): Promise<void> {
  const report = await runDoctor(options);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.exitCode = report.findings.some((f) => f.status === 'error') ? 1 : 0;
    return;
  }
  process.stdout.write(`parsl-ts doctor (core ${report.coreVersion}${report.config ? `, ${report.config}` : ''})\n\n`);
  process.exitCode = printFindings(report.findings);
}
