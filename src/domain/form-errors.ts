// Where a fault is shown on a form (issue 13): the portal's deposit, completion and search forms name
// their inputs after the contract's fields, so that a use-case fault lands on the input it concerns.
// A fault's `champ` is a path of the contract: 'offre', 'formulaire', 'champs/champ[code=REF_PTO]'
// (use-case rules) or 'deposerSignalisation/contactSite/telephone' (a schema check, from the
// payload element). Pure: no HTML here; the web adapter turns the name into its input's id.

/** The input name of a catalogue form field (champs/champ[code=<CODE>]): `champ.<CODE>`. */
export function champInputName(code: string): string {
  return `champ.${code}`;
}

/**
 * The inputs of the deposit form, named after the contract's fields (nested ones with a dot). The
 * catalogue form's own fields are added by champInputName.
 */
export const DEPOSIT_FORM_INPUTS = [
  'offre',
  'identifiantPrestation',
  'formulaire',
  'defautDeclare',
  'impact',
  'dateDebutDefaut',
  'localisationPresumee',
  'referenceInterneOC',
  'contactSite.nom',
  'contactSite.telephone',
  'contactOC.nom',
  'contactOC.telephone',
  'contactOC.email',
  'accesSite.horaires',
  'accesSite.informations',
  'commentaire',
  'idDemandeTest',
] as const;

export interface FaultFieldOptions {
  /**
   * The form's input names: a path naming a sub-field the form does not have is shown on its
   * nearest enclosing input (`formulaire/version` → `formulaire`); nothing matches → undefined.
   */
  inputs?: ReadonlySet<string> | readonly string[];
  /**
   * The catalogue fields as sent, in order, to resolve a positional path of a schema check
   * (`champs/champ[2]/valeur` → the second field's code).
   */
  champs?: ReadonlyArray<{ code: string }>;
}

const CHAMP_BY_CODE = /^champs\/champ\[code=([^\]]+)\](?:\/.*)?$/;
const CHAMP_BY_POSITION = /^champs\/champ\[(\d+)\](?:\/.*)?$/;
const POSITION = /\[\d+\]/g;

/**
 * The input a fault concerns, from its `champ` path; undefined when the fault is about the whole
 * request (no path, or one the form has no input for): the page shows it above the form.
 */
export function inputOfFault(champ: string | undefined, options: FaultFieldOptions = {}): string | undefined {
  if (champ === undefined || champ.trim() === '') return undefined;
  const inputs = options.inputs === undefined ? undefined : new Set(options.inputs);
  let path = champ.trim().replace(/^\/+|\/+$/g, '');
  // A schema fault's path starts at the payload element (deposerSignalisation/…, completerSignalisation/…):
  // a first step that is neither a form input nor the start of one is that element.
  const first = path.split('/')[0]!;
  if (path.includes('/') && !startsAnInput(first, inputs)) path = path.slice(first.length + 1);

  const byCode = CHAMP_BY_CODE.exec(path);
  if (byCode) return known(champInputName(byCode[1]!), inputs) ?? known('champs', inputs);
  const byPosition = CHAMP_BY_POSITION.exec(path);
  if (byPosition) {
    const sent = options.champs?.[Number(byPosition[1]) - 1];
    return (sent && known(champInputName(sent.code), inputs)) ?? known('champs', inputs);
  }
  return known(path.replace(POSITION, '').split('/').join('.'), inputs);
}

function startsAnInput(step: string, inputs: ReadonlySet<string> | undefined): boolean {
  const names: Iterable<string> = inputs ?? DEPOSIT_FORM_INPUTS;
  for (const name of names) if (name === step || name.startsWith(`${step}.`)) return true;
  return step === 'champs' || step === 'periode';
}

/** The name itself when the form has it (or no list is given), else its nearest enclosing input. */
function known(name: string, inputs: ReadonlySet<string> | undefined): string | undefined {
  if (!inputs) return name;
  // A catalogue field's input (champ.<CODE>) has no enclosing input of its own: 'champ' is not one.
  for (let n = name; n !== '' && n !== 'champ'; n = n.includes('.') ? n.slice(0, n.lastIndexOf('.')) : '') {
    if (inputs.has(n)) return n;
  }
  return undefined;
}
