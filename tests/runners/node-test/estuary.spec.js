// An app's test file under node:test: the cases of ./cases.mjs, which
// tests/runners/runners.test.mjs copies here.
import { after, before, test } from 'node:test';
import init, { EstuaryUser, isEstuaryError } from 'estuary-user';
import { startNode } from 'estuary-user-node';
import { registerCases } from './cases.mjs';

registerCases({ beforeAll: before, afterAll: after, test }, { init, EstuaryUser, isEstuaryError, startNode });
