// The page of every bundler app (the harness copies this folder to the app's src/, with
// default.js or inline.js as src/index.js): the summary of read-stats.js, as JSON in #out.
import { failure, readStats } from "./read-stats.js";

export function show(init, EstuaryUser) {
  const out = document.getElementById("out");
  readStats(init, EstuaryUser, new URLSearchParams(location.search))
    .catch(failure)
    .then((result) => {
      out.textContent = JSON.stringify(result);
      out.dataset.done = "1";
    });
}
