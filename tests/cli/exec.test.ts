// How tools are found and shown on each OS. Windows resolution is checked with an injected file
// test, since this suite runs on Linux; spawning itself is covered by the deploy tests.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { currentContextFromKubeconfig, detectCluster } from '../../src/cli/deploy/cluster.js';
import { ToolRunner, formatCommand, resolveExecutable } from '../../src/cli/deploy/exec.js';
import { Progress } from '../../src/cli/deploy/progress.js';
import { renderTable } from '../../src/cli/deploy/table.js';
import { fakeTools } from './fake-tools.js';

const onWindows = (files: string[], env: NodeJS.ProcessEnv) => (name: string) =>
  resolveExecutable(name, {
    platform: 'win32',
    env,
    isExecutable: (file) => files.includes(file.toLowerCase()),
  });

describe('resolveExecutable on Windows', () => {
  const env = {
    Path: 'C:\\Windows\\system32;"C:\\Program Files\\Docker\\Docker\\resources\\bin";C:\\tools',
    PATHEXT: '.COM;.EXE;.BAT;.CMD',
  };

  it('finds kubectl.exe through PATHEXT, with the PATH variable in any case and quoted entries', () => {
    const find = onWindows(
      ['c:\\program files\\docker\\docker\\resources\\bin\\kubectl.exe', 'c:\\tools\\helm.exe'],
      env,
    );
    expect(find('kubectl')).toBe('C:\\Program Files\\Docker\\Docker\\resources\\bin\\kubectl.exe');
    expect(find('helm')).toBe('C:\\tools\\helm.exe');
    expect(find('kind')).toBeUndefined();
  });

  it('takes the first PATH entry that has it, and a name given with its extension as is', () => {
    const find = onWindows(['c:\\windows\\system32\\helm.exe', 'c:\\tools\\helm.exe'], env);
    expect(find('helm')).toBe('C:\\Windows\\system32\\helm.exe');
    expect(find('helm.exe')).toBe('C:\\Windows\\system32\\helm.exe');
  });

  it('uses the default PATHEXT when the variable is missing', () => {
    const find = onWindows(['c:\\tools\\minikube.exe'], { PATH: 'C:\\tools' });
    expect(find('minikube')).toBe('C:\\tools\\minikube.exe');
  });
});

describe('resolveExecutable on POSIX', () => {
  it('finds only executable files on PATH', () => {
    const fakes = fakeTools(['kubectl']);
    try {
      expect(resolveExecutable('kubectl', { env: fakes.env, platform: 'linux' })).toBe(
        path.join(fakes.dir, 'kubectl'),
      );
      // fake-tool.mjs is in the same folder but not executable.
      expect(
        resolveExecutable('fake-tool.mjs', { env: fakes.env, platform: 'linux' }),
      ).toBeUndefined();
      expect(new ToolRunner({ env: fakes.env }).has('helm')).toBe(false);
    } finally {
      fakes.cleanup();
    }
  });

  it('runs a tool without a shell: metacharacters reach it as plain arguments', async () => {
    const fakes = fakeTools(['helm']);
    try {
      const runner = new ToolRunner({ env: fakes.env });
      const tricky = ['$(touch pwned)', '; rm -rf /', '"quoted" & more', '%PATH%'];
      expect((await runner.run({ tool: 'helm', args: tricky })).code).toBe(0);
      expect(fakes.calls()).toEqual([{ tool: 'helm', args: tricky }]);
    } finally {
      fakes.cleanup();
    }
  });
});

describe('formatCommand', () => {
  it('quotes what a shell would split or expand', () => {
    expect(
      formatCommand({ tool: 'helm', args: ['upgrade', '--set-string', 'image.tag=1.0'] }),
    ).toBe('helm upgrade --set-string image.tag=1.0');
    const patch = { tool: 'kubectl', args: ['patch', '-p', `{"a":"b"}`, "it's", ''] };
    expect(formatCommand(patch, 'linux')).toBe(`kubectl patch -p '{"a":"b"}' 'it'\\''s' ''`);
    expect(formatCommand(patch, 'win32')).toBe(`kubectl patch -p '{"a":"b"}' 'it''s' ''`);
  });
});

describe('cluster kind from the context name', () => {
  it.each([
    ['kind-cloudedu', 'kind', 'cloudedu'],
    ['kind-kind', 'kind', 'kind'],
    ['minikube', 'minikube', 'minikube'],
    ['docker-desktop', 'docker-desktop', 'docker-desktop'],
    ['docker-for-desktop', 'docker-desktop', 'docker-for-desktop'],
    ['arn:aws:eks:eu-west-1:1:cluster/prod', 'other', 'arn:aws:eks:eu-west-1:1:cluster/prod'],
  ])('%s is %s', (context, kind, name) => {
    expect(detectCluster(context)).toEqual({ kind, context, name });
  });

  it('can be told with --cluster when the context was renamed', () => {
    expect(detectCluster('laptop', 'minikube')).toEqual({
      kind: 'minikube',
      context: 'laptop',
      name: 'laptop',
    });
  });

  it('reads current-context from the first kubeconfig file that sets it', () => {
    const fakes = fakeTools([]);
    try {
      const first = path.join(fakes.dir, 'a.yaml');
      const second = path.join(fakes.dir, 'b.yaml');
      writeFileSync(first, 'apiVersion: v1\nkind: Config\ncontexts: []\n');
      writeFileSync(second, "apiVersion: v1\ncurrent-context: 'kind-cloudedu'  # set by kind\n");
      const KUBECONFIG = [path.join(fakes.dir, 'missing'), first, second].join(path.delimiter);
      expect(currentContextFromKubeconfig({ KUBECONFIG })).toBe('kind-cloudedu');
      expect(currentContextFromKubeconfig({ KUBECONFIG: first })).toBeUndefined();
      expect(currentContextFromKubeconfig({ HOME: fakes.dir })).toBeUndefined();
    } finally {
      fakes.cleanup();
    }
  });
});

describe('progress and tables', () => {
  it('draws a spinner and a final mark on a terminal', async () => {
    let text = '';
    const out = new Writable({
      write(chunk: Buffer, _e, done) {
        text += chunk.toString();
        done();
      },
    });
    const progress = new Progress(1, { out, interactive: true });
    await progress.step('Build', () => new Promise((resolve) => setTimeout(resolve, 250)));
    expect(text).toContain('\r\x1b[2K| [1/1] Build');
    // Timers fire in order of expiry, so frames at 100 and 200 ms are drawn before the step ends.
    expect(text).toContain('\r\x1b[2K/ [1/1] Build');
    expect(text.endsWith('\r\x1b[2Kok [1/1] Build\n')).toBe(true);
  });

  it('aligns columns and cuts long cells', () => {
    expect(
      renderTable(
        ['NAME', 'STATUS'],
        [
          ['a', 'Running'],
          ['longer-name', 'x'.repeat(90)],
        ],
        20,
      ),
    ).toBe(
      ['NAME         STATUS', 'a            Running', `longer-name  ${'x'.repeat(17)}...`].join(
        '\n',
      ),
    );
  });
});
