// The customer tree as the console draws it, from the flat list the API gives
// (`GET /admin/customers`, each with its `parent_id`): pure, so that it is tested without
// a browser (`tests/office-customers.spec.ts`).

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
