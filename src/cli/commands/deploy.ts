// `taskmanager deploy`: build the image, get it into a local cluster, `helm upgrade --install`,
// print the URL. The same steps on Linux, macOS and Windows: every tool is spawned without a shell.
import os from 'node:os';
import type { Command } from '../command.js';
import { reportingFailures } from '../command.js';
import { UsageError } from '../command.js';
import {
  appUrl,
  currentContextFromKubeconfig,
  detectCluster,
  detectEngine,
  ENGINES,
} from '../deploy/cluster.js';
import type { ClusterInfo, ClusterKind, Engine } from '../deploy/cluster.js';
import type { CommandSpec } from '../deploy/exec.js';
import { ToolRunner, formatCommand, tail } from '../deploy/exec.js';
import type { Ingress, Service } from '../deploy/kube.js';
import type { Io } from '../deploy/options.js';
import {
  COMMON_HELP,
  CliError,
  currentCluster,
  defaultIo,
  parseClusterArgs,
} from '../deploy/options.js';
import { LOCAL_IMAGE, defaultTag, planDeploy, urlCommands } from '../deploy/plan.js';
import type { DeployInput } from '../deploy/plan.js';
import { Progress } from '../deploy/progress.js';

const help = `Usage: taskmanager deploy --env dev|staging|prod [options]

Builds the container image, makes it available to the cluster of the current kubectl context
(kind load / minikube image load / nothing on Docker Desktop), then runs
helm upgrade --install with deploy/helm/cloudedu-taskmanager/values-<env>.yaml and --wait,
and prints the URL.

Options:
  -e, --env NAME        environment values to use: dev, staging or prod (required)
${COMMON_HELP.context}
  -n, --namespace NAME  namespace (default: cloudedu-<env>)
      --tag TAG         image tag (default: dev-<UTC timestamp>, unique per build)
      --image REPO      image repository (default: ${LOCAL_IMAGE})
      --engine NAME     docker, podman or nerdctl (default: the first one on PATH)
      --no-build        deploy an image that already exists (e.g. pushed by CI); needs --tag
${COMMON_HELP.cluster}
      --timeout DUR     how long helm waits for the rollout (default: 10m)
      --dry-run         print every command it would run, and run none
${COMMON_HELP.help}

Examples:
  taskmanager deploy --env dev
  taskmanager deploy --env dev --context kind-cloudedu --dry-run
  taskmanager deploy --env staging --no-build --image ghcr.io/acme/cloudedu-taskmanager --tag 1.4.0`;

interface Parsed {
  input: Omit<DeployInput, 'cluster'>;
  contextFlag: string | undefined;
  clusterFlag: ClusterKind | undefined;
  dryRun: boolean;
}

function parse(argv: string[], io: Io, runner: ToolRunner): Parsed | undefined {
  const args = parseClusterArgs({ name: 'deploy', help }, argv, io, {
    envRequired: true,
    options: {
      tag: { type: 'string' },
      image: { type: 'string' },
      engine: { type: 'string' },
      'no-build': { type: 'boolean' },
      timeout: { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
  });
  if (!args) return undefined;
  const { env, values } = args;
  const build = values['no-build'] !== true;
  if (!build && !values.tag)
    throw new UsageError('--no-build needs --tag (the tag of the image to deploy)');
  if (values.tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(values.tag)) {
    throw new UsageError(`--tag "${values.tag}" is not a valid image tag`);
  }
  if (values.timeout !== undefined && !/^(\d+h)?(\d+m)?(\d+s)?$/.test(values.timeout)) {
    throw new UsageError(`--timeout "${values.timeout}" is not a duration like 10m or 90s`);
  }
  let engine: Engine | undefined;
  if (build) {
    if (values.engine !== undefined) {
      if (!(ENGINES as readonly string[]).includes(values.engine)) {
        throw new UsageError(
          `--engine must be one of ${ENGINES.join(', ')}, not "${values.engine}"`,
        );
      }
      engine = values.engine as Engine;
    } else {
      engine = detectEngine((tool) => runner.has(tool));
      if (!engine) {
        throw new CliError(
          'no container engine found (docker, podman or nerdctl). Next: install one, or deploy a pushed image with --no-build --tag TAG',
        );
      }
    }
  }
  return {
    input: {
      env,
      namespace: args.namespace,
      explicitContext: args.context,
      engine,
      imageRepository: values.image ?? LOCAL_IMAGE,
      tag: values.tag ?? defaultTag(io.now()),
      timeout: values.timeout ?? '10m',
      archiveDir: os.tmpdir(),
    },
    contextFlag: args.context,
    clusterFlag: args.clusterKind,
    dryRun: values['dry-run'] === true,
  };
}

function write(stream: NodeJS.WritableStream, text: string): void {
  stream.write(`${text}\n`);
}

function printDryRun(
  io: Io,
  steps: ReturnType<typeof planDeploy>,
  after: CommandSpec[],
  cluster: ClusterInfo,
): void {
  write(
    io.out,
    `Dry run: context "${cluster.context}" (${cluster.kind}). These commands would run, from ${io.root}:`,
  );
  steps.forEach((step, i) => {
    write(io.out, `\n# ${i + 1}. ${step.title}`);
    if (step.note) write(io.out, `#    ${step.note}`);
    for (const command of step.commands) {
      write(io.out, formatCommand(command));
      if (command.input)
        write(
          io.out,
          `#    with this on stdin:\n${command.input.trimEnd().replace(/^/gm, '#      ')}`,
        );
    }
  });
  write(io.out, '\n# Then, to print the URL:');
  for (const command of after) write(io.out, formatCommand(command));
  write(io.out, '\nNothing was run.');
}

async function runSteps(
  io: Io,
  runner: ToolRunner,
  steps: ReturnType<typeof planDeploy>,
  env: string,
): Promise<void> {
  const progress = new Progress(steps.length, { out: io.out, interactive: io.interactive });
  for (const step of steps) {
    await progress.step(step.title, async () => {
      for (const command of step.commands) {
        const result = await runner.run(command);
        if (result.code !== 0) {
          const output = tail(`${result.stdout}\n${result.stderr}`);
          if (output) write(io.err, output.replace(/^/gm, '    '));
          const next =
            command.tool === 'helm'
              ? `taskmanager doctor --env ${env}`
              : 'fix the error above and run the same command again';
          throw new CliError(
            `\`${formatCommand({ ...command, input: undefined })}\` failed (exit ${result.code}). Next: ${next}`,
          );
        }
      }
    });
    if (step.note) progress.note(`    ${step.note}`);
  }
}

async function printUrl(io: Io, runner: ToolRunner, input: DeployInput): Promise<void> {
  const [get, ip] = urlCommands(input);
  if (!get) return;
  const result = await runner.run(get);
  let items: (Service | Ingress)[] = [];
  try {
    items = (JSON.parse(result.stdout) as { items?: (Service | Ingress)[] }).items ?? [];
  } catch {
    items = [];
  }
  let nodeAddress: string | undefined;
  if (ip) {
    const minikube = await runner.run(ip);
    if (minikube.code === 0) nodeAddress = minikube.stdout.trim();
  }
  const services = items.filter((i): i is Service => i.kind === 'Service');
  const ingresses = items.filter((i): i is Ingress => i.kind === 'Ingress');
  const url = appUrl(services, ingresses, input.cluster, input.namespace, nodeAddress);
  if (!url) {
    write(
      io.out,
      `Deployed. Find the app's Service with: kubectl -n ${input.namespace} get services`,
    );
    return;
  }
  write(io.out, `\nCloudEdu TaskManager is up: ${url.url}`);
  if (url.note) write(io.out, `  (${url.note})`);
  write(
    io.out,
    `Check it with: taskmanager status --env ${input.env}${input.explicitContext ? ` --context ${input.explicitContext}` : ''}`,
  );
}

export async function runDeploy(argv: string[], io: Io = defaultIo()): Promise<number> {
  const runner = new ToolRunner({ env: io.env, cwd: io.root });
  return reportingFailures('deploy', io.err, async () => {
    const parsed = parse(argv, io, runner);
    if (!parsed) return 0;
    const { input: partial, contextFlag, clusterFlag, dryRun } = parsed;
    let cluster: ClusterInfo;
    if (dryRun) {
      // Runs nothing, not even kubectl: the current context comes from the kubeconfig file.
      const context = contextFlag ?? currentContextFromKubeconfig(io.env);
      if (!context)
        throw new CliError('no current context in the kubeconfig. Next: pass --context NAME');
      cluster = detectCluster(context, clusterFlag);
    } else {
      cluster = await currentCluster(runner, contextFlag, clusterFlag);
    }
    const input: DeployInput = { ...partial, cluster };
    const steps = planDeploy(input);
    if (dryRun) {
      printDryRun(io, steps, urlCommands(input), cluster);
      return 0;
    }
    // Fail before a long build when a tool of a later step is missing.
    const needed = new Set(steps.flatMap((s) => s.commands.map((c) => c.tool)));
    for (const tool of needed) runner.ensure(tool);
    write(
      io.out,
      `Deploying CloudEdu TaskManager (${input.env}) to context "${cluster.context}" (${cluster.kind}), namespace ${input.namespace}`,
    );
    await runSteps(io, runner, steps, input.env);
    await printUrl(io, runner, input);
    return 0;
  });
}

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'build the image and install or upgrade the app on a Kubernetes cluster with Helm',
  help,
  run: (argv) => runDeploy(argv),
};
