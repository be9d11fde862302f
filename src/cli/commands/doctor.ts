// `taskmanager doctor`: names each known problem of the deployment and says how to fix it.
// Exit code 1 when a problem is found, so CI can gate on it.
import type { Command } from '../command.js';
import { reportingFailures } from '../command.js';
import { ToolRunner } from '../deploy/exec.js';
import { readSnapshot } from '../deploy/kube.js';
import type { Io } from '../deploy/options.js';
import { COMMON_HELP, currentCluster, defaultIo, parseClusterArgs } from '../deploy/options.js';
import { diagnose, formatFindings } from '../doctor/diagnose.js';

const help = `Usage: taskmanager doctor [options]

Reads the app's namespace with kubectl -o json (pods, events, ReplicaSets, StatefulSets, PVCs,
storage classes, HPAs, Secret names, the namespace's labels, and the logs of failing
containers) and names each known problem with its fix:
  - ErrImageNeverPull / ImagePullBackOff: which command loads the image into the cluster
  - MySQL CrashLoopBackOff on a data directory left by an earlier install: safe PVC reset
  - readiness failing because the database is not up yet
  - MySQL scaled to zero or without a pod (the database mode is read from the release)
  - a PVC stuck Pending because there is no default StorageClass
  - pods refused by Pod Security admission
  - an HPA without a metrics server
  - a missing Secret
  - a deleted pod that hangs past its grace period (a warning; pods on their way out
    within it are not judged)
Exits 1 when it finds a problem, 0 and "no problems found" otherwise.

Options:
${COMMON_HELP.env}
  -n, --namespace NAME  namespace to check (overrides --env)
${COMMON_HELP.context}
${COMMON_HELP.cluster}
${COMMON_HELP.help}`;

export async function runDoctor(argv: string[], io: Io = defaultIo()): Promise<number> {
  const args = parseClusterArgs({ name: 'doctor', help }, argv, io, { options: {} });
  if (!args) return 0;
  const { env, namespace, context, clusterKind } = args;
  const runner = new ToolRunner({ env: io.env, cwd: io.root });
  return reportingFailures('doctor', io.err, async () => {
    const cluster = await currentCluster(runner, context, clusterKind);
    const snapshot = await readSnapshot(runner, namespace, context, 'doctor');
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
