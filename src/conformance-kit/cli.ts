#!/usr/bin/env node
// The conformance kit ("jeu de test e-SAV"): `npm run conformance -- …` or `esav-conformance …`
// (package.json "bin", once built). See docs/conformance.md.
//
// Exit codes: 0 passed · 1 a scenario failed (or the gateway did not validate a domain the kit
// passed) · 2 usage error · 3 could not run (gateway unreachable, certificate or campaign refused)
// · 4 incomplete (night window 321, maintenance 402: rerun later).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { ConformanceDomain } from '../domain/conformance.js';
import { DEFAULT_REPORTS_DIR, DEMO_DEFAULTS, KIT_DOMAINS, TYPES_RENDEZ_VOUS, withDefaults, type KitOptions, type TypeRendezVous } from './options.js';
import { EXIT, runConformance, type KitIo } from './runner.js';

function collectDomains(value: string, previous: ConformanceDomain[] | undefined): ConformanceDomain[] {
  const domains = [...(previous ?? [])];
  for (const part of value.split(',').map((v) => v.trim()).filter(Boolean)) {
    const domain = part === 'appointments' || part === 'rdv' ? 'rendezvous' : part;
    if (!(KIT_DOMAINS as readonly string[]).includes(domain)) throw new InvalidArgumentError(`domaine inconnu ${part} (parmi : ${KIT_DOMAINS.join(', ')})`);
    if (!domains.includes(domain as ConformanceDomain)) domains.push(domain as ConformanceDomain);
  }
  return domains;
}

function collectChamps(value: string, previous: Array<{ code: string; valeur: string }> | undefined) {
  const m = /^([A-Za-z0-9_]{1,64})=(.+)$/.exec(value);
  if (!m) throw new InvalidArgumentError('CODE=VALEUR attendu, ex. REF_PTO=PTO-75056-000123');
  return [...(previous ?? []), { code: m[1]!, valeur: m[2]! }];
}

const positive = (what: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${what} : nombre positif attendu`);
  return n;
};

function parseFormulaire(value: string): { idFormulaire: string; version: number } {
  const m = /^([A-Za-z0-9_]{1,64}):([1-9][0-9]{0,3})$/.exec(value);
  if (!m) throw new InvalidArgumentError('ID:VERSION attendu, ex. FTTH_PASSIF:1');
  return { idFormulaire: m[1]!, version: Number(m[2]) };
}

export function buildProgram(env: NodeJS.ProcessEnv, run: (options: KitOptions) => Promise<number>): Command {
  const program = new Command('esav-conformance')
    .description(
      'Jeu de test e-SAV : vérifie l’intégration d’un opérateur contre la passerelle (plateforme d’intégration),\n' +
        'écrit un rapport JUnit et un rapport HTML, et fait enregistrer l’exécution par la passerelle.',
    )
    .requiredOption('--url <url>', 'URL de base de la passerelle (port mTLS des opérateurs), ex. https://localhost:8443')
    .requiredOption('--operateur <code>', 'code opérateur (4 caractères), celui du certificat client')
    .option('--cert <fichier>', 'certificat client (PEM)')
    .option('--key <fichier>', 'clé privée du certificat client (PEM)')
    .option('--pkcs12 <fichier>', 'certificat client et clé en un fichier PKCS#12 (.p12/.pfx), à la place de --cert/--key')
    .option('--mot-de-passe <texte>', 'mot de passe du PKCS#12 (défaut : variable ESAV_CONFORMANCE_PASSWORD)')
    .option('--ca <fichier>', 'certificat de l’AC du serveur de la passerelle (PEM) ; défaut : les AC du système')
    .addOption(
      new Option('--domaines <liste>', `domaines à vérifier, séparés par des virgules ou répétés (${KIT_DOMAINS.join(', ')} ; défaut : tous)`).argParser(
        collectDomains,
      ),
    )
    .option('--rapports <dossier>', 'dossier des rapports junit.xml et rapport.html', DEFAULT_REPORTS_DIR)
    .option('--sans-enregistrement', 'ne pas soumettre l’exécution à la passerelle (pas de campagne, rien n’est enregistré)')
    .addOption(new Option('--delai-appel <s>', 'délai maximal d’un appel, en secondes').argParser(positive('--delai-appel')).default(30))
    // ---- scenario data
    .option('--prestation <id>', `ligne de test des signalisations et rendez-vous (défaut démo : ${DEMO_DEFAULTS.prestation})`)
    .option('--offre <code>', `offre de cette ligne (défaut : ${DEMO_DEFAULTS.offre} pour la ligne de démo, sinon lue dans les signalisations antérieures)`)
    .addOption(new Option('--formulaire <id:version>', 'formulaire du dépôt (défaut : la version en vigueur la plus récente remplissable)').argParser(parseFormulaire))
    .option('--defaut <code>', 'defautDeclare du dépôt (défaut : le premier de la nomenclature de l’offre)')
    .addOption(new Option('--champ <CODE=VALEUR>', 'champ du formulaire, répétable').argParser(collectChamps))
    .option('--id-demande-test <id>', 'test préalable KO, pour les offres qui l’exigent (faute 305)')
    .option('--prestation-test <id>', `ligne activée des tests (défaut démo : ${DEMO_DEFAULTS.prestationTest})`)
    .option('--type-test <type>', 'test à demander (défaut : le premier test de la ligne qui n’agit pas sur le réseau)')
    .addOption(new Option('--attente-test <s>', 'attente maximale du résultat d’un test, en secondes').argParser(positive('--attente-test')).default(120))
    .addOption(new Option('--intervalle-test <s>', 'intervalle entre deux consultations du résultat, en secondes').argParser(positive('--intervalle-test')).default(1))
    .addOption(new Option('--type-rendez-vous <type>', 'type de rendez-vous cherché').choices(TYPES_RENDEZ_VOUS).default('SAV'))
    .option('--signalisation <reference>', 'signalisation ouverte existante pour les rendez-vous (défaut : celle que dépose le passage)')
    .addOption(new Option('--jours-recherche <n>', 'jours à venir couverts par la recherche de créneaux').argParser(positive('--jours-recherche')).default(14))
    .option('--code-insee <code>', 'commune des créneaux Interop’Fibre (défaut : celle de la prestation)')
    .option('--siren <siren>', `SIREN de l’opérateur (en-têtes Interop’Fibre ; défaut démo : ${DEMO_DEFAULTS.sirenOC})`)
    .option('--siren-oi <siren>', `SIREN du fournisseur (défaut démo : ${DEMO_DEFAULTS.sirenOI})`)
    .exitOverride()
    .showHelpAfterError('(--help pour l’aide)')
    .addHelpText(
      'after',
      `
Exemples :
  npm run conformance -- --url https://localhost:8443 --operateur OPA1 \\
      --cert certs/dev/operators/OPA1.crt --key certs/dev/operators/OPA1.key --ca certs/dev/ca.crt
  npm run conformance -- --url https://localhost:8443 --operateur OPB2 --pkcs12 opb2.p12 --ca certs/dev/ca.crt \\
      --domaines signalisation,rendezvous,interop --prestation FI-2000-0001 --offre FTTH_PASSIF --siren 200000008

Codes de sortie : 0 réussi · 1 échec · 2 erreur d’utilisation · 3 exécution impossible (passerelle injoignable, certificat ou campagne refusés) · 4 incomplet (nuit, maintenance)`,
    )
    .action(async (o: Record<string, any>) => {
      const options = withDefaults({
        url: o.url,
        operatorCode: o.operateur,
        tls: {
          ...(o.cert !== undefined ? { cert: o.cert } : {}),
          ...(o.key !== undefined ? { key: o.key } : {}),
          ...(o.pkcs12 !== undefined ? { pfx: o.pkcs12 } : {}),
          ...((o.motDePasse ?? env.ESAV_CONFORMANCE_PASSWORD) !== undefined ? { passphrase: o.motDePasse ?? env.ESAV_CONFORMANCE_PASSWORD } : {}),
          ...(o.ca !== undefined ? { ca: o.ca } : {}),
        },
        domains: o.domaines ?? [...KIT_DOMAINS],
        reportsDir: o.rapports,
        record: !o.sansEnregistrement,
        callTimeoutMs: o.delaiAppel * 1000,
        ...(o.prestation !== undefined ? { prestation: o.prestation } : {}),
        ...(o.offre !== undefined ? { offre: o.offre } : {}),
        ...(o.formulaire !== undefined ? { formulaire: o.formulaire } : {}),
        ...(o.defaut !== undefined ? { defautDeclare: o.defaut } : {}),
        champs: o.champ ?? [],
        ...(o.idDemandeTest !== undefined ? { idDemandeTest: o.idDemandeTest } : {}),
        ...(o.prestationTest !== undefined ? { prestationTest: o.prestationTest } : {}),
        ...(o.typeTest !== undefined ? { typeTest: o.typeTest } : {}),
        testWaitMs: o.attenteTest * 1000,
        testPollMs: o.intervalleTest * 1000,
        typeRendezVous: o.typeRendezVous as TypeRendezVous,
        ...(o.signalisation !== undefined ? { referenceSignalisation: o.signalisation } : {}),
        searchDays: o.joursRecherche,
        ...(o.codeInsee !== undefined ? { codeInsee: o.codeInsee } : {}),
        ...(o.siren !== undefined ? { sirenOC: o.siren } : {}),
        ...(o.sirenOi !== undefined ? { sirenOI: o.sirenOi } : {}),
      });
      await run(options);
    });
  return program;
}

/** Runs the command line; resolves to the exit code. */
export async function runCli(argv: string[], io: Partial<KitIo> & { env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  const env = io.env ?? process.env;
  const kitIo: KitIo = {
    out: io.out ?? ((line) => process.stdout.write(`${line}\n`)),
    err: io.err ?? ((line) => process.stderr.write(`${line}\n`)),
  };
  let exitCode: number = EXIT.PASSED;
  const program = buildProgram(env, async (options) => {
    exitCode = (await runConformance(options, kitIo)).exitCode;
    return exitCode;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    // Commander has already written its message (or the help).
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.PASSED : EXIT.USAGE;
    kitIo.err(`erreur inattendue du jeu de test : ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.TECHNICAL;
  }
}

// Run when executed (node dist/src/conformance-kit/cli.js …, esav-conformance …), not when imported.
const withoutExtension = (file: string) => file.replace(/\.[cm]?[jt]s$/, '');
const realPath = (file: string) => {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
};
if (process.argv[1] && withoutExtension(realPath(process.argv[1])) === withoutExtension(fileURLToPath(import.meta.url))) {
  process.exitCode = await runCli(process.argv.slice(2));
}
