// Policy linters on what the chart renders for each environment: kube-score (standing in for
// kube-linter, which the reachable Go module proxy does not serve) and checkov's Kubernetes
// framework. Zero findings; every exclusion lives in its config file with the reason, and an
// exclusion that no longer matches anything fails the run.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { requireTool, run } from '../support/tools.js';
import { envs, mustRender, root, type Env } from './chart-helpers.js';

const helm = requireTool('helm', 'go install helm.sh/helm/v3/cmd/helm');
const kubeScore = requireTool('kube-score', 'go install github.com/zegl/kube-score/cmd/kube-score');
const checkov = requireTool('checkov', 'pip install checkov');

const kubeScoreConfigFile = path.join(root, 'deploy/helm/.kube-score.yaml');
const checkovConfigFile = path.join(root, 'deploy/helm/.checkov.yaml');

let workDir = '';
const renderedFile = {} as Record<Env, string>;

describe.skipIf(helm.skipReason)('chart policies', () => {
  beforeAll(() => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'chart-policy-'));
    for (const env of envs) {
      const dir = path.join(workDir, env);
      rmSync(dir, { recursive: true, force: true });
      const file = path.join(dir, 'rendered.yaml');
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, mustRender(helm.path!, env).stdout);
      renderedFile[env] = file;
    }
  });

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  describe.skipIf(kubeScore.skipReason)('kube-score', () => {
    interface Exclusion {
      check: string;
      environments?: Env[];
      object?: string;
      reason: string;
    }
    interface KubeScoreConfig {
      kubernetesVersion: string;
      enableOptional: string[];
      exclusions: Exclusion[];
    }
    interface KubeScoreObject {
      object_name: string;
      type_meta: { kind: string };
      object_meta: { name: string };
      checks: {
        check: { id: string };
        grade: number;
        skipped: boolean;
        comments: { path: string; summary: string; description: string }[] | null;
      }[];
    }
    const config = parseYaml(readFileSync(kubeScoreConfigFile, 'utf8')) as KubeScoreConfig;
    const used = new Set<Exclusion>();

    it('has a reason for every exclusion', () => {
      for (const exclusion of config.exclusions) {
        expect(exclusion.reason?.length ?? 0, exclusion.check).toBeGreaterThan(20);
      }
    });

    it.each(envs)('finds nothing in %s', (env) => {
      const args = ['score', '--output-format', 'json', '--kubernetes-version', config.kubernetesVersion];
      for (const check of config.enableOptional) args.push('--enable-optional-test', check);
      const result = run(kubeScore.path!, [...args, renderedFile[env]]);
      const objects = JSON.parse(result.stdout) as KubeScoreObject[];
      expect(objects.length).toBeGreaterThan(10);
      const findings: string[] = [];
      for (const o of objects) {
        const object = `${o.type_meta.kind}/${o.object_meta.name}`;
        for (const c of o.checks) {
          if (c.skipped || c.grade >= 10) continue; // 10 = all OK
          const exclusion = config.exclusions.find(
            (e) =>
              e.check === c.check.id &&
              (e.environments === undefined || e.environments.includes(env)) &&
              (e.object === undefined || e.object === object),
          );
          if (exclusion) {
            used.add(exclusion);
            continue;
          }
          const detail = (c.comments ?? []).map((m) => `${m.path} ${m.summary}`).join('; ');
          findings.push(`${object}: ${c.check.id} (grade ${c.grade}) ${detail}`);
        }
      }
      expect(findings).toEqual([]);
      // The optional checks really ran.
      const ran = new Set(objects.flatMap((o) => o.checks.filter((c) => !c.skipped).map((c) => c.check.id)));
      for (const check of config.enableOptional) expect(ran.has(check), check).toBe(true);
    });

    it('has no stale exclusion', () => {
      const stale = config.exclusions.filter((e) => !used.has(e)).map((e) => e.check);
      expect(stale).toEqual([]);
    });
  });

  describe.skipIf(checkov.skipReason)('checkov (kubernetes framework)', () => {
    interface CheckovResult {
      check_id: string;
      resource: string;
      check_name?: string;
    }
    interface CheckovReport {
      check_type: string;
      results: { failed_checks: CheckovResult[]; skipped_checks: CheckovResult[]; passed_checks: CheckovResult[] };
      summary: { passed: number; failed: number; skipped: number; parsing_errors: number; resource_count: number };
    }

    it('explains every global skip in its config file', () => {
      const text = readFileSync(checkovConfigFile, 'utf8');
      const config = parseYaml(text) as { 'skip-check': string[] };
      for (const id of config['skip-check']) {
        const line = text.split('\n').findIndex((l) => l.trim() === `- ${id}`);
        expect(text.split('\n')[line - 1]?.trim().startsWith('#'), id).toBe(true);
      }
    });

    it.each(envs)('finds nothing in %s', (env) => {
      const result = run(
        checkov.path!,
        ['--config-file', checkovConfigFile, '-d', path.dirname(renderedFile[env]), '-o', 'json'],
        { timeoutMs: 180_000 },
      );
      const parsed = JSON.parse(result.stdout) as CheckovReport | CheckovReport[];
      const report = Array.isArray(parsed) ? parsed.find((r) => r.check_type === 'kubernetes')! : parsed;
      expect(report.summary.parsing_errors).toBe(0);
      expect(report.summary.resource_count).toBeGreaterThan(10);
      expect(report.summary.passed).toBeGreaterThan(100);
      const failed = report.results.failed_checks.map((c) => `${c.check_id} ${c.resource} ${c.check_name ?? ''}`);
      expect(failed).toEqual([]);
      // The only per-object skips are the probe checks on the helm test pod.
      const skipped = report.results.skipped_checks.map((c) => `${c.check_id} ${c.resource}`).sort();
      expect(skipped).toEqual([
        'CKV_K8S_8 Pod.cloudedu.cloudedu-taskmanager-test',
        'CKV_K8S_9 Pod.cloudedu.cloudedu-taskmanager-test',
      ]);
      expect(result.status).toBe(0);
    });
  });
});
