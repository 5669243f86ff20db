/**
 * The property store port over this user's Properties (PropertiesService.getUserProperties()): one
 * `getProperties()` to read, one `setProperties()` to write. User properties are what make a conference "ours":
 * an attendee running the same add-on has their own store, without our records. The layout of the values is the
 * core's (core/state.ts); this adapter only translates Apps Script's errors into typed ones, once.
 */

import type { RerunRequests } from '../core/serializedSync';
import { type PropertyStorePort, StateStoreFullError, stateKeys } from '../core/state';

/** The Properties methods every implementation has, the real service and hand-made stand-ins alike. */
export interface BasicProperties {
  getProperty(key: string): string | null;
  setProperty(key: string, value: string): unknown;
  getProperties(): { [key: string]: string };
  setProperties?(properties: { [key: string]: string }): unknown;
}

/**
 * "You have exceeded the property storage quota. Please remove some properties and try again." (the store's
 * 500 KB) and "Argument too large: value" (one value over 9 KB).
 */
const STORE_FULL = /property storage quota|argument too large/i;

export class UserPropertiesPort implements PropertyStorePort {
  constructor(private readonly props: BasicProperties) {}

  readAll(): Record<string, string> {
    return { ...this.props.getProperties() };
  }

  writeAll(values: Record<string, string>): void {
    try {
      // A local runtime or a test double may offer only the basic methods; the add-on must not fail on that.
      if (this.props.setProperties) this.props.setProperties(values);
      else for (const [key, value] of Object.entries(values)) this.props.setProperty(key, value);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (STORE_FULL.test(message)) throw new StateStoreFullError(message, { cause: error });
      throw error;
    }
  }
}

/** Rerun requests in the same user properties, so every execution of this user sees them. */
export class UserPropertiesRerunRequests implements RerunRequests {
  constructor(
    private readonly props: BasicProperties,
    private readonly newNonce: () => string,
  ) {}

  request(calendarId: string): void {
    this.props.setProperty(stateKeys.rerun(calendarId), this.newNonce());
  }
}
