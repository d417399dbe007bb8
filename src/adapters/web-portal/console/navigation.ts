// The console's navigation (decision 0021). A page family added later (profiles, prestations
// import, capacity, CRL sources…) adds its entry here, in the order staff read it.
/** An entry of the console's navigation (the shape of render.ts's NavEntry). */
interface NavEntry {
  href: string;
  label: string;
}

export const CONSOLE_NAVIGATION: readonly NavEntry[] = [
  { href: '/console', label: 'Tableau de bord' },
  { href: '/console/signalisations', label: 'Signalisations' },
  { href: '/console/operateurs', label: 'Opérateurs' },
  { href: '/console/prestations', label: 'Prestations' },
  { href: '/console/certificats', label: 'Certificats' },
  { href: '/console/autorites', label: 'Autorités' },
  { href: '/console/profils', label: 'Profils' },
  { href: '/console/lcr', label: 'Listes de révocation' },
  { href: '/console/travaux', label: 'Travaux' },
  { href: '/console/capacite', label: 'Capacité' },
  { href: '/console/notifications', label: 'Notifications' },
  { href: '/console/exploitation', label: 'Exploitation' },
  { href: '/console/avis', label: 'Avis aux opérateurs' },
  { href: '/console/volumetrie', label: 'Volumétrie' },
  { href: '/console/audit', label: 'Journal d’audit' },
  { href: '/console/support', label: 'Comptes du support' },
];
