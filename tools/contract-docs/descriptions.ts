// What the code does not say in words: when each fault is answered and what each state means.
// Keyed by the code's own lists (FAULTS, ETATS), and checked complete by the generator: a fault
// code or a state added without its sentence here stops `npm run docs:contract` (and the test).
import type { FaultCode } from '../../src/domain/faults.js';
import type { Etat } from '../../src/domain/signalisation.js';

export const FAULT_WHEN: Readonly<Record<FaultCode, string>> = {
  100: "Corps HTTP qui n'est pas du XML bien formé ni une enveloppe SOAP 1.1 (une enveloppe SOAP 1.2 est refusée), ou construction interdite (DOCTYPE, entités).",
  101: "En-tête ou corps non conforme au schéma XSD de la version appelée ; `champ` donne le chemin du champ fautif depuis l'élément de l'opération (par ex. `deposerSignalisation/contactSite/telephone`).",
  102: "L'élément du Body ne désigne aucune opération du service appelé, ou le SOAPAction ne correspond pas à l'opération.",
  103: "Message au-delà des limites de taille, de profondeur ou de nombre d'éléments.",
  200: "Certificat client non enregistré pour un opérateur, expiré ou révoqué (un certificat non reconnu par la TLS mutuelle ne va pas jusque-là : la connexion est refusée).",
  201: "L'en-tête désigne un autre opérateur que celui du certificat (e-SAV : `codeOperateur` ; Interop'Fibre : SIREN de l'opérateur commercial).",
  202: "Le profil du certificat n'accorde pas l'opération appelée.",
  203: "Plateforme de production : l'opérateur n'y est pas (encore) promu pour le domaine de l'opération ; utiliser la plateforme d'intégration.",
  300: "`identifiantPrestation` inconnu pour l'opérateur appelant (même réponse que la prestation existe chez un autre opérateur ou nulle part).",
  301: "Offre inconnue, pas encore mise en place (avant sa `dateMiseEnPlace`) ou dont le canal web service n'est pas ouvert pour la signalisation.",
  302: "`formulaire{idFormulaire, version}` inconnu pour l'offre, pas encore en production, ou retiré (fin de coexistence passée).",
  303: "Champ de formulaire (`champs/champ`) obligatoire absent ou vide, inconnu, répété, ou de valeur non conforme au schéma de la version du formulaire ; `champ` vaut `champs/champ[code=<CODE>]`.",
  304: "Code hors de la nomenclature de l'offre (`defautDeclare`, `localisationPresumee`).",
  305: "L'offre exige un test préalable : `idDemandeTest` absent, inconnu sur la prestation, sans résultat, de verdict autre que KO, ou plus ancien que la validité fixée par l'offre.",
  310: "Signalisation inconnue pour l'opérateur appelant (par `referenceSignalisation` ou `referenceInterneOC`).",
  311: "Action refusée dans l'état actuel de la signalisation (par ex. compléter une signalisation close, prendre rendez-vous pour une signalisation rejetée).",
  312: "Signalisation close depuis plus de 90 jours calendaires, hors de la fenêtre d'historique.",
  320: "Créneau déjà réservé, inconnu ou passé ; rendez-vous inconnu de l'opérateur.",
  321: "Recherche de créneaux entre 01:00 et 04:00, heure de Paris : réessayer après 04:00.",
  330: "Aucun test pour l'offre de la prestation (offres passives), ou type de test non proposé pour cette offre.",
  331: "`idDemandeTest` inconnu pour l'opérateur appelant.",
  400: "Version du service retirée, pas encore en production ou inexistante, ou `versionWS` différente de la version du chemin appelé ; le libellé liste les versions en service et leurs chemins.",
  401: "Limite de requêtes par minute fixée pour l'opérateur dépassée ; `reessayerApres` donne les secondes jusqu'à la minute suivante.",
  402: "Fenêtre de maintenance (nocturne ou travaux annoncés) ; `reessayerApres` donne les secondes jusqu'à la fin prévue.",
  500: "Erreur technique : rien n'a été enregistré, la même requête peut être renouvelée.",
};

export const ETAT_MEANING: Readonly<Record<Etat, string>> = {
  EN_DEPOT: 'Déposée, recevabilité en cours d’étude.',
  EN_QUALIFICATION: 'Recevable, en attente de prise en charge par un technicien.',
  EN_COURS: 'En cours de traitement par le SAV.',
  GELE: "En attente d'une action de l'opérateur (information, accès au site ou rendez-vous) ; le délai de garantie est suspendu.",
  CLOS: 'Traitée et close (cause de clôture renseignée).',
  VALIDE: 'Traitée, avis de clôture envoyé.',
  CLOS_TABLEAU_DE_BORD: 'Classée au tableau de bord : plus modifiable.',
  EN_REJET: 'Non recevable (motif renseigné).',
};

export const ACTEUR_MEANING: Readonly<Record<string, string>> = {
  OPERATEUR: "l'opérateur, par web service (`completerSignalisation`, réservation d'un rendez-vous)",
  SAV: 'le SAV du fournisseur (back office)',
  SYSTEME: 'le système (règles automatiques, classement au tableau de bord)',
};
