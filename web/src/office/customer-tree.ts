// The customer tree as the console draws it, from the flat list the API gives
// (`GET /admin/customers`, each with its `parent_id`): pure, so that it is tested without
// a browser (`tests/office-customers.spec.ts`, `tests/office-groups.spec.ts`). The scope
// picker (scope-picker.ts: access groups', and a member's own) holds its ticks here too,
// and makes the API's grants of them.

import type { Schemas } from '../api';

/** What the tree needs of a customer (a `CustomerView` has more). */
export interface Node {
  id: string;
  name: string;
  parent_id?: string | null;
}

export interface Branch<T extends Node> {
  customer: T;
  children: Branch<T>[];
}

const byName = <T extends Node>(a: Branch<T>, b: Branch<T>) => a.customer.name.localeCompare(b.customer.name);

/** The customers as a forest: every customer under its parent, by name at each level. A
 * customer whose parent is not in the list (deleted meanwhile, or on a page not read) is
 * a root, so that no customer is ever left out. */
export function customerTree<T extends Node>(customers: T[]): Branch<T>[] {
  const branches = new Map(customers.map((c) => [c.id, { customer: c, children: [] as Branch<T>[] }]));
  const roots: Branch<T>[] = [];
  for (const branch of branches.values()) {
    const parent = branch.customer.parent_id ? branches.get(branch.customer.parent_id) : undefined;
    (parent && parent !== branch ? parent.children : roots).push(branch);
  }
  const sort = (list: Branch<T>[]) => {
    list.sort(byName);
    for (const b of list) sort(b.children);
  };
  sort(roots);
  return roots;
}

/** The customer's ancestors, the top one first (a loop in the data ends the walk). */
export function ancestors<T extends Node>(customers: T[], id: string): T[] {
  const byId = new Map(customers.map((c) => [c.id, c]));
  const out: T[] = [];
  const seen = new Set([id]);
  for (let p = byId.get(id)?.parent_id; p && !seen.has(p); p = byId.get(p)?.parent_id) {
    const parent = byId.get(p);
    if (!parent) break;
    seen.add(p);
    out.unshift(parent);
  }
  return out;
}

/** Divisions by their parent group, groups by name, and those without one last (`''`). */
export function byParentGroup<T extends { name: string; parent_group?: string | null }>(divisions: T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const d of divisions) {
    const key = d.parent_group ?? '';
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  for (const list of groups.values()) list.sort((a, b) => a.name.localeCompare(b.name));
  return [...groups.entries()].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
}

/** A scope as a picker holds it: customers ticked whole, and per customer its ticked
 * divisions and its ticked sites. */
export interface Picked {
  whole: Set<string>;
  divisions: Map<string, Set<string>>;
  sites: Map<string, Set<string>>;
}

/** What a scope's grants (`ScopeInput.grants`) tick. */
export function pickedOf(grants: readonly Schemas['GrantInput'][]): Picked {
  const picked: Picked = { whole: new Set(), divisions: new Map(), sites: new Map() };
  const add = (into: Map<string, Set<string>>, customer: string, ids: readonly string[]) =>
    into.set(customer, new Set([...(into.get(customer) ?? []), ...ids]));
  for (const g of grants) {
    if (g.division_ids) add(picked.divisions, g.customer_id, g.division_ids);
    else if (g.site_ids) add(picked.sites, g.customer_id, g.site_ids);
    else picked.whole.add(g.customer_id);
  }
  return picked;
}

/** The grants the ticks make, by customer id: a customer ticked whole is one grant (its
 * divisions and sites need none); otherwise one for its divisions and one for its sites
 * (a grant names either, not both). */
export function grantsOf(picked: Picked): Schemas['GrantInput'][] {
  const ids = [...new Set([...picked.whole, ...picked.divisions.keys(), ...picked.sites.keys()])].sort();
  const sorted = (set: Set<string> | undefined) => [...(set ?? [])].sort();
  return ids.flatMap((customer_id): Schemas['GrantInput'][] => {
    if (picked.whole.has(customer_id)) return [{ customer_id }];
    const division_ids = sorted(picked.divisions.get(customer_id));
    const site_ids = sorted(picked.sites.get(customer_id));
    return [
      ...(division_ids.length ? [{ customer_id, division_ids }] : []),
      ...(site_ids.length ? [{ customer_id, site_ids }] : []),
    ];
  });
}
