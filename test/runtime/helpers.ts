/**
 * Small hand-written bundles for the runtime's own tests: a dist-like folder (Code.js + appsscript.json) in a
 * temporary directory, so each promise of the runtime is checked without depending on what the add-on does.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CALENDAR_MANIFEST = {
  timeZone: 'Etc/UTC',
  runtimeVersion: 'V8',
  dependencies: {
    enabledAdvancedServices: [{ userSymbol: 'Calendar', serviceId: 'calendar', version: 'v3' }],
  },
  addOns: {
    common: { name: 'Test add-on', homepageTrigger: { runFunction: 'home', enabled: true } },
    calendar: { conferenceSolution: [{ id: 'test-solution', name: 'Test', onCreateFunction: 'create' }] },
  },
};

/** A folder holding `code` as Code.js and `manifest` as appsscript.json. */
export function bundle(code: string, manifest: object = CALENDAR_MANIFEST): string {
  const dir = mkdtempSync(join(tmpdir(), 'runtime-test-'));
  writeFileSync(join(dir, 'Code.js'), code);
  writeFileSync(join(dir, 'appsscript.json'), JSON.stringify(manifest));
  return dir;
}

/** What a call threw (the test fails if it threw nothing). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}
