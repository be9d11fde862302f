// What installing the chart on a real cluster showed (issue 16), on what the real `helm` renders,
// and the rendered my.cnf and bootstrap step on a real, throw-away MariaDB server; tests/cluster/
// proves them live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool } from '../support/tools.js';
import {
  allContainers,
  at,
  mustRender,
  named,
  podOwners,
  release,
  renderedEnvs,
  type Container,
  type K8sObject,
  type PodSpec,
} from './chart-helpers.js';
import { startMariadb, type ThrowawayMariadb } from './mariadb-throwaway.js';

const helm = requireTool('helm', 'go install helm.sh/helm/v3/cmd/helm');
const mariadbd = requireTool('mariadbd', 'apt-get install mariadb-server');
const mariadbClient = requireTool('mariadb', 'apt-get install mariadb-client');
const full = release; // the release name already holds the chart name

describe.skipIf(helm.skipReason)('Helm chart', () => {
  const rendered = renderedEnvs(helm.path!);

  // Found by installing the chart on a real cluster (issue 16); tests/cluster/ proves them live.
  describe('what a live cluster showed', () => {
    const mysqlConfigMap = () => named(rendered.dev.objects, 'ConfigMap', `${full}-mysql`).data as Record<string, string>;
    const bootstrapScript = () => {
      const job = named(rendered.dev.objects, 'Job', `${full}-migrate`);
      const init = (at(job, 'spec.template.spec.initContainers') as Container[]).find((c) => c.name === 'db-bootstrap')!;
      return init.command![2]!;
    };
    const nodePortRule = (objects: K8sObject[]) =>
      at(named(objects, 'NetworkPolicy', `${full}-allow-nodeport-to-app`), 'spec.ingress.0.from') as {
        ipBlock: { cidr: string; except?: string[] };
      }[];

    it('keeps the helm test pod after it succeeded, so `helm test --logs` can read its logs', () => {
      const pod = named(rendered.dev.objects, 'Pod', `${full}-test`);
      const policy = (pod.metadata.annotations as Record<string, string>)['helm.sh/hook-delete-policy'];
      expect(policy?.split(',')).toEqual(['before-hook-creation']);
    });

    it('uses a secure-file-priv form that MariaDB accepts too: an empty read-only directory', () => {
      const cnf = mysqlConfigMap()['cloudedu.cnf']!;
      expect(cnf).not.toMatch(/secure-file-priv\s*=\s*NULL/i);
      expect(cnf).toMatch(/^secure-file-priv=\/var\/lib\/mysql-files$/m);
      const sts = named(rendered.dev.objects, 'StatefulSet', `${full}-mysql`);
      const spec = at(sts, 'spec.template.spec') as PodSpec;
      const mount = spec.containers[0]!.volumeMounts!.find((m) => m.mountPath === '/var/lib/mysql-files');
      expect(mount).toEqual({ name: 'secure-files', mountPath: '/var/lib/mysql-files', readOnly: true });
      expect(spec.volumes!.find((v) => v.name === 'secure-files')?.emptyDir).toBeDefined();
    });

    it("picks the database collation from what the server has (MySQL's 0900, MariaDB's UCA)", () => {
      const script = bootstrapScript();
      expect(script).not.toMatch(/COLLATE utf8mb4_0900_ai_ci/);
      expect(script).toContain('COLLATE $collation');
      expect(script).toMatch(/'utf8mb4_0900_ai_ci', 'utf8mb4_uca1400_ai_ci', 'utf8mb4_unicode_520_ci'/);
    });

    it('cuts the pod CIDRs out of the NodePort sources, so pods of other namespaces are not clients', () => {
      expect(nodePortRule(rendered.dev.objects)).toEqual([{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.244.0.0/16'] } }]);
      // Only where the pod CIDR lies strictly inside a source CIDR (the API refuses anything else).
      const custom = mustRender(helm.path!, 'dev', [
        '--set',
        'networkPolicy.nodePortSourceCIDRs={10.0.0.0/8,192.168.0.0/16,10.42.0.0/16,::/0}',
        '--set',
        'networkPolicy.podCIDRs={10.42.0.0/16,fd00:42::/56}',
      ]);
      expect(nodePortRule(custom.objects)).toEqual([
        { ipBlock: { cidr: '10.0.0.0/8', except: ['10.42.0.0/16'] } },
        { ipBlock: { cidr: '192.168.0.0/16' } },
        { ipBlock: { cidr: '10.42.0.0/16' } },
        { ipBlock: { cidr: '::/0', except: ['fd00:42::/56'] } },
      ]);
      const none = mustRender(helm.path!, 'dev', ['--set', 'networkPolicy.podCIDRs=null']);
      expect(nodePortRule(none.objects)).toEqual([{ ipBlock: { cidr: '0.0.0.0/0' } }]);
    });

    it('renders pullPolicy Never on every pod of the app image when asked', () => {
      const never = mustRender(helm.path!, 'dev', ['--set', 'image.pullPolicy=Never']);
      const appImage = podOwners(never.objects)
        .flatMap((p) => allContainers(p.spec))
        .filter((c) => c.image.includes('cloudedu-taskmanager'));
      expect(appImage.length).toBeGreaterThanOrEqual(3); // app, migrate, helm test
      for (const c of appImage) expect(c.imagePullPolicy, c.name).toBe('Never');
    });

    // The rendered my.cnf and bootstrap step on a real, throw-away MariaDB server.
    describe.skipIf(mariadbd.skipReason ?? mariadbClient.skipReason)('on MariaDB', () => {
      let server: ThrowawayMariadb | undefined;
      beforeAll(async () => {
        server = await startMariadb(mysqlConfigMap()['cloudedu.cnf']!);
      }, 120_000);
      afterAll(() => server?.stop());

      it('starts with the chart my.cnf and refuses to write files anywhere', () => {
        const out = server!.sql("SELECT @@secure_file_priv");
        expect(out.stdout.trim()).toBe(`${server!.secureDir}/`);
        const write = server!.sql(`SELECT 1 INTO OUTFILE '${server!.secureDir}/x.txt'`);
        expect(write.status).not.toBe(0);
        const elsewhere = server!.sql(`SELECT 1 INTO OUTFILE '${server!.dir}/x.txt'`);
        expect(elsewhere.stderr).toMatch(/secure-file-priv/);
      });

      it('runs the bootstrap step: database with a MariaDB collation, app and exporter accounts', () => {
        const result = server!.runBootstrap(bootstrapScript(), { app: 'app-pw-1', exporter: 'exp-pw-1' });
        expect(result.status, result.stdout + result.stderr).toBe(0);
        expect(result.stdout).toContain('database and accounts ready');
        const collation = server!.sql(
          "SELECT DEFAULT_COLLATION_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'taskmanager'",
        );
        expect(collation.stdout.trim()).toMatch(/^utf8mb4_(uca1400_ai_ci|unicode_520_ci)$/);
        expect(server!.sql('SELECT CURRENT_USER()', { user: 'taskmanager', password: 'app-pw-1' }).status).toBe(0);
        expect(server!.sql('SELECT CURRENT_USER()', { user: 'exporter', password: 'exp-pw-1' }).status).toBe(0);
        // Idempotent, and a rotated password takes effect (it runs on every upgrade).
        expect(server!.runBootstrap(bootstrapScript(), { app: 'app-pw-2', exporter: 'exp-pw-1' }).status).toBe(0);
        expect(server!.sql('SELECT 1', { user: 'taskmanager', password: 'app-pw-1' }).status).not.toBe(0);
        expect(server!.sql('SELECT 1', { user: 'taskmanager', password: 'app-pw-2' }).status).toBe(0);
      });
    });
  });
});
