// The public TypeScript declarations of the built package (pkg/estuary_user.d.ts): no `any`,
// exact Promise types on every EstuaryUser method, and the same value exports as both entries
// (node.js for Node, estuary_user.js for everything else) really have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

import { PKG, requireBuiltPackage } from './helpers.mjs';

requireBuiltPackage();
const DTS_PATH = join(PKG, 'estuary_user.d.ts');
const dts = readFileSync(DTS_PATH, 'utf8');

/**
 * The text with comments and string literals blanked out (same length and line breaks), so that
 * a word in a doc comment or a literal type like `"any"` is not mistaken for a type.
 */
function code(text) {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const two = text.slice(i, i + 2);
    let end;
    if (two === '/*') end = text.indexOf('*/', i + 2) + 2 || text.length;
    else if (two === '//') end = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    else if (text[i] === '"' || text[i] === "'" || text[i] === '`') {
      end = i + 1;
      while (end < text.length && text[end] !== text[i]) end += text[end] === '\\' ? 2 : 1;
      end += 1;
      out += text[i] + text.slice(i + 1, end - 1).replace(/[^\n]/g, ' ') + text[i];
      i = end;
      continue;
    } else {
      out += text[i++];
      continue;
    }
    out += text.slice(i, end).replace(/[^\n]/g, ' ');
    i = end;
  }
  return out;
}

test('the public .d.ts has no `any` outside comments', () => {
  const lines = dts.split('\n');
  const offending = code(dts)
    .split('\n')
    .map((line, i) => (/\bany\b/.test(line) ? `${i + 1}: ${lines[i].trim()}` : null))
    .filter(Boolean);
  assert.deepEqual(offending, [], `\`any\` in ${DTS_PATH}:\n${offending.join('\n')}`);
});

test('the TypeScript parser finds no `any` keyword either', () => {
  const source = ts.createSourceFile('estuary_user.d.ts', dts, ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      found.push(`${line + 1}: ${node.parent.getText().slice(0, 120)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  assert.deepEqual(found, []);
});

test('InitOutput names only `memory`: no raw wasm export, no build hash in the public types', () => {
  const source = ts.createSourceFile('estuary_user.d.ts', dts, ts.ScriptTarget.Latest, true);
  const iface = source.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === 'InitOutput');
  assert.ok(iface, 'export interface InitOutput is missing');
  const members = iface.members.map((m) =>
    ts.isIndexSignatureDeclaration(m) ? `[${m.parameters[0].type.getText()}]: ${m.type.getText()}` : `${m.name.getText()}: ${m.type?.getText()}`,
  );
  assert.deepEqual(members, ['memory: GlobalWasm<"Memory", object>', '[string]: unknown']);
  // Hash-suffixed Rust symbols (`…_h13e1108af6e316c4`) and wasm-bindgen's raw export names.
  assert.doesNotMatch(code(dts), /_h[0-9a-f]{16}\b|\bwasm_bindgen__|\b__wbindgen_|\b__wbg_\w+|\b__externref_/);
});

test('the .d.ts references esnext.disposable, for its [Symbol.dispose]() under any lib', () => {
  assert.match(dts, /\[Symbol\.dispose\]\(\): void;/);
  assert.ok(dts.startsWith('/// <reference lib="esnext.disposable" />\n'), 'the reference is the first line');
});

/** `name(params): ReturnType;` members of `export class NAME { … }`, from the parsed .d.ts. */
function classMethods(className) {
  const source = ts.createSourceFile('estuary_user.d.ts', dts, ts.ScriptTarget.Latest, true);
  const cls = source.statements.find((s) => ts.isClassDeclaration(s) && s.name?.text === className);
  assert.ok(cls, `export class ${className} is missing`);
  const methods = {};
  for (const m of cls.members) {
    if (ts.isMethodDeclaration(m) && ts.isIdentifier(m.name)) methods[m.name.text] = m.type?.getText() ?? '(none)';
  }
  return methods;
}

test('each EstuaryUser method returns its precise Promise type', () => {
  const methods = classMethods('EstuaryUser');
  const expected = {
    listApiKeys: 'Promise<ApiKey[]>',
    createApiKey: 'Promise<ApiKey>',
    revokeApiKey: 'Promise<void>',
    exportData: 'Promise<UserExport>',
    getStats: 'Promise<UserStats>',
  };
  for (const [name, type] of Object.entries(expected)) assert.equal(methods[name], type, `EstuaryUser.${name}`);
  assert.match(dts, /^\s*readonly baseUrl: string;$/m);
  assert.match(dts, /^export function isEstuaryError\(value: unknown\): value is EstuaryError;$/m);
  assert.match(dts, /^export function tokenHash\(token: string\): string;$/m);
});

/** The names of the values (not types) that the .d.ts says the module exports. */
function declaredValueExports() {
  const names = new Set();
  for (const m of dts.matchAll(/^export (?:declare )?(?:class|function|const|let|var|enum) (\w+)/gm)) names.add(m[1]);
  if (/^export default /m.test(dts)) names.add('default');
  return [...names].sort();
}

test('the .d.ts describes all entries: node.js and inline.js export exactly what estuary_user.js does', async () => {
  const web = await import(join(PKG, 'estuary_user.js'));
  const node = await import(join(PKG, 'node.js'));
  const inline = await import(join(PKG, 'inline.js'));
  const declared = declaredValueExports();
  assert.deepEqual(Object.keys(web).sort(), declared, 'estuary_user.js vs the .d.ts');
  assert.deepEqual(Object.keys(node).sort(), declared, 'node.js vs the .d.ts');
  assert.deepEqual(Object.keys(inline).sort(), declared, 'inline.js vs the .d.ts');
  for (const name of declared.filter((n) => !['default', 'initSync'].includes(n))) {
    assert.equal(node[name], web[name], `node.js re-exports ${name} itself`);
    assert.equal(inline[name], web[name], `inline.js re-exports ${name} itself`);
  }
  // One glue: whichever entry instantiates it, the others resolve with the same exports.
  const exports = await node.default();
  assert.equal(await web.default(), exports);
  assert.equal(await inline.default(), exports);
  assert.equal(inline.initSync(), exports);
  assert.ok(exports.memory instanceof WebAssembly.Memory);
  assert.equal(new node.EstuaryUser({ token: 'EST-x-ARY', baseUrl: 'http://127.0.0.1:1/' }).baseUrl, 'http://127.0.0.1:1');
});
