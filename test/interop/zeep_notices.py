#!/usr/bin/python3
"""Interoperability check of consulterAvis (SignalisationService v2 only): Python zeep (strict) loads
the v2 WSDL as the gateway serves it at /ws/v2/signalisation?wsdl, binds the enteteRequete header,
and lists the provider's notices over mutual TLS; it also checks that the v1 WSDL has no such
operation.

    /usr/bin/python3 test/interop/zeep_notices.py --url https://localhost:8443 \
        --ca certs/dev/ca.crt --cert certs/dev/operators/OPB2.crt --key certs/dev/operators/OPB2.key \
        --operator OPB2 --expected AV-000002,AV-000001

Prints one line per check, then "zeep: N passed, M failed"; exits 0 only when every check passed.
"""

import argparse
import datetime
import sys

try:
    import zeep
except ImportError as error:  # pragma: no cover - reported by the caller
    print(f"zeep: cannot import zeep ({error}); install it with: apt-get update && apt-get install -y python3-zeep")
    sys.exit(2)

from zeep_harness import Runner, expect, expect_equal, finish, mtls_transport  # noqa: E402

COMMUN = "urn:esav:commun:v1"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--ca", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--operator", required=True)
    parser.add_argument("--expected", required=True, help="the references the caller must get, newest first, comma-separated")
    args = parser.parse_args(argv)
    base = args.url.rstrip("/")
    transport = mtls_transport(args.ca, args.cert, args.key)
    run = Runner()

    def entete():
        return {"enteteRequete": {"versionWS": "2", "horodatageRequete": datetime.datetime.now(datetime.timezone.utc), "codeOperateur": args.operator}}

    def load():
        client = zeep.Client(f"{base}/ws/v2/signalisation?wsdl", transport=transport, settings=zeep.Settings(strict=True))
        port = client.wsdl.services["SignalisationService"].ports["SignalisationPort"]
        expect_equal(type(port.binding).__name__, "Soap11Binding", "binding type")
        op = port.binding._operations["consulterAvis"]
        expect_equal(op.soapaction, "urn:esav:signalisation:v2:consulterAvis", "soapAction")
        header_qnames = [el.qname.text for _, el in op.input.header.type.elements] if op.input.header else []
        expect(f"{{{COMMUN}}}enteteRequete" in header_qnames, f"enteteRequete not bound ({header_qnames})")
        expect("erreurESAV" in op.faults, "fault erreurESAV not bound")
        return client.bind("SignalisationService", "SignalisationPort")

    service = run.check("v2 WSDL loaded (strict), consulterAvis bound with enteteRequete and erreurESAV", load)
    if service is None:
        return finish(run)

    def lister():
        result = service.consulterAvis(_soapheaders=entete())
        body = result.body
        notices = list(body or []) if isinstance(body, list) else list(getattr(body, "avis", None) or [])
        references = [n.reference for n in notices]
        expect_equal(references, args.expected.split(","), "references")
        for n in notices:
            expect(isinstance(n.datePublication, datetime.datetime), f"datePublication {n.datePublication!r}")
            expect(n.type in ("MAINTENANCE", "TRAVAUX_ESAV", "LIMITE_DEBIT", "CERTIFICAT", "VERSION_WEB_SERVICE", "VERSION_FORMULAIRE", "AUTRE"), f"type {n.type!r}")
            expect(isinstance(n.tousOperateurs, bool), "tousOperateurs")
            expect(n.titre and n.texte, "titre and texte")
        expect_equal(result.header.enteteReponse.versionWS, "2", "enteteReponse.versionWS")
        return ", ".join(references)

    run.check("consulterAvis: the notices concerning the caller, newest first", lister)

    def since():
        result = service.consulterAvis(publiesDepuis=datetime.datetime(2099, 1, 1, tzinfo=datetime.timezone.utc), _soapheaders=entete())
        body = result.body
        notices = list(body or []) if isinstance(body, list) else list(getattr(body, "avis", None) or [])
        expect_equal(notices, [], "notices published since 2099")

    run.check("consulterAvis publiesDepuis: none after that instant", since)

    def v1_has_none():
        client = zeep.Client(f"{base}/ws/v1/signalisation?wsdl", transport=transport, settings=zeep.Settings(strict=True))
        port = client.wsdl.services["SignalisationService"].ports["SignalisationPort"]
        expect("consulterAvis" not in port.binding._operations, "consulterAvis found in the v1 WSDL")

    run.check("v1 WSDL unchanged: no consulterAvis", v1_has_none)
    return finish(run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
