// `taskmanager status` on the doctor fixtures' kubectl output, served by a fake kubectl.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runStatus } from '../../src/cli/commands/status.js';
import { FIXTURES, captureIo, fakeTools } from './fake-tools.js';
import type { FakeTools } from './fake-tools.js';

let fakes: FakeTools | undefined;
afterEach(() => fakes?.cleanup());

async function status(scenario: string, args: string[] = [], tools = ['kubectl']) {
  fakes = fakeTools(tools, { FAKE_KUBECTL_FIXTURES: path.join(FIXTURES, scenario) });
  const captured = captureIo(fakes.env);
  const code = await runStatus(args, captured.io);
  return { code, out: captured.stdout(), err: captured.stderr(), calls: fakes.calls() };
}

describe('taskmanager status', () => {
  it('shows pods, readiness, restarts, image, URL and last events in tables', async () => {
    const { code, out } = await status('healthy', ['--events', '3']);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines).toContain('Namespace cloudedu-dev, context "kind-cloudedu" (kind)');
    expect(lines.find((l) => l.startsWith('NAME'))).toMatch(
      /^NAME\s+READY\s+STATUS\s+RESTARTS\s+IMAGE\s+AGE$/,
    );
    expect(lines.find((l) => l.startsWith('cloudedu-taskmanager-7b9c6d5f4-x2k9p'))).toMatch(
      /\s1\/1\s+Running\s+0\s+localhost\/cloudedu-taskmanager:dev-20250301120000\s+9m$/,
    );
    expect(lines.find((l) => l.startsWith('cloudedu-taskmanager-mysql-0'))).toMatch(
      /\s1\/1\s+Running\s+0\s+docker.io\/library\/mysql:8.4.6\s/,
    );
    expect(out).toContain('URL: http://localhost:30080/');
    const events = lines.slice(lines.indexOf('Last events:') + 1).filter((l) => l.trim());
    expect(events[0]).toMatch(/^AGE\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
    expect(events).toHaveLength(4);
    expect(out).not.toContain('not ready');
  });

  it('shows the waiting reason and points at doctor when pods are not ready', async () => {
    const { code, out } = await status('mysql-dirty-volume');
    expect(code).toBe(0);
    expect(out).toMatch(/cloudedu-taskmanager-mysql-0\s+0\/1\s+CrashLoopBackOff\s+6\s/);
    expect(out).toContain('2 pod(s) not ready. Next: taskmanager doctor --env dev');
  });

  it('reads only what it shows (no secrets, no logs)', async () => {
    const { calls } = await status('healthy');
    expect(calls.map((c) => c.args.slice(0, 2).join(' '))).toEqual([
      'config current-context',
      'get namespace',
      'get pods,replicasets,statefulsets,deployments,jobs,persistentvolumeclaims,horizontalpodautoscalers,services,ingresses',
      'get events',
    ]);
  });

  it('says in one line that nothing is deployed', async () => {
    const { code, err } = await status('namespace-missing', [
      '--env',
      'staging',
      '--namespace',
      'cloudedu-dev',
    ]);
    expect(code).toBe(1);
    expect(err).toBe(
      'taskmanager status: namespace cloudedu-dev does not exist: nothing is deployed there. Next: taskmanager deploy --env staging\n',
    );
  });
});
