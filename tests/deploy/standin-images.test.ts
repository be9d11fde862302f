// The cluster suite's stand-in images (scripts/cluster/images/) keep the contract the chart uses
// for the official images, checked with podman as the chart runs them: any non-root UID, a
// read-only root filesystem, no capabilities, the chart's rendered my.cnf, the exporter as a
// sidecar in MySQL's network namespace. tests/cluster/ then runs them on Kubernetes.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freePort } from '../support/process.js';
import { requireTool, run } from '../support/tools.js';
import { chartDir, mustRender, named } from './chart-helpers.js';

const podman = requireTool('podman', 'apt-get install podman runc debootstrap');
const runc = requireTool('runc', 'apt-get install runc');
const helm = requireTool('helm', 'go install helm.sh/helm/v3/cmd/helm');
const mariadbClient = requireTool('mariadb', 'apt-get install mariadb-client');
const root = path.resolve(chartDir, '../../..');
const skipReason =
  podman.skipReason ??
  runc.skipReason ??
  helm.skipReason ??
  mariadbClient.skipReason ??
  (process.getuid?.() === 0 ? undefined : 'the stand-in images are built as root (debootstrap)');

const suffix = String(process.pid);
const UID = 10002; // mysql.standalone.runAsUser
const limits = ['--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=4096:4096'];
const restricted = ['--read-only', '--read-only-tmpfs=false', '--cap-drop=ALL', '--security-opt=no-new-privileges'];

function pm(args: string[], timeoutMs = 120_000) {
  return run(podman.path!, ['--runtime', runc.path!, ...args], { timeoutMs });
}

function build(script: string): string {
  const r = run('bash', [path.join(root, 'scripts/cluster/images', script)], { timeoutMs: 30 * 60_000 });
  if (r.status !== 0) throw new Error(`${script} failed:\n${r.stderr.slice(-3000)}`);
  return r.stdout.trim().split('\n').pop()!;
}

describe.skipIf(skipReason)('stand-in images', () => {
  let mariadb = '';
  let exporter = '';
  let dir = '';
  let sqlPort = 0;
  let metricsPort = 0;
  const db = `standin-db-${suffix}`;
  const sidecar = `standin-exporter-${suffix}`;

  const sql = (statement: string, user = 'root', password = 'root-pw') =>
    run(mariadbClient.path!, ['--no-defaults', '--protocol=TCP', '-h127.0.0.1', `-P${sqlPort}`, `-u${user}`, '-N', '-B', '-e', statement], {
      env: { ...process.env, MYSQL_PWD: password },
    });

  /** A data directory owned by the chart's MySQL UID, and the Secret's files. */
  function volumes(name: string) {
    const data = path.join(dir, name);
    mkdirSync(data);
    chownSync(data, UID, UID);
    return data;
  }

  beforeAll(async () => {
    mariadb = build('mariadb.sh');
    exporter = build('mysqld-exporter.sh');
    dir = mkdtempSync(path.join(os.tmpdir(), 'standin-'));
    chmodSync(dir, 0o755);
    const secrets = path.join(dir, 'secrets');
    mkdirSync(secrets);
    writeFileSync(path.join(secrets, 'mysql-root-password'), 'root-pw');
    writeFileSync(path.join(secrets, 'mysql-password'), 'app-pw');
    writeFileSync(path.join(secrets, 'exporter.my.cnf'), '[client]\nuser=exporter\npassword=exporter-pw\n');
    const conf = path.join(dir, 'conf.d');
    mkdirSync(conf);
    const cnf = (named(mustRender(helm.path!, 'dev').objects, 'ConfigMap', 'cloudedu-taskmanager-mysql').data as Record<string, string>)[
      'cloudedu.cnf'
    ]!;
    writeFileSync(path.join(conf, 'cloudedu.cnf'), cnf);
    // Readable by the containers' UIDs, as the Secret and ConfigMap volumes are (0440 + fsGroup).
    for (const d of [secrets, conf]) chmodSync(d, 0o755);
    for (const f of ['mysql-root-password', 'mysql-password', 'exporter.my.cnf']) chmodSync(path.join(secrets, f), 0o444);
    chmodSync(path.join(conf, 'cloudedu.cnf'), 0o444);
    [sqlPort, metricsPort] = [await freePort(), await freePort()];
    const started = pm([
      'run', '--detach', '--name', db, '--user', `${UID}:${UID}`, ...restricted, ...limits,
      '--tmpfs', '/tmp:mode=1777', '--tmpfs', '/var/run/mysqld:mode=1777', '--tmpfs', '/var/lib/mysql-files:mode=0555',
      '--volume', `${volumes('data')}:/var/lib/mysql`,
      '--volume', `${secrets}:/var/run/secrets/mysql:ro`,
      '--volume', `${path.join(conf, 'cloudedu.cnf')}:/etc/mysql/conf.d/cloudedu.cnf:ro`,
      '--env', 'MYSQL_ROOT_PASSWORD_FILE=/var/run/secrets/mysql/mysql-root-password',
      '--env', 'MYSQL_PASSWORD_FILE=/var/run/secrets/mysql/mysql-password',
      '--env', 'MYSQL_USER=taskmanager', '--env', 'MYSQL_DATABASE=taskmanager',
      '--publish', `127.0.0.1:${sqlPort}:3306`, '--publish', `127.0.0.1:${metricsPort}:9104`,
      mariadb,
    ]);
    expect(started.status, started.stderr).toBe(0);
    await eventually(async () => {
      // The chart's probes: mysqladmin ping over TCP.
      const ping = pm(['exec', db, 'mysqladmin', 'ping', '--host=127.0.0.1', '--port=3306', '--silent']);
      if (ping.status !== 0) throw new Error(`not up:\n${pm(['logs', db]).stderr.slice(-2000)}`);
    }, 180_000, 1_000);
  }, 40 * 60_000);

  afterAll(() => {
    if (skipReason) return;
    pm(['rm', '--force', '--time', '0', sidecar]);
    pm(['rm', '--force', '--time', '0', db]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('initialises from the env contract: root for any host, the database and its account', () => {
    expect(sql('SELECT CURRENT_USER()').stdout.trim()).toBe('root@%');
    expect(sql('SELECT CURRENT_USER()', 'taskmanager', 'app-pw').stdout.trim()).toBe('taskmanager@%');
    expect(sql('SHOW DATABASES', 'taskmanager', 'app-pw').stdout.split('\n')).toContain('taskmanager');
    // The chart's my.cnf is in effect: no host names, file access only in the empty read-only dir.
    expect(sql('SELECT @@skip_name_resolve, @@secure_file_priv').stdout.trim()).toBe('1\t/var/lib/mysql-files/');
    const processUser = pm(['exec', db, 'id', '-u']);
    expect(processUser.stdout.trim()).toBe(String(UID));
  });

  it('refuses a data directory with files but no mysql schema, as mysqld --initialize does', () => {
    const dirty = volumes('dirty');
    writeFileSync(path.join(dirty, 'ibdata1'), 'half-written');
    const r = pm([
      'run', '--rm', '--user', `${UID}:${UID}`, ...restricted, ...limits,
      '--tmpfs', '/tmp:mode=1777', '--tmpfs', '/var/run/mysqld:mode=1777',
      '--volume', `${dirty}:/var/lib/mysql`, '--env', 'MYSQL_ROOT_PASSWORD=x', mariadb,
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('data directory has files in it');
  });

  it("runs the exporter as the chart's sidecar, with the flags of mysqld_exporter 0.15+", async () => {
    const grant = sql(
      "CREATE USER 'exporter'@'%' IDENTIFIED BY 'exporter-pw' WITH MAX_USER_CONNECTIONS 3; GRANT PROCESS, REPLICATION CLIENT, SELECT ON *.* TO 'exporter'@'%';",
    );
    expect(grant.status, grant.stderr).toBe(0);
    const started = pm([
      'run', '--detach', '--name', sidecar, '--network', `container:${db}`, '--user', '65534', ...restricted, ...limits,
      '--tmpfs', '/tmp:mode=1777',
      '--volume', `${path.join(dir, 'secrets', 'exporter.my.cnf')}:/var/run/secrets/exporter/exporter.my.cnf:ro`,
      exporter,
      // The chart's arguments, verbatim.
      '--config.my-cnf=/var/run/secrets/exporter/exporter.my.cnf', '--mysqld.address=127.0.0.1:3306', '--web.listen-address=:9104',
    ]);
    expect(started.status, started.stderr).toBe(0);
    const metrics = await eventually(async () => {
      const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      const text = await res.text();
      if (!/^mysql_up 1$/m.test(text)) throw new Error(`mysql_up is not 1:\n${pm(['logs', sidecar]).stderr.slice(-1000)}`);
      return text;
    }, 60_000, 1_000);
    expect(metrics).toMatch(/^mysql_version_info\{.*MariaDB.*\} 1$/m);
  });
});
