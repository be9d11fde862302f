// `taskmanager status`: what runs in the app's namespace, in kubectl's words, in one screen.
import type { Command } from '../command.js';
import { CliError, UsageError, reportingFailures } from '../command.js';
import { appUrl } from '../deploy/cluster.js';
import { ToolRunner } from '../deploy/exec.js';
import type { Pod, Snapshot } from '../deploy/kube.js';
import { eventTime, readSnapshot } from '../deploy/kube.js';
import type { Io } from '../deploy/options.js';
import { COMMON_HELP, currentCluster, defaultIo, parseClusterArgs } from '../deploy/options.js';
import { age, renderTable } from '../deploy/table.js';

const help = `Usage: taskmanager status [options]

Shows the app's pods (readiness, restarts, image), its URL and the last events of its namespace,
read with kubectl -o json.

Options:
${COMMON_HELP.env}
  -n, --namespace NAME  namespace to show (overrides --env)
${COMMON_HELP.context}
${COMMON_HELP.cluster}
      --events N        how many recent events to show (default: 10)
${COMMON_HELP.help}`;

/** The STATUS column as kubectl prints it: the first waiting or terminated reason, else the phase. */
export function podStatus(pod: Pod): string {
  for (const c of [
    ...(pod.status.initContainerStatuses ?? []),
    ...(pod.status.containerStatuses ?? []),
  ]) {
    if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing')
      return c.state.waiting.reason;
    if (
      c.state?.terminated?.reason &&
      pod.status.phase !== 'Succeeded' &&
      c.state.terminated.exitCode !== 0
    ) {
      return c.state.terminated.reason;
    }
  }
  return pod.status.reason ?? pod.status.phase ?? 'Unknown';
}

export function podRows(pods: Pod[], now: Date): string[][] {
  return pods.map((pod) => {
    const statuses = pod.status.containerStatuses ?? [];
    const ready = statuses.filter((c) => c.ready).length;
    const restarts = statuses.reduce((sum, c) => sum + c.restartCount, 0);
    const images = [...new Set(pod.spec.containers.map((c) => c.image ?? ''))].join(',');
    return [
      pod.metadata.name,
      `${ready}/${pod.spec.containers.length}`,
      podStatus(pod),
      String(restarts),
      images,
      age(pod.status.startTime ?? pod.metadata.creationTimestamp, now),
    ];
  });
}

export function eventRows(snapshot: Snapshot, count: number, now: Date): string[][] {
  return [...snapshot.events]
    .sort((a, b) => eventTime(a).localeCompare(eventTime(b)))
    .slice(-count)
    .map((e) => [
      age(eventTime(e), now),
      e.type ?? '',
      e.reason ?? '',
      `${(e.involvedObject.kind ?? '').toLowerCase()}/${e.involvedObject.name ?? ''}`,
      e.message ?? '',
    ]);
}

export async function runStatus(argv: string[], io: Io = defaultIo()): Promise<number> {
  const args = parseClusterArgs({ name: 'status', help }, argv, io, {
    options: { events: { type: 'string' } },
  });
  if (!args) return 0;
  const { env, namespace, context, clusterKind, values } = args;
  const count = values.events === undefined ? 10 : Number(values.events);
  if (!Number.isInteger(count) || count < 0)
    throw new UsageError(`--events must be a whole number, not "${values.events}"`);
  const runner = new ToolRunner({ env: io.env, cwd: io.root });
  return reportingFailures('status', io.err, async () => {
    const cluster = await currentCluster(runner, context, clusterKind);
    const snapshot = await readSnapshot(runner, namespace, context, 'status');
    if (!snapshot.namespaceObject && snapshot.pods.length === 0) {
      throw new CliError(
        `namespace ${namespace} does not exist: nothing is deployed there. Next: taskmanager deploy --env ${env}`,
      );
    }
    const now = io.now();
    const out = (text: string): boolean => io.out.write(`${text}\n`);
    out(`Namespace ${namespace}, context "${cluster.context}" (${cluster.kind})\n`);
    if (snapshot.pods.length === 0) out('No pods.');
    else
      out(
        renderTable(
          ['NAME', 'READY', 'STATUS', 'RESTARTS', 'IMAGE', 'AGE'],
          podRows(snapshot.pods, now),
        ),
      );

    let nodeAddress: string | undefined;
    if (cluster.kind === 'minikube' && runner.has('minikube')) {
      const ip = await runner.run({ tool: 'minikube', args: ['ip', '-p', cluster.name] });
      if (ip.code === 0) nodeAddress = ip.stdout.trim();
    }
    const url = appUrl(snapshot.services, snapshot.ingresses, cluster, namespace, nodeAddress);
    out(`\nURL: ${url ? url.url : '(no Service found)'}${url?.note ? `\n     (${url.note})` : ''}`);

    const rows = eventRows(snapshot, count, now);
    if (count > 0) {
      out(`\nLast events:`);
      out(
        rows.length
          ? renderTable(['AGE', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], rows, 100)
          : 'none (events expire after an hour)',
      );
    }
    const notReady = snapshot.pods.filter(
      (p) =>
        p.status.phase !== 'Succeeded' &&
        !p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    if (notReady.length > 0)
      out(
        `\n${notReady.length} pod(s) not ready. Next: taskmanager doctor --env ${env}${context ? ` --context ${context}` : ''}`,
      );
    return 0;
  });
}

export const statusCommand: Command = {
  name: 'status',
  summary: "show the app's pods, readiness, restarts, image, URL and last events",
  help,
  run: (argv) => runStatus(argv),
};
