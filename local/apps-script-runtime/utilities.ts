/**
 * Utilities, Session, Logger and console (apps-script-services.md §7, §8, §12): signed byte arrays, Java-style
 * date formats, `sleep` on the runtime's clock (a virtual clock jumps, a real one waits), the acting user, and
 * logs captured per execution.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { format } from 'node:util';
import { DateTime } from 'luxon';
import { appsScriptException, placeholderException, strictService } from './errors';
import type { ExecutionContext, LogLine } from './execution';

const signed = (bytes: Uint8Array): number[] => [...bytes].map((b) => (b > 127 ? b - 256 : b));
const unsigned = (bytes: number[]): Buffer => Buffer.from(bytes.map((b) => b & 0xff));
const isBytes = (v: unknown): v is number[] => Array.isArray(v);
/** A String without a charset is hashed as US_ASCII (non-ASCII becomes `?`), as Apps Script does. */
const ascii = (s: string) => Buffer.from(s.replace(/[\u0080-\uffff]/g, '?'), 'latin1');
const encoded = (value: unknown, charset?: string): Buffer =>
  isBytes(value)
    ? unsigned(value)
    : charset === 'UTF_8'
      ? Buffer.from(String(value), 'utf8')
      : ascii(String(value));

const DIGESTS: Record<string, string> = {
  MD2: 'md2',
  MD5: 'md5',
  SHA_1: 'sha1',
  SHA_256: 'sha256',
  SHA_384: 'sha384',
  SHA_512: 'sha512',
};
const MACS: Record<string, string> = {
  HMAC_MD5: 'md5',
  HMAC_SHA_1: 'sha1',
  HMAC_SHA_256: 'sha256',
  HMAC_SHA_384: 'sha384',
  HMAC_SHA_512: 'sha512',
};

/** Java SimpleDateFormat pattern → Luxon's (the common letters; quoted literals pass through). */
function luxonPattern(java: string): string {
  return java.replace(/'[^']*'|([a-zA-Z])\1*/g, (token) => {
    if (token.startsWith("'")) return token;
    const letter = token[0];
    const n = token.length;
    switch (letter) {
      case 'y':
        return n === 2 ? 'yy' : 'yyyy';
      case 'M':
        return token.slice(0, 4);
      case 'd':
        return n >= 2 ? 'dd' : 'd';
      case 'H':
      case 'h':
      case 'm':
      case 's':
        return token.slice(0, 2);
      case 'S':
        return 'SSS';
      case 'a':
        return 'a';
      case 'E':
        return n >= 4 ? 'EEEE' : 'EEE';
      case 'u':
        return 'c';
      case 'z':
        return 'ZZZZ';
      case 'Z':
        return 'ZZZ';
      case 'X':
        return n >= 3 ? 'ZZ' : 'ZZZ';
      default:
        throw placeholderException(`Utilities.formatDate: unsupported pattern letter ${letter}`);
    }
  });
}

export interface UtilitiesOptions {
  now: () => number;
  /** Waits (real clock) or moves the virtual clock. */
  sleep(ms: number): void;
}

export function utilities(options: UtilitiesOptions, execution: ExecutionContext) {
  const checked =
    <A extends unknown[], R>(fn: (...a: A) => R) =>
    (...a: A): R => {
      execution.checkTime();
      return fn(...a);
    };
  return strictService('Utilities', {
    DigestAlgorithm: Object.fromEntries(Object.keys(DIGESTS).map((k) => [k, k])),
    MacAlgorithm: Object.fromEntries(Object.keys(MACS).map((k) => [k, k])),
    Charset: { US_ASCII: 'US_ASCII', UTF_8: 'UTF_8' },
    getUuid: checked(() => randomUUID()),
    sleep: checked((ms: number) => {
      if (typeof ms !== 'number' || Number.isNaN(ms)) {
        throw appsScriptException(
          `The parameters (${typeof ms}) don't match the method signature for Utilities.sleep.`,
        );
      }
      if (ms > 300_000) throw placeholderException('Utilities.sleep: the maximum allowed value is 300000');
      options.sleep(Math.max(0, ms));
      execution.checkTime();
    }),
    computeDigest: checked((algorithm: string, value: unknown, charset?: string) => {
      const alg = DIGESTS[algorithm];
      if (!alg) throw appsScriptException(`Invalid argument: algorithm`);
      return signed(createHash(alg).update(encoded(value, charset)).digest());
    }),
    computeHmacSignature: checked((algorithm: string, value: unknown, key: unknown, charset?: string) => {
      const alg = MACS[algorithm];
      if (!alg) throw appsScriptException(`Invalid argument: algorithm`);
      return signed(createHmac(alg, encoded(key, charset)).update(encoded(value, charset)).digest());
    }),
    computeHmacSha256Signature: checked((value: unknown, key: unknown, charset?: string) => {
      if (isBytes(value) !== isBytes(key)) {
        throw appsScriptException(
          "The parameters (String,number[]) don't match the method signature for Utilities.computeHmacSha256Signature.",
        );
      }
      return signed(
        createHmac('sha256', encoded(key, charset ?? 'UTF_8'))
          .update(encoded(value, charset ?? 'UTF_8'))
          .digest(),
      );
    }),
    base64Encode: checked((data: unknown, charset?: string) =>
      (isBytes(data)
        ? unsigned(data)
        : Buffer.from(String(data), charset === 'US_ASCII' ? 'latin1' : 'utf8')
      ).toString('base64'),
    ),
    base64EncodeWebSafe: checked((data: unknown, charset?: string) =>
      (isBytes(data) ? unsigned(data) : Buffer.from(String(data), charset === 'US_ASCII' ? 'latin1' : 'utf8'))
        .toString('base64')
        .replace(/\+/g, '-')
        .replace(/\//g, '_'),
    ),
    base64Decode: checked((encodedText: string) => {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(String(encodedText)))
        throw placeholderException('Utilities.base64Decode: invalid input');
      return signed(Buffer.from(String(encodedText), 'base64'));
    }),
    base64DecodeWebSafe: checked((encodedText: string) => {
      if (!/^[A-Za-z0-9_-]*={0,2}$/.test(String(encodedText)))
        throw placeholderException('Utilities.base64DecodeWebSafe: invalid input');
      return signed(Buffer.from(String(encodedText), 'base64url'));
    }),
    formatDate: checked((date: Date, timeZone: string, pattern: string) => {
      if (
        !(date instanceof Date) &&
        typeof (date as unknown as { getTime?: unknown })?.getTime !== 'function'
      ) {
        throw appsScriptException(
          `The parameters (${typeof date},${typeof timeZone},${typeof pattern}) don't match the method signature for Utilities.formatDate.`,
        );
      }
      const dt = DateTime.fromMillis(date.getTime(), { zone: timeZone === 'GMT' ? 'UTC' : timeZone });
      if (!dt.isValid) throw appsScriptException(`Invalid argument: timeZone`);
      return dt.toFormat(luxonPattern(String(pattern)));
    }),
    formatString: checked((template: string, ...args: unknown[]) => format(String(template), ...args)),
  });
}

export function session(user: string, timeZone: string) {
  const person = { getEmail: () => user, toString: () => user };
  return strictService('Session', {
    getActiveUser: () => person,
    getEffectiveUser: () => person,
    getScriptTimeZone: () => timeZone,
    getActiveUserLocale: () => 'en',
    getTemporaryActiveUserKey: () =>
      createHash('sha256').update(`local:${user}`).digest('base64url').slice(0, 40),
  });
}

/** `console.log("%s (ID: %s)", a, b)`-style substitution, objects as JSON (as the execution log shows them). */
function render(args: unknown[]): string {
  if (typeof args[0] === 'string' && /%[sdifoOj]/.test(args[0])) return format(...(args as [string]));
  return args
    .map((a) => {
      if (typeof a === 'string') return a;
      if (a instanceof Error) return `${a.name}: ${a.message}`;
      try {
        return JSON.stringify(a);
      } catch {
        return String(a);
      }
    })
    .join(' ');
}

export function consoleFor(execution: ExecutionContext) {
  const write =
    (level: LogLine['level']) =>
    (...args: unknown[]) =>
      execution.log(level, render(args));
  const timers = new Map<string, number>();
  return strictService('console', {
    log: write('log'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    time: (label = 'default') => {
      timers.set(String(label), performance.now());
    },
    timeEnd: (label = 'default') => {
      const started = timers.get(String(label));
      if (started !== undefined)
        execution.log('log', `${label}: ${Math.round(performance.now() - started)}ms`);
      timers.delete(String(label));
    },
  });
}

export function loggerFor(execution: ExecutionContext) {
  const lines: string[] = [];
  const logger = {
    log(data: unknown, ...values: unknown[]) {
      const text =
        values.length > 0
          ? format(String(data), ...values)
          : typeof data === 'string'
            ? data
            : render([data]);
      lines.push(text);
      execution.log('info', text);
      return proxy;
    },
    getLog: () => lines.join('\n'),
    clear: () => {
      lines.length = 0;
    },
  };
  const proxy = strictService('Logger', logger);
  return proxy;
}
