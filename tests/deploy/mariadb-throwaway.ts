// A throw-away MariaDB server for the chart tests: started from the chart's rendered my.cnf (paths
// moved into a temporary folder) so that what the StatefulSet and the bootstrap step would run is
// proven on MariaDB, not only on MySQL. The shared server on 127.0.0.1:3306 is never touched.
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, freePort } from '../support/process.js';
import { findTool, run } from '../support/tools.js';

const ROOT_PASSWORD = 'throwaway-root';

export interface ThrowawayMariadb {
  dir: string;
  port: number;
  /** The secure-file-priv directory the server runs with (empty and read-only). */
  secureDir: string;
  sql(statement: string, as?: { user: string; password: string }): ReturnType<typeof run>;
  /** Runs the chart's db-bootstrap script against this server, with these passwords. */
  runBootstrap(script: string, passwords: { app: string; exporter: string }): ReturnType<typeof run>;
  stop(): Promise<void>;
}

function mysqlUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined; // runs as the current user
  const id = run('id', ['-u', 'mysql']);
  const gid = run('id', ['-g', 'mysql']);
  if (id.status !== 0) throw new Error('running as root needs the "mysql" user (apt-get install mariadb-server)');
  return { uid: Number(id.stdout), gid: Number(gid.stdout) };
}

export async function startMariadb(chartCnf: string): Promise<ThrowawayMariadb> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'chart-mariadb-'));
  chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  const runDir = path.join(dir, 'run');
  const secureDir = path.join(dir, 'files');
  for (const d of [data, runDir, secureDir]) mkdirSync(d);
  chmodSync(secureDir, 0o555); // the chart mounts it read-only
  const owner = mysqlUser();
  if (owner) for (const d of [data, runDir]) chownSync(d, owner.uid, owner.gid);
  const port = await freePort();
  const cnf = chartCnf
    .replaceAll('/var/run/mysqld', runDir)
    .replaceAll('/var/lib/mysql-files', secureDir)
    .replace('[mysqld]', `[mysqld]\ndatadir=${data}\nport=${port}\nbind-address=127.0.0.1\n${owner ? 'user=mysql\n' : ''}`);
  const cnfFile = path.join(dir, 'my.cnf');
  writeFileSync(cnfFile, cnf);
  chmodSync(cnfFile, 0o644);

  const install = run(findTool('mariadb-install-db')!, [
    `--defaults-file=${cnfFile}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
  ]);
  if (install.status !== 0) throw new Error(`mariadb-install-db failed:\n${install.stdout}${install.stderr}`);

  const child = spawn(findTool('mariadbd')!, [`--defaults-file=${cnfFile}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (c: Buffer) => (log += c.toString()));
  child.stderr.on('data', (c: Buffer) => (log += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const socket = path.join(runDir, 'mysqld.sock');
  const client = findTool('mariadb')!;
  try {
    await eventually(async () => {
      if (child.exitCode !== null) throw new Error(`mariadbd exited:\n${log}`);
      // Root for any host with a password, as the official image's MYSQL_ROOT_PASSWORD sets it up
      // (mariadb-install-db's password-less root@127.0.0.1 and friends would match first).
      const setup = run(client, [
        '--no-defaults',
        `--socket=${socket}`,
        '-uroot',
        '-e',
        "DELETE FROM mysql.global_priv WHERE User = 'root' AND Host NOT IN ('localhost', '%'); FLUSH PRIVILEGES; " +
          `CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY '${ROOT_PASSWORD}'; GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;`,
      ]);
      if (setup.status !== 0) throw new Error(setup.stderr);
    }, 60_000, 250);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const sql: ThrowawayMariadb['sql'] = (statement, as = { user: 'root', password: ROOT_PASSWORD }) =>
    run(client, ['--no-defaults', '--protocol=TCP', '-h127.0.0.1', `-P${port}`, `-u${as.user}`, '-N', '-B', '-e', statement], {
      env: { ...process.env, MYSQL_PWD: as.password },
    });

  const runBootstrap: ThrowawayMariadb['runBootstrap'] = (script, passwords) => {
    const secrets = path.join(dir, 'secrets');
    mkdirSync(secrets, { recursive: true });
    writeFileSync(path.join(secrets, 'mysql-root-password'), ROOT_PASSWORD);
    writeFileSync(path.join(secrets, 'mysql-password'), passwords.app);
    writeFileSync(path.join(secrets, 'exporter-password'), passwords.exporter);
    const local = script.replaceAll('/var/run/secrets/mysql', secrets).replaceAll('/tmp/root.cnf', path.join(dir, 'root.cnf'));
    return run('sh', ['-c', local], {
      env: { PATH: process.env.PATH, DB_HOST: '127.0.0.1', DB_PORT: String(port), DB_NAME: 'taskmanager', DB_USER: 'taskmanager' },
      timeoutMs: 60_000,
    });
  };

  const stop = async () => {
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };

  return { dir, port, secureDir, sql, runBootstrap, stop };
}
