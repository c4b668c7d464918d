// The command line of estuary-user-node (bin/estuary-user-node.mjs runs main()).
//
//   estuary-user-node [--port N] [--host H] [--seed N] [--now T] [--token T] [--rate-limit R]
//                     [--quiet] [--fixtures] [--control | --no-control] [--control-origin O]…
//                     [--detached]
//
// When the node is ready it prints exactly one JSON line on stdout,
// {"baseUrl":"http://127.0.0.1:PORT","tokens":{"user":"EST…ARY",…}}, and nothing else there:
// the request log and the banner go to stderr. It serves until SIGINT or SIGTERM, or until the
// process that started it is gone, then exits 0. Bad flags print the usage on stderr and exit 2.

import { bindUrl, isLoopback } from './hosts.mjs';
import { DEFAULT_PORT, DEFAULT_RATE_LIMIT, startNode } from './server.mjs';

export const USAGE = `Usage: estuary-user-node [options]

A local Estuary node for your app's tests and demos: the /user/* API and its auth.
When ready, prints one JSON line on stdout: {"baseUrl": "...", "tokens": {"user": "EST…ARY", ...}}.
Stops on SIGINT or SIGTERM, and when the process that started it is gone.

  --port N            port to listen on (default ${DEFAULT_PORT}; 0 = any free port)
  --host H            address to bind (default 127.0.0.1)
  --seed N            make every token the node generates deterministic (an integer >= 0)
  --now T             stop the node's clock at T, an RFC 3339 time (e.g. 2030-01-01T00:00:00Z);
                      with --seed, every answer is the same on every run
  --token T           fix the main user's full API key (tokens.user; tokens.demo with --fixtures)
  --rate-limit R      requests per second per client IP before a 429 (default ${DEFAULT_RATE_LIMIT}; 0 = off)
  --quiet             no banner and no request log on stderr (warnings still go there)
  --control           serve the control API (/__test/) even when --host is not a loopback address
  --no-control        never serve the control API (default: served only on a loopback host)
  --control-origin O  let web pages of origin O (e.g. http://127.0.0.1:8000) use the control API;
                      repeat for more. Other pages are always refused
  --fixtures          also seed the fixed test users of the estuary-user test suites (alias --test)
  --detached          keep serving after the process that started it is gone
  --help              show this help
`;

/** Thrown for a bad command line: main() prints it with the usage and exits 2. */
export class UsageError extends Error {}

const INTEGER = /^\d+$/;

/** Flags that take a value, and what each puts in the options (or throws a UsageError). */
const VALUE_FLAGS = {
  '--port': (v, o) => {
    if (!INTEGER.test(v) || Number(v) > 65535) throw new UsageError('--port must be an integer 0..65535');
    o.port = Number(v);
  },
  '--host': (v, o) => {
    o.host = v;
  },
  '--seed': (v, o) => {
    if (!INTEGER.test(v) || !Number.isSafeInteger(Number(v))) throw new UsageError('--seed must be an integer >= 0');
    o.seed = Number(v);
  },
  '--now': (v, o) => {
    o.now = v; // checked by startNode (clock.mjs), whose message says what an RFC 3339 time is
  },
  '--token': (v, o) => {
    o.token = v;
  },
  '--rate-limit': (v, o) => {
    if (!/^\d+(\.\d+)?$/.test(v)) throw new UsageError('--rate-limit must be a number >= 0');
    o.rateLimit = Number(v);
  },
  '--control-origin': (v, o) => {
    (o.controlOrigins ??= []).push(v);
  },
};

/** Flags without a value: [option name, value]. */
const SWITCHES = {
  '--quiet': ['quiet', true],
  '--control': ['control', true],
  '--no-control': ['control', false],
  '--fixtures': ['fixtures', true],
  '--test': ['fixtures', true],
  '--detached': ['detached', true],
  '--help': ['help', true],
  '-h': ['help', true],
};

/** Parses the command line (without `node` and the script) into startNode() options. */
export function parseArgs(argv) {
  const opts = { port: DEFAULT_PORT, rateLimit: DEFAULT_RATE_LIMIT, quiet: false };
  const seen = new Map(); // option name -> the flag that set it
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const set = VALUE_FLAGS[arg];
    const sw = SWITCHES[arg];
    if (!set && !sw) throw new UsageError(`unknown argument: ${arg}`);
    const name = set ? arg : sw[0];
    // Given twice, or with its opposite (--control --no-control): which one counts is a guess.
    if (seen.has(name) && arg !== '--control-origin') {
      const first = seen.get(name);
      throw new UsageError(first === arg ? `${arg} is given twice` : `${first} and ${arg} contradict each other`);
    }
    seen.set(name, arg);
    if (sw) {
      if (value !== undefined) throw new UsageError(`${arg} takes no value`);
      opts[sw[0]] = sw[1];
      continue;
    }
    if (value === undefined) {
      // `--token --quiet` is a forgotten value, not the token "--quiet".
      if (i + 1 >= argv.length || argv[i + 1].startsWith('-')) throw new UsageError(`${arg} needs a value (write ${arg}=VALUE for one that starts with "-")`);
      value = argv[++i];
    }
    if (value === '') throw new UsageError(`${arg} must not be empty`);
    set(value, opts);
  }
  if (opts.control === false && opts.controlOrigins) throw new UsageError('--control-origin and --no-control contradict each other');
  return opts;
}

/**
 * Stops the node once the process that started it is gone: npx (npm exec) does not pass a
 * SIGTERM on, so `npx estuary-user-node … & kill $!` kills npm and leaves the node, re-parented
 * (on Linux to PID 1 or a subreaper). Its parent changing, or no longer existing, is the sign.
 */
function watchParent(stop) {
  const parent = process.ppid;
  const alive = () => {
    try {
      process.kill(parent, 0);
      return true;
    } catch (e) {
      return e.code === 'EPERM'; // it exists, owned by someone else
    }
  };
  const timer = setInterval(() => {
    if (process.ppid !== parent || !alive()) stop();
  }, 250);
  timer.unref(); // the server keeps the process alive, not this
}

/** Runs the command: parse, start, print the JSON line, serve until stopped. */
export async function main(argv = process.argv.slice(2)) {
  let opts;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`estuary-user-node: ${e.message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (opts.help) {
    process.stdout.write(USAGE);
    return;
  }
  const { quiet, help, detached, ...nodeOptions } = opts;
  // One line per request on stderr, `METHOD url status time`, never the Authorization header.
  if (!quiet) nodeOptions.log = (line) => process.stderr.write(`${line}\n`);
  let node;
  try {
    node = await startNode(nodeOptions);
  } catch (e) {
    process.stderr.write(`estuary-user-node: ${e.code === 'EADDRINUSE' ? `port ${opts.port} is in use (--port 0 picks a free one)` : e.message.replace(/^startNode: /, '')}\n`);
    // A value startNode refused (e.g. --now) is a bad command line.
    process.exitCode = e instanceof TypeError ? 2 : 1;
    return;
  }
  // Before the line goes out: whoever reads it may signal at once.
  const shutdown = () => node.close().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  if (!detached) watchParent(shutdown);
  // Scripts parse this line: one JSON object, one line, nothing else on stdout.
  process.stdout.write(`${JSON.stringify({ baseUrl: node.baseUrl, tokens: node.tokens })}\n`);
  const bound = bindUrl(node.host, node.port);
  if (!quiet) {
    const reach = bound === node.baseUrl ? '' : ` (from this machine: ${node.baseUrl})`;
    const ctl = node.controlUrl ? `control API at ${node.controlUrl}` : 'control API off';
    process.stderr.write(`estuary-user-node: listening on ${bound}${reach}; ${ctl}; Ctrl+C to stop\n`);
  }
  if (!isLoopback(node.host)) {
    // Shown even with --quiet: the seeded tokens are now usable from other machines.
    process.stderr.write(
      `estuary-user-node: warning: ${bound} is not a loopback address: other machines that reach this one can call the node with its tokens${node.controlUrl ? ', and use its control API' : ''}\n`,
    );
  }
}
