// values.schema.json through the real `helm template`: each bad value is refused before anything
// renders, with helm's message pointing at the value. The messages are printed so that a reader
// of the test log sees what a user would see.
import { describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import { helmTemplate } from './chart-helpers.js';

const helm = requireTool('helm', 'go install helm.sh/helm/v3/cmd/helm');

const schemaFailure = "values don't meet the specifications of the schema";

// [what is wrong, helm arguments, a fragment of the message]
const badValues: [string, string[], RegExp][] = [
  ['unknown database mode', ['--set', 'mysql.mode=galera'], /\/mysql\/mode.*one of 'standalone', 'external', 'operator'/],
  ['replica count as text', ['--set', 'replicaCount=two'], /\/replicaCount.*got string, want integer/],
  ['the latest tag', ['--set', 'image.tag=latest'], /\/image\/tag/],
  ['pull policy Sometimes', ['--set', 'image.pullPolicy=Sometimes'], /\/image\/pullPolicy.*one of 'IfNotPresent', 'Always', 'Never'/],
  ['unknown Service type', ['--set', 'service.type=LoadBalancer'], /\/service\/type.*one of 'ClusterIP', 'NodePort'/],
  ['node port out of range', ['--set', 'service.nodePort=8080'], /\/service\/nodePort.*minimum/],
  ['unknown top-level key', ['--set', 'replicas=3'], /additional properties 'replicas' not allowed/],
  [
    'misspelt nested key',
    ['--set', 'mysql.standalone.persistance.size=1Gi'],
    /\/mysql\/standalone.*additional properties 'persistance' not allowed/,
  ],
  ['unknown log level', ['--set', 'config.logLevel=verbose'], /\/config\/logLevel.*one of/],
  ['boolean as text', ['--set', 'config.cookieSecure=yes'], /\/config\/cookieSecure.*got string, want boolean/],
  ['workers guessed from the node', ['--set', 'config.webConcurrency=auto'], /\/config\/webConcurrency.*got string, want integer/],
  ['no worker at all', ['--set', 'config.webConcurrency=0'], /\/config\/webConcurrency.*minimum/],
  ['resource quantity nonsense', ['--set', 'resources.limits.cpu=lots'], /\/resources\/limits\/cpu.*does not match pattern/],
  ['memory limit removed', ['--set', 'resources.limits.memory=null'], /\/resources\/limits.*missing property 'memory'/],
  ['NodePort and Ingress together', ['--set', 'service.type=NodePort', '--set', 'ingress.enabled=true'], /\/ingress\/enabled.*false/],
  ['CPU target over 100 %', ['--set', 'autoscaling.targetCPUUtilizationPercentage=170'], /targetCPUUtilizationPercentage.*maximum/],
  ['not a CIDR', ['--set', 'networkPolicy.nodePortSourceCIDRs={everyone}'], /nodePortSourceCIDRs\/0.*does not match pattern/],
  ['InnoDB Cluster of 0 servers', ['--set', 'mysql.operator.instances=0'], /\/mysql\/operator\/instances.*minimum/],
  ['RBAC group as a number', ['--set', 'rbac.adminGroups[0]=1'], /\/rbac\/adminGroups\/0.*got number, want string/],
  // Trusting every proxy hop lets each client choose its address for the per-IP limits.
  ['trusting every proxy', ['--set', 'config.trustProxy=true'], /\/config\/trustProxy.*got boolean/],
  ['trusting every proxy, as text', ['--set-string', 'config.trustProxy=true'], /\/config\/trustProxy.*'true' does not match pattern/],
  ['too many proxy hops', ['--set', 'config.trustProxy=11'], /\/config\/trustProxy.*maximum/],
  ['a proxy that is no address', ['--set', 'config.trustProxy=ingress-nginx'], /\/config\/trustProxy.*does not match pattern/],
];

// What a JSON schema cannot say clearly is checked by the templates, which stop with one line.
const badCombinations: [string, string[], string][] = [
  [
    'external mode without host',
    ['--set', 'mysql.mode=external', '--set', 'mysql.external.existingSecret=db'],
    'mysql.external.host is required when mysql.mode is external',
  ],
  [
    'external mode without a Secret',
    ['--set', 'mysql.mode=external', '--set', 'mysql.external.host=db.internal'],
    'mysql.external.existingSecret is required when mysql.mode is external',
  ],
  [
    'a secret in extraEnv',
    ['--set', 'config.extraEnv.DATABASE_PASSWORD=hunter2'],
    'config.extraEnv.DATABASE_PASSWORD looks like a secret',
  ],
  ['a bad variable name in extraEnv', ['--set', 'config.extraEnv.my-var=1'], 'not an environment variable name'],
  [
    'a derived proxy hop without the NetworkPolicy that makes it safe',
    ['--set', 'ingress.enabled=true', '--set', 'networkPolicy.enabled=false'],
    'config.trustProxy: without networkPolicy.enabled any pod can reach the app',
  ],
];

describe.skipIf(helm.skipReason)('values.schema.json', () => {
  it.each(badValues)('rejects %s', (_what, args, message) => {
    const result = helmTemplate(helm.path!, undefined, args);
    console.log(`helm template ${args.join(' ')}\n${result.stderr.trim()}\n`);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(schemaFailure);
    expect(result.stderr.replace(/\n\s*/g, ' ')).toMatch(message);
  });

  it.each(badCombinations)('stops the render on %s', (_what, args, message) => {
    const result = helmTemplate(helm.path!, undefined, args);
    console.log(`helm template ${args.join(' ')}\n${result.stderr.trim()}\n`);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('hunter2');
  });

  it('accepts the defaults and the values a user is expected to change', () => {
    const result = helmTemplate(helm.path!, undefined, [
      '--set',
      'image.tag=1.2.3',
      '--set',
      `image.digest=sha256:${'0'.repeat(64)}`,
      '--set',
      'config.extraEnv.FEATURE_FLAG=on',
      '--set',
      'rbac.adminGroups={platform}',
      '--set',
      'mysql.standalone.persistence.size=20Gi',
      // A local-image workflow (images loaded into the node, no registry) says so explicitly.
      '--set',
      'image.pullPolicy=Never',
      '--set',
      'mysql.standalone.image.pullPolicy=Never',
      '--set',
      'networkPolicy.podCIDRs={10.42.0.0/16,fd00:42::/56}',
      '--set-string',
      'config.trustProxy=10.42.0.0/16\\, fd00:42::/56',
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
