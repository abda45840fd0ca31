// Documents: the PDFs a field-service company shows its customers in the portal
// (`/admin/documents`). The list is per customer (picked from `GET /admin/customers`),
// with a form that uploads one: the file is checked here first (a PDF, within the API's
// size), then `POST /admin/files` hands out a presigned URL the bytes go to straight
// (XMLHttpRequest, for its progress events), and `POST /admin/documents` names the file.
// A document's own page (`/office/documents/<id>`) edits its title, site and whether the
// portal shows it (PATCH with `If-Match`), hides it from members one by one (each
// member's `document-restrictions`, with their version), and deletes it after asking.
//
// Documents of a customer's child customers are listed under the child (the API lists
// per customer): the members it can be hidden from are the customer's and its
// ancestors', whose scope may reach it.

import { html, nothing, type TemplateResult } from 'lit-html';
import { api, data, ifMatch, openDownload, Problem, tagged, type Schemas } from '../api';
import { problemView } from '../app';
import { currentLocale, dateTime, t as appWord, words } from '../i18n';
import { intlTag } from '../intl';
import { allCustomers, every } from './customers';
import { ancestors, customerTree, type Branch } from './customer-tree';
import { fieldErrors, focus, type ScreenCtx } from './screen';

const t = words({
  en: {
    title: 'Documents',
    intro: 'Certificates, agreements and reports your customers download from the portal. Pick a customer to see its documents, or upload one.',
    customer: 'Customer',
    show: 'Show documents',
    noCustomers: 'There are no customers yet.',
    listOf: 'Documents of {name}',
    none: 'No documents yet.',
    name: 'Title',
    site: 'Site',
    wholeCustomer: 'The whole customer (no site)',
    visible: 'In the portal',
    shown: 'Shown',
    notShown: 'Not shown',
    file: 'File',
    updated: 'Updated',
    upload: 'Upload a document',
    uploadIntro: 'A PDF of at most 25 MB. It goes straight to storage; the progress bar shows how far it is.',
    pdf: 'PDF file',
    visibleBox: 'Show it in the portal to the members who may see this customer’s (or site’s) documents',
    send: 'Upload document',
    notPdf: '{name} is not a PDF. Choose a PDF file.',
    empty: '{name} is empty.',
    tooLarge: '{name} is larger than 25 MB, the most that can be uploaded.',
    pickFile: 'Choose a PDF file.',
    needTitle: 'Give the document a title.',
    progress: 'Upload progress',
    uploading: 'Uploading {name}: {percent}%',
    uploaded: '{title} is uploaded.',
    uploadFailed: 'The upload failed',
    uploadFailedDetail: '{name} could not be uploaded ({status}). Try again.',
    back: 'Documents of this customer',
    details: 'Details',
    size: 'Size',
    download: 'Download',
    edit: 'Change the document',
    save: 'Save changes',
    saved: 'Changes saved.',
    stale: 'Someone else changed this meanwhile. Reload the page to see their change, then make yours again.',
    reload: 'Reload',
    hidden: 'Hidden from',
    hiddenIntro: 'Members ticked here do not see this document in the portal, whatever their rights. Listed: the members of this customer and of the customers above it.',
    noMembers: 'This customer has no members.',
    members: 'Members',
    saveHidden: 'Save who it is hidden from',
    hiddenSaved: 'Saved: hidden from {count} members.',
    hiddenSavedOne: 'Saved: hidden from 1 member.',
    hiddenSavedNone: 'Saved: hidden from nobody.',
    of: '{name} ({customer})',
    remove: 'Delete document',
    confirm: 'Delete {title}? Members no longer see it; this cannot be undone.',
    confirmed: 'Yes, delete',
    cancel: 'Cancel',
    removed: '{title} is deleted.',
  },
  nl: {
    title: 'Documenten',
    intro: 'Certificaten, overeenkomsten en rapporten die uw klanten in het portaal downloaden. Kies een klant om de documenten te zien, of upload er een.',
    customer: 'Klant',
    show: 'Documenten tonen',
    noCustomers: 'Er zijn nog geen klanten.',
    listOf: 'Documenten van {name}',
    none: 'Nog geen documenten.',
    name: 'Titel',
    site: 'Locatie',
    wholeCustomer: 'De hele klant (geen locatie)',
    visible: 'In het portaal',
    shown: 'Zichtbaar',
    notShown: 'Niet zichtbaar',
    file: 'Bestand',
    updated: 'Bijgewerkt',
    upload: 'Een document uploaden',
    uploadIntro: 'Een pdf van hoogstens 25 MB. Het gaat rechtstreeks naar de opslag; de voortgangsbalk toont hoe ver het is.',
    pdf: 'Pdf-bestand',
    visibleBox: 'Toon het in het portaal aan de leden die de documenten van deze klant (of locatie) mogen zien',
    send: 'Document uploaden',
    notPdf: '{name} is geen pdf. Kies een pdf-bestand.',
    empty: '{name} is leeg.',
    tooLarge: '{name} is groter dan 25 MB, het meeste dat kan worden geüpload.',
    pickFile: 'Kies een pdf-bestand.',
    needTitle: 'Geef het document een titel.',
    progress: 'Voortgang van de upload',
    uploading: '{name} uploaden: {percent}%',
    uploaded: '{title} is geüpload.',
    uploadFailed: 'Het uploaden is mislukt',
    uploadFailedDetail: '{name} kon niet worden geüpload ({status}). Probeer het opnieuw.',
    back: 'Documenten van deze klant',
    details: 'Gegevens',
    size: 'Grootte',
    download: 'Downloaden',
    edit: 'Het document wijzigen',
    save: 'Wijzigingen opslaan',
    saved: 'Wijzigingen opgeslagen.',
    stale: 'Iemand anders heeft dit intussen gewijzigd. Laad de pagina opnieuw om die wijziging te zien en breng de uwe daarna opnieuw aan.',
    reload: 'Opnieuw laden',
    hidden: 'Verborgen voor',
    hiddenIntro: 'Aangevinkte leden zien dit document niet in het portaal, wat hun rechten ook zijn. Vermeld: de leden van deze klant en van de klanten erboven.',
    noMembers: 'Deze klant heeft geen leden.',
    members: 'Leden',
    saveHidden: 'Opslaan voor wie het verborgen is',
    hiddenSaved: 'Opgeslagen: verborgen voor {count} leden.',
    hiddenSavedOne: 'Opgeslagen: verborgen voor 1 lid.',
    hiddenSavedNone: 'Opgeslagen: voor niemand verborgen.',
    of: '{name} ({customer})',
    remove: 'Document verwijderen',
    confirm: '{title} verwijderen? Leden zien het dan niet meer; dit kan niet ongedaan worden gemaakt.',
    confirmed: 'Ja, verwijderen',
    cancel: 'Annuleren',
    removed: '{title} is verwijderd.',
  },
});

type Document = Schemas['DocumentView'];
type Customer = Schemas['CustomerView'];
type Member = Schemas['MemberView'];
type Site = Schemas['SiteView'];

/** The API's limit on a file (docs/files.md): 1 byte to 25 MiB. */
export const MAX_BYTES = 26_214_400;

/** The menu's word for this screen. */
export const documentsLabel = (): string => t('title');

/** A notice carried to the list after leaving a deleted document's page. */
let carried: string | null = null;

export async function documentsScreen(ctx: ScreenCtx): Promise<void> {
  const id = /^\/office\/documents\/([^/]+)$/.exec(location.pathname.replace(/\/+$/, ''))?.[1];
  await (id ? documentPage(ctx, decodeURIComponent(id)) : listPage(ctx));
}

const sitesOf = (customerId: string) =>
  every((query) => data(api.GET('/admin/customers/{customer_id}/sites', { params: { path: { customer_id: customerId }, query } })));

/** A size as people read it (`48 kB`, `2.4 MB`), in the reader's language: in units of
 * 1024, as the API's limit (25 MiB) and most file managers count. */
function sizeText(bytes: number): string {
  const [value, unit] = bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), 'megabyte'] : [Math.max(bytes / 1024, 0.1), 'kilobyte'];
  return new Intl.NumberFormat(intlTag(currentLocale()), { style: 'unit', unit, maximumFractionDigits: 1 }).format(value);
}

/** Why `file` cannot be sent as a document, checked before anything is: not a PDF (by
 * its type, its name and its first bytes), empty, or over the API's size. */
async function refusal(file: File): Promise<string | null> {
  const named = file.type === 'application/pdf' || /\.pdf$/i.test(file.name);
  const magic = await file.slice(0, 5).text().catch(() => '');
  if (!named || (file.size > 0 && magic !== '%PDF-')) return t('notPdf', { name: file.name });
  if (file.size === 0) return t('empty', { name: file.name });
  if (file.size > MAX_BYTES) return t('tooLarge', { name: file.name });
  return null;
}

/** The file's name as the API takes one (at most 200 characters, no `/ \ "`). */
function fileName(file: File): string {
  const clean = file.name.replace(/["/\\]/g, "'").trim() || 'document.pdf';
  return clean.length > 200 ? `${clean.slice(0, 196)}.pdf` : clean;
}

/** PUTs the file to the presigned URL with exactly the headers it was signed with (the
 * browser sets `content-length` itself), telling `progress` the share sent so far. */
function put(target: Schemas['UploadView'], file: File, progress: (share: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(target.method, target.upload_url);
    for (const [name, value] of Object.entries(target.headers)) if (name.toLowerCase() !== 'content-length') xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', (e) => e.lengthComputable && progress(e.loaded / e.total));
    const failed = (status: number) =>
      new Problem(status, t('uploadFailed'), t('uploadFailedDetail', { name: file.name, status: status ? String(status) : '—' }));
    xhr.addEventListener('load', () => (xhr.status >= 200 && xhr.status < 300 ? (progress(1), resolve()) : reject(failed(xhr.status))));
    xhr.addEventListener('error', () => reject(failed(0)));
    xhr.addEventListener('abort', () => reject(failed(0)));
    xhr.send(file);
  });
}

const placeName = (sites: Site[], id: string) => sites.find((s) => s.id === id)?.name ?? id;

/** A labelled checkbox. */
const box = (id: string, name: string, label: string | TemplateResult, on: boolean, value = 'on') =>
  html`<div class="switch"><input type="checkbox" id=${id} name=${name} value=${value} .checked=${on} /><label for=${id}>${label}</label></div>`;

/** The site picker: the whole customer, or one of its sites. */
function sitePicker(id: string, sites: Site[], chosen: string | null | undefined, message?: string): TemplateResult {
  return html`<label for=${id}>${t('site')}</label>
    <select id=${id} name="site_id" aria-invalid=${message ? 'true' : 'false'} aria-describedby=${message ? `${id}-error` : nothing}>
      <option value="" ?selected=${!chosen}>${t('wholeCustomer')}</option>
      ${sites.map((s) => html`<option value=${s.id} ?selected=${s.id === chosen}>${s.name}</option>`)}
    </select>
    ${message ? html`<p class="problem" id="${id}-error">${message}</p>` : nothing}`;
}

/** A labelled text input with its message beneath. */
function titleField(id: string, value: string, message?: string): TemplateResult {
  return html`<label for=${id}>${t('name')}</label>
    <input id=${id} name="title" .value=${value} required maxlength="200" autocomplete="off" aria-invalid=${message ? 'true' : 'false'}
      aria-describedby=${message ? `${id}-error` : nothing} />
    ${message ? html`<p class="problem" id="${id}-error">${message}</p>` : nothing}`;
}

/** The problem above a form (`id`), unless it names one of the form's fields: then it
 * is shown beside that field instead. */
function unplaced(error: unknown, fields: string[], id: string): TemplateResult | typeof nothing {
  const named = fieldErrors(error);
  const beside = fields.some((f) => named.has(f));
  return error && !beside ? html`<div id=${id} tabindex="-1">${problemView(error)}</div>` : nothing;
}

/** The customers in the tree's order, each with its depth (a picker indents children). */
function inTreeOrder(branches: Branch<Customer>[], depth = 0): [Customer, number][] {
  return branches.flatMap((b) => [[b.customer, depth] as [Customer, number], ...inTreeOrder(b.children, depth + 1)]);
}

const stale = (e: unknown) => (e instanceof Problem && e.status === 412 ? new Problem(412, e.title, t('stale')) : e);

// --- the list of a customer's documents, and uploading one -----------------------------

const UPLOAD_FIELDS = ['file', 'title', 'site_id', 'file_name', 'content_type', 'size', 'file_id'];

async function listPage(ctx: ScreenCtx): Promise<void> {
  // A child customer's documents are its own: the picker shows where each one sits.
  const ordered = inTreeOrder(customerTree(await allCustomers()));
  if (ordered.length === 0) {
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1><p>${t('noCustomers')}</p>`);
    return ctx.titled(t('title'));
  }
  const asked = new URLSearchParams(location.search).get('customer');
  const [customer] = ordered.find(([c]) => c.id === asked) ?? ordered[0];
  let documents: Document[] | null = null;
  let sites: Site[] = [];
  let listError: unknown = null;
  let notice = carried;
  carried = null;
  let error: unknown = null;
  let busy = false;
  /** The share of the file sent, while (and after) one is uploading. */
  let sent: { name: string; share: number } | null = null;
  // One Idempotency-Key per filled-in form for each of the two POSTs; a file already
  // uploaded for this form is not sent again when only its title or site changes.
  let keys = { file: crypto.randomUUID(), document: crypto.randomUUID() };
  let uploaded: { file: File; id: string } | null = null;
  /** The title the file's name gave (replaced when another file is chosen). */
  let autoTitle = '';

  const reload = async () => {
    try {
      [documents, sites] = await Promise.all([
        every((query) => data(api.GET('/admin/documents', { params: { query: { customer_id: customer.id, ...query } } }))),
        sitesOf(customer.id),
      ]);
      listError = null;
    } catch (e) {
      listError = e;
    }
  };

  /** A local refusal, shown where the API's would be. */
  const refuse = (field: string, message: string) =>
    new Problem(400, t('uploadFailed'), '', [{ field, message } as Schemas['FieldError']]);

  const submit = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const form = ev.target as HTMLFormElement;
    const values = new FormData(form);
    const file = (form.elements.namedItem('file') as HTMLInputElement).files?.[0];
    const title = String(values.get('title') ?? '').trim();
    notice = null;
    error = null;
    sent = null;
    const why = file ? await refusal(file) : t('pickFile');
    if (why || !file) error = refuse('file', why ?? t('pickFile'));
    else if (!title) error = refuse('title', t('needTitle'));
    if (error) {
      draw();
      focusProblem();
      return;
    }
    busy = true;
    sent = { name: file!.name, share: 0 };
    draw();
    try {
      const before = uploaded;
      let fileId = before && before.file === file ? before.id : null;
      if (!fileId) {
        const body: Schemas['NewUpload'] = { file_name: fileName(file!), content_type: 'application/pdf', size: file!.size };
        const target = await data(api.POST('/admin/files', { body, params: { header: { 'Idempotency-Key': keys.file } } }));
        await put(target, file!, (share) => {
          sent = { name: file!.name, share };
          draw();
        });
        uploaded = { file: file!, id: target.file_id };
        fileId = target.file_id;
      }
      const body: Schemas['NewDocument'] = {
        customer_id: customer.id,
        site_id: String(values.get('site_id') ?? '') || null,
        file_id: fileId,
        title,
        visible_in_portal: values.get('visible_in_portal') === 'on',
      };
      const made = await data(api.POST('/admin/documents', { body, params: { header: { 'Idempotency-Key': keys.document } } }));
      notice = t('uploaded', { title: made.title });
      keys = { file: crypto.randomUUID(), document: crypto.randomUUID() };
      uploaded = null;
      autoTitle = '';
      form.reset();
      await reload();
    } catch (e) {
      error = e;
      // Answered and refused: nothing was made, and the next try is another request.
      if (e instanceof Problem && e.status >= 400 && e.status < 500) keys.document = crypto.randomUUID();
    }
    busy = false;
    draw();
    if (!error) focus('#documents-notice');
    else focusProblem();
  };

  /** Focus to the field the problem names (the file's own ones are the file input's). */
  const focusProblem = () => {
    const first = UPLOAD_FIELDS.find((f) => fieldErrors(error).has(f));
    focus(!first ? '#upload-problem' : first === 'title' || first === 'site_id' ? `#upload-${first}` : '#upload-file');
  };

  const row = (d: Document) => html`<tr>
    <td><a href="/office/documents/${d.id}" data-link>${d.title}</a></td>
    <td>${d.site_id ? placeName(sites, d.site_id) : '—'}</td>
    <td>${d.visible_in_portal ? t('shown') : t('notShown')}</td>
    <td>${d.file_name}</td>
    <td>${dateTime(d.updated_at)}</td>
  </tr>`;

  const fileError = () => {
    const errors = fieldErrors(error);
    return errors.get('file') ?? errors.get('file_name') ?? errors.get('size') ?? errors.get('content_type') ?? errors.get('file_id');
  };

  const draw = () => {
    const fileMessage = fileError();
    const errors = fieldErrors(error);
    ctx.show(html`<h1 tabindex="-1">${t('title')}</h1>
      <p>${t('intro')}</p>
      <form class="filters" @submit=${(ev: SubmitEvent) => {
        ev.preventDefault();
        const picked = (ev.target as HTMLFormElement).elements.namedItem('customer') as HTMLSelectElement;
        ctx.go(`/office/documents?customer=${encodeURIComponent(picked.value)}`);
      }}>
        <div class="field">
          <label for="documents-customer">${t('customer')}</label>
          <select id="documents-customer" name="customer">
            ${ordered.map(([c, depth]) => html`<option value=${c.id} ?selected=${c.id === customer.id}>${'\u2003'.repeat(depth)}${c.name}</option>`)}
          </select>
        </div>
        <button type="submit">${t('show')}</button>
      </form>
      ${notice ? html`<p class="info" role="status" id="documents-notice" tabindex="-1">${notice}</p>` : nothing}
      <section aria-labelledby="documents-title">
        <h2 id="documents-title">${t('listOf', { name: customer.name })}</h2>
        ${listError ? problemView(listError) : nothing}
        ${documents === null
          ? html`<p role="status">${appWord('app.loading')}</p>`
          : documents.length === 0
            ? html`<p>${t('none')}</p>`
            : html`<div class="scroll" tabindex="0" role="region" aria-labelledby="documents-title">
                <table id="documents-table">
                  <thead><tr><th scope="col">${t('name')}</th><th scope="col">${t('site')}</th><th scope="col">${t('visible')}</th>
                    <th scope="col">${t('file')}</th><th scope="col">${t('updated')}</th></tr></thead>
                  <tbody>${documents.map(row)}</tbody>
                </table>
              </div>`}
      </section>
      <section aria-labelledby="upload-heading">
        <h2 id="upload-heading">${t('upload')}</h2>
        <p class="hint" id="upload-hint">${t('uploadIntro')}</p>
        ${unplaced(error, UPLOAD_FIELDS, 'upload-problem')}
        <form class="stack" @submit=${(ev: SubmitEvent) => void submit(ev)}>
          <label for="upload-file">${t('pdf')}</label>
          <input id="upload-file" name="file" type="file" accept="application/pdf,.pdf"
            aria-invalid=${fileMessage ? 'true' : 'false'} aria-describedby=${fileMessage ? 'upload-hint upload-file-error' : 'upload-hint'}
            @change=${(ev: Event) => {
              // Another file is another upload; its name is a first title.
              const input = ev.target as HTMLInputElement;
              const title = input.form?.elements.namedItem('title') as HTMLInputElement | null;
              const picked = input.files?.[0];
              if (picked && title && (!title.value.trim() || title.value === autoTitle)) {
                autoTitle = picked.name.replace(/\.pdf$/i, '');
                title.value = autoTitle;
              }
              keys.file = crypto.randomUUID();
            }} />
          ${fileMessage ? html`<p class="problem" id="upload-file-error">${fileMessage}</p>` : nothing}
          ${titleField('upload-title', '', errors.get('title'))}
          ${sitePicker('upload-site_id', sites, null, errors.get('site_id'))}
          ${box('upload-visible', 'visible_in_portal', t('visibleBox'), true)}
          ${sent
            ? html`<label for="upload-progress">${t('progress')}</label>
                <progress id="upload-progress" max="100" value=${Math.round(sent.share * 100)}></progress>
                <p class="hint" id="upload-progress-text">${t('uploading', { name: sent.name, percent: String(Math.round(sent.share * 100)) })}</p>`
            : nothing}
          <button type="submit" class="primary" ?disabled=${busy}>${t('send')}</button>
        </form>
      </section>`);
  };

  draw();
  ctx.titled(t('title'));
  await reload();
  draw();
}

// --- one document's page ---------------------------------------------------------------

async function documentPage(ctx: ScreenCtx, id: string): Promise<void> {
  const path = { params: { path: { document_id: id } } };
  let { body: doc, etag } = await tagged(api.GET('/admin/documents/{document_id}', path));
  const customers = await allCustomers();
  const owner = customers.find((c) => c.id === doc.customer_id);
  // Members whose scope may reach the document: its customer's, and its ancestors'.
  const reaching: Customer[] = [...ancestors(customers, doc.customer_id), ...(owner ? [owner] : [])];
  const customerName = (cid: string) => customers.find((c) => c.id === cid)?.name ?? cid;
  let sites: Site[] = [];
  let members: Member[] = [];
  const readMembers = async () => {
    const lists = await Promise.all(
      reaching.map((c) => every((query) => data(api.GET('/admin/members', { params: { query: { customer_id: c.id, ...query } } })))),
    );
    members = lists.flat().sort((a, b) => `${a.last_name} ${a.first_name}`.localeCompare(`${b.last_name} ${b.first_name}`));
  };
  [sites] = await Promise.all([sitesOf(doc.customer_id), readMembers()]);

  let notice: string | null = null;
  let error: unknown = null;
  let editError: unknown = null;
  let hiddenError: unknown = null;
  let busy = false;
  let confirming = false;

  /** Runs a change: its notice, or the API's problem where it belongs (focus to it). */
  const act = async (where: 'error' | 'edit' | 'hidden', change: () => Promise<string>) => {
    busy = true;
    notice = null;
    error = editError = hiddenError = null;
    draw();
    let failed: unknown = null;
    try {
      notice = await change();
    } catch (e) {
      failed = stale(e);
      if (where === 'edit') editError = failed;
      else if (where === 'hidden') hiddenError = failed;
      else error = failed;
    }
    // What was saved (or what someone else changed) is shown as it now is.
    await Promise.all([tagged(api.GET('/admin/documents/{document_id}', path)).then((r) => ({ body: doc, etag } = r)), readMembers()]).catch(
      (e: unknown) => (error ??= e),
    );
    busy = false;
    draw();
    if (!failed) focus('#document-notice');
    else if (where === 'edit') focus(fieldErrors(failed).has('title') ? '#edit-title' : fieldErrors(failed).has('site_id') ? '#edit-site_id' : '#edit-problem');
    else focus(where === 'hidden' ? '#hidden-problem' : '#document-problem');
  };

  const save = (ev: SubmitEvent) => {
    ev.preventDefault();
    const values = new FormData(ev.target as HTMLFormElement);
    const body: Schemas['DocumentPatch'] = {
      title: String(values.get('title') ?? '').trim(),
      site_id: String(values.get('site_id') ?? '') || null,
      visible_in_portal: values.get('visible_in_portal') === 'on',
    };
    void act('edit', async () => {
      await data(api.PATCH('/admin/documents/{document_id}', { ...path, body, headers: ifMatch(etag) }));
      return t('saved');
    });
  };

  const saveHidden = (ev: SubmitEvent) => {
    ev.preventDefault();
    const ticked = new Set(new FormData(ev.target as HTMLFormElement).getAll('hidden').map(String));
    // Only the members whose box changed, each with their whole hidden set and version.
    const changed = members.filter((m) => m.hidden_document_ids.includes(doc.id) !== ticked.has(m.id));
    void act('hidden', async () => {
      for (const m of changed) {
        const hidden = ticked.has(m.id) ? [...m.hidden_document_ids, doc.id] : m.hidden_document_ids.filter((d) => d !== doc.id);
        await data(
          api.PUT('/admin/members/{member_id}/document-restrictions', {
            params: { path: { member_id: m.id } },
            body: { hidden_document_ids: hidden },
            headers: ifMatch(`"${m.version}"`),
          }),
        );
      }
      const count = ticked.size;
      return count === 0 ? t('hiddenSavedNone') : count === 1 ? t('hiddenSavedOne') : t('hiddenSaved', { count: String(count) });
    });
  };

  const remove = async () => {
    busy = true;
    error = null;
    draw();
    try {
      await api.DELETE('/admin/documents/{document_id}', { ...path, headers: ifMatch(etag) });
      carried = t('removed', { title: doc.title });
      ctx.go(`/office/documents?customer=${encodeURIComponent(doc.customer_id)}`);
      return;
    } catch (e) {
      error = stale(e);
    }
    busy = false;
    confirming = false;
    draw();
    focus('#document-problem');
  };

  const download = () => openDownload(`/admin/files/${doc.file_id}`).catch((e: unknown) => ((error = e), draw(), focus('#document-problem')));

  const facts = () => html`<dl class="facts">
    <dt>${t('customer')}</dt>
    <dd>${customerName(doc.customer_id)}</dd>
    <dt>${t('site')}</dt>
    <dd>${doc.site_id ? placeName(sites, doc.site_id) : t('wholeCustomer')}</dd>
    <dt>${t('visible')}</dt>
    <dd id="document-visible">${doc.visible_in_portal ? t('shown') : t('notShown')}</dd>
    <dt>${t('file')}</dt>
    <dd>${doc.file_name}</dd>
    <dt>${t('size')}</dt>
    <dd>${sizeText(doc.size)}</dd>
    <dt>${t('updated')}</dt>
    <dd>${dateTime(doc.updated_at)}</dd>
  </dl>`;

  const actions = () =>
    confirming
      ? html`<div class="info">
          <p id="confirm-text">${t('confirm', { title: doc.title })}</p>
          <div class="actions">
            <button type="button" class="primary" id="confirm-remove" aria-describedby="confirm-text" ?disabled=${busy} @click=${() => void remove()}
              >${t('confirmed')}</button>
            <button type="button" ?disabled=${busy} @click=${() => {
              confirming = false;
              draw();
              focus('#document-remove');
            }}>${t('cancel')}</button>
          </div>
        </div>`
      : html`<div class="actions">
          <button type="button" ?disabled=${busy} @click=${() => void download()}>${t('download')}<span class="visually-hidden"> ${doc.file_name}</span></button>
          <button type="button" id="document-remove" ?disabled=${busy} @click=${() => {
            confirming = true;
            notice = null;
            draw();
            focus('#confirm-remove');
          }}>${t('remove')}</button>
        </div>`;

  const editForm = () => {
    const errors = fieldErrors(editError);
    return html`<section aria-labelledby="edit-title">
      <h2 id="edit-title">${t('edit')}</h2>
      ${unplaced(editError, ['title', 'site_id', 'visible_in_portal'], 'edit-problem')}
      <form class="stack" @submit=${save}>
        ${titleField('edit-title', doc.title, errors.get('title'))}
        ${sitePicker('edit-site_id', sites, doc.site_id, errors.get('site_id'))}
        ${box('edit-visible', 'visible_in_portal', t('visibleBox'), doc.visible_in_portal)}
        <button type="submit" class="primary" ?disabled=${busy}>${t('save')}</button>
      </form>
    </section>`;
  };

  const hiddenForm = () => html`<section aria-labelledby="hidden-title">
    <h2 id="hidden-title">${t('hidden')}</h2>
    <p class="hint" id="hidden-hint">${t('hiddenIntro')}</p>
    ${hiddenError ? html`<div id="hidden-problem" tabindex="-1">${problemView(hiddenError)}</div>` : nothing}
    ${members.length
      ? html`<form class="stack" @submit=${saveHidden}>
          <fieldset aria-describedby="hidden-hint">
            <legend>${t('members')}</legend>
            ${members.map((m) =>
              box(
                `hidden-${m.id}`,
                'hidden',
                reaching.length > 1
                  ? t('of', { name: `${m.first_name} ${m.last_name}`, customer: customerName(m.customer_id) })
                  : `${m.first_name} ${m.last_name}`,
                m.hidden_document_ids.includes(doc.id),
                m.id,
              ),
            )}
          </fieldset>
          <button type="submit" ?disabled=${busy}>${t('saveHidden')}</button>
        </form>`
      : html`<p>${t('noMembers')}</p>`}
  </section>`;

  const draw = () =>
    ctx.show(html`<p><a href="/office/documents?customer=${encodeURIComponent(doc.customer_id)}" data-link>← ${t('back')}</a></p>
      <h1 tabindex="-1">${doc.title}</h1>
      ${notice ? html`<p class="info" role="status" id="document-notice" tabindex="-1">${notice}</p>` : nothing}
      ${error ? html`<div id="document-problem" tabindex="-1">${problemView(error)}</div>` : nothing}
      ${[error, editError, hiddenError].some((e) => e instanceof Problem && e.status === 412)
        ? html`<p><button type="button" @click=${() => void ctx.reload()}>${t('reload')}</button></p>`
        : nothing}
      <section aria-labelledby="details-title">
        <h2 id="details-title">${t('details')}</h2>
        ${facts()} ${actions()}
      </section>
      ${editForm()} ${hiddenForm()}`);

  draw();
  ctx.titled(doc.title);
}
