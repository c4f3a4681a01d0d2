/**
 * Can a worker reach the interchange? The doctor listens where the interchange would (the
 * executor's `address`, any free port) and connects to it from another process, as a worker pool
 * does — on this machine, or with `--probe-node` from a compute node through `srun`.
 *
 * @module
 */
import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import { tryCommand, type SchedulerSettings } from './schedulers.js';
import { DoctorCodes, type Finding } from './Finding.js';

/** What one connection must carry for the probe to count. */
const TOKEN = 'parsl-ts-doctor-probe';

/**
 * True for addresses only this machine can reach (`127.0.0.0/8`, `::1`, `localhost`).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * isLoopback('127.0.0.1'); // true
 * ```
 */
export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\./.test(address);
}

/**
 * This machine's addresses that other machines may reach (for the hint).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * externalAddresses(); // ['10.1.2.3', 'fe80::1']
 * ```
 */
export function externalAddresses(): string[] {
  return Object.values(networkInterfaces()).flat().filter((i) => i !== undefined && !i.internal).map((i) => i!.address);
}

/** The script a worker-side process runs: connect, send the token, exit 0 once it is written. */
function clientScript(address: string, port: number): string {
  return `const s=require('node:net').connect(${port},${JSON.stringify(address)},()=>s.end(${JSON.stringify(TOKEN)},()=>process.exit(0)));` +
    's.on("error",(e)=>{console.error(e.message);process.exit(2)});setTimeout(()=>{console.error("connect timed out");process.exit(3)},5000).unref();';
}

/** A server on `address` (any free port) that counts connections which carried the token. */
function listen(address: string): Promise<{ server: Server; port: number; tokens: () => number }> {
  return new Promise((resolve, reject) => {
    let count = 0;
    const server = createServer((socket) => {
      let data = '';
      socket.setEncoding('utf8').on('data', (d: string) => { data += d; });
      socket.on('end', () => { if (data === TOKEN) count++; });
      socket.on('error', () => undefined);
    });
    server.once('error', reject);
    server.listen(0, address, () => {
      const info = server.address();
      resolve({ server, port: typeof info === 'object' && info ? info.port : 0, tokens: () => count });
    });
  });
}

/** Wait until `condition` holds, at most `ms`. */
async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/**
 * Options of {@link probeInterchange}.
 *
 * @since 0.1.0
 */
export interface InterchangeProbeOptions {
  /** The executor's label (for the messages). */
  readonly label: string;
  /** The address the interchange listens on and workers connect to. */
  readonly address: string;
  /** Whether the executor's workers run on other nodes (a batch scheduler's provider). */
  readonly remoteWorkers: boolean;
  /** Also connect from a compute node through `srun` (Slurm providers). */
  readonly probeNode?: { readonly settings: SchedulerSettings } | undefined;
  /** Time limit of each probe, ms. Default 15 s. */
  readonly timeoutMs?: number;
}

/**
 * Check an executor's interchange address from a worker's point of view.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const findings = await probeInterchange({ label: 'htex', address: '127.0.0.1', remoteWorkers: false });
 * ```
 */
export async function probeInterchange(options: InterchangeProbeOptions): Promise<Finding[]> {
  const { label, address } = options;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const findings: Finding[] = [];
  if (options.remoteWorkers && isLoopback(address)) {
    const candidates = externalAddresses();
    findings.push({
      code: DoctorCodes.AddressLoopback, status: 'error', check: 'interchange',
      message: `executor ${label}: the interchange listens on ${address}, which workers on other nodes cannot reach`,
      hint: `set the executor's "address" to this machine's address on the cluster network${candidates.length ? ` (this machine has ${candidates.join(', ')})` : ''}`,
    });
  }
  let listening: Awaited<ReturnType<typeof listen>>;
  try {
    listening = await listen(address);
  } catch (error) {
    findings.push({
      code: DoctorCodes.AddressUnreachable, status: 'error', check: 'interchange',
      message: `executor ${label}: cannot listen on ${address}: ${(error as Error).message}`,
      hint: `"address" must be an address of this machine (it has ${['127.0.0.1', ...externalAddresses()].join(', ')})`,
    });
    return findings;
  }
  try {
    const probes: { where: string; argv: string[] }[] = [
      { where: 'a process on this machine', argv: [process.execPath, '-e', clientScript(address, listening.port)] },
    ];
    if (options.probeNode) {
      const partition = options.probeNode.settings.partition;
      probes.push({
        where: 'a compute node (srun)',
        argv: ['srun', '--nodes=1', '--ntasks=1', '--time=1', ...(partition ? [`--partition=${partition}`] : []), process.execPath, '-e', clientScript(address, listening.port)],
      });
    }
    for (const probe of probes) {
      const before = listening.tokens();
      const result = await tryCommand(probe.argv, timeoutMs);
      const got = result.ok && await waitFor(() => listening.tokens() > before, 2000);
      if (got) {
        findings.push({ code: DoctorCodes.Ok, status: 'ok', check: 'interchange', message: `executor ${label}: ${probe.where} reached ${address}:${listening.port}` });
      } else {
        findings.push({
          code: DoctorCodes.AddressUnreachable, status: 'error', check: 'interchange',
          message: `executor ${label}: ${probe.where} could not reach ${address}:${listening.port}${result.output ? ` (${result.output.split('\n')[0]})` : ''}`,
          hint: 'check firewalls between the workers and this machine, and that "address" is this machine\'s address on the network the workers use',
        });
      }
    }
  } finally {
    await new Promise<void>((resolve) => listening.server.close(() => resolve()));
  }
  return findings;
}
