// The support commands of operators, certificates, recognised CAs, profiles and the audit log
// (`npm run admin -- operateur|certificat|ac|profil|audit …`, issue 6, decision 0009). Clients
// of the admin API routes of src/adapters/admin-api/operators-routes.ts. Files (order form, CSR, PEM) are
// read here and sent in the request; what the API issues is written here (a PKCS#12 with mode
// 0600, never over an existing file). Every change names the support staff member: --agent, or
// ESAV_AGENT.
import fs from 'node:fs';
import type { Op, Print } from './operation.js';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import YAML from 'yaml';
import { ACCES_DEMANDES, PROMOTION_DOMAINS } from '../domain/operators.js';
import type { AuditJson, AuthorityJson, CertificateJson, IssuedJson, OperatorJson, RenewalJson } from '../adapters/admin-api/operators-routes.js';
import { date, table } from './format.js';
import { agentOf, agentOption } from './agent.js';


const text = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? '—' : v);
const day = (v: string | null | undefined) => (v ? date(v).slice(0, 10) : '—');

/** A usage error (exit 2) raised from inside an action: the message goes to stderr. */
function usage(message: string): never {
  process.stderr.write(`${message}\n`);
  throw new CommanderError(2, 'esav.usage', message);
}

function readFile(option: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    return usage(`${option} ${file} : fichier illisible (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** Writes a new file (never over an existing one). */
function writeNewFile(option: string, file: string, contents: string | Buffer, mode: number): void {
  try {
    fs.writeFileSync(file, contents, { mode, flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    usage(code === 'EEXIST' ? `${option} ${file} : le fichier existe déjà (choisissez un autre nom)` : `${option} ${file} : écriture impossible (${code ?? String(error)})`);
  }
}

function assertWritable(option: string, file: string | undefined): void {
  if (file !== undefined && fs.existsSync(file)) usage(`${option} ${file} : le fichier existe déjà (choisissez un autre nom)`);
}

function parseInteger(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`un entier de ${min} à ${max} est attendu`);
    return n;
  };
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function collectDomains(value: string, previous: string[] | undefined): string[] {
  const domains = [...(previous ?? [])];
  for (const part of value.split(',').map((v) => v.trim()).filter(Boolean)) {
    if (!(PROMOTION_DOMAINS as readonly string[]).includes(part)) throw new InvalidArgumentError(`domaine inconnu ${part} (parmi : ${PROMOTION_DOMAINS.join(', ')})`);
    if (!domains.includes(part)) domains.push(part);
  }
  return domains;
}

const DATE = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d)?(Z|[+-]\d\d:\d\d))?$/;
function parseAskedDate(value: string): string {
  if (!DATE.test(value)) throw new InvalidArgumentError('date attendue, ex. 2026-11-27 ou 2026-11-27T10:00:00+01:00');
  return value;
}

// ---------------------------------------------------------------- human output

export function formatOperator(o: OperatorJson & { certificats?: CertificateJson[]; domainesValides?: string[] }): string {
  const f = o.bonDeCommande;
  const rows: Array<[string, string]> = [
    ['raison sociale', o.raisonSociale],
    ['SIRET', o.siret],
    ['plateforme', `${o.plateforme}${o.promuLe ? ` (promu le ${date(o.promuLe)} par ${text(o.promuPar)} : ${o.domainesProduction.join(', ')})` : ''}`],
    ['état', operatorStateText(o)],
  ];
  if (f) {
    rows.push(
      ['contrat', f.referenceContrat],
      ['n° d’affaire', f.numeroAffaire],
      ['représentant', f.representant],
      ['téléphone', f.telephone],
      ['e-mail', f.email],
      ['adresse', f.adresse.join(' / ')],
      ['contact e-SAV', f.contactEsav ? `${f.contactEsav.nom} (${f.contactEsav.fonction}) ${f.contactEsav.telephone} ${f.contactEsav.email}` : '—'],
      ['accès demandé', f.acces],
      ['commentaires', text(f.commentaires)],
    );
  }
  rows.push(['créé le', `${date(o.creeLe)}${o.creePar ? ` par ${o.creePar}` : ''}`], ['certificats actifs', String(o.certificatsActifs)]);
  if (o.domainesValides) rows.push(['recette réussie', o.domainesValides.join(', ') || 'aucune']);
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = [`Opérateur ${o.code}`, ...rows.map(([label, value]) => `  ${label.padEnd(width)} : ${value}`)];
  if (o.certificats) lines.push('', o.certificats.length === 0 ? 'aucun certificat' : formatCertificates(o.certificats));
  return lines.join('\n');
}

/** ACTIF, SUSPENDU (since, by, why) or RESILIE, with the termination recorded (issue 14). */
export function operatorStateText(o: OperatorJson): string {
  const parts: string[] = [o.etat];
  if (o.suspension) parts.push(`suspendu le ${date(o.suspension.le)} par ${text(o.suspension.par)} : ${text(o.suspension.motif)}`);
  if (o.resiliation) {
    const r = o.resiliation;
    parts.push(`${o.etat === 'RESILIE' ? 'résilié' : 'résiliation'} le ${r.date} (notifiée le ${text(r.notifieeLe)}, enregistrée par ${text(r.enregistreePar)}${r.motif ? ` : ${r.motif}` : ''})`);
  }
  return parts.join(' — ');
}

export function formatOperators(list: OperatorJson[]): string {
  if (list.length === 0) return 'aucun opérateur';
  return table(
    ['CODE', 'PLATEFORME', 'ÉTAT', 'CERTIFICATS', 'SIRET', 'RAISON SOCIALE'],
    list.map((o) => [o.code, o.plateforme, o.etat, String(o.certificatsActifs), o.siret, o.raisonSociale]),
  );
}

export function formatCertificates(list: CertificateJson[]): string {
  if (list.length === 0) return 'aucun certificat';
  return table(
    ['EMPREINTE', 'OPÉRATEUR', 'PROFIL', 'ÉTAT', 'ORIGINE', 'FIN DE VALIDITÉ', 'SUJET'],
    list.map((c) => [c.empreinte.slice(0, 16), c.operateur, c.profil, c.etat, c.origine, day(c.finValidite), c.sujet]),
  );
}

export function formatCertificate(c: CertificateJson): string {
  const rows: Array<[string, string]> = [
    ['opérateur', c.operateur],
    ['profil', c.profil],
    ['état', `${c.etat}${c.revoqueLe ? ` le ${date(c.revoqueLe)} par ${text(c.revoquePar)} : ${text(c.motifRevocation)}` : ''}`],
    ['sujet', c.sujet],
    ['émetteur', c.emetteur],
    ['origine', `${c.origine}${c.livraison ? ` (${c.livraison})` : ''}`],
    ['clé', text(c.cle)],
    ['validité', `du ${date(c.debutValidite)} au ${date(c.finValidite)}`],
    ['n° de série', c.numeroSerie],
    ['enregistré', `le ${date(c.enregistreLe)}${c.enregistrePar ? ` par ${c.enregistrePar}` : ''}`],
  ];
  if (c.predecesseur) rows.push(['renouvelle', c.predecesseur]);
  if (c.successeur) rows.push(['renouvelé par', c.successeur]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return [`Certificat ${c.empreinte}`, ...rows.map(([label, value]) => `  ${label.padEnd(width)} : ${value}`)].join('\n');
}

function warningLines(warnings: string[]): string[] {
  return warnings.map((w) => `AVERTISSEMENT : ${w}`);
}

export function formatIssued(result: IssuedJson, written: string[]): string {
  const c = result.certificat;
  return [
    `certificat émis pour ${c.operateur} (profil ${c.profil}), valide du ${date(c.debutValidite)} au ${date(c.finValidite)}`,
    `  empreinte SHA-256 : ${c.empreinte}`,
    `  sujet             : ${c.sujet}`,
    ...(c.predecesseur ? [`  renouvelle        : ${c.predecesseur} (les deux restent valides jusqu’à l’expiration de l’ancien)`] : []),
    ...written.map((w) => `  ${w}`),
    ...(result.motDePasseGenere ? [`  mot de passe du PKCS#12 (à transmettre par un autre canal, non conservé) : ${result.motDePasseGenere}`] : []),
    ...warningLines(result.avertissements),
  ].join('\n');
}

export function formatRenewals(list: RenewalJson[]): string {
  if (list.length === 0) return 'aucun certificat à renouveler';
  return table(
    ['ÉCHÉANCE', 'EXPIRATION', 'ÉCHU', 'EMPREINTE', 'OPÉRATEUR', 'PROFIL', 'ORIGINE'],
    list.map((r) => [r.dateEcheance, r.dateExpiration, r.echu ? 'oui' : 'non', r.certificat.empreinte.slice(0, 16), r.certificat.operateur, r.certificat.profil, r.certificat.origine]),
  );
}

export function formatAuthorities(list: AuthorityJson[]): string {
  if (list.length === 0) return 'aucune AC reconnue';
  return table(
    ['EMPREINTE', 'SOURCE', 'FOURNISSEUR', 'FIN DE VALIDITÉ', 'SUJET'],
    list.map((a) => [a.empreinte.slice(0, 16), a.source, a.fournisseur ? 'oui' : 'non', day(a.finValidite), a.sujet]),
  );
}

export function formatAudit(list: AuditJson[]): string {
  if (list.length === 0) return 'aucun événement';
  return table(
    ['DATE', 'AGENT', 'ACTION', 'OPÉRATEUR', 'CERTIFICAT', 'DÉTAILS'],
    list.map((e) => [date(e.date), e.agent, e.action, text(e.operateur), e.certificat ? e.certificat.slice(0, 16) : '—', JSON.stringify(e.details)]),
  );
}

// ---------------------------------------------------------------- commands

const ORDER_FORM_OPTIONS: Array<[flag: string, field: string, description: string]> = [
  ['--code <code>', 'codeOperateur', 'code opérateur, 4 caractères A-Z 0-9 (unique)'],
  ['--contrat <référence>', 'referenceContrat', 'référence du contrat : <REF CG>-ESAV'],
  ['--affaire <numéro>', 'numeroAffaire', 'numéro d’affaire'],
  ['--raison-sociale <texte>', 'raisonSociale', 'raison sociale'],
  ['--siret <siret>', 'siret', 'SIRET, 14 chiffres (clé de Luhn vérifiée)'],
  ['--representant <nom>', 'representant', 'représentant de l’opérateur'],
  ['--telephone <numéro>', 'telephone', 'téléphone'],
  ['--email <adresse>', 'email', 'e-mail'],
  ['--commentaires <texte>', 'commentaires', 'commentaires'],
];

export function addOperatorCommands(program: Command, op: Op, print: Print, env: NodeJS.ProcessEnv = process.env): void {

  // ------------------------------------------------------------ operateur
  const operateur = program.command('operateur').description('opérateurs : créer depuis le bon de commande, consulter, promouvoir en production');

  const creer = operateur
    .command('creer')
    .description('crée un opérateur depuis le bon de commande e-SAV (fichier YAML/JSON et/ou options ; les options l’emportent)')
    .option('--fichier <bon.yaml>', 'bon de commande en YAML ou JSON (mêmes noms de champs que l’API : codeOperateur, referenceContrat, …)');
  for (const [flag, , description] of ORDER_FORM_OPTIONS) creer.option(flag, description);
  creer
    .option('--adresse <ligne>', 'ligne d’adresse postale, répétable (1 à 3)', collect)
    .option('--contact-nom <nom>', 'contact e-SAV désigné : nom')
    .option('--contact-fonction <fonction>', 'contact e-SAV désigné : fonction')
    .option('--contact-telephone <numéro>', 'contact e-SAV désigné : téléphone')
    .option('--contact-email <adresse>', 'contact e-SAV désigné : e-mail')
    .addOption(new Option('--acces <accès>', 'accès demandé').choices(ACCES_DEMANDES))
    .addOption(agentOption())
    .action(async (o: Record<string, any>, command: Command) => {
      const agent = agentOf(o, env);
      let form: Record<string, unknown> = {};
      if (o.fichier !== undefined) {
        try {
          const parsed: unknown = YAML.parse(readFile('--fichier', o.fichier as string));
          if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) usage(`--fichier ${o.fichier} : un objet YAML/JSON (champ: valeur) est attendu`);
          form = parsed as Record<string, unknown>;
        } catch (error) {
          if (error instanceof CommanderError) throw error;
          usage(`--fichier ${o.fichier} : YAML/JSON illisible (${(error as Error).message.split('\n')[0]})`);
        }
      }
      for (const [flag, field] of ORDER_FORM_OPTIONS) {
        const key = flag.slice(2).split(' ')[0]!.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
        if (o[key] !== undefined) form[field] = o[key];
      }
      if (o.adresse !== undefined) form.adresse = o.adresse;
      if (o.acces !== undefined) form.acces = o.acces;
      const contact = { nom: o.contactNom, fonction: o.contactFonction, telephone: o.contactTelephone, email: o.contactEmail };
      if (Object.values(contact).some((v) => v !== undefined)) {
        form.contactEsav = { ...((form.contactEsav as object | undefined) ?? {}), ...Object.fromEntries(Object.entries(contact).filter(([, v]) => v !== undefined)) };
      }
      const created = await op<OperatorJson>(command, 'onboardOperator', { body: { ...form, agent } });
      print(command, created, () => `opérateur ${created.code} créé (plateforme ${created.plateforme})\n${formatOperator(created)}`);
    });

  operateur
    .command('lister')
    .description('les opérateurs, leur plateforme et leurs certificats actifs')
    .action(async (_o: unknown, command: Command) => {
      const result = await op<{ operateurs: OperatorJson[] }>(command, 'listOperators');
      print(command, result, () => formatOperators(result.operateurs));
    });

  operateur
    .command('voir')
    .description('le bon de commande, la plateforme, les certificats et les domaines de recette réussis')
    .argument('<code>', 'code opérateur')
    .action(async (code: string, _o: unknown, command: Command) => {
      const found = await op<OperatorJson & { certificats: CertificateJson[]; domainesValides: string[] }>(command, 'getOperator', { params: { code } });
      print(command, found, () => formatOperator(found));
    });

  operateur
    .command('promouvoir')
    .description('promeut en production ; refusé sans recette réussie sur la plateforme d’intégration pour chaque domaine')
    .argument('<code>', 'code opérateur')
    .requiredOption('--domaine <domaine>', `domaine promu, répétable (${PROMOTION_DOMAINS.join(', ')})`, collectDomains)
    .addOption(agentOption())
    .action(async (code: string, o: { domaine: string[]; agent?: string }, command: Command) => {
      const agent = agentOf(o, env);
      const promoted = await op<OperatorJson>(command, 'promoteOperator', { params: { code }, body: { agent, domaines: o.domaine } });
      print(command, promoted, () => `${promoted.code} promu en production (${promoted.domainesProduction.join(', ')})`);
    });

  // `profil …`: src/admin-cli/lifecycle-commands.ts (issue 14).

  // ------------------------------------------------------------ certificat
  const certificat = program.command('certificat').description('certificats clients : émettre, enregistrer, révoquer, renouveler');

  /** --csr / --pkcs12 + password → the issuance fields of the API; and the files to write after. */
  const issuance = (o: Record<string, any>) => {
    if ((o.csr === undefined) === (o.pkcs12 === undefined)) usage('donner soit --csr <fichier.csr> (demande de l’opérateur), soit --pkcs12 <fichier.p12> (bi-clé générée)');
    assertWritable('--pkcs12', o.pkcs12 as string | undefined);
    assertWritable('--sortie', o.sortie as string | undefined);
    let motDePasse: string | undefined;
    if (o.motDePasseFichier !== undefined) {
      if (o.pkcs12 === undefined) usage('--mot-de-passe-fichier ne s’applique qu’à --pkcs12');
      motDePasse = readFile('--mot-de-passe-fichier', o.motDePasseFichier as string).split(/\r?\n/)[0];
    } else if (o.pkcs12 !== undefined && env.ESAV_PKCS12_PASSWORD) {
      motDePasse = env.ESAV_PKCS12_PASSWORD;
    }
    return {
      ...(o.csr !== undefined ? { csr: readFile('--csr', o.csr as string) } : { pkcs12: true }),
      ...(motDePasse !== undefined ? { motDePasse } : {}),
      ...(o.validiteJours !== undefined ? { validiteJours: o.validiteJours as number } : {}),
      ...(o.demandeLe !== undefined ? { demandeLe: o.demandeLe as string } : {}),
    };
  };
  const writeIssued = (o: Record<string, any>, result: IssuedJson): string[] => {
    const written: string[] = [];
    if (o.pkcs12 !== undefined && result.pkcs12) {
      writeNewFile('--pkcs12', o.pkcs12 as string, Buffer.from(result.pkcs12, 'base64'), 0o600);
      written.push(`PKCS#12 (clé privée + certificat + AC) : ${o.pkcs12 as string}`);
    }
    if (o.sortie !== undefined && result.certificat.pem) {
      writeNewFile('--sortie', o.sortie as string, result.certificat.pem, 0o644);
      written.push(`certificat (PEM) : ${o.sortie as string}`);
    }
    return written;
  };
  const issuanceOptions = (command: Command) =>
    command
      .option('--csr <fichier.csr>', 'demande PKCS#10 de l’opérateur (PEM) : la clé privée reste chez l’opérateur')
      .option('--pkcs12 <fichier.p12>', 'génère la bi-clé et écrit un PKCS#12 protégé par mot de passe (mode 0600)')
      .option('--mot-de-passe-fichier <fichier>', 'mot de passe du PKCS#12 (1re ligne du fichier, 12 caractères au moins ; ou ESAV_PKCS12_PASSWORD ; défaut : généré et affiché une fois)')
      .option('--sortie <fichier.pem>', 'écrit aussi le certificat émis (PEM)')
      .addOption(new Option('--validite-jours <n>', 'validité en jours (1 à 1095 ; défaut : ESAV_CERT_VALIDITY_DAYS de la passerelle)').argParser(parseInteger(1, 1095)))
      .addOption(new Option('--demande-le <date>', 'date de la demande de l’opérateur (préavis de 30 jours d’un changement de type de certificat ; défaut : maintenant)').argParser(parseAskedDate))
      .addOption(agentOption());

  issuanceOptions(
    certificat
      .command('emettre')
      .description('émet un certificat de l’AC du fournisseur lié à un opérateur et à un profil')
      .requiredOption('--operateur <code>', 'code opérateur')
      .requiredOption('--profil <profil>', 'profil accordé (voir : profil lister)'),
  ).action(async (o: Record<string, any>, command: Command) => {
    const agent = agentOf(o, env);
    const body = { agent, operateur: o.operateur as string, profil: o.profil as string, ...issuance(o) };
    const result = await op<IssuedJson>(command, 'issueCertificate', { body });
    const written = writeIssued(o, result);
    print(command, result, () => formatIssued(result, written));
  });

  issuanceOptions(
    certificat
      .command('renouveler')
      .description('émet le successeur d’un certificat (même opérateur, même profil) ; les deux restent valides jusqu’à l’expiration de l’ancien')
      .argument('<empreinte>', 'empreinte SHA-256 du certificat à renouveler (ou ses 8 premiers caractères au moins)'),
  ).action(async (fingerprint: string, o: Record<string, any>, command: Command) => {
    const agent = agentOf(o, env);
    const result = await op<IssuedJson>(command, 'renewCertificate', { params: { empreinte: fingerprint }, body: { agent, ...issuance(o) } });
    const written = writeIssued(o, result);
    print(command, result, () => formatIssued(result, written));
  });

  certificat
    .command('enregistrer')
    .description('enregistre le certificat d’une AC reconnue (dates, usage clientAuth, clé RSA ≥ 2048 / EC ≥ 256, chaîne de confiance vérifiés)')
    .requiredOption('--operateur <code>', 'code opérateur')
    .requiredOption('--profil <profil>', 'profil accordé')
    .requiredOption('--fichier <cert.pem>', 'certificat (PEM), suivi le cas échéant de ses AC intermédiaires')
    .addOption(new Option('--demande-le <date>', 'date de la demande de l’opérateur (préavis de 30 jours d’un changement de type de certificat)').argParser(parseAskedDate))
    .addOption(agentOption())
    .action(async (o: Record<string, any>, command: Command) => {
      const agent = agentOf(o, env);
      const body = {
        agent,
        operateur: o.operateur as string,
        profil: o.profil as string,
        pem: readFile('--fichier', o.fichier as string),
        ...(o.demandeLe !== undefined ? { demandeLe: o.demandeLe as string } : {}),
      };
      const result = await op<{ certificat: CertificateJson; avertissements: string[] }>(command, 'registerCertificate', { body });
      print(command, result, () =>
        [`certificat enregistré pour ${result.certificat.operateur} (profil ${result.certificat.profil}, ${result.certificat.origine})`, formatCertificate(result.certificat), ...warningLines(result.avertissements)].join('\n'),
      );
    });

  certificat
    .command('lister')
    .description('les certificats (de tous les opérateurs, ou d’un seul)')
    .option('--operateur <code>', 'code opérateur')
    .option('--actifs', 'seulement les certificats ni révoqués ni expirés')
    .action(async (o: { operateur?: string; actifs?: boolean }, command: Command) => {
      const query = { actifs: Boolean(o.actifs), operateur: o.operateur };
      const result = await op<{ certificats: CertificateJson[] }>(command, 'listCertificates', { query });
      print(command, result, () => formatCertificates(result.certificats));
    });

  certificat
    .command('voir')
    .description('détail d’un certificat')
    .argument('<empreinte>', 'empreinte SHA-256 (ou ses 8 premiers caractères au moins)')
    .option('--pem', 'affiche le certificat en PEM')
    .action(async (fingerprint: string, o: { pem?: boolean }, command: Command) => {
      const found = await op<CertificateJson>(command, 'getCertificate', { params: { empreinte: fingerprint } });
      print(command, found, () => (o.pem ? (found.pem ?? 'PEM non conservé').trimEnd() : formatCertificate(found)));
    });

  certificat
    .command('revoquer')
    .description('révoque tout de suite : nouvelles connexions refusées, connexions ouvertes fermées, sans redémarrage')
    .argument('<empreinte>', 'empreinte SHA-256 (ou ses 8 premiers caractères au moins)')
    .requiredOption('--motif <texte>', 'motif de la révocation')
    .addOption(agentOption())
    .action(async (fingerprint: string, o: { motif: string; agent?: string }, command: Command) => {
      const agent = agentOf(o, env);
      const result = await op<{ certificat: CertificateJson; connexionsFermees: number }>(command, 'revokeCertificate', {
        params: { empreinte: fingerprint },
        body: { agent, motif: o.motif },
      });
      print(command, result, () => `certificat ${result.certificat.empreinte} de ${result.certificat.operateur} révoqué (${result.connexionsFermees} connexion(s) ouverte(s) fermée(s))`);
    });

  certificat
    .command('profil')
    .description('lie le certificat à un autre profil (effet à la requête suivante)')
    .argument('<empreinte>', 'empreinte SHA-256 (ou ses 8 premiers caractères au moins)')
    .argument('<profil>', 'nouveau profil')
    .addOption(agentOption())
    .action(async (fingerprint: string, profile: string, o: { agent?: string }, command: Command) => {
      const agent = agentOf(o, env);
      const updated = await op<CertificateJson>(command, 'bindCertificateProfile', { params: { empreinte: fingerprint }, body: { agent, profil: profile } });
      print(command, updated, () => `certificat ${updated.empreinte} de ${updated.operateur} : profil ${updated.profil}`);
    });

  certificat
    .command('renouvellements')
    .description('les certificats à renouveler : AC du fournisseur 15 jours ouvrés avant l’expiration, AC reconnue 30 jours calendaires avant')
    .addOption(new Option('--dans <jours>', 'inclut ceux qui arrivent à échéance dans ce nombre de jours').argParser(parseInteger(0, 365)).default(0))
    .action(async (o: { dans: number }, command: Command) => {
      const result = await op<{ renouvellements: RenewalJson[] }>(command, 'listCertificateRenewals', { query: { dans: o.dans } });
      print(command, result, () => formatRenewals(result.renouvellements));
    });

  // ------------------------------------------------------------ ac
  const ac = program.command('ac').description('autorités de certification reconnues pour les certificats clients (effet sans redémarrage)');

  ac.command('lister')
    .description('les AC reconnues : de la configuration et ajoutées')
    .action(async (_o: unknown, command: Command) => {
      const result = await op<{ autorites: AuthorityJson[] }>(command, 'listAuthorities');
      print(command, result, () => formatAuthorities(result.autorites));
    });

  ac.command('ajouter')
    .description('reconnaît une AC (racine, ou intermédiaire d’une racine reconnue) : les nouvelles connexions l’acceptent aussitôt')
    .requiredOption('--fichier <ca.pem>', 'certificat de l’AC (PEM)')
    .addOption(agentOption())
    .action(async (o: { fichier: string; agent?: string }, command: Command) => {
      const agent = agentOf(o, env);
      const added = await op<AuthorityJson>(command, 'addAuthority', { body: { agent, pem: readFile('--fichier', o.fichier) } });
      print(command, added, () => `AC reconnue : ${added.sujet} (${added.empreinte})`);
    });

  ac.command('retirer')
    .description('ne reconnaît plus une AC ajoutée : les connexions qui en dépendent sont fermées')
    .argument('<empreinte>', 'empreinte SHA-256 de l’AC (ou ses 8 premiers caractères au moins)')
    .addOption(agentOption())
    .action(async (fingerprint: string, o: { agent?: string }, command: Command) => {
      const agent = agentOf(o, env);
      const removed = await op<AuthorityJson>(command, 'withdrawAuthority', { params: { empreinte: fingerprint }, body: { agent } });
      print(command, removed, () => `AC retirée : ${removed.sujet}`);
    });

  // ------------------------------------------------------------ audit
  program
    .command('audit')
    .description('le journal d’audit des actions du support (opérateurs, certificats, AC, promotions), les plus récentes d’abord')
    .option('--operateur <code>', 'code opérateur')
    .option('--certificat <empreinte>', 'empreinte SHA-256 complète')
    .addOption(new Option('--limite <n>', 'nombre maximum de lignes (1 à 1000)').argParser(parseInteger(1, 1000)).default(100))
    .action(async (o: { operateur?: string; certificat?: string; limite: number }, command: Command) => {
      const query = { limite: o.limite, operateur: o.operateur, certificat: o.certificat };
      const result = await op<{ evenements: AuditJson[] }>(command, 'listAuditEvents', { query });
      print(command, result, () => formatAudit(result.evenements));
    });
}
