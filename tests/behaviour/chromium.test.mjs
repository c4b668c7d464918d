// The behaviour suite (cases.mjs) in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core), on the exact files `npm pack` ships, loaded by a page with `await init()`.
//
//   node --test tests/behaviour/chromium.test.mjs    (needs pkg/ built by scripts/build-pkg.sh)
import { chromium } from 'playwright-core';

import { CHROMIUM, CHROMIUM_ARGS } from '../package/helpers.mjs';
import { browserSuite } from './harness.mjs';

browserSuite('chromium', async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  return { page, version: `Chromium ${browser.version()}`, close: () => browser.close() };
});
