// Where the test-only tools of this workspace are, for the tests that run them by path (the
// runtimes of tests/runtimes/ and of estuary-user-node's package tests). npm ci hoists them into
// the repository root's node_modules.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODULES = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules');

/** The executables, by name. */
export const BIN = {
  node18: join(MODULES, 'node18', 'bin', 'node'),
  node20: join(MODULES, 'node20', 'bin', 'node'),
  node22: join(MODULES, 'node22', 'bin', 'node'),
  deno: join(MODULES, '.bin', 'deno'),
  bun: join(MODULES, '.bin', 'bun'),
  workerd: join(MODULES, '.bin', 'workerd'),
  tsc: join(MODULES, 'typescript', 'bin', 'tsc'),
  attw: join(MODULES, '.bin', 'attw'),
  publint: join(MODULES, '.bin', 'publint'),
};

/** @types/node's folder: the TypeScript matrix's Node project (no DOM lib) uses it as its typeRoots. */
export const TYPE_ROOTS = join(MODULES, '@types');
