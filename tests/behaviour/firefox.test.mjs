// The behaviour suite (cases.mjs) in headless Firefox (Debian's firefox-esr, driven by
// puppeteer-core over WebDriver BiDi; Playwright drives only its own patched Firefox), on the
// exact files `npm pack` ships, loaded by a page with `await init()`.
//
//   node --test tests/behaviour/firefox.test.mjs     (needs pkg/ built by scripts/build-pkg.sh)
import puppeteer from 'puppeteer-core';

import { browserSuite } from './harness.mjs';

const FIREFOX = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

browserSuite('firefox', async () => {
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
  const page = await browser.newPage();
  return { page, version: await browser.version(), close: () => browser.close() };
});
