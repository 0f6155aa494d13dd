// Debian's chromium, headless, for the dashboard's browser test and bench (playwright-core
// drives it; there is no browser download). Everything that would reach the internet on its own
// (updates, sync, background requests) is off: the only traffic is to the page under test.
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
