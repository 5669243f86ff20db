/**
 * Which calendars exist, who may do what with them, and each user's calendar list: the Calendars,
 * ACL and CalendarList resources of the engine. Events live in the engine; this module answers
 * "does this calendar exist?" and "what is this user's role on it?" for every method.
 *
 * Existence (reconciling spec/local-tools.md "any calendar id (an e-mail address, primary) exists on
 * first use" with Google's 404 for unknown calendars): every e-mail-shaped id is some user's primary
 * calendar and exists *virtually* — it can be read (empty) without a read creating any stored state,
 * and it is stored once something is written to it. Ids of the form `…@group.calendar.google.com`
 * exist only once calendars.insert made them (and until calendars.delete); anything else is 404.
 */
import { Errors } from './errors';
import { isValidZone } from './time';

export type Role = 'none' | 'freeBusyReader' | 'reader' | 'writer' | 'owner';
export const RANK: Record<Role, number> = { none: 0, freeBusyReader: 1, reader: 2, writer: 3, owner: 4 };
const ROLES = new Set(['freeBusyReader', 'reader', 'writer', 'owner']);
const SCOPES = new Set(['default', 'user', 'group', 'domain']);

export interface AclRule {
  id: string;
  role: Role;
  scope: { type: string; value?: string };
  us: number;
  deleted?: boolean;
}

export interface CalendarMeta {
  id: string;
  summary: string;
  description?: string;
  location?: string;
  /** undefined: the engine's default time zone */
  timeZone?: string;
  primary: boolean;
  /** the user whose calendar it is (primary: the id itself; secondary: who created it) */
  owner: string;
  us: number;
  acl: Map<string, AclRule>;
}

export interface ListEntry {
  id: string;
  summaryOverride?: string;
  colorId?: string;
  backgroundColor?: string;
  foregroundColor?: string;
  hidden?: boolean;
  selected?: boolean;
  defaultReminders?: { method: string; minutes: number }[];
  notificationSettings?: { notifications: { type: string; method: string }[] };
  us: number;
  deleted?: boolean;
}

export const SECONDARY_SUFFIX = '@group.calendar.google.com';

export function isEmailShaped(id: string): boolean {
  return /^[^@\s/]+@[^@\s/]+\.[^@\s/]+$/.test(id);
}

/** An e-mail-shaped id that is not a secondary calendar's: a user's (or a room's) primary calendar. */
export function isPrimaryId(id: string): boolean {
  return isEmailShaped(id) && !id.endsWith(SECONDARY_SUFFIX);
}

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1);

export class Directory {
  /** stored calendars (primaries once written to, secondaries from calendars.insert) */
  readonly metas = new Map<string, CalendarMeta>();
  /** user → (calendar id → entry); a user's primary is always on their list, stored or not */
  readonly lists = new Map<string, Map<string, ListEntry>>();

  constructor(private readonly nextUs: () => number) {}

  clear(): void {
    this.metas.clear();
    this.lists.clear();
  }

  /** The calendar's metadata, stored or virtual (a virtual one is not stored), or undefined: 404. */
  meta(id: string): CalendarMeta | undefined {
    const stored = this.metas.get(id);
    if (stored) return stored;
    if (!isPrimaryId(id)) return undefined;
    return this.virtualPrimary(id);
  }

  /** Whether a calendar exists (stored, or a virtual primary), without building anything. */
  exists(id: string): boolean {
    return this.metas.has(id) || isPrimaryId(id);
  }

  /** The calendar's stored metadata, storing a virtual primary first; 404 for an unknown id. */
  ensure(id: string): CalendarMeta {
    let m = this.metas.get(id);
    if (!m) {
      if (!isPrimaryId(id)) throw Errors.notFound();
      m = this.virtualPrimary(id);
      this.metas.set(id, m);
    }
    return m;
  }

  private virtualPrimary(id: string): CalendarMeta {
    const rule: AclRule = { id: `user:${id}`, role: 'owner', scope: { type: 'user', value: id }, us: 0 };
    return { id, summary: id, primary: true, owner: id, us: 0, acl: new Map([[rule.id, rule]]) };
  }

  /** The acting user's role: the best of the rules that match them (default, their domain, them). */
  role(actor: string, id: string): Role {
    const m = this.meta(id);
    if (!m) return 'none';
    if (m.owner === actor) return 'owner';
    let best: Role = 'none';
    for (const r of m.acl.values()) {
      if (r.deleted) continue;
      const t = r.scope.type;
      const hit =
        t === 'default' ||
        (t === 'user' && r.scope.value === actor) ||
        (t === 'domain' && r.scope.value === domainOf(actor));
      if (hit && RANK[r.role] > RANK[best]) best = r.role;
    }
    return best;
  }

  // ---------------------------------------------------------------- calendars

  createSecondary(owner: string, id: string, body: Record<string, unknown>): CalendarMeta {
    const summary = body.summary;
    if (typeof summary !== 'string' || summary.trim() === '') throw Errors.required('Missing title.');
    const meta: CalendarMeta = {
      id,
      summary,
      primary: false,
      owner,
      us: this.nextUs(),
      acl: new Map(),
    };
    applyCalendarFields(meta, body, 'update');
    const rule: AclRule = {
      id: `user:${owner}`,
      role: 'owner',
      scope: { type: 'user', value: owner },
      us: meta.us,
    };
    meta.acl.set(rule.id, rule);
    this.metas.set(id, meta);
    this.addToList(owner, id);
    return meta;
  }

  updateCalendar(id: string, body: Record<string, unknown>, kind: 'patch' | 'update'): CalendarMeta {
    const meta = this.ensure(id);
    if (kind === 'update' && (typeof body.summary !== 'string' || body.summary.trim() === ''))
      throw Errors.required('Missing title.');
    applyCalendarFields(meta, body, kind);
    meta.us = this.nextUs();
    return meta;
  }

  deleteSecondary(id: string): void {
    this.metas.delete(id);
    for (const list of this.lists.values()) list.delete(id);
  }

  // ---------------------------------------------------------------- ACL

  putRule(id: string, body: Record<string, any>, existingId?: string): AclRule {
    const meta = this.ensure(id);
    const role = body.role;
    if (typeof role !== 'string' || !ROLES.has(role)) throw Errors.invalid('Invalid role value.', 'role');
    let scope = body.scope as { type?: unknown; value?: unknown } | undefined;
    if (existingId) {
      const old = meta.acl.get(existingId);
      if (!old || old.deleted) throw Errors.notFound();
      scope = scope ?? old.scope;
    }
    if (!scope || typeof scope !== 'object' || typeof scope.type !== 'string' || !SCOPES.has(scope.type))
      throw Errors.invalid('Invalid scope type value.', 'scope.type');
    if (scope.type !== 'default' && (typeof scope.value !== 'string' || scope.value === ''))
      throw Errors.required('Missing scope value.');
    const value = scope.type === 'default' ? undefined : String(scope.value).toLowerCase();
    const ruleId = scope.type === 'default' ? 'default' : `${scope.type}:${value}`;
    if (existingId && ruleId !== existingId) throw Errors.invalid('The scope of a rule cannot be changed.');
    if (value === meta.owner) throw Errors.cannotChangeOwnAcl();
    const rule: AclRule = {
      id: ruleId,
      role: role as Role,
      scope: value === undefined ? { type: scope.type } : { type: scope.type, value },
      us: this.nextUs(),
    };
    meta.acl.set(ruleId, rule);
    meta.us = rule.us;
    // A calendar shared with a user shows up in their calendar list (as Calendar's UI adds it).
    if (scope.type === 'user' && value) this.addToList(value, id);
    return rule;
  }

  deleteRule(id: string, ruleId: string): void {
    const meta = this.ensure(id);
    const rule = meta.acl.get(ruleId);
    if (!rule || rule.deleted) throw Errors.notFound();
    if (rule.scope.value === meta.owner) throw Errors.cannotChangeOwnAcl();
    rule.deleted = true;
    rule.us = this.nextUs();
    meta.us = rule.us;
  }

  // ---------------------------------------------------------------- calendar lists

  /** A user's list: their primary first (always there), then what they added or was shared with them. */
  listOf(user: string): ListEntry[] {
    const own = this.lists.get(user);
    const primary = own?.get(user) ?? { id: user, us: 0 };
    const rest = [...(own?.values() ?? [])].filter((e) => e.id !== user);
    return [primary, ...rest];
  }

  entry(user: string, id: string): ListEntry | undefined {
    if (id === user) return this.lists.get(user)?.get(user) ?? { id: user, us: 0 };
    const e = this.lists.get(user)?.get(id);
    return e && !e.deleted ? e : undefined;
  }

  addToList(user: string, id: string, fields: Record<string, unknown> = {}): ListEntry {
    let list = this.lists.get(user);
    if (!list) {
      list = new Map();
      this.lists.set(user, list);
    }
    const old = list.get(id);
    const entry: ListEntry = old && !old.deleted ? { ...old } : { id, us: 0 };
    applyListFields(entry, fields, 'patch');
    entry.deleted = undefined;
    entry.us = this.nextUs();
    list.set(id, entry);
    return entry;
  }

  updateEntry(
    user: string,
    id: string,
    fields: Record<string, unknown>,
    kind: 'patch' | 'update',
  ): ListEntry {
    const current = this.entry(user, id);
    if (!current) throw Errors.notFound();
    const entry: ListEntry = kind === 'update' ? { id, us: 0 } : { ...current };
    applyListFields(entry, fields, kind);
    entry.us = this.nextUs();
    let list = this.lists.get(user);
    if (!list) {
      list = new Map();
      this.lists.set(user, list);
    }
    list.set(id, entry);
    return entry;
  }

  removeFromList(user: string, id: string): void {
    if (id === user) throw Errors.invalid('The primary calendar cannot be removed from the calendar list.');
    const e = this.entry(user, id);
    if (!e) throw Errors.notFound();
    this.lists.get(user)!.set(id, { id, us: this.nextUs(), deleted: true });
  }
}

function applyCalendarFields(meta: CalendarMeta, body: Record<string, unknown>, kind: 'patch' | 'update') {
  for (const k of ['summary', 'description', 'location', 'timeZone'] as const) {
    const v = body[k];
    if (v === undefined) {
      if (kind === 'update' && k !== 'summary') delete meta[k];
      continue;
    }
    if (v === null) {
      if (k !== 'summary') delete meta[k];
      continue;
    }
    if (typeof v !== 'string') throw Errors.invalid(`Invalid value for field ${k}.`, k);
    if (k === 'timeZone' && !isValidZone(v))
      throw Errors.invalid('Invalid time zone definition.', 'timeZone');
    meta[k] = v;
  }
}

const LIST_FIELDS = [
  'summaryOverride',
  'colorId',
  'backgroundColor',
  'foregroundColor',
  'hidden',
  'selected',
  'defaultReminders',
  'notificationSettings',
] as const;

function applyListFields(entry: ListEntry, body: Record<string, unknown>, kind: 'patch' | 'update') {
  for (const k of LIST_FIELDS) {
    const v = body[k];
    if (v === undefined) {
      if (kind === 'update') delete entry[k];
      continue;
    }
    if (v === null) {
      delete entry[k];
      continue;
    }
    const want = k === 'hidden' || k === 'selected' ? 'boolean' : k.endsWith('s') ? 'object' : 'string';
    if (typeof v !== want) throw Errors.invalid(`Invalid value for field ${k}.`, k);
    (entry as unknown as Record<string, unknown>)[k] = JSON.parse(JSON.stringify(v));
  }
  if (entry.colorId !== undefined && !/^([1-9]|1\d|2[0-4])$/.test(entry.colorId))
    throw Errors.invalid('Invalid color id.', 'colorId');
}
