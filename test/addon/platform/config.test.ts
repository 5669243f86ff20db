/**
 * Script Properties validation (addon-contract.md › Configuration): which base URLs are refused and why, the key
 * being required, and error messages that name the property without ever showing the key.
 */
import { ProviderConfigError } from '../../../src/core/errors';
import {
  allowlistCovers,
  parseBaseUrl,
  readProviderConfig,
  readWaveWidth,
  WAVE_WIDTH_PROPERTY,
} from '../../../src/provider/config';
import { thrownBy } from './stubs';

const KEY = 'sk_live_0123456789abcdef';

describe('CONFERENCE_API_BASE_URL', () => {
  it.each([
    ['https://conf.example.com', 'https://conf.example.com/'],
    ['https://conf.example.com/', 'https://conf.example.com/'],
    ['https://conf.example.com/api', 'https://conf.example.com/api/'],
    ['https://conf.example.com/api//', 'https://conf.example.com/api/'],
    ['https://Conf.Example.com:8443/api/', 'https://conf.example.com:8443/api/'],
    ['  https://conf.example.com/api  ', 'https://conf.example.com/api/'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787/'],
    ['http://localhost:3000/api', 'http://localhost:3000/api/'],
    ['http://localhost', 'http://localhost/'],
  ])('accepts %s as %s', (raw, normalised) => {
    expect(parseBaseUrl(raw)).toBe(normalised);
  });

  it.each([
    ['http://localhost.example.com', 'https://'],
    ['http://127.0.0.1.nip.io:8080', 'https://'],
    ['http://localhost@evil.example.com/', 'credentials'],
    ['https://user:pass@conf.example.com/', 'credentials'],
    ['http://conf.example.com/api', 'https://'],
    ['http://10.0.0.5/api', 'https://'],
    ['http://[::1]:8080/', 'host'],
    ['ftp://conf.example.com/', 'https://'],
    ['javascript:alert(1)', 'absolute URL'],
    ['conf.example.com/api', 'absolute URL'],
    ['https://conf.example.com/api?x=1', 'query'],
    ['https://conf.example.com/#frag', 'query'],
    ['https://conf_example.com/', 'host'],
    ['https://conf.example.com:99999/', 'port'],
    ['', 'not set'],
  ])('refuses %s and says why (%s)', (raw, why) => {
    const error = thrownBy(() => parseBaseUrl(raw), ProviderConfigError);
    expect(error.property).toBe('CONFERENCE_API_BASE_URL');
    expect(error.message).toContain('CONFERENCE_API_BASE_URL');
    expect(error.message).toContain(why);
  });

  it.each([
    ['https://user:s3cr3t-pass@conf.example.com/', 's3cr3t-pass'],
    ['https://conf.example.com/api?key=s3cr3t-query', 's3cr3t-query'],
    ['http://conf.example.com/api#token=s3cr3t-frag', 's3cr3t-frag'],
  ])('never repeats a secret that %s carries (the message reaches every user)', (raw, secret) => {
    const error = thrownBy(() => parseBaseUrl(raw), ProviderConfigError);
    expect(error.message).not.toContain(secret);
    expect(error.message).toContain('conf.example.com');
  });

  it('refuses a missing property', () => {
    const error = thrownBy(
      () => readProviderConfig((name) => (name === 'CONFERENCE_API_KEY' ? KEY : null)),
      ProviderConfigError,
    );
    expect(error.property).toBe('CONFERENCE_API_BASE_URL');
  });
});

describe('CONFERENCE_API_KEY', () => {
  const read = (key: string | null) => (name: string) =>
    name === 'CONFERENCE_API_BASE_URL' ? 'https://conf.example.com/api' : key;

  it('is returned with the normalised base URL when both are valid', () => {
    expect(readProviderConfig(read(KEY))).toEqual({ baseUrl: 'https://conf.example.com/api/', apiKey: KEY });
  });

  it.each([null, '', '   '])('is required (%p)', (value) => {
    const error = thrownBy(() => readProviderConfig(read(value)), ProviderConfigError);
    expect(error.property).toBe('CONFERENCE_API_KEY');
    expect(error.message).toMatch(/CONFERENCE_API_KEY is not set/);
  });

  it('refuses a key with a control character without showing the key', () => {
    const error = thrownBy(() => readProviderConfig(read(`${KEY}\nX-Injected: 1`)), ProviderConfigError);
    expect(error.property).toBe('CONFERENCE_API_KEY');
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain('Injected');
  });
});

describe('the URL allowlist the add-on was built with', () => {
  const read = (baseUrl: string) => (name: string) => (name === 'CONFERENCE_API_BASE_URL' ? baseUrl : KEY);

  it('accepts a base URL the allowlist covers, and any loopback URL (local runs)', () => {
    expect(
      readProviderConfig(read('https://conf.example.com/api'), ['https://conf.example.com/api/']).baseUrl,
    ).toBe('https://conf.example.com/api/');
    expect(
      readProviderConfig(read('https://eu.conf.example.com/api/v2'), ['https://*.conf.example.com/api/']),
    ).toBeDefined();
    expect(
      readProviderConfig(read('http://127.0.0.1:8080/api'), ['https://conference.example.com/']),
    ).toBeDefined();
  });

  it('refuses one outside it, naming both and the way out, before any request is made', () => {
    const error = thrownBy(
      () => readProviderConfig(read('https://conf.example.com/api'), ['https://conference.example.com/']),
      ProviderConfigError,
    );
    expect(error.property).toBe('CONFERENCE_API_BASE_URL');
    expect(error.message).toContain('https://conf.example.com/…');
    expect(error.message).not.toContain('/api');
    expect(error.message).toContain('npm run build');
  });
});

describe('configuration mistakes never show the key (issue 9, case 11)', () => {
  const K = 'sk_live_0123456789abcdef';
  const cases: Array<[string, string | null, string | null]> = [
    ['swapped properties', K, 'https://conf.example.com/api'],
    ['key as the base URL with a newline', `${K}\n`, K],
    ['key in the query', `https://conf.example.com/api?key=${K}`, K],
    ['key as userinfo', `https://${K}@conf.example.com/`, K],
    ['key as userinfo with a slash', `https://${K}/x@conf.example.com/`, K],
    ['key as a path segment, allowlist refuses', `https://conf.example.com/${K}/`, K],
    ['URL with spaces', `https://conf.example.com/a b/${K}`, K],
    ['key with a newline', 'https://conf.example.com/api', `${K}\n`],
    ['key with inner space', 'https://conf.example.com/api', `Bearer ${K}`],
    ['key with a non-Latin-1 character', 'https://conf.example.com/api', `${K}\u2028x`],
    ['key with C1 control', 'https://conf.example.com/api', `${K}\u0085`],
  ];
  it.each(cases)('%s', (_name, base, key) => {
    const read = (n: string) => (n === 'CONFERENCE_API_BASE_URL' ? base : key);
    const error = thrownBy(
      () => readProviderConfig(read, ['https://conference.example.com/']),
      ProviderConfigError,
    );
    expect(error.message).toMatch(/CONFERENCE_API_(BASE_URL|KEY)/);
    expect(error.message).not.toContain(K);
  });
});

describe('(allowlist, continued)', () => {
  it('still covers prefixes', () => {
    expect(allowlistCovers('https://conf.example.com/', 'https://conf.example.com/api/')).toBe(true);
  });

  it.each([
    ['https://conf.example.com/api/', 'https://conf.example.com/api/v1/conferences', true],
    ['https://conf.example.com/api/', 'https://conf.example.com/other/', false],
    ['https://conf.example.com/api/', 'https://conf.example.com.evil.test/api/', false],
    ['https://*.example.com/', 'https://eu.example.com/api/', true],
    ['https://*.example.com/', 'https://example.com/api/', false],
    ['https://*.example.com/api/', 'https://eu.example.com/other/', false],
  ])('%s covers %s: %s', (entry, url, covered) => {
    expect(allowlistCovers(entry, url)).toBe(covered);
  });
});

describe('CONFERENCE_SYNC_WAVE_WIDTH', () => {
  const read = (value: string | null) => (name: string) => (name === WAVE_WIDTH_PROPERTY ? value : null);

  it('is optional: unset or empty leaves the default', () => {
    expect(readWaveWidth(read(null))).toBeUndefined();
    expect(readWaveWidth(read('  '))).toBeUndefined();
  });

  it('takes a whole number from 1 to 100', () => {
    expect(readWaveWidth(read('1'))).toBe(1);
    expect(readWaveWidth(read(' 20 '))).toBe(20);
    expect(readWaveWidth(read('100'))).toBe(100);
  });

  it.each(['0', '101', '2.5', '-3', 'fifty', '1e2'])('refuses %s, naming the property', (value) => {
    expect(() => readWaveWidth(read(value))).toThrow(ProviderConfigError);
    expect(() => readWaveWidth(read(value))).toThrow(
      /CONFERENCE_SYNC_WAVE_WIDTH must be a whole number from 1 to 100/,
    );
  });
});
