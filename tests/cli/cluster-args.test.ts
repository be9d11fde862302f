// The flags deploy, status and doctor share go through one parser (src/cli/deploy/options.ts):
// each command prints its own help on --help without touching a tool, and rejects a bad shared
// flag with the same words.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deployCommand, runDeploy } from '../../src/cli/commands/deploy.js';
import { doctorCommand, runDoctor } from '../../src/cli/commands/doctor.js';
import { runStatus, statusCommand } from '../../src/cli/commands/status.js';
import type { Io } from '../../src/cli/deploy/options.js';
import { FIXTURES, captureIo, fakeTools } from './fake-tools.js';
import type { FakeTools } from './fake-tools.js';

let fakes: FakeTools | undefined;
afterEach(() => fakes?.cleanup());

const commands: [string, (argv: string[], io: Io) => Promise<number>, string][] = [
  ['deploy', runDeploy, deployCommand.help],
  ['status', runStatus, statusCommand.help],
  ['doctor', runDoctor, doctorCommand.help],
];

function setUp() {
  fakes = fakeTools(['kubectl', 'helm', 'kind', 'docker'], {
    FAKE_KUBECTL_FIXTURES: path.join(FIXTURES, 'healthy'),
  });
  return captureIo(fakes.env);
}

describe('the cluster commands’ shared flags', () => {
  it.each(commands)('%s --help prints its help and runs nothing', async (name, run, help) => {
    for (const flag of ['--help', '-h']) {
      const captured = setUp();
      // --help wins over anything else on the line, even a missing --env or a bad value.
      expect(await run([flag, '--cluster', 'bogus'], captured.io)).toBe(0);
      expect(captured.stdout()).toBe(`${help}\n`);
      expect(captured.stdout()).toMatch(new RegExp(`^Usage: taskmanager ${name}`));
      for (const option of ['--env', '--namespace', '--context', '--cluster', '--help'])
        expect(captured.stdout()).toContain(option);
      expect(fakes?.calls()).toEqual([]);
    }
  });

  it.each(commands)('%s rejects bad shared flags in the same words', async (name, run) => {
    const io = setUp().io;
    const env = ['--env', 'dev'];
    await expect(run([...env, '--cluster', 'bogus'], io)).rejects.toThrow(
      '--cluster must be one of kind, minikube, docker-desktop, other, not "bogus"',
    );
    await expect(run([...env, '--namespace', 'Team_A'], io)).rejects.toThrow(
      '--namespace "Team_A" is not a valid Kubernetes namespace name',
    );
    await expect(run(['--env', 'qa'], io)).rejects.toThrow(
      '--env must be dev, staging or prod, not "qa"',
    );
    await expect(run([...env, '--bogus'], io)).rejects.toThrow(
      `Unknown option '--bogus'. Next: taskmanager ${name} --help`,
    );
    expect(fakes?.calls()).toEqual([]);
  });
});
