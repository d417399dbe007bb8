#!/usr/bin/python3
"""Interoperability check: Python zeep consumes the WSDL served by the e-SAV gateway and calls it.

Run with the system python, where the Debian package python3-zeep installs
(apt-get update && apt-get install -y python3-zeep):

    /usr/bin/python3 test/interop/zeep_client.py --url https://localhost:8443 \
        --ca certs/ca.crt --cert certs/operators/OPA1.crt --key certs/operators/OPA1.key --operator OPA1

The WSDL (and the XSDs it imports by relative URL) is loaded over mutual TLS through zeep's
Transport with a requests.Session; zeep runs in strict mode (its default). Prints one line per
check, then "zeep: N passed, M failed"; exits 0 only when every check passed.
"""

import argparse
import datetime
import re
import sys
import uuid

try:
    import zeep
    from zeep.exceptions import Fault, ValidationError
except ImportError as error:  # pragma: no cover - reported by the caller
    print(f"zeep: cannot import zeep ({error}); install it with: apt-get update && apt-get install -y python3-zeep")
    sys.exit(2)

from zeep_harness import CheckFailed, Runner, expect, expect_equal, finish, mtls_transport  # noqa: E402

COMMUN = "urn:esav:commun:v1"
SERVICE_PATH = "/ws/v1/signalisation"



SIGNALISATION_OPERATIONS = (
    "consulterCatalogue",
    "deposerSignalisation",
    "consulterEtatSignalisation",
    "consulterDetailSignalisation",
    "listerSignalisations",
    "consulterHistorique",
    "completerSignalisation",
)





def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="base URL of the gateway, e.g. https://localhost:8443")
    parser.add_argument("--ca", required=True, help="CA certificate (PEM) that issued the server certificate")
    parser.add_argument("--cert", required=True, help="client certificate (PEM) of the operator")
    parser.add_argument("--key", required=True, help="private key (PEM) of the client certificate")
    parser.add_argument("--operator", default="OPA1", help="codeOperateur sent in enteteRequete (default OPA1)")
    parser.add_argument("--prestation", default="FI-1000-0001", help="a prestation of the operator (demo data)")
    parser.add_argument("--foreign-prestation", default="FI-2000-0001", help="a prestation of another operator (demo data)")
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    base = args.url.rstrip("/")
    wsdl_url = f"{base}{SERVICE_PATH}?wsdl"

    transport = mtls_transport(args.ca, args.cert, args.key)

    run = Runner()
    correlation = f"zeep-{uuid.uuid4().hex[:12]}"

    def entete(**extra):
        header = {
            "versionWS": "1",
            "horodatageRequete": datetime.datetime.now(datetime.timezone.utc),
            "codeOperateur": args.operator,
        }
        header.update(extra)
        return {"enteteRequete": header}

    # ---- WSDL -------------------------------------------------------------------------------
    def load_wsdl():
        settings = zeep.Settings(strict=True)
        client = zeep.Client(wsdl_url, transport=transport, settings=settings)
        service_def = client.wsdl.services.get("SignalisationService")
        expect(service_def is not None, f"service SignalisationService not in WSDL (services: {list(client.wsdl.services)})")
        port = service_def.ports.get("SignalisationPort")
        expect(port is not None, "port SignalisationPort not in WSDL")
        expect_equal(type(port.binding).__name__, "Soap11Binding", "binding type")
        operations = sorted(port.binding._operations)
        for name in SIGNALISATION_OPERATIONS:
            expect(name in operations, f"operation {name} missing (found {operations})")
        address = port.binding_options["address"]
        expect(address.startswith("https://") and address.endswith(SERVICE_PATH), f"soap:address {address!r}")
        for name in SIGNALISATION_OPERATIONS:
            op = port.binding._operations[name]
            expect_equal(op.soapaction, f"urn:esav:signalisation:v1:{name}", f"soapAction of {name}")
            header_qnames = [el.qname.text for _, el in op.input.header.type.elements] if op.input.header else []
            expect(f"{{{COMMUN}}}enteteRequete" in header_qnames, f"{name}: input soap:header enteteRequete not bound ({header_qnames})")
            expect("erreurESAV" in op.faults, f"{name}: fault erreurESAV not bound ({list(op.faults)})")
        # Call the address the WSDL advertises (rewritten by the gateway with the URL it was reached on).
        return client, client.bind("SignalisationService", "SignalisationPort")

    loaded = run.check(f"WSDL {wsdl_url} loaded (strict), SOAP 1.1 binding, operations, enteteRequete header bound", load_wsdl)
    if loaded is None:
        return finish(run)
    client, service = loaded

    # ---- deposit ----------------------------------------------------------------------------
    reference_interne = f"ZEEP-{uuid.uuid4().hex[:16]}"
    deposit = {
        "offre": "FTTH_PASSIF",
        "identifiantPrestation": args.prestation,
        "formulaire": {"idFormulaire": "FTTH_PASSIF", "version": 1},
        "defautDeclare": "INTERRUPTION_TOTALE",
        "impact": "TOTAL",
        "localisationPresumee": "PTO",
        "referenceInterneOC": reference_interne,
        "contactSite": {"nom": "Mme Durand", "telephone": "0612345678"},
        "contactOC": {"nom": "Supervision OPA", "telephone": "0100000000", "email": "sav@opa.example"},
        "commentaire": "Plus de synchro depuis ce matin (zeep)",
    }

    def deposer():
        result = service.deposerSignalisation(**deposit, _soapheaders=entete(idCorrelation=correlation))
        # The output has a soap:header, so zeep returns {header, body}.
        body, header = result.body, result.header
        expect(re.fullmatch(r"SIG-\d{10}", body.referenceSignalisation or ""), f"referenceSignalisation {body.referenceSignalisation!r}")
        expect_equal(body.etat, "EN_DEPOT", "etat")
        expect(isinstance(body.dateHeurePriseEnCompte, datetime.datetime), f"dateHeurePriseEnCompte {body.dateHeurePriseEnCompte!r}")
        expect_equal(body.garantie.code, "GTR_STANDARD", "garantie.code")
        expect(header is not None and header.enteteReponse is not None, "enteteReponse header missing from the response")
        entete_reponse = header.enteteReponse
        expect_equal(entete_reponse.versionWS, "1", "enteteReponse.versionWS")
        expect_equal(entete_reponse.idCorrelation, correlation, "enteteReponse.idCorrelation")
        expect(entete_reponse.idRequete, "enteteReponse.idRequete empty")
        expect(isinstance(entete_reponse.horodatageReponse, datetime.datetime), "enteteReponse.horodatageReponse")
        return body.referenceSignalisation

    reference = run.check("deposerSignalisation: SIG reference, EN_DEPOT, GTR_STANDARD, enteteReponse echoes idCorrelation", deposer)

    if reference is not None:
        def etat_par_reference():
            body = service.consulterEtatSignalisation(referenceSignalisation=reference, _soapheaders=entete()).body
            expect_equal(body.referenceSignalisation, reference, "referenceSignalisation")
            expect_equal(body.referenceInterneOC, reference_interne, "referenceInterneOC")
            expect_equal(body.etat, "EN_DEPOT", "etat")
            expect(isinstance(body.dateEtat, datetime.datetime), f"dateEtat {body.dateEtat!r}")

        run.check("consulterEtatSignalisation by referenceSignalisation", etat_par_reference)

        def etat_par_reference_interne():
            # The same call, with the header built from the WSDL's element instead of a dict.
            header_element = client.get_element(f"{{{COMMUN}}}enteteRequete")
            header = header_element(
                versionWS="1",
                horodatageRequete=datetime.datetime.now(datetime.timezone.utc),
                codeOperateur=args.operator,
            )
            body = service.consulterEtatSignalisation(referenceInterneOC=reference_interne, _soapheaders=[header]).body
            expect_equal(body.referenceSignalisation, reference, "referenceSignalisation")
            expect_equal(body.etat, "EN_DEPOT", "etat")

        run.check("consulterEtatSignalisation by referenceInterneOC (header from get_element)", etat_par_reference_interne)

        def detail():
            s = service.consulterDetailSignalisation(referenceSignalisation=reference, _soapheaders=entete()).body.signalisation
            expect_equal(s.referenceSignalisation, reference, "referenceSignalisation")
            expect_equal(s.referenceInterneOC, reference_interne, "referenceInterneOC")
            expect_equal(s.etat, "EN_DEPOT", "etat")
            expect_equal(s.prestation.identifiantPrestation, args.prestation, "prestation.identifiantPrestation")
            expect_equal(s.prestation.offre, "FTTH_PASSIF", "prestation.offre")
            expect_equal(s.formulaire.idFormulaire, "FTTH_PASSIF", "formulaire.idFormulaire")
            expect_equal(int(s.formulaire.version), 1, "formulaire.version")
            expect_equal(s.defautDeclare, "INTERRUPTION_TOTALE", "defautDeclare")
            expect_equal(s.impact, "TOTAL", "impact")
            expect_equal(s.localisationPresumee, "PTO", "localisationPresumee")
            expect_equal(s.commentaire, deposit["commentaire"], "commentaire")
            expect_equal(s.contactSite.telephone, "0612345678", "contactSite.telephone")
            expect_equal(s.contactOC.email, "sav@opa.example", "contactOC.email")
            expect_equal(s.garantie.code, "GTR_STANDARD", "garantie.code")
            history = s.historique.changementEtat
            expect_equal(len(history), 1, "historique length")
            expect_equal(history[0].etat, "EN_DEPOT", "historique[0].etat")
            expect_equal(history[0].acteur, "OPERATEUR", "historique[0].acteur")

        run.check("consulterDetailSignalisation by referenceSignalisation", detail)

        def detail_par_reference_interne():
            s = service.consulterDetailSignalisation(referenceInterneOC=reference_interne, _soapheaders=entete()).body.signalisation
            expect_equal(s.referenceSignalisation, reference, "referenceSignalisation")

        run.check("consulterDetailSignalisation by referenceInterneOC", detail_par_reference_interne)

        def idempotent_retry():
            body = service.deposerSignalisation(**deposit, _soapheaders=entete()).body
            expect_equal(body.referenceSignalisation, reference, "referenceSignalisation of the retried deposit")

        run.check("deposerSignalisation retried with the same referenceInterneOC returns the same reference", idempotent_retry)

        def lister():
            body = service.listerSignalisations(etat=["EN_DEPOT", "EN_COURS"], taille=200, _soapheaders=entete()).body
            refs = [s.referenceSignalisation for s in (body.signalisation or [])]
            expect(reference in refs, f"{reference} not listed ({refs[:5]}…)")
            first = service.listerSignalisations(taille=1, _soapheaders=entete()).body
            expect(len(first.signalisation or []) == 1, "taille=1 gives one signalisation")
            if first.curseurSuivant:
                second = service.listerSignalisations(curseur=first.curseurSuivant, taille=1, _soapheaders=entete()).body
                expect(
                    not second.signalisation or second.signalisation[0].referenceSignalisation != first.signalisation[0].referenceSignalisation,
                    "the second page repeats the first",
                )

        run.check("listerSignalisations with repeated etat filters and keyset paging", lister)

        def completer():
            body = service.completerSignalisation(
                referenceSignalisation=reference, commentaire="Complément via zeep", _soapheaders=entete()
            ).body
            expect_equal(body.referenceSignalisation, reference, "referenceSignalisation")
            expect_equal(body.etat, "EN_DEPOT", "etat (not frozen: unchanged)")
            s = service.consulterDetailSignalisation(referenceSignalisation=reference, _soapheaders=entete()).body.signalisation
            texts = [c.texte for c in (s.commentaires.commentaire or [])]
            expect("Complément via zeep" in texts, f"comment not restituted ({texts})")

        run.check("completerSignalisation (choice of reference + comment) restituted in the detail", completer)

    def historique():
        now = datetime.datetime.now(datetime.timezone.utc)
        body = service.consulterHistorique(
            periode={"debut": now - datetime.timedelta(days=30), "fin": now + datetime.timedelta(days=1)}, _soapheaders=entete()
        ).body
        expect(body is not None, "empty answer")

    run.check("consulterHistorique with a periode", historique)

    def catalogue():
        body = service.consulterCatalogue(_soapheaders=entete()).body
        codes = sorted(o.code for o in body.offre)
        expect("FTTH_PASSIF" in codes and "LFO" in codes, f"offers {codes}")
        ftth = next(o for o in body.offre if o.code == "FTTH_PASSIF")
        expect(any(f.idFormulaire == "FTTH_PASSIF" and int(f.version) == 1 for f in ftth.formulaires.formulaire), "FTTH_PASSIF v1 form")
        defauts = [e.code for e in ftth.nomenclatures.defautDeclare.entree]
        expect("INTERRUPTION_TOTALE" in defauts, f"defautDeclare {defauts}")

    run.check("consulterCatalogue: offers, forms, nomenclatures", catalogue)

    # ---- faults -----------------------------------------------------------------------------
    erreur_element = client.get_element(f"{{{COMMUN}}}erreurESAV")

    def erreur_of(fault):
        """The erreurESAV of a zeep Fault, deserialised with the WSDL's own element."""
        expect(fault.detail is not None, f"Fault without detail: {fault.message!r} ({fault.code})")
        node = fault.detail.find(f"{{{COMMUN}}}erreurESAV")
        expect(node is not None, f"detail has no {{{COMMUN}}}erreurESAV child: {[child.tag for child in fault.detail]}")
        return erreur_element.parse(node, client.wsdl.types)

    def prestation_etrangere():
        foreign = dict(deposit, identifiantPrestation=args.foreign_prestation, referenceInterneOC=f"ZEEP-{uuid.uuid4().hex[:16]}")
        try:
            service.deposerSignalisation(**foreign, _soapheaders=entete())
        except Fault as fault:
            erreur = erreur_of(fault)
            expect_equal(erreur.code, 300, "erreurESAV.code")
            expect(erreur.libelle, "erreurESAV.libelle empty")
            expect(fault.code and fault.code.endswith("Client"), f"faultcode {fault.code!r} (expected soap:Client)")
            return
        raise CheckFailed("no Fault raised")

    run.check(f"deposerSignalisation on {args.foreign_prestation} (another operator's) raises Fault erreurESAV 300", prestation_etrangere)

    def mauvais_telephone():
        bad = dict(deposit, referenceInterneOC=f"ZEEP-{uuid.uuid4().hex[:16]}", contactSite={"nom": "Mme Durand", "telephone": "pas-un-numero"})
        try:
            service.deposerSignalisation(**bad, _soapheaders=entete())
        except ValidationError as error:
            return f"rejected client-side: {error}"
        except Fault as fault:
            erreur = erreur_of(fault)
            expect_equal(erreur.code, 101, "erreurESAV.code")
            expect(fault.code and fault.code.endswith("Client"), f"faultcode {fault.code!r} (expected soap:Client)")
            return f"rejected server-side: 101, champ={erreur.champ!r}"
        raise CheckFailed("the bad phone number was accepted")

    run.check("deposerSignalisation with a bad phone number is rejected", mauvais_telephone)

    def signalisation_inconnue():
        try:
            service.consulterEtatSignalisation(referenceSignalisation="SIG-9999999999", _soapheaders=entete())
        except Fault as fault:
            expect_equal(erreur_of(fault).code, 310, "erreurESAV.code")
            return
        raise CheckFailed("no Fault raised")

    run.check("consulterEtatSignalisation of an unknown reference raises Fault erreurESAV 310", signalisation_inconnue)

    return finish(run)



if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
