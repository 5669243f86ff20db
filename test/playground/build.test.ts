/** npm start rebuilds dist/ exactly when it is missing or older than a source of the bundle. */
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distIsStale } from '../../local/playground/build';

function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'stale-'));
  mkdirSync(join(root, 'src', 'core'), { recursive: true });
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'src', 'core', 'sync.ts'), '');
  writeFileSync(join(root, 'appsscript.json'), '{}');
  return root;
}
const at = (root: string, file: string, seconds: number) => {
  writeFileSync(join(root, file), '', { flag: 'a' });
  utimesSync(join(root, file), seconds, seconds);
};

it('is stale without dist/, fresh once built after every source, stale again when a nested source changes', () => {
  const root = project();
  at(root, 'src/core/sync.ts', 1000);
  at(root, 'appsscript.json', 1000);
  expect(distIsStale(root)).toBe(true);
  at(root, 'dist/Code.js', 2000);
  expect(distIsStale(root)).toBe(true); // the manifest copy is missing
  at(root, 'dist/appsscript.json', 2000);
  expect(distIsStale(root)).toBe(false);
  at(root, 'src/core/sync.ts', 3000);
  expect(distIsStale(root)).toBe(true);
});
