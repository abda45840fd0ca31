// An admin's read-only view of a member's portal (`POST /admin/members/{id}/view-as`,
// docs/access-model.md): the session is kept in this tab (sessionStorage) while it lasts,
// the API client sends its id as `X-View-As` on the portal's GETs with the admin's own
// token, and the portal draws a banner and hides what would write. Leaving for the
// console ends it.

const KEY = 'portico.viewAs';

export interface ViewAs {
  id: string;
  member_id: string;
  ends_at: string;
}

/** The view-as session of this tab, while it has not ended. */
export function viewing(): ViewAs | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as ViewAs | null;
    if (v && Date.parse(v.ends_at) > Date.now()) return v;
  } catch {
    // Not ours, or unreadable: no session.
  }
  sessionStorage.removeItem(KEY);
  return null;
}

export function startViewing(v: ViewAs): void {
  sessionStorage.setItem(KEY, JSON.stringify({ id: v.id, member_id: v.member_id, ends_at: v.ends_at }));
}

export function stopViewing(): void {
  sessionStorage.removeItem(KEY);
}
