// read-stats.js's summary (the node and token come from the page's query), as JSON in #out.
// The inline entry: Angular's application builder (esbuild) emits no asset for the default
// entry's `new URL("….wasm", import.meta.url)`.
import { Component, signal } from "@angular/core";
import init, { EstuaryUser } from "estuary-user/inline";
import { failure, readStats } from "./read-stats.js";

@Component({
  selector: "app-root",
  template: `<pre id="out" [attr.data-done]="done()">{{ text() }}</pre>`,
})
export class StatsComponent {
  protected readonly text = signal("loading…");
  protected readonly done = signal<string | null>(null);

  constructor() {
    readStats(init, EstuaryUser, new URLSearchParams(location.search))
      .catch(failure)
      .then((result: unknown) => {
        this.text.set(JSON.stringify(result));
        this.done.set("1");
      });
  }
}
