// GitHub workflows: actionlint (with shellcheck on every `run:` script) on each workflow, and the
// rules it does not check: least-privilege permissions, third-party actions pinned by commit SHA
// with the version in a comment, Dependabot for npm, Actions and Docker, and the jobs the
// delivery issue asks for.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { requireTool, run } from '../support/tools.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WORKFLOWS = path.join(ROOT, '.github', 'workflows');
const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));
const actionFiles = [path.join(ROOT, '.github', 'actions', 'deploy-with-ansible', 'action.yml')];

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: Record<string, string>;
  steps?: Step[];
  services?: Record<string, unknown>;
  environment?: { name: string } | string;
  if?: string;
}
interface Workflow {
  on: unknown;
  permissions?: Record<string, string> | string;
  jobs: Record<string, Job>;
}

const read = (file: string): string => readFileSync(file, 'utf8');
const workflow = (name: string): Workflow => parse(read(path.join(WORKFLOWS, name))) as Workflow;

const actionlint = requireTool('actionlint', 'go install github.com/rhysd/actionlint/cmd/actionlint');
const shellcheck = requireTool('shellcheck', 'apt-get install shellcheck');

describe.skipIf(actionlint.skipReason ?? shellcheck.skipReason)('actionlint', () => {
  it('finds the workflows', () => {
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'deploy.yml', 'release.yml']));
  });

  it.each(files)('%s passes, shellcheck included', { timeout: 60_000 }, (file) => {
    const result = run(
      actionlint.path ?? '',
      ['-no-color', `-shellcheck=${shellcheck.path ?? ''}`, path.join('.github', 'workflows', file)],
      { cwd: ROOT },
    );
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  });
});

describe('least privilege', () => {
  // What each job may raise above `contents: read`, and why (see the comments in the files).
  const allowed: Record<string, Record<string, string>> = {
    'release.yml/image': { contents: 'read', packages: 'write', 'id-token': 'write' },
    'release.yml/chart': { contents: 'read', packages: 'write', 'id-token': 'write' },
    'release.yml/github-release': { contents: 'write' },
    'deploy.yml/staging': { contents: 'read', packages: 'write' },
    'deploy.yml/production': { contents: 'read' },
  };

  it.each(files)('%s: contents read at the top, raised per job only where listed', (file) => {
    const wf = workflow(file);
    expect(wf.permissions).toEqual({ contents: 'read' });
    for (const [name, job] of Object.entries(wf.jobs)) {
      const key = `${file}/${name}`;
      if (job.permissions === undefined) continue;
      expect(allowed[key], `${key} raises permissions without being listed`).toBeDefined();
      expect(job.permissions).toEqual(allowed[key]);
    }
  });

  it('never runs untrusted code with secrets (no pull_request_target)', () => {
    for (const file of files) expect(read(path.join(WORKFLOWS, file))).not.toContain('pull_request_target');
  });

  it('never leaves the token in the checkout', () => {
    for (const file of [...files.map((f) => path.join(WORKFLOWS, f)), ...actionFiles]) {
      const text = read(file);
      const checkouts = text.match(/uses: actions\/checkout@/g) ?? [];
      const disabled = text.match(/persist-credentials: false/g) ?? [];
      expect(disabled.length, file).toBe(checkouts.length);
    }
  });
});

describe('third-party actions', () => {
  const uses = [...files.map((f) => path.join(WORKFLOWS, f)), ...actionFiles].flatMap((file) =>
    [...read(file).matchAll(/^\s*-?\s*uses:\s*(\S+)(.*)$/gm)].map((m) => ({ file, ref: m[1] ?? '', rest: m[2] ?? '' })),
  );

  it('are all pinned by full commit SHA with the version in a trailing comment', () => {
    const external = uses.filter((u) => !u.ref.startsWith('./'));
    expect(external.length).toBeGreaterThan(10);
    for (const u of external) {
      expect(u.ref, u.file).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
      expect(u.rest, `${u.ref} in ${u.file}`).toMatch(/^\s+# v\d+\.\d+\.\d+$/);
    }
  });

  it('use one SHA per action everywhere', () => {
    const byAction = new Map<string, Set<string>>();
    for (const u of uses.filter((x) => !x.ref.startsWith('./'))) {
      const [name = '', sha = ''] = u.ref.split('@');
      byAction.set(name, (byAction.get(name) ?? new Set()).add(sha));
    }
    for (const [name, shas] of byAction) expect(shas.size, name).toBe(1);
  });
});

describe('what the pipeline does', () => {
  const ci = workflow('ci.yml');
  const steps = (wf: Workflow, job: string): string =>
    JSON.stringify(wf.jobs[job]?.steps ?? [], null, 1);

  it('ci runs on pull requests and main, with a MariaDB service for the tests', () => {
    expect(ci.on).toEqual({ pull_request: null, push: { branches: ['main'] } });
    expect(Object.keys(ci.jobs.test?.services ?? {})).toEqual(['mariadb']);
    expect(steps(ci, 'test')).toContain('npm run build');
    expect(steps(ci, 'lint')).toContain('npm run lint');
    expect(steps(ci, 'lint')).toContain('npm run typecheck');
  });

  it('ci builds the image with Buildx and a cache, and scans it with Trivy', () => {
    const image = steps(ci, 'image');
    expect(image).toContain('docker/setup-buildx-action@');
    expect(image).toContain('type=gha');
    expect(image).toContain('aquasecurity/trivy-action@');
  });

  it('ci runs the chart checks of npm test and an end-to-end install on kind', () => {
    expect(steps(ci, 'chart')).toContain('npx vitest run tests/deploy');
    const e2e = steps(ci, 'e2e-kind');
    for (const part of [
      'helm/kind-action@',
      ' deploy --env dev',
      'helm test cloudedu-taskmanager',
      ' doctor --env dev',
      // What tests/cluster/ proves locally, as far as kind shows it (issue 16).
      'kind-checks.sh netpol',
      'kind-checks.sh upgrade',
      'kind-checks.sh doctor',
    ]) {
      expect(e2e).toContain(part);
    }
  });

  it('release signs a multi-arch image with SBOM and provenance, and pushes and signs the chart', () => {
    const release = workflow('release.yml');
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } });
    const image = release.jobs.image?.steps?.find((s) => s.uses?.startsWith('docker/build-push-action@'));
    expect(image?.with).toMatchObject({ platforms: 'linux/amd64,linux/arm64', sbom: true, provenance: 'mode=max', push: true });
    expect(steps(release, 'image')).toContain('cosign sign --yes');
    expect(steps(release, 'chart')).toContain('helm push');
    expect(steps(release, 'chart')).toContain('cosign sign --yes');
    expect(steps(release, 'github-release')).toContain('gh release create');
  });

  it('deploys staging after CI on main and prod after a release, behind the production environment', () => {
    const deploy = workflow('deploy.yml');
    expect(deploy.jobs.staging?.environment).toMatchObject({ name: 'staging' });
    expect(deploy.jobs.production?.environment).toMatchObject({ name: 'production' });
    expect(deploy.jobs.staging?.if).toContain("head_branch == 'main'");
    expect(deploy.jobs.staging?.if).toContain('head_repository.full_name == github.repository');
    expect(deploy.jobs.production?.if).toContain("workflow_run.name == 'Release'");
    const action = read(actionFiles[0] ?? '');
    expect(action).toContain('ansible-playbook -i "inventories/${ENVIRONMENT}" site.yml');
    expect(action).toContain('/readyz');
  });
});

describe('dependabot', () => {
  it('updates npm, GitHub Actions and the Docker base image', () => {
    const config = parse(read(path.join(ROOT, '.github', 'dependabot.yml'))) as {
      version: number;
      updates: { 'package-ecosystem': string }[];
    };
    expect(config.version).toBe(2);
    expect(config.updates.map((u) => u['package-ecosystem'])).toEqual(
      expect.arrayContaining(['npm', 'github-actions', 'docker']),
    );
  });
});
