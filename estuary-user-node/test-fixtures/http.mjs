// One HTTP request to the node for the package's own tests: its status, headers, raw text and
// parsed JSON (`undefined` when the body is not JSON). Kept out of test/, where node --test would
// run it as a test file.
export async function fetchJson(url, init) {
  const res = await fetch(url, init);
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
