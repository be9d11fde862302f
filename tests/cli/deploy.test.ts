// `taskmanager deploy` with fake tools on PATH that record their arguments: the exact commands
// for each environment, engine and cluster kind, `--dry-run` running nothing, and the errors.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDeploy } from '../../src/cli/commands/deploy.js';
import { FIXTURES, captureIo, fakeTools } from './fake-tools.js';
import type { FakeTools } from './fake-tools.js';

const TAG = 'dev-20250301121000'; // the default tag at the fixed clock (12:10:00 UTC)
const IMAGE = `localhost/cloudedu-taskmanager:${TAG}`;
const CHART = path.join('deploy', 'helm', 'cloudedu-taskmanager');
const ARCHIVE = path.join(os.tmpdir(), `cloudedu-taskmanager-${TAG}.tar`);
const ALL = ['kubectl', 'helm', 'kind', 'minikube', 'docker', 'podman', 'nerdctl'];

let fakes: FakeTools | undefined;
afterEach(() => fakes?.cleanup());

/** Runs deploy with the given tools on PATH, kubectl answering from the healthy-install fixture. */
async function deploy(
  args: string[],
  tools = ALL,
  scenario = 'healthy',
  extraEnv: Record<string, string> = {},
) {
  fakes = fakeTools(tools, { FAKE_KUBECTL_FIXTURES: path.join(FIXTURES, scenario), ...extraEnv });
  const captured = captureIo(fakes.env);
  const code = await runDeploy(args, captured.io);
  return {
    code,
    out: captured.stdout(),
    err: captured.stderr(),
    calls: fakes.calls(),
    env: fakes.env,
  };
}

function helmArgs(env: string, namespace: string, context?: string): string[] {
  return [
    'upgrade',
    '--install',
    'cloudedu-taskmanager',
    CHART,
    '-f',
    path.join(CHART, `values-${env}.yaml`),
    '--namespace',
    namespace,
    '--create-namespace',
    '--set-string',
    'image.repository=localhost/cloudedu-taskmanager',
    '--set-string',
    `image.tag=${TAG}`,
    '--wait',
    '--timeout',
    '10m',
    ...(context ? ['--kube-context', context] : []),
  ];
}

const ctx = (context: string) => ['--context', context];
const urlGet = (context: string, namespace: string) => ({
  tool: 'kubectl',
  args: [
    ...ctx(context),
    'get',
    'services,ingresses',
    '-n',
    namespace,
    '-l',
    'app.kubernetes.io/instance=cloudedu-taskmanager',
    '-o',
    'json',
  ],
});
const apply = (context: string) => ({
  tool: 'kubectl',
  args: [...ctx(context), 'apply', '-f', '-'],
});

describe('taskmanager deploy runs exactly these commands', () => {
  it.each(['dev', 'staging', 'prod'])('--env %s with docker on kind', async (env) => {
    const namespace = `cloudedu-${env}`;
    const { code, calls, out, err } = await deploy(['--env', env, '--context', 'kind-cloudedu']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(calls.map(({ tool, args }) => ({ tool, args }))).toEqual([
      { tool: 'docker', args: ['build', '-t', IMAGE, '-f', 'Dockerfile', '.'] },
      { tool: 'kind', args: ['load', 'docker-image', IMAGE, '--name', 'cloudedu'] },
      apply('kind-cloudedu'),
      { tool: 'helm', args: helmArgs(env, namespace, 'kind-cloudedu') },
      urlGet('kind-cloudedu', namespace),
    ]);
    // The namespace goes in with the Pod Security labels the chart's pods are written to pass.
    const manifest = JSON.parse(calls[2]?.stdin ?? '{}') as {
      metadata: { name: string; labels: Record<string, string> };
    };
    expect(manifest.metadata.name).toBe(namespace);
    expect(manifest.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(out).toContain('CloudEdu TaskManager is up: http://localhost:30080/');
  });

  it.each([
    ['podman', ['build', '--format', 'docker', '-t', IMAGE, '-f', 'Dockerfile', '.']],
    ['nerdctl', ['build', '-t', IMAGE, '-f', 'Dockerfile', '.']],
  ])('with %s on kind: save, then kind load image-archive', async (engine, build) => {
    const tools = ['kubectl', 'helm', 'kind', engine];
    const { code, calls } = await deploy(['--env', 'dev', '--context', 'kind-cloudedu'], tools);
    expect(code).toBe(0);
    expect(calls.slice(0, 3).map(({ tool, args }) => ({ tool, args }))).toEqual([
      { tool: engine, args: build },
      { tool: engine, args: ['save', '-o', ARCHIVE, IMAGE] },
      { tool: 'kind', args: ['load', 'image-archive', ARCHIVE, '--name', 'cloudedu'] },
    ]);
  });

  it('picks the engine on PATH in the order docker, podman, nerdctl', async () => {
    const { calls } = await deploy(
      ['--env', 'dev', '--context', 'kind-x'],
      ['kubectl', 'helm', 'kind', 'nerdctl', 'podman'],
    );
    expect(calls[0]?.tool).toBe('podman');
  });

  it('honours --engine over what is on PATH', async () => {
    const { calls } = await deploy(['--env', 'dev', '--context', 'kind-x', '--engine', 'nerdctl']);
    expect(calls[0]?.tool).toBe('nerdctl');
  });

  it.each([
    ['docker', [{ tool: 'minikube', args: ['image', 'load', IMAGE, '-p', 'minikube'] }]],
    [
      'podman',
      [
        { tool: 'podman', args: ['save', '-o', ARCHIVE, IMAGE] },
        { tool: 'minikube', args: ['image', 'load', ARCHIVE, '-p', 'minikube'] },
      ],
    ],
  ])('with %s on minikube, and the URL from minikube ip', async (engine, load) => {
    const { code, calls, out } = await deploy(
      ['--env', 'dev'],
      ['kubectl', 'helm', 'minikube', engine],
      'image-pull-backoff',
    );
    expect(code).toBe(0);
    const recorded = calls.map(({ tool, args }) => ({ tool, args }));
    // No --context: the current one (minikube) is asked from kubectl and not passed on.
    expect(recorded[0]).toEqual({ tool: 'kubectl', args: ['config', 'current-context'] });
    expect(recorded.slice(2, 2 + load.length)).toEqual(load);
    expect(recorded.at(-3)).toEqual({ tool: 'helm', args: helmArgs('dev', 'cloudedu-dev') });
    expect(recorded.at(-1)).toEqual({ tool: 'minikube', args: ['ip', '-p', 'minikube'] });
    expect(out).toContain('CloudEdu TaskManager is up: http://192.168.49.2:30080/');
  });

  it('loads nothing on Docker Desktop with docker', async () => {
    const { code, calls, out } = await deploy(['--env', 'dev', '--context', 'docker-desktop']);
    expect(code).toBe(0);
    expect(calls.map((c) => c.tool)).toEqual(['docker', 'kubectl', 'helm', 'kubectl']);
    expect(out).toContain(
      "nothing to do: Docker Desktop's Kubernetes uses the images of its own engine",
    );
  });

  it('deploys a pushed image with --no-build to any cluster', async () => {
    const { code, calls } = await deploy(
      [
        '--env',
        'prod',
        '--context',
        'prod-eks',
        '--no-build',
        '--image',
        'ghcr.io/acme/cloudedu-taskmanager',
        '--tag',
        '1.4.0',
        '--namespace',
        'taskmanager',
        '--timeout',
        '15m',
      ],
      ['kubectl', 'helm'],
    );
    expect(code).toBe(0);
    const helm = calls.find((c) => c.tool === 'helm');
    expect(helm?.args).toEqual([
      'upgrade',
      '--install',
      'cloudedu-taskmanager',
      CHART,
      '-f',
      path.join(CHART, 'values-prod.yaml'),
      '--namespace',
      'taskmanager',
      '--create-namespace',
      '--set-string',
      'image.repository=ghcr.io/acme/cloudedu-taskmanager',
      '--set-string',
      'image.tag=1.4.0',
      '--wait',
      '--timeout',
      '15m',
      '--kube-context',
      'prod-eks',
    ]);
    expect(calls.map((c) => c.tool)).toEqual(['kubectl', 'helm', 'kubectl']);
  });

  it('shows progress as plain numbered lines when stdout is not a terminal', async () => {
    const { out } = await deploy(['--env', 'dev', '--context', 'kind-cloudedu']);
    expect(out).toMatch(
      /^\[1\/4\] Build image localhost\/cloudedu-taskmanager:dev-20250301121000 with docker \.\.\.$/m,
    );
    expect(out).toMatch(/^\[4\/4\] Install or upgrade release cloudedu-taskmanager .*: done$/m);
    expect(out).not.toContain('\r');
  });
});

describe('taskmanager deploy --dry-run', () => {
  it('prints every command and runs none', async () => {
    const { code, calls, out } = await deploy([
      '--env',
      'staging',
      '--context',
      'kind-cloudedu',
      '--dry-run',
    ]);
    expect(code).toBe(0);
    expect(calls).toEqual([]);
    for (const line of [
      `docker build -t ${IMAGE} -f Dockerfile .`,
      `kind load docker-image ${IMAGE} --name cloudedu`,
      'kubectl --context kind-cloudedu apply -f -',
      `helm upgrade --install cloudedu-taskmanager ${CHART} -f ${path.join(CHART, 'values-staging.yaml')} --namespace cloudedu-staging`,
      'kubectl --context kind-cloudedu get services,ingresses -n cloudedu-staging',
    ]) {
      expect(out).toContain(line);
    }
    expect(out).toContain('"pod-security.kubernetes.io/enforce": "restricted"');
    expect(out).toMatch(/Nothing was run\.\s*$/);
  });

  it('reads the current context from the kubeconfig instead of running kubectl', async () => {
    fakes = fakeTools(ALL);
    writeFileSync(
      fakes.env.KUBECONFIG ?? '',
      'apiVersion: v1\nkind: Config\ncurrent-context: "minikube"\ncontexts: []\n',
    );
    const captured = captureIo(fakes.env);
    expect(await runDeploy(['--env', 'dev', '--dry-run'], captured.io)).toBe(0);
    expect(fakes.calls()).toEqual([]);
    expect(captured.stdout()).toContain(`minikube image load ${IMAGE} -p minikube`);
    expect(captured.stdout()).toContain('minikube ip -p minikube');
  });
});

describe('taskmanager deploy errors: one line, with the next step', () => {
  const oneLine = (err: string): string => {
    const lines = err.trimEnd().split('\n');
    return lines[lines.length - 1] ?? '';
  };

  it('refuses to build for a cluster that cannot see local images', async () => {
    const { code, err, calls } = await deploy(['--env', 'prod', '--context', 'prod-eks']);
    expect(code).toBe(1);
    expect(calls).toEqual([]);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(
      /^taskmanager deploy: context "prod-eks" is not a local cluster .*Next: .*--no-build/,
    );
  });

  it('says which tool is missing before building anything', async () => {
    const { code, err, calls } = await deploy(
      ['--env', 'dev', '--context', 'kind-x'],
      ['kubectl', 'docker', 'kind'],
    );
    expect(code).toBe(1);
    expect(calls).toEqual([]);
    expect(err).toMatch(/^taskmanager deploy: helm not found on PATH: install Helm 3/);
  });

  it('says when no container engine is installed', async () => {
    const { code, err } = await deploy(
      ['--env', 'dev', '--context', 'kind-x'],
      ['kubectl', 'helm', 'kind'],
    );
    expect(code).toBe(1);
    expect(err).toMatch(/no container engine found \(docker, podman or nerdctl\)\. Next: /);
  });

  it('points at doctor when helm fails, after the tail of its output', async () => {
    const { code, err } = await deploy(['--env', 'dev', '--context', 'kind-x'], ALL, 'healthy', {
      FAKE_HELM_EXIT: '1',
    });
    expect(code).toBe(1);
    expect(err).toContain('Error: UPGRADE FAILED: context deadline exceeded');
    expect(oneLine(err)).toMatch(
      /^taskmanager deploy: `helm upgrade --install .*` failed \(exit 1\)\. Next: taskmanager doctor --env dev$/,
    );
  });

  it('stops at a failed build', async () => {
    const { code, err, calls } = await deploy(
      ['--env', 'dev', '--context', 'kind-x'],
      ALL,
      'healthy',
      { FAKE_BUILD_EXIT: '1' },
    );
    expect(code).toBe(1);
    expect(calls.map((c) => c.tool)).toEqual(['docker']);
    expect(oneLine(err)).toMatch(
      /^taskmanager deploy: `docker build .*` failed \(exit 1\)\. Next: /,
    );
  });

  it.each([
    [['--env', 'qa'], /--env must be dev, staging or prod, not "qa"/],
    [[], /--env is required/],
    [['--env', 'dev', '--no-build'], /--no-build needs --tag/],
    [['--env', 'dev', '--tag', 'bad tag'], /--tag "bad tag" is not a valid image tag/],
    [['--env', 'dev', '--engine', 'rkt'], /--engine must be one of docker, podman, nerdctl/],
    [['--env', 'dev', '--bogus'], /Unknown option '--bogus'.*Next: taskmanager deploy --help/],
  ])('rejects %j', async (args, message) => {
    await expect(deploy(args)).rejects.toThrow(message);
  });
});
