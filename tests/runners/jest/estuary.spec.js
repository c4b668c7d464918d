// An app's test file under Jest 30 (ESM, node environment): the cases of ./cases.mjs, which
// tests/runners/runners.test.mjs copies here. Jest provides beforeAll/afterAll/test as globals.
import init, { EstuaryUser, isEstuaryError } from 'estuary-user';
import { startNode } from 'estuary-user-node';
import { registerCases } from './cases.mjs';

registerCases({ beforeAll, afterAll, test }, { init, EstuaryUser, isEstuaryError, startNode });
