// `taskmanager doctor`: names each known problem of the deployment and says how to fix it.
// Exit code 1 when a problem is found, so CI can gate on it.
import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { reportingFailures } from '../command.js';
import { UsageError } from '../command.js';
import { diagnose, formatFindings } from '../doctor/diagnose.js';
import { ToolRunner } from '../deploy/exec.js';
import { readSnapshot } from '../deploy/kube.js';
import type { Io } from '../deploy/options.js';
import {
  commonOptions,
  currentCluster,
  defaultIo,
  parseClusterKind,
  parseEnvironment,
  resolveNamespace,
} from '../deploy/options.js';

const help = `Usage: taskmanager doctor [options]

Reads the app's namespace with kubectl -o json (pods, events, ReplicaSets, StatefulSets, PVCs,
storage classes, HPAs, Secret names, the namespace's labels, and the logs of failing
containers) and names each known problem with its fix:
  - ErrImageNeverPull / ImagePullBackOff: which command loads the image into the cluster
  - MySQL CrashLoopBackOff on a data directory left by an earlier install: safe PVC reset
  - readiness failing because the database is not up yet
  - a PVC stuck Pending because there is no default StorageClass
  - pods refused by Pod Security admission
  - an HPA without a metrics server
  - a missing Secret
Exits 1 when it finds a problem, 0 and "no problems found" otherwise.

Options:
  -e, --env NAME        dev, staging or prod: picks the namespace cloudedu-<env> (default: dev)
  -n, --namespace NAME  namespace to check (overrides --env)
      --context NAME    kubectl context (default: the current one)
      --cluster KIND    kind, minikube, docker-desktop or other, when the context name does not tell
  -h, --help            this help`;

export async function runDoctor(argv: string[], io: Io = defaultIo()): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: commonOptions,
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}. Next: taskmanager doctor --help`);
  }
  const env = parseEnvironment(values.env, false);
  const namespace = resolveNamespace(env, values.namespace);
  const clusterKind = parseClusterKind(values.cluster);
  const runner = new ToolRunner({ env: io.env, cwd: io.root });
  return reportingFailures('doctor', io.err, async () => {
    const cluster = await currentCluster(runner, values.context, clusterKind);
    const snapshot = await readSnapshot(runner, namespace, values.context, 'doctor');
    const findings = diagnose(snapshot, { cluster, env });
    io.out.write(
      `Checked namespace ${namespace} in context "${cluster.context}" (${cluster.kind}).\n\n`,
    );
    io.out.write(`${formatFindings(findings)}\n`);
    return findings.some((f) => f.severity === 'problem') ? 1 : 0;
  });
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary:
    'find known deployment problems (image, MySQL volume, probes, storage, Pod Security, HPA, Secrets) and print their fix',
  help,
  run: (argv) => runDoctor(argv),
};
