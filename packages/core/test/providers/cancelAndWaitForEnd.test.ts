// cancelAndWaitForEnd with real processes (SleepProvider): a scheduler-like cancel that returns at
// once, a batch cancel that fails, a job that outlives the wait, and status that fails.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cancelAndWaitForEnd, type CancelWords, type ExecutionProvider } from '../../src/index.js';
import { capturingLogger, SleepProvider, waitFor } from '../scaling/helpers.js';

const words: CancelWords = { scheduler: 'Test', command: 'tcancel', cancel: 'delete', cancelling: 'deleting', cancelled: 'deleted' };
const providers: SleepProvider[] = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.destroy()));
});

/** Real jobs that run `onTerm` on SIGTERM (by default: end 0.3 s later; '' ignores it), started and ready for it. */
async function jobs(count: number, onTerm = 'sleep 0.3; exit 0'): Promise<{ real: SleepProvider; ids: string[] }> {
  const real = new SleepProvider();
  providers.push(real);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await real.submit(`trap '${onTerm}' TERM; echo ready; while :; do sleep 0.05; done`, 1, `job-${i}`));
  const outputs = (await real.status(ids)).map((s) => s.stdoutPath!);
  await waitFor(() => outputs.every((path) => readFileSync(path, 'utf8').includes('ready')), 'the jobs to set their TERM trap');
  return { real, ids };
}

/** As a batch scheduler does: `cancel` asks for the cancellation and returns; the jobs end later. */
function scheduler(real: SleepProvider, over: Partial<Pick<ExecutionProvider, 'cancel' | 'status'>> = {}): Pick<ExecutionProvider, 'cancel' | 'status'> {
  return {
    cancel: async (ids) => { void real.cancel(ids); return ids.map(() => true); },
    status: (ids) => real.status(ids),
    ...over,
  };
}

describe('cancelAndWaitForEnd', () => {
  it('cancels every job with one call and returns once all have ended', async () => {
    const { real, ids } = await jobs(3);
    const calls: string[][] = [];
    const provider = scheduler(real, { cancel: async (list) => { calls.push([...list]); void real.cancel(list); return list.map(() => true); } });
    const { logger, lines } = capturingLogger();
    const started = Date.now();
    await cancelAndWaitForEnd(provider, ids, { waitSeconds: 10, logger, words });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250); // the jobs took 0.3 s to end
    expect(calls).toEqual([ids]);
    expect((await real.status(ids)).map((s) => s.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(lines.filter((l) => (l.level as number) >= 40)).toEqual([]);
  });

  it('cancels the jobs one by one when the call for all of them fails, and logs the ones it could not cancel', async () => {
    const { real, ids } = await jobs(3);
    const stuck = ids[1]!;
    const provider = scheduler(real, {
      cancel: async (list) => {
        if (list.length > 1) throw new Error('tcancel: socket timed out');
        if (list[0] === stuck) throw new Error('tcancel: permission denied');
        void real.cancel(list);
        return [true];
      },
    });
    const { logger, lines } = capturingLogger();
    await cancelAndWaitForEnd(provider, ids, { waitSeconds: 0.8, logger, words });
    expect((await real.status([ids[0]!, ids[2]!])).map((s) => s.state)).toEqual(['cancelled', 'cancelled']);
    expect(real.alive()).toEqual([stuck]);
    expect(lines.map((l) => l.msg)).toEqual([
      'tcancel for every block failed; deleting them one by one',
      `could not delete Test job ${stuck}`,
      'Test jobs still active 0.8 s after tcancel',
    ]);
    expect(lines.at(-1)!.jobIds).toEqual([stuck]);
  });

  it('stops waiting after waitSeconds for a job that does not end', async () => {
    const { real, ids } = await jobs(1, '');
    const { logger, lines } = capturingLogger();
    const started = Date.now();
    await cancelAndWaitForEnd(scheduler(real), ids, { waitSeconds: 0.5, logger, words });
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(500);
    expect(waited).toBeLessThan(1500);
    expect(lines.map((l) => l.msg)).toEqual(['Test jobs still active 0.5 s after tcancel']);
  });

  it('logs a status that fails and keeps asking until the wait is over', async () => {
    const { real, ids } = await jobs(1);
    let asked = 0;
    const { logger, lines } = capturingLogger();
    await cancelAndWaitForEnd(scheduler(real, { status: async () => { asked++; throw new Error('tstat: down'); } }), ids, { waitSeconds: 0.6, logger, words });
    expect(asked).toBeGreaterThanOrEqual(2);
    expect(lines.filter((l) => l.msg === 'could not check that the deleted blocks ended')).toHaveLength(asked);
    expect(lines.at(-1)!.msg).toBe('Test jobs still active 0.6 s after tcancel');
  });
});
