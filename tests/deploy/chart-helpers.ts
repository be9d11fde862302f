// Shared by the chart suites (tests/deploy/chart*.test.ts): render the real chart with the real
// `helm`, parse what it prints, and prepare the offline JSON schemas kubeconform validates against.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { run } from '../support/tools.js';

export const root = path.resolve(import.meta.dirname, '../..');
export const chartDir = path.join(root, 'deploy/helm/cloudedu-taskmanager');
export const envs = ['dev', 'staging', 'prod'] as const;
export type Env = (typeof envs)[number];
/** Oldest Kubernetes the chart supports (Chart.yaml kubeVersion) and validates against. */
export const kubeVersion = '1.30.0';
export const namespace = 'cloudedu';
export const release = 'cloudedu-taskmanager';

// Plain JSON-like view of a rendered object; the tests reach into it by path.
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Obj = Record<string, Json>;
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> } & Obj;
  [key: string]: Json | undefined | K8sObject['metadata'];
}

export function valuesFile(env: Env): string {
  return path.join(chartDir, `values-${env}.yaml`);
}

/** Arguments of `helm template` for one environment plus extra `--set`/`-f` arguments. */
export function templateArgs(env: Env | undefined, extra: string[] = [], chart = chartDir): string[] {
  return [
    'template',
    release,
    chart,
    '--namespace',
    namespace,
    // helm built from source defaults to an old Kubernetes version; name the one we target.
    '--kube-version',
    kubeVersion,
    ...(env ? ['-f', path.join(chart, `values-${env}.yaml`)] : []),
    ...extra,
  ];
}

export interface Rendered {
  status: number;
  stdout: string;
  stderr: string;
  objects: K8sObject[];
}

export function helmTemplate(
  helm: string,
  env: Env | undefined,
  extra: string[] = [],
  chart = chartDir,
): Rendered {
  const result = run(helm, templateArgs(env, extra, chart), { timeoutMs: 60_000 });
  const objects = result.status === 0 ? parseManifests(result.stdout) : [];
  return { ...result, objects };
}

/** Renders or throws with helm's own message. */
export function mustRender(helm: string, env: Env | undefined, extra: string[] = [], chart = chartDir) {
  const rendered = helmTemplate(helm, env, extra, chart);
  if (rendered.status !== 0) {
    throw new Error(`helm template ${env ?? 'default'} failed:\n${rendered.stderr}`);
  }
  return rendered;
}

/**
 * Every environment rendered once for the enclosing describe block (in its beforeAll, so a
 * suite skipped for want of helm renders nothing).
 */
export function renderedEnvs(helm: string): Record<Env, Rendered> {
  const rendered = {} as Record<Env, Rendered>;
  beforeAll(() => {
    for (const env of envs) rendered[env] = mustRender(helm, env);
  });
  return rendered;
}

export function parseManifests(text: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`invalid YAML from helm: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    objects.push(value as K8sObject);
  }
  return objects;
}

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function named(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} in the rendered chart`);
  return found;
}

/** Reads a nested property ("spec.template.spec") of a rendered object. */
export function at(value: unknown, dotted: string): unknown {
  let current: unknown = value;
  for (const key of dotted.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: unknown[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[]; add?: string[] } };
  startupProbe?: Record<string, unknown>;
  readinessProbe?: Record<string, unknown>;
  livenessProbe?: Record<string, unknown>;
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  volumeMounts?: { name: string; mountPath: string; subPath?: string; readOnly?: boolean }[];
  ports?: { name?: string; containerPort: number }[];
}

export interface PodSpec {
  securityContext?: Record<string, unknown>;
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  terminationGracePeriodSeconds?: number;
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; emptyDir?: unknown; secret?: { secretName: string } }[];
  topologySpreadConstraints?: unknown[];
  imagePullSecrets?: { name: string }[];
}

export interface PodOwner {
  owner: K8sObject;
  spec: PodSpec;
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

/** Every pod the chart makes: Deployment, StatefulSet and Job templates, and bare Pods. */
export function podOwners(objects: K8sObject[]): PodOwner[] {
  const owners: PodOwner[] = [];
  for (const o of objects) {
    if (['Deployment', 'StatefulSet', 'Job', 'DaemonSet', 'ReplicaSet'].includes(o.kind)) {
      owners.push({
        owner: o,
        spec: at(o, 'spec.template.spec') as PodSpec,
        metadata: (at(o, 'spec.template.metadata') ?? {}),
      });
    } else if (o.kind === 'CronJob') {
      owners.push({
        owner: o,
        spec: at(o, 'spec.jobTemplate.spec.template.spec') as PodSpec,
        metadata: (at(o, 'spec.jobTemplate.spec.template.metadata') ?? {}),
      });
    } else if (o.kind === 'Pod') {
      owners.push({ owner: o, spec: o.spec as unknown as PodSpec, metadata: o.metadata });
    }
  }
  return owners;
}

export function allContainers(spec: PodSpec): Container[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

/** Secret values of the rendered Secrets, decoded. */
export function secretValues(objects: K8sObject[]): string[] {
  const values: string[] = [];
  for (const secret of ofKind(objects, 'Secret')) {
    for (const encoded of Object.values((secret.data ?? {}) as Record<string, string>)) {
      values.push(Buffer.from(encoded, 'base64').toString('utf8'));
    }
    for (const plain of Object.values((secret.stringData ?? {}) as Record<string, string>)) {
      values.push(plain);
    }
  }
  return values;
}

/** A throw-away copy of the chart that a test may change (fixture files, extra templates). */
export function chartCopy(): { dir: string; remove: () => void } {
  const base = mkdtempSync(path.join(os.tmpdir(), 'chart-'));
  const dir = path.join(base, 'cloudedu-taskmanager');
  cpSync(chartDir, dir, { recursive: true });
  return { dir, remove: () => rmSync(base, { recursive: true, force: true }) };
}

// ---------------------------------------------------------------------------------------------
// Offline schemas for kubeconform.
//
// Kubernetes: the JSON schemas shipped in the PyPI package `kubernetes-validate` (pinned in
// scripts/ci/requirements.txt), generated by its authors from the Kubernetes OpenAPI document of
// each release. Its "local" flavour points every kind file at a shared _definitions.json by an
// absolute URI; the copy made here drops the `$id`s and makes those references relative, so
// kubeconform resolves them from disk.
// CRDs: each CRD's openAPIV3Schema becomes a kind file of the same layout (the way kubeconform's
// openapi2jsonschema does it), strict: no property that the CRD does not declare, unless the
// CRD preserves unknown fields there.

export const schemaCacheDir = path.join(root, 'node_modules/.cache/cloudedu-chart-schemas');
export const schemaLocation = path.join(
  schemaCacheDir,
  '{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json',
);

/** The kubernetes-validate package directory, or undefined with the reason. */
export function findKubernetesValidate(python: string): { dir?: string; reason?: string } {
  const probe = run(python, [
    '-c',
    'import kubernetes_validate, os; print(os.path.dirname(kubernetes_validate.__file__))',
  ]);
  if (probe.status !== 0) {
    return { reason: 'python package kubernetes-validate is not installed (pip install kubernetes-validate)' };
  }
  const dir = path.join(probe.stdout.trim(), 'kubernetes-json-schema');
  return existsSync(dir) ? { dir } : { reason: `no schema folder in ${dir}` };
}

/** Builds the schema folder for one Kubernetes version; returns its path. Idempotent. */
export function prepareKubernetesSchemas(packageSchemaDir: string, version = kubeVersion): string {
  const source = path.join(packageSchemaDir, `v${version}-local-strict`);
  if (!existsSync(source)) throw new Error(`kubernetes-validate has no schemas for ${version}`);
  const target = path.join(schemaCacheDir, `v${version}-standalone-strict`);
  const marker = path.join(target, '.complete');
  if (existsSync(marker)) return target;
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const file of readdirSync(source)) {
    if (!file.endsWith('.json')) continue;
    const schema = JSON.parse(readFileSync(path.join(source, file), 'utf8')) as Record<string, unknown>;
    delete schema.$id;
    const text = JSON.stringify(schema).replaceAll('"/api/_definitions.json#', '"_definitions.json#');
    writeFileSync(path.join(target, file), text);
  }
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return target;
}

interface Crd {
  kind: string;
  spec: {
    group: string;
    names: { kind: string };
    versions: { name: string; schema?: { openAPIV3Schema: Record<string, unknown> } }[];
  };
}

function strictCopy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictCopy);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = strictCopy(value);
  const preserve = out['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.properties !== undefined && out.additionalProperties === undefined && !preserve) {
    out.additionalProperties = false;
  }
  return out;
}

/** Writes a kind file for every version of every CRD in a multi-document YAML file. */
export function addCrdSchemas(crdFile: string, schemaDir: string): string[] {
  const written: string[] = [];
  for (const doc of parseAllDocuments(readFileSync(crdFile, 'utf8'))) {
    const crd = doc.toJS() as Crd | null;
    if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
    for (const version of crd.spec.versions) {
      if (!version.schema) continue;
      const schema = strictCopy(version.schema.openAPIV3Schema) as Record<string, unknown>;
      // The API server adds these to every custom resource, whatever the CRD declares.
      const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      properties.apiVersion ??= { type: 'string' };
      properties.kind ??= { type: 'string' };
      properties.metadata = { ...(properties.metadata ?? {}), type: 'object', additionalProperties: true };
      schema.properties = properties;
      schema.$schema = 'http://json-schema.org/draft-07/schema#';
      const group = crd.spec.group.split('.')[0] ?? crd.spec.group;
      const file = `${crd.spec.names.kind.toLowerCase()}-${group}-${version.name}.json`;
      writeFileSync(path.join(schemaDir, file), JSON.stringify(schema));
      written.push(file);
    }
  }
  return written;
}

export function readYamlFile(file: string): unknown {
  return parseYaml(readFileSync(file, 'utf8'));
}
