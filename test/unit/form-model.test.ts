// The form model of a catalogue form version (issue 13, point 3): each field's type, admitted
// values, patterns, lengths, bounds and help text, derived from the version's XSD in schema order
// — what the portal's deposit page generates its inputs from. The real catalogue, then a schema
// using every kind of field a form can meet.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CATALOG_DIR } from '../../src/adapters/paths.js';
import { CatalogueError, loadCatalogue } from '../../src/adapters/catalogue/catalogue-files.js';
import type { FormVersion } from '../../src/domain/catalogue.js';
import { thrown } from './_support/soap-messages.js';

const catalogue = loadCatalogue(CATALOG_DIR);
const form = (id: string, version: number): FormVersion => catalogue.offers.get(id)!.formulaires.find((f) => f.version === version)!;

describe('the catalogue forms', () => {
  test('FTTH_PASSIF v2: types, patterns and lengths from the named simple types, in schema order', () => {
    expect(form('FTTH_PASSIF', 2).champs).toEqual([
      {
        code: 'REF_PTO',
        libelle: 'Référence de la prise terminale optique',
        obligatoire: true,
        type: 'text',
        typeXsd: 'token',
        espaces: 'collapse',
        motifs: [['PTO-[0-9]{5}-[0-9]{6}']],
      },
      {
        code: 'ROUTE_OPTIQUE',
        libelle: 'Route optique (PM, câble, tube, fibre)',
        obligatoire: false,
        type: 'text',
        typeXsd: 'token',
        espaces: 'collapse',
        motifs: [['[^/]+(/[^/]+){3}']],
        longueurMax: 100,
      },
    ]);
  });

  test('every field of every catalogue form has a type and its facets', () => {
    for (const offer of catalogue.offers.values()) {
      for (const f of offer.formulaires) {
        for (const c of f.champs) {
          expect(c.type).toBe('text');
          expect(c.typeXsd).toBe('token');
          expect(c.motifs?.length ?? 0).toBeGreaterThan(0);
        }
      }
    }
  });
});

const RICH_XSD = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:f="urn:esav:formulaire:CUIVRE_DEGROUPAGE:v1"
           targetNamespace="urn:esav:formulaire:CUIVRE_DEGROUPAGE:v1" elementFormDefault="qualified">
  <xs:simpleType name="Designation">
    <xs:annotation>
      <xs:documentation>Designation number (developers' note, not shown)</xs:documentation>
      <xs:documentation xml:lang="fr">10 chiffres commençant par 0, par exemple 0140000001.</xs:documentation>
    </xs:annotation>
    <xs:restriction base="xs:token"><xs:pattern value="0[1-9][0-9]{8}"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="DesignationParis">
    <xs:restriction base="f:Designation"><xs:pattern value="01.*"/><xs:pattern value="09.*"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="Etage">
    <xs:restriction base="xs:integer"><xs:minInclusive value="-5"/><xs:maxExclusive value="100"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="EtageBas">
    <xs:restriction base="f:Etage"><xs:maxInclusive value="10"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="TypeLocal">
    <xs:restriction base="xs:token">
      <xs:enumeration value="APPARTEMENT"><xs:annotation><xs:documentation xml:lang="fr">Appartement</xs:documentation></xs:annotation></xs:enumeration>
      <xs:enumeration value="MAISON"><xs:annotation><xs:documentation xml:lang="fr">Maison individuelle</xs:documentation></xs:annotation></xs:enumeration>
      <xs:enumeration value="LOCAL_PRO"/>
    </xs:restriction>
  </xs:simpleType>
  <xs:element name="champs">
    <xs:complexType>
      <xs:all>
        <xs:element name="NUMERO_DESIGNATION" type="f:DesignationParis" minOccurs="1">
          <xs:annotation><xs:documentation xml:lang="fr">Numéro de désignation de la ligne</xs:documentation></xs:annotation>
        </xs:element>
        <xs:element name="TYPE_LOCAL" type="f:TypeLocal" minOccurs="0">
          <xs:annotation><xs:documentation xml:lang="fr">Type de local</xs:documentation></xs:annotation>
        </xs:element>
        <xs:element name="ETAGE" type="f:EtageBas" minOccurs="0">
          <xs:annotation><xs:documentation xml:lang="fr">Étage</xs:documentation><xs:documentation xml:lang="fr">Négatif pour un sous-sol.</xs:documentation></xs:annotation>
        </xs:element>
        <xs:element name="NB_PRISES" type="xs:positiveInteger" minOccurs="0">
          <xs:annotation><xs:documentation xml:lang="fr">Nombre de prises</xs:documentation></xs:annotation>
        </xs:element>
        <xs:element name="ATTENUATION" minOccurs="0">
          <xs:annotation><xs:documentation xml:lang="fr">Atténuation mesurée (dB)</xs:documentation></xs:annotation>
          <xs:simpleType><xs:restriction base="xs:decimal"><xs:minExclusive value="0"/><xs:totalDigits value="5"/><xs:fractionDigits value="2"/></xs:restriction></xs:simpleType>
        </xs:element>
        <xs:element name="DATE_CONSTAT" type="xs:date" minOccurs="0">
          <xs:annotation><xs:documentation xml:lang="fr">Date du constat</xs:documentation></xs:annotation>
        </xs:element>
        <xs:element name="DEBUT_COUPURE" type="xs:dateTime" minOccurs="0">
          <xs:annotation><xs:documentation xml:lang="fr">Début de la coupure</xs:documentation></xs:annotation>
        </xs:element>
        <xs:element name="HEURE_ACCES" type="xs:time" minOccurs="0">
          <xs:annotation><xs:documentation xml:lang="fr">Heure d'accès</xs:documentation></xs:annotation>
        </xs:element>
        <xs:element name="GARDIEN" type="xs:boolean" minOccurs="0">
          <xs:annotation><xs:documentation xml:lang="fr">Gardien présent</xs:documentation></xs:annotation>
        </xs:element>
        <xs:element name="REMARQUE" minOccurs="0">
          <xs:annotation><xs:documentation xml:lang="fr">Remarque</xs:documentation></xs:annotation>
          <xs:simpleType><xs:restriction base="xs:string"><xs:minLength value="2"/><xs:maxLength value="80"/></xs:restriction></xs:simpleType>
        </xs:element>
        <xs:element name="CODE_SITE" minOccurs="0">
          <xs:annotation><xs:documentation xml:lang="fr">Code du site</xs:documentation></xs:annotation>
          <xs:simpleType><xs:restriction base="xs:normalizedString"><xs:length value="6"/></xs:restriction></xs:simpleType>
        </xs:element>
      </xs:all>
    </xs:complexType>
  </xs:element>
</xs:schema>
`;

describe('a schema with every kind of field', () => {
  let dir: string;
  let f: FormVersion;
  const xsdFile = () => path.join(dir, 'formulaires', 'CUIVRE_DEGROUPAGE', 'v1.xsd');
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esav-form-model-'));
    fs.cpSync(CATALOG_DIR, dir, { recursive: true });
    fs.writeFileSync(xsdFile(), RICH_XSD);
    f = loadCatalogue(dir).offers.get('CUIVRE_DEGROUPAGE')!.formulaires[0]!;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const field = (code: string) => f.champs.find((c) => c.code === code)!;

  test('fields in schema order', () => {
    expect(f.champs.map((c) => c.code)).toEqual([
      'NUMERO_DESIGNATION', 'TYPE_LOCAL', 'ETAGE', 'NB_PRISES', 'ATTENUATION', 'DATE_CONSTAT', 'DEBUT_COUPURE', 'HEURE_ACCES', 'GARDIEN', 'REMARQUE', 'CODE_SITE',
    ]);
  });

  test('patterns of each restriction step are kept as groups; help text is the type\'s French documentation', () => {
    expect(field('NUMERO_DESIGNATION')).toEqual({
      code: 'NUMERO_DESIGNATION',
      libelle: 'Numéro de désignation de la ligne',
      obligatoire: true,
      type: 'text',
      typeXsd: 'token',
      espaces: 'collapse',
      motifs: [['01.*', '09.*'], ['0[1-9][0-9]{8}']],
      aide: '10 chiffres commençant par 0, par exemple 0140000001.',
    });
  });

  test('an enumeration: its values with their French documentation, else the value', () => {
    expect(field('TYPE_LOCAL')).toMatchObject({
      type: 'enumeration',
      typeXsd: 'token',
      valeurs: [
        { code: 'APPARTEMENT', libelle: 'Appartement' },
        { code: 'MAISON', libelle: 'Maison individuelle' },
        { code: 'LOCAL_PRO', libelle: 'LOCAL_PRO' },
      ],
    });
  });

  test('integer bounds: the most derived facet of each side wins; help from a second French documentation', () => {
    expect(field('ETAGE')).toMatchObject({
      type: 'integer',
      typeXsd: 'integer',
      min: { valeur: '-5', inclus: true },
      max: { valeur: '10', inclus: true },
      aide: 'Négatif pour un sous-sol.',
    });
    expect(field('ETAGE').libelle).toBe('Étage');
    expect(field('NB_PRISES')).toMatchObject({ type: 'integer', typeXsd: 'positiveInteger', min: { valeur: '1', inclus: true } });
    expect(field('NB_PRISES').max).toBeUndefined();
  });

  test('decimal, date, dateTime, time, boolean, strings', () => {
    expect(field('ATTENUATION')).toMatchObject({ type: 'decimal', min: { valeur: '0', inclus: false }, chiffresMax: 5, decimalesMax: 2 });
    expect(field('DATE_CONSTAT')).toMatchObject({ type: 'date', typeXsd: 'date' });
    expect(field('DEBUT_COUPURE')).toMatchObject({ type: 'dateTime' });
    expect(field('HEURE_ACCES')).toMatchObject({ type: 'time' });
    expect(field('GARDIEN')).toMatchObject({ type: 'boolean' });
    expect(field('REMARQUE')).toMatchObject({ type: 'text', typeXsd: 'string', espaces: 'preserve', longueurMin: 2, longueurMax: 80 });
    expect(field('CODE_SITE')).toMatchObject({ type: 'text', espaces: 'replace', longueurMin: 6, longueurMax: 6 });
    expect(field('DATE_CONSTAT').aide).toBeUndefined();
  });

  test('the model agrees with the schema the gateway checks values with', () => {
    expect(() => f.checkChamps([{ code: 'NUMERO_DESIGNATION', valeur: '0140000001' }, { code: 'ETAGE', valeur: '10' }, { code: 'TYPE_LOCAL', valeur: 'MAISON' }])).not.toThrow();
    expect(thrown(() => f.checkChamps([{ code: 'NUMERO_DESIGNATION', valeur: '0240000001' }]))).toMatchObject({ code: 303 });
    expect(thrown(() => f.checkChamps([{ code: 'NUMERO_DESIGNATION', valeur: '0140000001' }, { code: 'ETAGE', valeur: '11' }]))).toMatchObject({
      code: 303,
      champ: 'champs/champ[code=ETAGE]',
    });
    expect(thrown(() => f.checkChamps([{ code: 'NUMERO_DESIGNATION', valeur: '0140000001' }, { code: 'ATTENUATION', valeur: '0' }]))).toMatchObject({ code: 303 });
  });

  test('a type derived from itself is refused with its line', () => {
    fs.writeFileSync(
      xsdFile(),
      RICH_XSD.replace('<xs:restriction base="xs:integer"><xs:minInclusive value="-5"/>', '<xs:restriction base="f:EtageBas"><xs:minInclusive value="-5"/>'),
    );
    const error = thrown(() => loadCatalogue(dir));
    expect(error).toBeInstanceOf(CatalogueError);
    expect((error as Error).message).toMatch(/v1\.xsd:\d+: champ ETAGE : type défini par lui-même/);
    fs.writeFileSync(xsdFile(), RICH_XSD);
  });
});
