#!/usr/bin/python3
"""Interoperability check: Python zeep consumes the Interop'Fibre planChargeSavFtth WSDL served by
the e-SAV gateway (/ws/interop/planChargeSavFtth?wsdl, with the XSD it imports) and books an
appointment: search -> book -> consult -> report -> consult, plus a typed InfoErreurType fault.

Run with the system python, where the Debian package python3-zeep installs
(apt-get update && apt-get install -y python3-zeep):

    /usr/bin/python3 test/interop/zeep_plan_charge.py --url https://localhost:8443 \
        --ca certs/ca.crt --cert certs/operators/OPA1.crt --key certs/operators/OPA1.key \
        --siren-oc 100000009 --siren-oi 300000007 [--from 2026-11-03] [--published ../shared/interop/planChargeSavFtth.wsdl]

With --published, a second zeep client is generated from that WSDL file (the Interop'Fibre
publication) and pointed at the gateway: it searches, books and consults too. zeep runs in
strict mode (its default). Prints one line per check, then "zeep: N passed, M failed"; exits 0
only when every check passed.
"""

import argparse
import datetime
import re
import sys

try:
    import zeep
    from zeep.exceptions import Fault
except ImportError as error:  # pragma: no cover - reported by the caller
    print(f"zeep: cannot import zeep ({error}); install it with: apt-get update && apt-get install -y python3-zeep")
    sys.exit(2)

from zeep_harness import CheckFailed, Runner, expect, expect_equal, finish, mtls_transport  # noqa: E402

NS = "http://interop-fibre.fr"
SERVICE_PATH = "/ws/interop/planChargeSavFtth"
OPERATIONS = ("rechercheCreneauxLibres", "reservationCreneau", "reportRDV", "consultationRdv")
BINDING = f"{{{NS}}}PlanChargeFtthSavServiceSoapBinding"






def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="base URL of the gateway, e.g. https://localhost:8443")
    parser.add_argument("--ca", required=True, help="CA certificate (PEM) that issued the server certificate")
    parser.add_argument("--cert", required=True, help="client certificate (PEM) of the operator")
    parser.add_argument("--key", required=True, help="private key (PEM) of the client certificate")
    parser.add_argument("--siren-oc", required=True, help="SIREN of the operator (the certificate's)")
    parser.add_argument("--siren-oi", required=True, help="SIREN of the provider (infrastructure operator)")
    parser.add_argument("--code-insee", default="75056", help="a commune with demo capacity (default Paris, 75056)")
    parser.add_argument("--from", dest="start", help="first day searched (YYYY-MM-DD, Europe/Paris); default tomorrow")
    parser.add_argument("--published", help="the published WSDL file, for a second client generated from it")
    return parser.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    base = args.url.rstrip("/")
    wsdl_url = f"{base}{SERVICE_PATH}?wsdl"

    transport = mtls_transport(args.ca, args.cert, args.key)
    run = Runner()

    def entete(client):
        header = client.get_element(f"{{{NS}}}EnteteType")
        return [
            header(
                versionWS="1.0",
                horodatageRequete=datetime.datetime.now(datetime.timezone.utc),
                sirenOC=args.siren_oc,
                sirenOI=args.siren_oi,
            )
        ]

    if args.start:
        start = datetime.datetime.fromisoformat(f"{args.start}T00:00:00+01:00")
    else:
        start = datetime.datetime.now(datetime.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)

    def search_args(day_offset):
        return dict(
            typeIntervention="S",
            natureProduit="FTTH_ACCES",
            segmentMarche="GP",
            codeInsee=args.code_insee,
            dateDebut=start + datetime.timedelta(days=day_offset),
            dateFin=start + datetime.timedelta(days=day_offset + 7),
            defectPrelocalization="PTO",
        )

    # ---- WSDL -------------------------------------------------------------------------------
    def load_wsdl():
        client = zeep.Client(wsdl_url, transport=transport, settings=zeep.Settings(strict=True))
        service_def = client.wsdl.services.get("PlanChargeFtthSavService")
        expect(service_def is not None, f"service PlanChargeFtthSavService not in WSDL ({list(client.wsdl.services)})")
        port = service_def.ports.get("PlanChargeFtthSavPort")
        expect(port is not None, "port PlanChargeFtthSavPort not in WSDL")
        expect_equal(type(port.binding).__name__, "Soap11Binding", "binding type")
        operations = sorted(port.binding._operations)
        for name in OPERATIONS:
            expect(name in operations, f"operation {name} missing (found {operations})")
            op = port.binding._operations[name]
            expect_equal(op.soapaction or "", "", f"soapAction of {name}")
            header_qnames = [el.qname.text for _, el in op.input.header.type.elements] if op.input.header else []
            expect(f"{{{NS}}}EnteteType" in header_qnames, f"{name}: input soap:header EnteteType not bound ({header_qnames})")
        address = port.binding_options["address"]
        expect(address.startswith("https://") and address.endswith(SERVICE_PATH), f"soap:address {address!r}")
        return client, client.bind("PlanChargeFtthSavService", "PlanChargeFtthSavPort")

    loaded = run.check(f"WSDL {wsdl_url} loaded (strict) with its XSD, SOAP 1.1 binding, four operations, EnteteType header bound", load_wsdl)
    if loaded is None:
        return finish(run)
    client, service = loaded

    def erreur_of(fault, owner):
        expect(fault.detail is not None, f"Fault without detail: {fault.message!r}")
        node = fault.detail.find(f"{{{NS}}}InfoErreurType")
        expect(node is not None, f"detail has no {{{NS}}}InfoErreurType child: {[child.tag for child in fault.detail]}")
        return owner.get_element(f"{{{NS}}}InfoErreurType").parse(node, owner.wsdl.types)

    def journey(owner, proxy, label, day_offset):
        state = {}

        def search():
            result = proxy.rechercheCreneauxLibres(**search_args(day_offset), _soapheaders=entete(owner))
            body, header = result.body, result.header
            slots = body.listeCreneau.occCreneau or []
            expect(len(slots) >= 2, f"{len(slots)} slot(s) offered")
            for slot in slots:
                expect(re.fullmatch(r"CR-\d+", slot.idOI or ""), f"idOI {slot.idOI!r}")
                expect(isinstance(slot.dateDebut, datetime.datetime) and slot.dateDebut < slot.dateFin, f"slot {slot.dateDebut!r}-{slot.dateFin!r}")
            expect(header is not None and header.EnteteType is not None, "EnteteType header missing from the response")
            expect_equal(header.EnteteType.sirenOC, args.siren_oc, "EnteteType.sirenOC")
            expect_equal(header.EnteteType.sirenOI, args.siren_oi, "EnteteType.sirenOI")
            expect(isinstance(header.EnteteType.horodatageReponse, datetime.datetime), "EnteteType.horodatageReponse")
            state["slots"] = slots
            return f"{len(slots)} slots"

        run.check(f"{label}: rechercheCreneauxLibres gives free slots (idOI) and the EnteteType header", search)
        if "slots" not in state:
            return

        def book():
            slot = state["slots"][0]
            body = proxy.reservationCreneau(natureProduit="FTTH_ACCES", segmentMarche="GP", codeInsee=args.code_insee, idCreneau=slot.idOI, _soapheaders=entete(owner)).body
            expect(re.fullmatch(r"RDV-\d{10}", body.idRendezvous or ""), f"idRendezvous {body.idRendezvous!r}")
            state["rdv"] = body.idRendezvous
            return body.idRendezvous

        run.check(f"{label}: reservationCreneau with the idOI as idCreneau", book)
        if "rdv" not in state:
            return

        def consult():
            body = proxy.consultationRdv(idRendezVous=state["rdv"], _soapheaders=entete(owner)).body
            expect_equal(body.idRendezVous, state["rdv"], "idRendezVous")
            expect_equal(body.dateDebut, state["slots"][0].dateDebut, "dateDebut")
            expect_equal(body.codeInsee, args.code_insee, "codeInsee")
            expect_equal(body.typeIntervention, "S", "typeIntervention")
            expect_equal(body.statutRendezVous, "CREE", "statutRendezVous")

        run.check(f"{label}: consultationRdv returns the booked appointment", consult)

        def taken():
            slot = state["slots"][0]
            try:
                proxy.reservationCreneau(natureProduit="FTTH_ACCES", segmentMarche="GP", codeInsee=args.code_insee, idCreneau=slot.idOI, _soapheaders=entete(owner))
            except Fault as fault:
                erreur = erreur_of(fault, owner)
                expect_equal(erreur.codeErreur, 320, "InfoErreurType.codeErreur")
                expect(erreur.messageErreur, "InfoErreurType.messageErreur empty")
                expect(fault.code and fault.code.endswith("Client"), f"faultcode {fault.code!r}")
                return
            raise CheckFailed("the slot was booked twice")

        run.check(f"{label}: booking the same slot again raises Fault InfoErreurType 320", taken)

    journey(client, service, "project WSDL", 0)

    # ---- report -----------------------------------------------------------------------------
    def report():
        slots = service.rechercheCreneauxLibres(**search_args(7), _soapheaders=entete(client)).body.listeCreneau.occCreneau or []
        expect(len(slots) >= 2, f"{len(slots)} slot(s) offered")
        booked = service.reservationCreneau(natureProduit="FTTH_ACCES", segmentMarche="GP", codeInsee=args.code_insee, idCreneau=slots[0].idOI, _soapheaders=entete(client)).body
        service.reportRDV(
            typeIntervention="S",
            natureProduit="FTTH_ACCES",
            segmentMarche="GP",
            codeInsee=args.code_insee,
            idRendezvous=booked.idRendezvous,
            natureReport="REPORT_RDV_RESERVE",
            idCreneau=slots[1].idOI,
            _soapheaders=entete(client),
        )
        moved = service.consultationRdv(idRendezVous=booked.idRendezvous, _soapheaders=entete(client)).body
        expect_equal(moved.dateDebut, slots[1].dateDebut, "dateDebut after reportRDV")
        again = [s.idOI for s in (service.rechercheCreneauxLibres(**search_args(7), _soapheaders=entete(client)).body.listeCreneau.occCreneau or [])]
        expect(slots[0].idOI in again, "the old slot is not free again")

    run.check("reportRDV (empty response) moves the appointment; the old slot is free again", report)

    def unknown():
        try:
            service.consultationRdv(idRendezVous="RDV-9999999999", _soapheaders=entete(client))
        except Fault as fault:
            expect_equal(erreur_of(fault, client).codeErreur, 320, "InfoErreurType.codeErreur")
            return
        raise CheckFailed("no Fault raised")

    run.check("consultationRdv of an unknown appointment raises Fault InfoErreurType 320", unknown)

    # ---- the published WSDL -----------------------------------------------------------------
    if args.published:
        def load_published():
            published = zeep.Client(args.published, transport=transport, settings=zeep.Settings(strict=True))
            return published, published.create_service(BINDING, f"{base}{SERVICE_PATH}")

        loaded_published = run.check(f"published WSDL {args.published} loaded (strict), pointed at the gateway", load_published)
        if loaded_published is not None:
            journey(loaded_published[0], loaded_published[1], "published WSDL", 14)

    return finish(run)



if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
