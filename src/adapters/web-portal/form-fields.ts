// The portal's form inputs as data for the templates (views/partials/champ.eta, champs.eta): the
// deposit's common fields (the contract's deposerSignalisation) and the fields of a catalogue form
// version, generated from its model (FormField, derived from the version's XSD): label, mandatory
// mark, input type, a select for an enumeration or a nomenclature, maxlength/minlength, min/max,
// step, and an HTML `pattern` only where the XSD pattern translates safely to a JavaScript regex.
// The browser's checks only help: the server checks everything again with the web services' rules.
import type { CodeLibelle, FormField } from '../../domain/catalogue.js';
import { champInputName } from '../../domain/form-errors.js';

/** One input of a form, as the partial `champ.eta` renders it. */
export interface FieldView {
  /** The input's name (the contract's field, nested with a dot; `champ.<CODE>` for a form field). */
  name: string;
  /** The element id (derived from the name: letters, digits, '-' and '_'). */
  id: string;
  label: string;
  required: boolean;
  control: 'input' | 'select' | 'textarea';
  /** The `type` of an input. */
  inputType?: 'text' | 'number' | 'date' | 'datetime-local' | 'time' | 'email' | 'tel';
  /** The choices of a select (an empty first choice is added when the field is optional). */
  options?: CodeLibelle[];
  /** maxlength, minlength, min, max, step, pattern, inputmode, autocomplete… */
  attributes: Record<string, string>;
  /** Help shown under the input (and tied to it by aria-describedby). */
  help?: string;
}

/** The id of an input from its name: `contactSite.telephone` → `f-contactSite-telephone`. */
export function inputId(name: string): string {
  return `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

// ---------------------------------------------------------------------------------------------
// XSD pattern → HTML pattern. XSD regular expressions are implicitly anchored, like an HTML
// `pattern` (which the browser compiles as ^(?:…)$ with the `v` flag); most of their syntax means
// the same in JavaScript, but not all: \d is any Unicode digit, `.` excludes only CR and LF, ^ and
// $ are ordinary characters, \i \c and class subtraction do not exist in JavaScript, and the `v`
// flag makes more characters special inside a class. The translation rewrites the differences it
// knows and gives up (no `pattern`, the server still checks) on anything else.

/** Characters escaped inside a class under the `v` flag (syntax characters and reserved punctuators). */
const CLASS_ESCAPED = new Set('^$\\.*+?()[]{}|/-&!#%,:;<=>@`~'.split(''));
/** XSD single-character escapes, meaning the character itself. */
const XSD_SINGLE_ESCAPES = new Set('\\|.-^?*+{}()[]'.split(''));
const CATEGORY = /^\{([A-Z][a-z]?)\}/;

function escapeInClass(char: string): string {
  if (char === '\t') return '\\t';
  if (char === '\n') return '\\n';
  if (char === '\r') return '\\r';
  return CLASS_ESCAPED.has(char) ? `\\${char}` : char;
}

/** One XSD regular expression as a JavaScript one (for the `v` flag), or undefined when unsure. */
export function xsdRegexToJs(xsd: string): string | undefined {
  let out = '';
  let i = 0;
  const chars = [...xsd];
  const at = (k: number) => chars[k] ?? '';
  /** An escape at chars[i] === '\\': its translation and the number of characters it used. */
  const escape = (inClass: boolean): { js: string; used: number } | undefined => {
    const c = at(i + 1);
    if (c === 'd') return { js: '\\p{Nd}', used: 2 };
    if (c === 'D' && !inClass) return { js: '\\P{Nd}', used: 2 };
    if (c === 'n' || c === 'r' || c === 't') return { js: `\\${c}`, used: 2 };
    if (c === 's') return { js: inClass ? ' \\t\\n\\r' : '[ \\t\\n\\r]', used: 2 };
    if (c === 'S' && !inClass) return { js: '[^ \\t\\n\\r]', used: 2 };
    if (c === 'p' || c === 'P') {
      const m = CATEGORY.exec(chars.slice(i + 2).join(''));
      if (!m) return undefined;
      return { js: `\\${c}{${m[1]}}`, used: 2 + m[0].length };
    }
    // Outside a class, '-' is not special (and may not be escaped under the `u`/`v` flags).
    if (XSD_SINGLE_ESCAPES.has(c)) return { js: inClass ? escapeInClass(c) : c === '-' ? '-' : `\\${c}`, used: 2 };
    return undefined;
  };
  while (i < chars.length) {
    const c = at(i);
    if (c === '\\') {
      const e = escape(false);
      if (!e) return undefined;
      out += e.js;
      i += e.used;
    } else if (c === '[') {
      let cls = '[';
      i++;
      if (at(i) === '^') {
        cls += '^';
        i++;
      }
      let first = true;
      while (i < chars.length && (at(i) !== ']' || first)) {
        const k = at(i);
        // Class subtraction (-[…]) has no JavaScript equivalent here.
        if (k === '-' && at(i + 1) === '[') return undefined;
        if (k === '[') return undefined;
        if (k === '\\') {
          const e = escape(true);
          if (!e) return undefined;
          cls += e.js;
          i += e.used;
        } else if (k === '-' && !first && at(i + 1) !== ']') {
          cls += '-'; // a range
          i++;
        } else {
          cls += escapeInClass(k);
          i++;
        }
        first = false;
      }
      if (at(i) !== ']') return undefined;
      out += `${cls}]`;
      i++;
    } else if (c === '.') {
      out += '[^\\n\\r]';
      i++;
    } else if (c === '^' || c === '$') {
      out += `\\${c}`;
      i++;
    } else if (c === '{') {
      const m = /^\{\d+(,\d*)?\}/.exec(chars.slice(i).join(''));
      if (!m) return undefined;
      out += m[0];
      i += m[0].length;
    } else if (c === ']' || c === '}') {
      return undefined;
    } else {
      out += c;
      i++;
    }
  }
  try {
    new RegExp(`^(?:${out})$`, 'v');
  } catch {
    return undefined;
  }
  return out;
}

/**
 * The HTML `pattern` of a field's XSD patterns (one of each group must match; the patterns of a
 * group are alternatives), or undefined when one of them does not translate safely.
 */
export function htmlPattern(motifs: readonly (readonly string[])[] | undefined): string | undefined {
  if (!motifs || motifs.length === 0) return undefined;
  const groups: string[] = [];
  for (const group of motifs) {
    const parts = group.map(xsdRegexToJs);
    if (parts.length === 0 || parts.some((p) => p === undefined)) return undefined;
    groups.push(parts.length === 1 ? parts[0]! : parts.map((p) => `(?:${p})`).join('|'));
  }
  // Every group but the last as a lookahead over the whole value, the last one matched.
  const pattern = groups.map((g, k) => (k < groups.length - 1 ? `(?=(?:${g})$)` : `(?:${g})`)).join('');
  try {
    new RegExp(`^(?:${pattern})$`, 'v');
  } catch {
    return undefined;
  }
  return groups.length === 1 ? groups[0]! : pattern;
}

// ---------------------------------------------------------------------------------------------
// A catalogue form version's fields.

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const TIME = /^\d{2}:\d{2}(:\d{2})?$/;

/** A numeric bound as min/max: an exclusive integer bound moves by one, other exclusive ones are left out. */
function numericBound(bound: FormField['min'], integer: boolean, direction: 1 | -1): string | undefined {
  if (!bound) return undefined;
  if (bound.inclus) return bound.valeur;
  if (integer && /^[+-]?\d+$/.test(bound.valeur)) return String(BigInt(bound.valeur) + BigInt(direction));
  return undefined;
}

function lexicalBound(bound: FormField['min'], shape: RegExp): string | undefined {
  return bound?.inclus && shape.test(bound.valeur) ? bound.valeur : undefined;
}

/**
 * The input of a catalogue form field. `options.required: false` (a complement, where the ticket
 * already holds the mandatory fields) leaves the mandatory mark out.
 */
export function formFieldView(field: FormField, options: { required?: boolean } = {}): FieldView {
  const attributes: Record<string, string> = {};
  const set = (name: string, value: string | number | undefined) => {
    if (value !== undefined) attributes[name] = String(value);
  };
  const base = {
    name: champInputName(field.code),
    id: inputId(champInputName(field.code)),
    label: field.libelle,
    required: options.required ?? field.obligatoire,
    ...(field.aide ? { help: field.aide } : {}),
  };
  if (field.type === 'enumeration') {
    return { ...base, control: 'select', options: field.valeurs ?? [], attributes };
  }
  if (field.type === 'boolean') {
    return { ...base, control: 'select', options: [{ code: 'true', libelle: 'Oui' }, { code: 'false', libelle: 'Non' }], attributes };
  }
  const pattern = htmlPattern(field.motifs);
  if ((field.type === 'integer' || field.type === 'decimal') && !field.motifs) {
    const integer = field.type === 'integer';
    set('min', numericBound(field.min, integer, 1));
    set('max', numericBound(field.max, integer, -1));
    set('step', integer ? '1' : field.decimalesMax !== undefined ? (10 ** -field.decimalesMax).toFixed(field.decimalesMax) : 'any');
    return { ...base, control: 'input', inputType: 'number', attributes };
  }
  if (field.type === 'date' && !field.motifs) {
    set('min', lexicalBound(field.min, DATE));
    set('max', lexicalBound(field.max, DATE));
    return { ...base, control: 'input', inputType: 'date', attributes };
  }
  if (field.type === 'dateTime' && !field.motifs) {
    set('min', lexicalBound(field.min, DATE_TIME)?.slice(0, 16));
    set('max', lexicalBound(field.max, DATE_TIME)?.slice(0, 16));
    set('step', '1');
    return { ...base, control: 'input', inputType: 'datetime-local', attributes };
  }
  if (field.type === 'time' && !field.motifs) {
    set('min', lexicalBound(field.min, TIME));
    set('max', lexicalBound(field.max, TIME));
    set('step', '1');
    return { ...base, control: 'input', inputType: 'time', attributes };
  }
  set('maxlength', field.longueurMax);
  set('minlength', field.longueurMin);
  if (field.type === 'integer' || field.type === 'decimal') set('inputmode', field.type === 'integer' ? 'numeric' : 'decimal');
  set('pattern', pattern);
  const long = (field.longueurMax ?? 0) > 255;
  return long ? { ...base, control: 'textarea', attributes } : { ...base, control: 'input', inputType: 'text', attributes };
}

/**
 * A submitted form field's value as the contract carries it: what the browser's date and time
 * inputs send (no seconds) completed to the XSD lexical form, token blanks collapsed; '' when empty.
 */
export function champValue(field: FormField, raw: string): string {
  let value = field.espaces === 'preserve' ? raw : raw.replace(/[\t\n\r ]+/g, ' ').trim();
  if (field.type === 'dateTime' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) value += ':00';
  if (field.type === 'time' && /^\d{2}:\d{2}$/.test(value)) value += ':00';
  return value;
}

// ---------------------------------------------------------------------------------------------
// The deposit's common fields (the contract's deposerSignalisation, xsd/v1/signalisation-v1.xsd
// and xsd/common/commun-v1.xsd): the same facets, for the browser; the server validates the
// payload with the contract's schema itself.

const P = {
  identifiantPrestation: htmlPattern([['[A-Za-z0-9][A-Za-z0-9\\-_.]{0,63}']]),
  referenceInterneOC: htmlPattern([['[\\p{L}\\p{N}._:/#\\-]+']]),
  telephone: htmlPattern([['\\+?[0-9][0-9 .\\-]{5,24}']]),
  email: htmlPattern([['[^@\\s]+@[^@\\s]+\\.[^@\\s]+']]),
  idDemandeTest: htmlPattern([['[A-Z0-9][A-Z0-9\\-]{0,31}']]),
};

const attrs = (entries: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(entries).filter((e): e is [string, string] => e[1] !== undefined));

const text = (name: string, label: string, required: boolean, attributes: Record<string, string | undefined>, help?: string): FieldView => ({
  name,
  id: inputId(name),
  label,
  required,
  control: 'input',
  inputType: 'text',
  attributes: attrs(attributes),
  ...(help ? { help } : {}),
});

export const IMPACTS: CodeLibelle[] = [
  { code: 'TOTAL', libelle: 'Total (service interrompu)' },
  { code: 'DEGRADE', libelle: 'Dégradé' },
  { code: 'INTERMITTENT', libelle: 'Intermittent' },
];

/** The identification of the ticket: prestation, fault, impact, operator's reference. */
export function depositFieldsBefore(nomenclatures: { defautDeclare: CodeLibelle[]; localisationPresumee: CodeLibelle[] }): FieldView[] {
  return [
    text('identifiantPrestation', 'Identifiant de la prestation', true, { maxlength: '64', pattern: P.identifiantPrestation, autocomplete: 'off' }),
    text('referenceInterneOC', 'Votre référence interne', true, { maxlength: '64', pattern: P.referenceInterneOC, autocomplete: 'off' },
      'Référence de votre propre ticket (lettres, chiffres et . _ : / # -) ; un second dépôt avec la même référence renvoie le premier accusé.'),
    { name: 'defautDeclare', id: inputId('defautDeclare'), label: 'Défaut déclaré', required: true, control: 'select', options: nomenclatures.defautDeclare, attributes: {} },
    { name: 'impact', id: inputId('impact'), label: 'Impact', required: true, control: 'select', options: IMPACTS, attributes: {} },
    { name: 'dateDebutDefaut', id: inputId('dateDebutDefaut'), label: 'Début du défaut (heure de Paris)', required: false, control: 'input', inputType: 'datetime-local', attributes: { step: '1' } },
    { name: 'localisationPresumee', id: inputId('localisationPresumee'), label: 'Localisation présumée', required: false, control: 'select', options: nomenclatures.localisationPresumee, attributes: {} },
  ];
}

export function contactFields(): FieldView[] {
  return [
    text('contactSite.nom', 'Contact sur site : nom', true, { maxlength: '100', autocomplete: 'off' }),
    { ...text('contactSite.telephone', 'Contact sur site : téléphone', true, { maxlength: '25', pattern: P.telephone }), inputType: 'tel' },
    text('contactOC.nom', 'Votre contact : nom', true, { maxlength: '100' }),
    { ...text('contactOC.telephone', 'Votre contact : téléphone', true, { maxlength: '25', pattern: P.telephone }), inputType: 'tel' },
    { ...text('contactOC.email', 'Votre contact : courriel', false, { maxlength: '254', pattern: P.email }), inputType: 'email' },
  ];
}

export function accessFields(): FieldView[] {
  const help = 'Les deux champs de l’accès au site vont ensemble : remplissez les deux ou aucun.';
  return [
    text('accesSite.horaires', 'Accès au site : horaires', false, { maxlength: '255' }, help),
    { name: 'accesSite.informations', id: inputId('accesSite.informations'), label: 'Accès au site : informations', required: false, control: 'textarea', attributes: { maxlength: '500' }, help },
  ];
}

export function commentField(required: boolean): FieldView {
  return { name: 'commentaire', id: inputId('commentaire'), label: 'Commentaire', required, control: 'textarea', attributes: { maxlength: '2000' } };
}

export function priorTestField(): FieldView {
  return text('idDemandeTest', 'Test préalable (identifiant de la demande de test)', false, { maxlength: '32', pattern: P.idDemandeTest },
    'Obligatoire pour les offres qui exigent un test préalable récent en échec.');
}
