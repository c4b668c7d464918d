// The JS side of the error contract, on the built web-target package (pkg/): what
// `instanceof`, `name` and the fields look like to a JavaScript caller.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { runInNewContext } from "node:vm";

import init, { EstuaryUser, EstuaryError, isEstuaryError, tokenHash } from "../../pkg/estuary_user.js";

await init({ module_or_path: await readFile(new URL("../../pkg/estuary_user_bg.wasm", import.meta.url)) });

function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail("did not throw");
}

test("a bad token throws a real Error that is an EstuaryError", () => {
  const e = thrown(() => new EstuaryUser({ token: "" }));
  assert.ok(e instanceof EstuaryError);
  assert.ok(e instanceof Error);
  assert.equal(Object.prototype.toString.call(e), "[object Error]");
  assert.equal(e.name, "EstuaryError");
  assert.equal(e.kind, "invalid_input");
  assert.equal(e.status, undefined);
  assert.match(e.message, /token must not be empty/);
  assert.equal(typeof e.stack, "string");
  assert.ok(isEstuaryError(e));
  assert.equal(typeof e.free, "undefined", "errors carry no wasm handle");
});

test("rejections are EstuaryErrors too, and never strings", async () => {
  const user = new EstuaryUser({ token: "ESTsecret-tokenARY", baseUrl: "http://127.0.0.1:1" });
  const e = await user.createApiKey({ expiry: "30d" }).then(
    () => assert.fail("resolved"),
    (err) => err,
  );
  assert.ok(e instanceof EstuaryError);
  assert.equal(e.kind, "invalid_input");
  assert.match(e.message, /30 days is 720h/);
  assert.ok(!JSON.stringify({ ...e, message: e.message, stack: e.stack }).includes("ESTsecret-tokenARY"));
});

test("a bad baseUrl throws without echoing the token", () => {
  const e = thrown(() => new EstuaryUser({ token: "ESTsecretARY", baseUrl: "localhost:3004" }));
  assert.equal(e.kind, "invalid_input");
  assert.match(e.message, /baseUrl must be an absolute http\(s\) URL/);
  assert.ok(!e.message.includes("ESTsecretARY"));
});

test("isEstuaryError recognises an EstuaryError from another realm", () => {
  // As a second copy of the package in another realm makes it: not an instance of this
  // realm's Error, so only the name and the fields can tell.
  const foreign = runInNewContext(
    'Object.assign(new Error("m"), { name: "EstuaryError", kind: "network" })',
  );
  assert.equal(foreign instanceof Error, false);
  assert.ok(isEstuaryError(foreign));
});

test("isEstuaryError is false for other errors and values", () => {
  assert.equal(isEstuaryError(new Error("x")), false);
  assert.equal(isEstuaryError({ name: "EstuaryError" }), false);
  assert.equal(isEstuaryError(null), false);
  assert.equal(isEstuaryError("EstuaryError"), false);
});

test("EstuaryError cannot be constructed by callers", () => {
  assert.throws(() => new EstuaryError());
});

test("tokenHash matches the node's hash", () => {
  assert.equal(tokenHash("EST00000000-0000-0000-0000-000000000000ARY"), "oMOtaLPQu9MB6I7kHNxd1rPaLdwnpVPu6t5AkDmeFnI");
});

test("baseUrl is normalised, and required", () => {
  const user = new EstuaryUser({ token: "ESTxARY", baseUrl: "HTTP://127.0.0.1:3004/prefix/" });
  assert.equal(user.baseUrl, "http://127.0.0.1:3004/prefix");
  const e = thrown(() => new EstuaryUser({ token: "ESTxARY" }));
  assert.equal(e.name, "EstuaryError");
  assert.equal(e.kind, "invalid_input");
  assert.match(e.message, /baseUrl .*http:\/\/localhost:3004/);
});
