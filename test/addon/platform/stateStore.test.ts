/** The Properties adapter: one call each way, Apps Script's storage errors typed once, rerun requests as nonces. */
import { StateStoreFullError, stateKeys } from '../../../src/core/state';
import { UserPropertiesPort, UserPropertiesRerunRequests } from '../../../src/platform/stateStore';
import { appsScriptException, PropertiesStub } from './stubs';

describe('UserPropertiesPort', () => {
  it('reads with one getProperties and writes with one setProperties', () => {
    const props = new PropertiesStub();
    const getProperties = jest.spyOn(props, 'getProperties');
    const setProperties = jest.spyOn(props, 'setProperties');
    const port = new UserPropertiesPort(props);
    port.writeAll({ a: '1', b: '2' });
    expect(port.readAll()).toEqual({ a: '1', b: '2' });
    expect(getProperties).toHaveBeenCalledTimes(1);
    expect(setProperties).toHaveBeenCalledTimes(1);
  });

  it.each([
    'You have exceeded the property storage quota. Please remove some properties and try again.',
    'Argument too large: value',
  ])('turns "%s" into a StateStoreFullError', (message) => {
    const props = new PropertiesStub();
    props.setProperties = () => {
      throw appsScriptException(message);
    };
    expect(() => new UserPropertiesPort(props).writeAll({ a: '1' })).toThrow(StateStoreFullError);
  });

  it('passes any other failure on as it is (the daily quota is not a full store)', () => {
    const props = new PropertiesStub();
    props.setProperties = () => {
      throw appsScriptException('Service invoked too many times for one day: properties.');
    };
    expect(() => new UserPropertiesPort(props).writeAll({ a: '1' })).toThrow('too many times');
  });

  it('works over a store that has only the basic methods', () => {
    const data = new Map<string, string>();
    const basic = {
      getProperty: (k: string) => data.get(k) ?? null,
      setProperty: (k: string, v: string) => data.set(k, v),
      getProperties: () => Object.fromEntries(data),
    };
    const port = new UserPropertiesPort(basic);
    port.writeAll({ a: '1', b: '2' });
    expect(port.readAll()).toEqual({ a: '1', b: '2' });
  });
});

describe('UserPropertiesRerunRequests', () => {
  it('leaves a fresh nonce per request under the calendar’s key, in one call', () => {
    const props = new PropertiesStub();
    let n = 0;
    const reruns = new UserPropertiesRerunRequests(props, () => `nonce-${++n}`);
    reruns.request('alice@example.com');
    reruns.request('alice@example.com');
    expect(props.getProperty(stateKeys.rerun('alice@example.com'))).toBe('nonce-2');
    expect(props.writes).toBe(2);
  });
});
