/**
 * The bundle contract (addon-contract.md › The bundle): dist/Code.js is one plain V8 script defining every global
 * Apps Script will call by name, and dist/appsscript.json is a complete, valid conferencing add-on manifest.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { parseAst } from 'rollup/parseAst';
import { CONFERENCE_SOLUTION_ID } from '../../../src/platform/conferenceData';
import { ROOT, readDist } from './dist';

const CONTRACT_GLOBALS = ['createConference', 'syncEvents', 'initializeSyncing'];

type Node = { type: string; [key: string]: unknown };

/** Visits every AST node; `visit` returning false keeps the walk out of that node's children. */
function walk(node: unknown, visit: (n: Node) => boolean | undefined): void {
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
  } else if (node && typeof node === 'object' && typeof (node as Node).type === 'string') {
    if (visit(node as Node) === false) return;
    for (const value of Object.values(node)) if (value && typeof value === 'object') walk(value, visit);
  }
}

function topLevelFunctions(code: string): string[] {
  const program = parseAst(code) as unknown as { body: Array<Node & { id?: { name: string } }> };
  return program.body.filter((n) => n.type === 'FunctionDeclaration').map((n) => n.id?.name ?? '');
}

/** Every `runFunction`/`onCreateFunction`/`…Function` value anywhere in the manifest. */
function manifestHandlers(manifest: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (/Function$/.test(key) && typeof v === 'string') found.push(v);
        else visit(v);
      }
    }
  };
  visit(manifest);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('dist/Code.js', () => {
  const code = readDist('Code.js');

  it('is a classic script V8 accepts', () => {
    expect(() => new vm.Script(code, { filename: 'Code.js' })).not.toThrow();
  });

  it('has no import, export, require or top-level await', () => {
    const found: string[] = [];
    walk(parseAst(code), (n) => {
      if (/^(Import|Export)/.test(n.type)) found.push(n.type);
      const callee = n.callee as Node | undefined;
      if (n.type === 'CallExpression' && callee?.type === 'Identifier' && callee.name === 'require')
        found.push('require');
      return undefined;
    });
    walk(parseAst(code), (n) => {
      if (n.type === 'AwaitExpression') found.push('top-level await');
      return !/Function/.test(n.type);
    });
    expect(found).toEqual([]);
  });

  it('declares every contract global as a top-level function', () => {
    expect(topLevelFunctions(code)).toEqual(expect.arrayContaining(CONTRACT_GLOBALS));
  });

  it('declares every handler the manifest names', () => {
    const handlers = manifestHandlers(JSON.parse(readDist('appsscript.json')));
    expect(handlers).toContain('createConference');
    expect(topLevelFunctions(code)).toEqual(expect.arrayContaining(handlers));
  });

  it("declares every function a ScriptApp.newTrigger('…') in src names", () => {
    const names = sourceFiles(join(ROOT, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/newTrigger\(\s*['"]([^'"]+)['"]/g)].map((m) => m[1]),
    );
    expect(names).toContain('syncEvents');
    expect(topLevelFunctions(code)).toEqual(expect.arrayContaining(names));
  });

  it('loads into an empty global scope without calling any service', () => {
    // Any top-level use of an Apps Script service would throw a ReferenceError here.
    const context = vm.createContext({});
    expect(() => new vm.Script(code).runInContext(context)).not.toThrow();
    expect(typeof context.createConference).toBe('function');
  });

  it('stays readable (not minified), so Apps Script stack traces point at real code', () => {
    const lines = code.split('\n');
    expect(lines.length).toBeGreaterThan(300);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(200);
    expect(code).toMatch(/^function syncEvents\(e\) \{$/m);
  });
});

describe('dist/appsscript.json', () => {
  const manifest = JSON.parse(readDist('appsscript.json'));

  it('is a complete Calendar conferencing add-on on V8 with the Calendar v3 advanced service', () => {
    expect(manifest).toMatchObject({
      timeZone: expect.any(String),
      runtimeVersion: 'V8',
      exceptionLogging: 'STACKDRIVER',
      dependencies: {
        enabledAdvancedServices: [{ userSymbol: 'Calendar', serviceId: 'calendar', version: 'v3' }],
      },
      addOns: {
        common: { name: 'Conference Sync', logoUrl: expect.stringMatching(/^https:\/\//) },
        calendar: {
          conferenceSolution: [
            {
              id: CONFERENCE_SOLUTION_ID,
              name: 'Conference Sync',
              logoUrl: expect.stringMatching(/^https:\/\//),
              onCreateFunction: 'createConference',
            },
          ],
        },
      },
    });
  });

  it('asks for the smallest working set of scopes (docs/scopes.md)', () => {
    expect([...manifest.oauthScopes].sort()).toEqual([
      'https://www.googleapis.com/auth/calendar.addons.execute',
      'https://www.googleapis.com/auth/calendar.events',
      'https://www.googleapis.com/auth/calendar.readonly',
      'https://www.googleapis.com/auth/script.external_request',
      'https://www.googleapis.com/auth/script.scriptapp',
    ]);
  });

  it('has a urlFetchWhitelist of https prefixes with a full host and a non-empty path', () => {
    expect(manifest.urlFetchWhitelist.length).toBeGreaterThan(0);
    for (const entry of manifest.urlFetchWhitelist) {
      expect(entry).toMatch(/^https:\/\/[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?\/\S*$/);
    }
  });
});
