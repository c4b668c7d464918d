// An app's test file under Vitest, run once per pool: the cases of ./cases.mjs, which
// tests/runners/runners.test.mjs copies here.
import { afterAll, beforeAll, test } from 'vitest';
import init, { EstuaryUser, isEstuaryError } from 'estuary-user';
import { startNode } from 'estuary-user-node';
import { registerCases } from './cases.mjs';

registerCases({ beforeAll, afterAll, test }, { init, EstuaryUser, isEstuaryError, startNode });
