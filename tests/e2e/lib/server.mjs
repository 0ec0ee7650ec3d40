// Starts the real parlour-server for a browser test: a fresh SQLite file in a temp dir, port 0,
// a known agent token, and the `listening on` line from stdout as the readiness signal (no sleeps).
//
//   const server = await startServer();
//   after(() => server.close());          // stops the process and removes the temp dir
//   ... server.baseUrl, server.agentToken, server.dbPath
//   await server.restart();               // same database, new port, server.baseUrl updated
//   await server.restart({ samePort: true });  // same database and port (stored URLs stay valid)
//
// Every process and temp dir is also cleaned up when the test process exits, so a failing or
// timed-out test never leaves a server behind.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root (tests/e2e/lib → ../../..). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The widget build the server serves: `$PARLOUR_DIST`, else `<repo>/dist`. */
export const distDir = process.env.PARLOUR_DIST || path.join(repoRoot, 'dist');

const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
const STDERR_KEEP = 16 * 1024;
const LISTENING = /^parlour-server listening on (https?:\/\/\S+)\s*$/;

// Live children and temp dirs, for the last-resort cleanup on exit.
const liveChildren = new Set();
const tempDirs = new Set();
process.once('exit', () => {
  for (const child of liveChildren) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
  for (const dir of tempDirs) {
    try { rmSync(dir, { recursive: true, force: true }); } catch { /* best effort */ }
  }
});

/** The server binary: `$PARLOUR_SERVER_BIN`, else the debug build in `target/`. */
export function serverBin() {
  return process.env.PARLOUR_SERVER_BIN || path.join(repoRoot, 'target', 'debug', 'parlour-server');
}

/**
 * Starts parlour-server on 127.0.0.1:0.
 * @param {object} [options]
 * @param {string} [options.assetsDir] served at `/` (defaults to `distDir`)
 * @param {Record<string,string>} [options.env] extra environment variables
 * @param {string} [options.databaseUrl] e.g. `postgres://…`; defaults to a fresh SQLite file
 * @param {string[]} [options.args] extra command-line flags
 */
export async function startServer({ assetsDir = distDir, env = {}, databaseUrl, args = [] } = {}) {
  const bin = serverBin();
  if (!existsSync(bin)) {
    throw new Error(`parlour-server binary not found at ${bin}: run \`cargo build -p parlour-server\` or set PARLOUR_SERVER_BIN`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'parlour-e2e-'));
  tempDirs.add(dir);
  const dbPath = databaseUrl ? undefined : path.join(dir, 'parlour.db');
  const dbUrl = databaseUrl ?? `sqlite://${dbPath}`;
  const agentToken = randomBytes(32).toString('base64url');

  let child = null;
  let exited = null; // promise resolved with { code, signal } when the current child exits

  async function launch(addr = '127.0.0.1:0') {
    const proc = spawn(bin, [
      '--addr', addr,
      '--database-url', dbUrl,
      '--assets-dir', assetsDir,
      // One argument: a base64url token may start with '-', which would read as a flag.
      `--agent-token=${agentToken}`,
      ...args,
    ], {
      env: { ...process.env, RUST_LOG: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    liveChildren.add(proc);
    let stderr = '';
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
      if (process.env.PARLOUR_E2E_SERVER_LOG) process.stderr.write(chunk);
    });
    exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        liveChildren.delete(proc);
        resolve({ code, signal });
      });
    });
    const lines = createInterface({ input: proc.stdout });
    const describe = () => `${bin} ${dbUrl.startsWith('sqlite:') ? dbUrl : '<database url>'}\n--- server stderr ---\n${stderr || '(empty)'}`;

    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (fn, value) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn(value);
      };
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        finish(reject, new Error(`parlour-server did not print its listening line within ${READY_TIMEOUT_MS / 1000} s: ${describe()}`));
      }, READY_TIMEOUT_MS);
      // Keep reading stdout for the server's whole life so it never blocks on a full pipe.
      lines.on('line', (line) => {
        const m = LISTENING.exec(line);
        if (m) finish(resolve, m[1].replace(/\/+$/, ''));
      });
      proc.once('error', (err) => finish(reject, new Error(`cannot start ${bin}: ${err.message}`)));
      exited.then(({ code, signal }) => {
        finish(reject, new Error(`parlour-server exited (code ${code}, signal ${signal}) before listening: ${describe()}`));
      });
    });
  }

  async function signalAndWait(signal) {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(signal);
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS));
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      proc.kill('SIGKILL');
      await exited;
    }
  }

  const server = {
    baseUrl: '',
    agentToken,
    dbPath,
    dir,
    /** The running process's pid (undefined when stopped). */
    get pid() { return child && child.exitCode === null ? child.pid : undefined; },
    /** SIGTERM (graceful shutdown) and wait for the exit; SIGKILL after 10 s. */
    stop: () => signalAndWait('SIGTERM'),
    /** SIGKILL and wait. */
    kill: () => signalAndWait('SIGKILL'),
    /**
     * Starts the server again on the same database (stopping it first if it runs): on a new port,
     * or with `samePort: true` on the one it had, so what a browser stored (`wsUrl`, API base)
     * still names it. Binding the same loopback port again is retried briefly.
     */
    async restart({ samePort = false } = {}) {
      await signalAndWait('SIGTERM');
      if (!samePort) {
        server.baseUrl = await launch();
        return server.baseUrl;
      }
      const addr = new URL(server.baseUrl).host;
      for (let attempt = 0; ; attempt++) {
        try {
          server.baseUrl = await launch(addr);
          return server.baseUrl;
        } catch (err) {
          if (attempt >= 4) throw err;
          await new Promise((resolve) => setTimeout(resolve, 250 * (attempt + 1)));
        }
      }
    },
    /** Stops the server and removes its temp dir. Safe to call twice. */
    async close() {
      await signalAndWait('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
      tempDirs.delete(dir);
    },
  };

  try {
    server.baseUrl = await launch();
  } catch (err) {
    await server.close();
    throw err;
  }
  return server;
}
