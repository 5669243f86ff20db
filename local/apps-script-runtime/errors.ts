/**
 * The error shapes of Apps Script's V8 runtime (apps-script-services.md §0, §13): built-in services throw an
 * `Error` named `Exception` with the bare message; anything the runtime does not model fails loudly with an
 * error naming what is missing, so an add-on never silently relies on a service that is not there.
 */

/** Errors of Apps Script's built-in services: `name === 'Exception'`, message without prefix. */
export function appsScriptException(message: string): Error {
  const error = new Error(message);
  error.name = 'Exception';
  return error;
}

/**
 * Where the reference knows no verbatim text (marked UNCONFIRMED there), the runtime says so in the message, so
 * that no test or add-on ever matches an invented string as if it were Google's.
 */
export function placeholderException(what: string): Error {
  return appsScriptException(`${what} (local runtime placeholder: Apps Script's exact message is not known)`);
}

/** The error for a global or member the runtime does not model. */
export class NotModelledError extends Error {
  constructor(readonly what: string) {
    super(`${what} is not modelled by the local Apps Script runtime (local/apps-script-runtime)`);
    this.name = 'NotModelledError';
  }
}

/** `Exceeded maximum execution time` (§6, §13 #18), thrown from the first service call past the limit. */
export const EXCEEDED_MAXIMUM_EXECUTION_TIME = 'Exceeded maximum execution time';

/** Properties that runtimes, loggers and test frameworks probe on any object; never "not modelled". */
const PROBED = new Set([
  'then',
  'toJSON',
  'constructor',
  'prototype',
  'inspect',
  'toString',
  'valueOf',
  'asymmetricMatch',
  '$$typeof',
  'nodeType',
  'tagName',
  '@@__IMMUTABLE_ITERABLE__@@',
  '@@__IMMUTABLE_RECORD__@@',
  '_isMockFunction',
]);

/** Wraps a service so that reading a member it lacks throws NotModelledError naming `Service.member`. */
export function strictService<T extends object>(name: string, service: T): T {
  return new Proxy(service, {
    get(target, prop, receiver) {
      if (typeof prop === 'symbol' || prop in target || PROBED.has(prop))
        return Reflect.get(target, prop, receiver);
      throw new NotModelledError(`${name}.${prop}`);
    },
  });
}
