// What kind of cluster a kubectl context points at, which container engine builds the image,
// and how a user reaches the app once it runs.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Ingress, Service } from './kube.js';

export type ClusterKind = 'kind' | 'minikube' | 'docker-desktop' | 'other';

export interface ClusterInfo {
  kind: ClusterKind;
  /** kubectl context name. */
  context: string;
  /** kind cluster name or minikube profile, for their load commands. */
  name: string;
}

/**
 * Cluster kind from the context name, following each tool's naming: kind writes `kind-<cluster>`,
 * minikube names the context after its profile (`minikube` by default), Docker Desktop writes
 * `docker-desktop`. A renamed context can be told with `--cluster`.
 */
export function detectCluster(context: string, override?: ClusterKind): ClusterInfo {
  if (override === 'kind') {
    return { kind: 'kind', context, name: context.replace(/^kind-/, '') || 'kind' };
  }
  if (override) return { kind: override, context, name: context };
  if (context.startsWith('kind-') && context.length > 'kind-'.length) {
    return { kind: 'kind', context, name: context.slice('kind-'.length) };
  }
  if (context === 'minikube') return { kind: 'minikube', context, name: context };
  if (context === 'docker-desktop' || context === 'docker-for-desktop') {
    return { kind: 'docker-desktop', context, name: context };
  }
  return { kind: 'other', context, name: context };
}

export const ENGINES = ['docker', 'podman', 'nerdctl'] as const;
export type Engine = (typeof ENGINES)[number];

/** The first engine on PATH, in the order most desktops have them. */
export function detectEngine(has: (tool: string) => boolean): Engine | undefined {
  return ENGINES.find((engine) => has(engine));
}

/**
 * The current context read straight from the kubeconfig files, without running kubectl (for
 * `--dry-run`, which runs nothing). Only the top-level `current-context:` key is needed.
 */
export function currentContextFromKubeconfig(
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const files = env.KUBECONFIG
    ? env.KUBECONFIG.split(path.delimiter).filter(Boolean)
    : [path.join(env.HOME ?? env.USERPROFILE ?? os.homedir(), '.kube', 'config')];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const match = /^current-context:[ \t]*["']?([^"'\r\n#]*?)["']?[ \t]*(?:#.*)?$/m.exec(
      readFileSync(file, 'utf8'),
    );
    if (match?.[1]) return match[1];
  }
  return undefined;
}

export interface AppUrl {
  url: string;
  /** How the URL is reached, when it needs more than opening it. */
  note?: string;
}

/**
 * Where the app answers: the Ingress host when there is one, otherwise the NodePort on the
 * address the cluster kind exposes it at, otherwise a port-forward.
 */
export function appUrl(
  services: Service[],
  ingresses: Ingress[],
  cluster: ClusterInfo,
  namespace: string,
  nodeAddress?: string,
): AppUrl | undefined {
  for (const ingress of ingresses) {
    const host = ingress.spec.rules?.find((r) => r.host)?.host;
    if (!host) continue;
    const tls = ingress.spec.tls?.some((t) => t.hosts?.includes(host)) ?? false;
    return { url: `${tls ? 'https' : 'http'}://${host}/` };
  }
  // The app's Service is the one with an http port; the MySQL one has 3306.
  const service =
    services.find((s) => s.spec.ports?.some((p) => p.name === 'http')) ??
    services.find((s) => s.spec.ports?.some((p) => p.port !== 3306));
  if (!service) return undefined;
  const port = service.spec.ports?.find((p) => p.name === 'http') ?? service.spec.ports?.[0];
  if (!port) return undefined;
  if (service.spec.type === 'NodePort' && port.nodePort) {
    if (cluster.kind === 'docker-desktop') return { url: `http://localhost:${port.nodePort}/` };
    if (cluster.kind === 'kind') {
      return {
        url: `http://localhost:${port.nodePort}/`,
        note: `needs the kind cluster created with .github/kind-config.yaml (maps ${port.nodePort}); otherwise: kubectl -n ${namespace} port-forward service/${service.metadata.name} 8080:${port.port}`,
      };
    }
    if (nodeAddress) return { url: `http://${nodeAddress}:${port.nodePort}/` };
  }
  return {
    url: 'http://localhost:8080/',
    note: `after: kubectl -n ${namespace} port-forward service/${service.metadata.name} 8080:${port.port}`,
  };
}
