// `npm run dev`: the service from source, restarting on change (tsx watch), and Vite's dev server
// for the UI with hot reload, which proxies /api to the service. Open the URL Vite prints.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createServer } from 'vite';

const root = path.resolve(import.meta.dirname, '..');
const apiPort = process.env.PORT ?? '8080';

const service = spawn(
  path.join(root, 'node_modules', '.bin', 'tsx'),
  ['watch', '--clear-screen=false', 'src/main.ts'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, PORT: apiPort } },
);

const vite = await createServer({
  configFile: path.join(root, 'web', 'vite.config.ts'),
  server: { proxy: { '/api': `http://127.0.0.1:${apiPort}` } },
});
await vite.listen();
console.log('\nThe UI with hot reload (API proxied to the service on port %s):', apiPort);
vite.printUrls();

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  await vite.close();
  if (service.exitCode === null && service.signalCode === null) {
    const exited = new Promise((resolve) => service.once('exit', resolve));
    service.kill('SIGTERM');
    // tsx watch can outlive its child after a SIGTERM: do not leave it behind.
    const timer = setTimeout(() => service.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
  process.exit(code);
}
service.on('exit', (code) => void stop(code ?? 1));
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
