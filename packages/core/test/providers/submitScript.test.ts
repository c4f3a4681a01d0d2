// Submit script templates: the check at construction, and filling one for a job.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  ConfigError, checkSubmitTemplate, defaultSubmitTemplate, renderSubmitScript, SUBMIT_SCRIPT_PLACEHOLDERS,
  type SubmitScriptJob, type SubmitScriptSettings,
} from '../../src/index.js';

const launcher = { name: 'twice', wrap: (command: string, tasks: number, nodes: number) => `# ${tasks}x${nodes}\n${command}\n${command}` };
const settings: SubmitScriptSettings = {
  template: defaultSubmitTemplate('Test', '@example/provider-test'), schedulerOptions: '#TEST --extra', env: { GREETING: "it's $HOME", B: '2' },
  workerInit: 'umask 077', launcher, nodesPerBlock: 3,
};
const job: SubmitScriptJob = {
  directives: '#TEST --nodes=3', jobName: 'block 0', command: 'echo "$GREETING"', tasksPerNode: 2, walltime: '00:10:00',
  scriptDir: '/s', stdoutPath: '/s/b.out', stderrPath: '/s/b.err',
};

function refusal(template: string, reason?: string): ConfigError {
  try {
    checkSubmitTemplate('TestProvider', template, reason);
  } catch (e) {
    return e as ConfigError;
  }
  throw new Error('the template was accepted');
}

describe('submit script templates', () => {
  it('fills the default template: directives first, then JOBNAME, env, workerInit and the wrapped command', () => {
    expect(renderSubmitScript(settings, job)).toBe(`#!/bin/bash
#TEST --nodes=3
#TEST --extra
# Submit script of the Test block block 0, written by @example/provider-test.
export JOBNAME='block 0'
export GREETING='it'\\''s $HOME'
export B=2

# workerInit
umask 077

# The command, wrapped by the launcher (twice)
# 2x3
echo "$GREETING"
echo "$GREETING"
`);
  });

  it('is a script bash runs as written', () => {
    const out = execFileSync('bash', ['-c', renderSubmitScript(settings, job)], { encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(out).toBe("it's $HOME\nit's $HOME\n");
  });

  it('fills every placeholder, with or without spaces in the braces, and leaves $ in values alone', () => {
    const template = `#!/bin/sh\n${SUBMIT_SCRIPT_PLACEHOLDERS.map((p) => `${p}={{ ${p} }}`).join('\n')}\n{{command}}`;
    checkSubmitTemplate('TestProvider', template);
    const text = renderSubmitScript({ ...settings, template, env: { A: '$1' } }, { ...job, command: 'x $& $1' });
    expect(text).toContain('jobNameQuoted=\'block 0\'\n');
    expect(text).toContain('environment=export A=\'$1\'\n');
    expect(text).toContain('launcher=twice\nnodesPerBlock=3\ntasksPerNode=2\nwalltime=00:10:00\nscriptDir=/s\nstdoutPath=/s/b.out\nstderrPath=/s/b.err\n');
    expect(text.endsWith('# 2x3\nx $& $1\nx $& $1')).toBe(true);
    expect(text).not.toMatch(/\{\{/);
  });

  it('refuses a template without #!, with an unknown placeholder, or without {{command}}, naming <owner>.template', () => {
    expect(refusal('echo {{command}}', 'sbatch refuses a script without one')).toMatchObject({
      code: 'PARSL_INVALID_CONFIG', path: 'TestProvider.template', hint: "begin it with '#!/bin/bash'",
      message: 'TestProvider.template: must start with a #! line (sbatch refuses a script without one)',
    });
    expect(refusal('echo {{command}}').message).toBe('TestProvider.template: must start with a #! line');
    const unknown = refusal('#!/bin/sh\n{{nope}}\n{{command}}');
    expect(unknown.message).toBe('TestProvider.template: uses an unknown placeholder {{nope}}');
    expect(unknown.hint).toBe(`known placeholders: ${SUBMIT_SCRIPT_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`);
    expect(refusal('#!/bin/sh\n{{directives}}\n').message).toBe('TestProvider.template: has no {{command}} placeholder, so the block would run nothing');
  });
});
