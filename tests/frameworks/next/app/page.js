// A server component (prerendered by `next build`) that renders the client component: Next
// renders it on the server too, where "estuary-user" resolves to its `node` entry, so that
// entry must import without touching the .wasm.
import Stats from "./stats.js";

export default function Home() {
  return <Stats />;
}
