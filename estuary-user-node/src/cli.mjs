// The command line of estuary-user-node (bin/estuary-user-node.mjs runs main()).
//
//   estuary-user-node [--port N] [--host H] [--seed N] [--token T] [--rate-limit R] [--quiet]
//                     [--fixtures] [--control | --no-control]
//
// When the node is ready it prints exactly one JSON line on stdout,
// {"baseUrl":"http://127.0.0.1:PORT","tokens":{"user":"EST…ARY",…}}, and nothing else there:
// the request log and the banner go to stderr. It serves until SIGINT or SIGTERM, then exits 0.
// Bad flags print the usage on stderr and exit 2.

import { DEFAULT_PORT, DEFAULT_RATE_LIMIT, startNode } from './server.mjs';

export const USAGE = `Usage: estuary-user-node [options]

A local Estuary node for your app's tests and demos: the /user/* API and its auth.
When ready, prints one JSON line on stdout: {"baseUrl": "...", "tokens": {"user": "EST…ARY", ...}}.
Stops on SIGINT or SIGTERM.

  --port N          port to listen on (default ${DEFAULT_PORT}; 0 = any free port)
  --host H          address to bind (default 127.0.0.1)
  --seed N          make every token the node generates deterministic (an integer >= 0)
  --token T         fix the main user's full API key (tokens.user; tokens.demo with --fixtures)
  --rate-limit R    requests per second per client IP before a 429 (default ${DEFAULT_RATE_LIMIT}; 0 = off)
  --quiet           no banner and no request log on stderr
  --control         serve the control API (/__test/) even when --host is not a loopback address
  --no-control      never serve the control API (default: served only on a loopback host)
  --fixtures        also seed the fixed test users of the estuary-user test suites (alias --test)
  --help            show this help
`;

/** Thrown for a bad command line: main() prints it with the usage and exits 2. */
export class UsageError extends Error {}

const INTEGER = /^\d+$/;

/** Parses the command line (without `node` and the script) into startNode() options. */
export function parseArgs(argv) {
  const opts = { port: DEFAULT_PORT, rateLimit: DEFAULT_RATE_LIMIT, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const next = () => {
      if (value !== undefined) return value;
      if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
      return argv[++i];
    };
    const flag = () => {
      if (value !== undefined) throw new UsageError(`${arg} takes no value`);
      return true;
    };
    switch (arg) {
      case '--port': {
        const v = next();
        if (!INTEGER.test(v) || Number(v) > 65535) throw new UsageError('--port must be an integer 0..65535');
        opts.port = Number(v);
        break;
      }
      case '--host':
        opts.host = next();
        if (opts.host === '') throw new UsageError('--host must not be empty');
        break;
      case '--seed': {
        const v = next();
        if (!INTEGER.test(v) || !Number.isSafeInteger(Number(v))) throw new UsageError('--seed must be an integer >= 0');
        opts.seed = Number(v);
        break;
      }
      case '--token':
        opts.token = next();
        if (opts.token === '') throw new UsageError('--token must not be empty');
        break;
      case '--rate-limit': {
        const v = next();
        if (!/^\d+(\.\d+)?$/.test(v)) throw new UsageError('--rate-limit must be a number >= 0');
        opts.rateLimit = Number(v);
        break;
      }
      case '--quiet':
        opts.quiet = flag();
        break;
      case '--control':
        opts.control = flag();
        break;
      case '--no-control':
        flag();
        opts.control = false;
        break;
      case '--fixtures':
      case '--test':
        opts.fixtures = flag();
        break;
      case '--help':
      case '-h':
        opts.help = true;
        break;
      default:
        throw new UsageError(`unknown argument: ${arg}`);
    }
  }
  return opts;
}

/** Runs the command: parse, start, print the JSON line, serve until SIGINT/SIGTERM. */
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
  const { quiet, help, ...nodeOptions } = opts;
  // One line per request on stderr, `METHOD url status time`, never the Authorization header.
  if (!quiet) nodeOptions.log = (line) => process.stderr.write(`${line}\n`);
  let node;
  try {
    node = await startNode(nodeOptions);
  } catch (e) {
    process.stderr.write(`estuary-user-node: ${e.code === 'EADDRINUSE' ? `port ${opts.port} is in use (--port 0 picks a free one)` : e.message}\n`);
    process.exitCode = 1;
    return;
  }
  // Before the line goes out: whoever reads it may signal at once.
  const shutdown = () => node.close().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  // Scripts parse this line: one JSON object, one line, nothing else on stdout.
  process.stdout.write(`${JSON.stringify({ baseUrl: node.baseUrl, tokens: node.tokens })}\n`);
  if (!quiet) {
    const ctl = node.controlUrl ? `control API at ${node.controlUrl}` : 'control API off';
    process.stderr.write(`estuary-user-node: listening on ${node.baseUrl} (${ctl}); Ctrl+C to stop\n`);
  }
}
