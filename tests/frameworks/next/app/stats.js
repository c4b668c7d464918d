"use client";
// In the browser: read-stats.js's summary (the node and token come from the page's query),
// rendered as JSON into #out for the test to read.
import { useEffect, useState } from "react";
import init, { EstuaryUser } from "estuary-user";
import { failure, readStats } from "./read-stats.js";

export default function Stats() {
  const [result, setResult] = useState(null);
  useEffect(() => {
    readStats(init, EstuaryUser, new URLSearchParams(location.search)).catch(failure).then(setResult);
  }, []);
  return (
    <pre id="out" data-done={result ? "1" : undefined}>
      {result ? JSON.stringify(result) : "loading…"}
    </pre>
  );
}
